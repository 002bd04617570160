-- The web app's records: accounts, one-time tokens, sessions, sign-ins, team memberships,
-- invitations, go-live requests and the audit log. Keep in step with
-- crates/carillon-store-postgres/migrations (same version, tables, columns and index names).
--
-- Names, email addresses, TOTP secrets, token payloads, session data and go-live answers are
-- sealed by the master key's Cipher. Users are found by `email_hash`, a keyed hash of the
-- lower-cased address (scoped so it never equals a client reference's or a safelist entry's
-- hash). Tokens, sessions and invitations are found by the keyed hash the caller computed: the
-- token itself is never stored. Enum columns carry no CHECK: the store parses every value it
-- reads and reports one it does not know as corrupt.

CREATE TABLE users (
    id                  BLOB    NOT NULL PRIMARY KEY,
    name                BLOB    NOT NULL,
    email               BLOB    NOT NULL,
    email_hash          BLOB    NOT NULL UNIQUE,
    -- The PHC string of an Argon2id hash: already one-way, so in clear.
    password_hash       TEXT    NOT NULL,
    state               TEXT    NOT NULL,
    platform_admin      INTEGER NOT NULL,
    second_factor       TEXT    NOT NULL,
    totp_secret         BLOB,
    totp_last_step      INTEGER NOT NULL,
    failed_sign_ins     INTEGER NOT NULL,
    language            TEXT    NOT NULL,
    password_changed_at INTEGER NOT NULL,
    created_at          INTEGER NOT NULL
) STRICT;
-- The platform admin's list of accounts, oldest first.
CREATE INDEX users_created ON users (created_at, id);

CREATE TABLE one_time_tokens (
    hash       BLOB    NOT NULL PRIMARY KEY,
    purpose    TEXT    NOT NULL,
    user_id    BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    payload    BLOB,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
-- A new code replaces the user's older ones of the same purpose.
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

CREATE TABLE sessions (
    id_hash      BLOB    NOT NULL PRIMARY KEY,
    user_id      BLOB    REFERENCES users (id) ON DELETE CASCADE,
    stage        TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) STRICT;
-- "Sign out everywhere", suspension and password changes end a user's sessions.
CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;
-- The purge of idle and of too-old sessions.
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_created ON sessions (created_at);

CREATE TABLE sign_in_events (
    user_id       BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    second_factor TEXT    NOT NULL
) STRICT;
CREATE INDEX sign_in_events_user ON sign_in_events (user_id, at DESC);

CREATE TABLE memberships (
    service_id  BLOB    NOT NULL REFERENCES services (id),
    user_id     BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Comma-separated permission names.
    permissions TEXT    NOT NULL,
    joined_at   INTEGER NOT NULL,
    PRIMARY KEY (service_id, user_id)
) STRICT;
-- The services a user belongs to.
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE invitations (
    id          BLOB    NOT NULL PRIMARY KEY,
    service_id  BLOB    NOT NULL REFERENCES services (id),
    email       BLOB    NOT NULL,
    invited_by  BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    permissions TEXT    NOT NULL,
    token_hash  BLOB    NOT NULL UNIQUE,
    status      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;
-- A service's invitations, newest first.
CREATE INDEX invitations_service ON invitations (service_id, created_at DESC);

-- One request per service: a new one replaces the previous.
CREATE TABLE go_live_requests (
    service_id   BLOB    NOT NULL PRIMARY KEY REFERENCES services (id),
    requested_by BLOB    NOT NULL REFERENCES users (id),
    answers      BLOB    NOT NULL,
    status       TEXT    NOT NULL,
    requested_at INTEGER NOT NULL,
    decided_by   BLOB    REFERENCES users (id),
    decided_at   INTEGER
) STRICT;
-- The platform admin's queue of requests in one state, oldest first.
CREATE INDEX go_live_requests_status ON go_live_requests (status, requested_at);

-- Append-only. No foreign keys: the record outlives what it mentions. `id` orders events
-- (AUTOINCREMENT: a number is never handed out twice).
CREATE TABLE audit_events (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    actor      BLOB,
    service_id BLOB,
    action     TEXT    NOT NULL,
    detail     TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_events_service ON audit_events (service_id, id DESC);
