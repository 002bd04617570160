-- Reply-to addresses are verified by a link emailed to them before they can be the default
-- or be used when sending. Addresses added before this migration count as verified.
ALTER TABLE reply_tos ADD COLUMN verified INTEGER NOT NULL DEFAULT 1;
-- The pending link: the keyed hash of its token (never the token), its expiry (microseconds
-- since the epoch) and whether the address becomes the default once verified.
ALTER TABLE reply_tos ADD COLUMN verification_hash BLOB;
ALTER TABLE reply_tos ADD COLUMN verification_expires_at INTEGER;
ALTER TABLE reply_tos ADD COLUMN default_when_verified INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX reply_tos_verification ON reply_tos (verification_hash)
    WHERE verification_hash IS NOT NULL;
