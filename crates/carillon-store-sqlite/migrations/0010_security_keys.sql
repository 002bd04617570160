-- Users' security keys (WebAuthn credentials). Keep in step with
-- crates/carillon-store-postgres/migrations (same version, tables, columns and index names).
--
-- The credential id and COSE public key are not secret (an authenticator shows them to any
-- site that asks) and are stored in clear; the name the person gave the key is sealed.

CREATE TABLE security_keys (
    id            BLOB    NOT NULL PRIMARY KEY,
    user_id       BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id BLOB    NOT NULL UNIQUE,
    public_key    BLOB    NOT NULL,
    sign_count    INTEGER NOT NULL,
    name          BLOB    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
) STRICT;
-- A user's keys, oldest first.
CREATE INDEX security_keys_user ON security_keys (user_id, created_at);
