-- Client references at rest: sealed inside `personal` with the rest of the personal data, and
-- found through `client_reference_hash`, a keyed hash (HMAC-SHA256 under a subkey of the master
-- key, scoped to the service). Keep in step with crates/carillon-store-sqlite/migrations
-- (same version, tables, columns and index names).
--
-- SQL cannot compute the hash or seal the value, so rows written before this version keep their
-- reference in `client_reference` until the store, when it opens, moves it into `personal` and
-- empties the column (in batches, through `notifications_clear_reference`, which is empty once
-- that is done). Nothing writes `client_reference` any more.
ALTER TABLE notifications ADD COLUMN client_reference_hash bytea;

-- `GET /v2/notifications?reference=…`: a service's rows with that reference, newest first.
CREATE INDEX notifications_reference ON notifications (service_id, client_reference_hash, seq DESC)
    WHERE client_reference_hash IS NOT NULL;

CREATE INDEX notifications_clear_reference ON notifications (seq)
    WHERE client_reference IS NOT NULL;
