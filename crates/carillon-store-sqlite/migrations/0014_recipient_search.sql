-- The sent-messages page: search by recipient and filter by status group. Keep in step with
-- crates/carillon-store-postgres/migrations (same version, tables, columns and index names).
--
-- `recipient_hash` is a keyed hash (HMAC-SHA256 under a subkey of the master key, scoped to the
-- service) of the normalised recipient (lower-case address, E.164 number), so a search finds a
-- service's rows to one recipient without decrypting any. Retention clears it with the rest of
-- the personal data.
--
-- SQL cannot compute the hash, so rows stored before this version have none and are not found
-- by a search ("searchable from now on"): they stay listed, and leave the page at the end of
-- the service's retention period (7 days by default), like every row. A backfill would have to
-- decrypt every stored row at start-up for a search window that closes by itself.
ALTER TABLE notifications ADD COLUMN recipient_hash BLOB;

-- Search: a service's rows to one recipient, newest first.
CREATE INDEX notifications_recipient ON notifications (service_id, recipient_hash, seq DESC)
    WHERE recipient_hash IS NOT NULL;

-- Status filters, one partial index per group (predicates written exactly as the listing
-- writes them, see carillon_store::support::status_group_sql), per channel since the page
-- lists one channel at a time: a filtered page reads only its own rows, newest first.
-- (Plain CREATE INDEX: migrations run in a transaction.)
CREATE INDEX notifications_group_sending ON notifications (service_id, kind, seq DESC)
    WHERE personal IS NOT NULL
        AND status IN ('created', 'sending', 'pending', 'pending-virus-check');
CREATE INDEX notifications_group_delivered ON notifications (service_id, kind, seq DESC)
    WHERE personal IS NOT NULL AND status IN ('delivered', 'sent');
CREATE INDEX notifications_group_failed ON notifications (service_id, kind, seq DESC)
    WHERE personal IS NOT NULL
        AND status IN ('failed', 'technical-failure', 'temporary-failure', 'permanent-failure', 'provider-failure', 'virus-scan-failed', 'pii-check-failed', 'validation-failed');

-- No index of its own for a channel's page without a status filter, nor for a template's or
-- a bulk send's rows: they use the service and job indexes already there (most services send
-- on both channels, so a channel's newest rows are near the top), and each more index on this
-- table slows every insert. A (service_id, kind, seq) index would also tie, for SQLite's
-- planner, with the group indexes above.
