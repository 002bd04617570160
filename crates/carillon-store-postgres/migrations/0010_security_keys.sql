-- Users' security keys (WebAuthn credentials). Keep in step with
-- crates/carillon-store-sqlite/migrations (same version, tables, columns and index names).
--
-- The credential id and COSE public key are not secret (an authenticator shows them to any
-- site that asks) and are stored in clear; the name the person gave the key is sealed.

CREATE TABLE security_keys (
    id            uuid        NOT NULL PRIMARY KEY,
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id bytea       NOT NULL UNIQUE,
    public_key    bytea       NOT NULL,
    -- The authenticator's counter is an unsigned 32-bit number.
    sign_count    bigint      NOT NULL,
    name          bytea       NOT NULL,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz
);
-- A user's keys, oldest first.
CREATE INDEX security_keys_user ON security_keys (user_id, created_at);
