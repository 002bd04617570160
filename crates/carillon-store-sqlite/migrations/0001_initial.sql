-- Carillon's schema on SQLite. Keep in step with crates/carillon-store-postgres/migrations: the
-- same version numbers, tables and columns (a test compares them).
--
-- UUIDs are 16-byte BLOBs. Times are INTEGER microseconds since the Unix epoch (UTC): compact,
-- and they sort and compare as numbers. Personal data and API key secrets are BLOBs sealed by
-- carillon-crypto's Cipher; `*_hash` columns hold its keyed lookup hash for equality lookups.
-- STRICT tables make SQLite refuse a value of the wrong type instead of storing it anyway.

CREATE TABLE services (
    id                      BLOB    NOT NULL PRIMARY KEY,
    name                    TEXT    NOT NULL UNIQUE,
    email_from              TEXT    NOT NULL UNIQUE,
    active                  INTEGER NOT NULL,
    restricted              INTEGER NOT NULL,
    research_mode           INTEGER NOT NULL,
    prefix_sms              INTEGER NOT NULL,
    -- Comma-separated permission names, in the order they were given.
    permissions             TEXT    NOT NULL,
    rate_limit              INTEGER NOT NULL,
    email_daily_limit       INTEGER NOT NULL,
    sms_daily_limit         INTEGER NOT NULL,
    email_annual_limit      INTEGER NOT NULL,
    sms_annual_limit        INTEGER NOT NULL,
    retention_days          INTEGER NOT NULL,
    default_language_french INTEGER NOT NULL,
    created_at              INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
    id           BLOB    NOT NULL PRIMARY KEY,
    service_id   BLOB    NOT NULL REFERENCES services (id),
    name         TEXT    NOT NULL,
    key_type     TEXT    NOT NULL CHECK (key_type IN ('normal', 'team', 'test')),
    secret       BLOB    NOT NULL,
    secret_hash  BLOB    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
) STRICT;
CREATE INDEX api_keys_service ON api_keys (service_id, created_at);

-- The current state of each template; every version, the current one included, is also in
-- template_versions, which is never updated.
CREATE TABLE templates (
    id                 BLOB    NOT NULL PRIMARY KEY,
    service_id         BLOB    NOT NULL REFERENCES services (id),
    name               TEXT    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('email', 'sms')),
    subject            TEXT,
    content            TEXT    NOT NULL,
    version            INTEGER NOT NULL,
    archived           INTEGER NOT NULL,
    process_type       TEXT    NOT NULL CHECK (process_type IN ('priority', 'normal', 'bulk')),
    text_direction_rtl INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER,
    created_by         TEXT
) STRICT;
CREATE INDEX templates_service ON templates (service_id, created_at);

CREATE TABLE template_versions (
    template_id        BLOB    NOT NULL REFERENCES templates (id),
    version            INTEGER NOT NULL,
    service_id         BLOB    NOT NULL,
    name               TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    subject            TEXT,
    content            TEXT    NOT NULL,
    archived           INTEGER NOT NULL,
    process_type       TEXT    NOT NULL,
    text_direction_rtl INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER,
    created_by         TEXT,
    PRIMARY KEY (template_id, version)
) STRICT, WITHOUT ROWID;

-- `seq` keeps the order senders were added in.
CREATE TABLE reply_tos (
    seq           INTEGER NOT NULL PRIMARY KEY,
    id            BLOB    NOT NULL UNIQUE,
    service_id    BLOB    NOT NULL REFERENCES services (id),
    email_address TEXT    NOT NULL,
    is_default    INTEGER NOT NULL,
    archived      INTEGER NOT NULL
) STRICT;
CREATE INDEX reply_tos_service ON reply_tos (service_id, seq);
CREATE UNIQUE INDEX reply_tos_one_default ON reply_tos (service_id) WHERE is_default;

CREATE TABLE sms_senders (
    seq        INTEGER NOT NULL PRIMARY KEY,
    id         BLOB    NOT NULL UNIQUE,
    service_id BLOB    NOT NULL REFERENCES services (id),
    sms_sender TEXT    NOT NULL,
    is_default INTEGER NOT NULL,
    archived   INTEGER NOT NULL
) STRICT;
CREATE INDEX sms_senders_service ON sms_senders (service_id, seq);
CREATE UNIQUE INDEX sms_senders_one_default ON sms_senders (service_id) WHERE is_default;

-- Recipients are personal data: sealed, with a lookup hash to check membership.
CREATE TABLE safelist (
    seq            INTEGER NOT NULL PRIMARY KEY,
    id             BLOB    NOT NULL UNIQUE,
    service_id     BLOB    NOT NULL REFERENCES services (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('email', 'sms')),
    recipient      BLOB    NOT NULL,
    recipient_hash BLOB    NOT NULL,
    team_member    INTEGER NOT NULL
) STRICT;
CREATE INDEX safelist_service ON safelist (service_id, recipient_hash);

-- The notification row is also the delivery job. `seq` is the queue order and the listing
-- cursor; AUTOINCREMENT so a number is never handed out twice, even after deletes.
-- `personal` seals, as one value, the recipient (as written and normalised), the
-- personalisation, the rendered body and the subject: one nonce and tag per row instead of five
-- keeps the row small. `priority` is the process type as a number (0 priority, 1 normal,
-- 2 bulk) so the queue can order by it.
-- Only service_id is a foreign key: templates and keys are never deleted, and the API checks
-- them before sending, so further checks would only slow the hottest insert.
CREATE TABLE notifications (
    seq                INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id                 BLOB    NOT NULL UNIQUE,
    service_id         BLOB    NOT NULL REFERENCES services (id),
    template_id        BLOB    NOT NULL,
    template_version   INTEGER NOT NULL,
    api_key_id         BLOB,
    key_type           TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    priority           INTEGER NOT NULL,
    billable_units     INTEGER NOT NULL,
    attempts           INTEGER NOT NULL,
    client_reference   TEXT,
    sender             TEXT,
    created_by_name    TEXT,
    personal           BLOB    NOT NULL,
    created_at         INTEGER NOT NULL,
    scheduled_for      INTEGER,
    next_attempt_at    INTEGER,
    locked_until       INTEGER,
    sent_at            INTEGER,
    updated_at         INTEGER,
    provider_reference TEXT,
    provider_response  TEXT
) STRICT;
CREATE INDEX notifications_service ON notifications (service_id, seq DESC);
CREATE INDEX notifications_queue ON notifications (priority, seq) WHERE status = 'created';

-- Sends per service, channel and period (`day:2026-11-22`, `year:2026`).
CREATE TABLE counters (
    service_id BLOB    NOT NULL REFERENCES services (id),
    kind       TEXT    NOT NULL,
    period     TEXT    NOT NULL,
    value      INTEGER NOT NULL,
    PRIMARY KEY (service_id, kind, period)
) STRICT, WITHOUT ROWID;

-- Generic cell rate algorithm state: the theoretical arrival time per service and key type.
CREATE TABLE rate_limits (
    service_id BLOB    NOT NULL REFERENCES services (id),
    key_type   TEXT    NOT NULL,
    tat        INTEGER NOT NULL,
    PRIMARY KEY (service_id, key_type)
) STRICT, WITHOUT ROWID;
