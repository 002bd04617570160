-- Housekeeping: retention, timeouts and the lock of periodic jobs. Keep in step with
-- crates/carillon-store-sqlite/migrations (same version, tables, columns and index names).
--
-- Retention purges a finished notification's personal data by setting `personal` to NULL; the
-- row stays (status, times, template, channel, billable units) for reports, and reads treat it
-- as gone. Dropping NOT NULL only changes the catalogue.
ALTER TABLE notifications ALTER COLUMN personal DROP NOT NULL;

-- Listing walks a service's rows newest first; purged rows leave the index, so a listing never
-- steps over a service's whole history. (Plain CREATE INDEX: migrations run in a transaction,
-- and the table is small on installs this far.)
DROP INDEX notifications_service;
CREATE INDEX notifications_service ON notifications (service_id, seq DESC)
    WHERE personal IS NOT NULL;
-- Retention, per service oldest first; purged rows leave the index, so each purge reads only
-- rows it may purge (and the few old ones still in flight).
CREATE INDEX notifications_retention ON notifications (service_id, created_at)
    WHERE personal IS NOT NULL;
-- Timeouts: only rows not yet finished, oldest first.
CREATE INDEX notifications_in_flight ON notifications (created_at)
    WHERE status IN ('created', 'sending', 'pending');

-- When each periodic job last started (see Store::try_start_job).
CREATE TABLE scheduled_jobs (
    name            text        NOT NULL PRIMARY KEY,
    last_started_at timestamptz NOT NULL
);
