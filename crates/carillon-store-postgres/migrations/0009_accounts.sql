-- The web app's records: accounts, one-time tokens, sessions, sign-ins, team memberships,
-- invitations, go-live requests and the audit log. Keep in step with
-- crates/carillon-store-sqlite/migrations (same version, tables, columns and index names).
--
-- Names, email addresses, TOTP secrets, token payloads, session data and go-live answers are
-- sealed by the master key's Cipher. Users are found by `email_hash`, a keyed hash of the
-- lower-cased address (scoped so it never equals a client reference's or a safelist entry's
-- hash). Tokens, sessions and invitations are found by the keyed hash the caller computed: the
-- token itself is never stored. Enum columns carry no CHECK: the store parses every value it
-- reads and reports one it does not know as corrupt.

CREATE TABLE users (
    id                  uuid        NOT NULL PRIMARY KEY,
    name                bytea       NOT NULL,
    email               bytea       NOT NULL,
    email_hash          bytea       NOT NULL UNIQUE,
    -- The PHC string of an Argon2id hash: already one-way, so in clear.
    password_hash       text        NOT NULL,
    state               text        NOT NULL,
    platform_admin      boolean     NOT NULL,
    second_factor       text        NOT NULL,
    totp_secret         bytea,
    totp_last_step      bigint      NOT NULL,
    failed_sign_ins     integer     NOT NULL,
    language            text        NOT NULL,
    password_changed_at timestamptz NOT NULL,
    created_at          timestamptz NOT NULL
);
-- The platform admin's list of accounts, oldest first.
CREATE INDEX users_created ON users (created_at, id);

CREATE TABLE one_time_tokens (
    hash       bytea       NOT NULL PRIMARY KEY,
    purpose    text        NOT NULL,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    payload    bytea,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
-- A new code replaces the user's older ones of the same purpose.
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

CREATE TABLE sessions (
    id_hash      bytea       NOT NULL PRIMARY KEY,
    user_id      uuid        REFERENCES users (id) ON DELETE CASCADE,
    stage        text        NOT NULL,
    data         bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
-- "Sign out everywhere", suspension and password changes end a user's sessions.
CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;
-- The purge of idle and of too-old sessions.
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_created ON sessions (created_at);

CREATE TABLE sign_in_events (
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at            timestamptz NOT NULL,
    second_factor text        NOT NULL
);
CREATE INDEX sign_in_events_user ON sign_in_events (user_id, at DESC);

CREATE TABLE memberships (
    service_id  uuid        NOT NULL REFERENCES services (id),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Comma-separated permission names.
    permissions text        NOT NULL,
    joined_at   timestamptz NOT NULL,
    PRIMARY KEY (service_id, user_id)
);
-- The services a user belongs to.
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE invitations (
    id          uuid        NOT NULL PRIMARY KEY,
    service_id  uuid        NOT NULL REFERENCES services (id),
    email       bytea       NOT NULL,
    invited_by  uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    permissions text        NOT NULL,
    token_hash  bytea       NOT NULL UNIQUE,
    status      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
-- A service's invitations, newest first.
CREATE INDEX invitations_service ON invitations (service_id, created_at DESC);

-- One request per service: a new one replaces the previous.
CREATE TABLE go_live_requests (
    service_id   uuid        NOT NULL PRIMARY KEY REFERENCES services (id),
    requested_by uuid        NOT NULL REFERENCES users (id),
    answers      bytea       NOT NULL,
    status       text        NOT NULL,
    requested_at timestamptz NOT NULL,
    decided_by   uuid        REFERENCES users (id),
    decided_at   timestamptz
);
-- The platform admin's queue of requests in one state, oldest first.
CREATE INDEX go_live_requests_status ON go_live_requests (status, requested_at);

-- Append-only. No foreign keys: the record outlives what it mentions. `id` orders events.
CREATE TABLE audit_events (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      uuid,
    service_id uuid,
    action     text        NOT NULL,
    detail     text        NOT NULL
);
CREATE INDEX audit_events_service ON audit_events (service_id, id DESC);
