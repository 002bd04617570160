-- Carillon's schema on PostgreSQL. Keep in step with crates/carillon-store-sqlite/migrations: the
-- same version numbers, tables and columns (a test compares them).
--
-- Times are timestamptz (microsecond precision, which is what the API prints). Personal data
-- and API key secrets are bytea sealed by carillon-crypto's Cipher; `*_hash` columns hold its
-- keyed lookup hash for equality lookups.

CREATE TABLE services (
    id                      uuid        NOT NULL PRIMARY KEY,
    name                    text        NOT NULL UNIQUE,
    email_from              text        NOT NULL UNIQUE,
    active                  boolean     NOT NULL,
    restricted              boolean     NOT NULL,
    research_mode           boolean     NOT NULL,
    prefix_sms              boolean     NOT NULL,
    -- Permission names, in the order they were given.
    permissions             text[]      NOT NULL,
    rate_limit              bigint      NOT NULL,
    email_daily_limit       bigint      NOT NULL,
    sms_daily_limit         bigint      NOT NULL,
    email_annual_limit      bigint      NOT NULL,
    sms_annual_limit        bigint      NOT NULL,
    retention_days          integer     NOT NULL,
    default_language_french boolean     NOT NULL,
    created_at              timestamptz NOT NULL
);

CREATE TABLE api_keys (
    id           uuid        NOT NULL PRIMARY KEY,
    service_id   uuid        NOT NULL REFERENCES services (id),
    name         text        NOT NULL,
    key_type     text        NOT NULL CHECK (key_type IN ('normal', 'team', 'test')),
    secret       bytea       NOT NULL,
    secret_hash  bytea       NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_keys_service ON api_keys (service_id, created_at);

-- The current state of each template; every version, the current one included, is also in
-- template_versions, which is never updated.
CREATE TABLE templates (
    id                 uuid        NOT NULL PRIMARY KEY,
    service_id         uuid        NOT NULL REFERENCES services (id),
    name               text        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('email', 'sms')),
    subject            text,
    content            text        NOT NULL,
    version            integer     NOT NULL,
    archived           boolean     NOT NULL,
    process_type       text        NOT NULL CHECK (process_type IN ('priority', 'normal', 'bulk')),
    text_direction_rtl boolean     NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz,
    created_by         text
);
CREATE INDEX templates_service ON templates (service_id, created_at);

CREATE TABLE template_versions (
    template_id        uuid        NOT NULL REFERENCES templates (id),
    version            integer     NOT NULL,
    service_id         uuid        NOT NULL,
    name               text        NOT NULL,
    kind               text        NOT NULL,
    subject            text,
    content            text        NOT NULL,
    archived           boolean     NOT NULL,
    process_type       text        NOT NULL,
    text_direction_rtl boolean     NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz,
    created_by         text,
    PRIMARY KEY (template_id, version)
);

-- `seq` keeps the order senders were added in.
CREATE TABLE reply_tos (
    seq           bigint  GENERATED ALWAYS AS IDENTITY,
    id            uuid    NOT NULL PRIMARY KEY,
    service_id    uuid    NOT NULL REFERENCES services (id),
    email_address text    NOT NULL,
    is_default    boolean NOT NULL,
    archived      boolean NOT NULL
);
CREATE INDEX reply_tos_service ON reply_tos (service_id, seq);
CREATE UNIQUE INDEX reply_tos_one_default ON reply_tos (service_id) WHERE is_default;

CREATE TABLE sms_senders (
    seq        bigint  GENERATED ALWAYS AS IDENTITY,
    id         uuid    NOT NULL PRIMARY KEY,
    service_id uuid    NOT NULL REFERENCES services (id),
    sms_sender text    NOT NULL,
    is_default boolean NOT NULL,
    archived   boolean NOT NULL
);
CREATE INDEX sms_senders_service ON sms_senders (service_id, seq);
CREATE UNIQUE INDEX sms_senders_one_default ON sms_senders (service_id) WHERE is_default;

-- Recipients are personal data: sealed, with a lookup hash to check membership.
CREATE TABLE safelist (
    seq            bigint  GENERATED ALWAYS AS IDENTITY,
    id             uuid    NOT NULL PRIMARY KEY,
    service_id     uuid    NOT NULL REFERENCES services (id),
    kind           text    NOT NULL CHECK (kind IN ('email', 'sms')),
    recipient      bytea   NOT NULL,
    recipient_hash bytea   NOT NULL,
    team_member    boolean NOT NULL
);
CREATE INDEX safelist_service ON safelist (service_id, recipient_hash);

-- The notification row is also the delivery job. `seq` is the queue order and the listing
-- cursor (an identity, so it only grows); `id` is the key, so `seq` needs no index of its own.
-- `personal` seals, as one value, the recipient (as written and normalised), the
-- personalisation, the rendered body and the subject: one nonce and tag per row instead of five
-- keeps the row small. `priority` is the process type as a number (0 priority, 1 normal,
-- 2 bulk) so the queue can order by it.
-- Only service_id is a foreign key: templates and keys are never deleted, and the API checks
-- them before sending, so further checks would only slow the hottest insert.
CREATE TABLE notifications (
    seq                bigint      GENERATED ALWAYS AS IDENTITY,
    id                 uuid        NOT NULL PRIMARY KEY,
    service_id         uuid        NOT NULL REFERENCES services (id),
    template_id        uuid        NOT NULL,
    template_version   integer     NOT NULL,
    api_key_id         uuid,
    key_type           text        NOT NULL,
    kind               text        NOT NULL,
    status             text        NOT NULL,
    priority           smallint    NOT NULL,
    billable_units     integer     NOT NULL,
    attempts           integer     NOT NULL,
    client_reference   text,
    sender             text,
    created_by_name    text,
    personal           bytea       NOT NULL,
    created_at         timestamptz NOT NULL,
    scheduled_for      timestamptz,
    next_attempt_at    timestamptz,
    locked_until       timestamptz,
    sent_at            timestamptz,
    updated_at         timestamptz,
    provider_reference text,
    provider_response  text
);
CREATE INDEX notifications_service ON notifications (service_id, seq DESC);
CREATE INDEX notifications_queue ON notifications (priority, seq) WHERE status = 'created';
-- Every row is inserted, then updated a few times and eventually deleted by retention: vacuum
-- early so dead index entries do not pile up in front of the queue (performance.md §4).
ALTER TABLE notifications SET (
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02
);

-- Sends per service, channel and period (`day:2026-11-22`, `year:2026`).
CREATE TABLE counters (
    service_id uuid   NOT NULL REFERENCES services (id),
    kind       text   NOT NULL,
    period     text   NOT NULL,
    value      bigint NOT NULL,
    PRIMARY KEY (service_id, kind, period)
);

-- Generic cell rate algorithm state: the theoretical arrival time per service and key type.
CREATE TABLE rate_limits (
    service_id uuid        NOT NULL REFERENCES services (id),
    key_type   text        NOT NULL,
    tat        timestamptz NOT NULL,
    PRIMARY KEY (service_id, key_type)
);

-- Counters and rate limits are a few rows updated on every send: leave room on each page so
-- updates stay on it (HOT), and vacuum them often.
ALTER TABLE counters SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.0,
    autovacuum_vacuum_threshold = 1000);
ALTER TABLE rate_limits SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.0,
    autovacuum_vacuum_threshold = 1000);
