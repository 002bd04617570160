-- Housekeeping: retention, timeouts and the lock of periodic jobs. Keep in step with
-- crates/carillon-store-postgres/migrations (same version, tables, columns and index names).
--
-- Retention purges a finished notification's personal data by setting `personal` to NULL; the
-- row stays (status, times, template, channel, billable units) for reports, and reads treat it
-- as gone. SQLite cannot drop NOT NULL from a column, so the table is rebuilt (SQLite's
-- documented procedure: new table, copy, drop, rename). Nothing references notifications, so
-- foreign keys need no special care.
CREATE TABLE notifications_new (
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
    -- NULL once retention has purged it.
    personal           BLOB,
    created_at         INTEGER NOT NULL,
    scheduled_for      INTEGER,
    next_attempt_at    INTEGER,
    locked_until       INTEGER,
    sent_at            INTEGER,
    updated_at         INTEGER,
    provider_reference TEXT,
    provider_response  TEXT
) STRICT;
INSERT INTO notifications_new (seq, id, service_id, template_id, template_version, api_key_id,
    key_type, kind, status, priority, billable_units, attempts, client_reference, sender,
    created_by_name, personal, created_at, scheduled_for, next_attempt_at, locked_until, sent_at,
    updated_at, provider_reference, provider_response)
SELECT seq, id, service_id, template_id, template_version, api_key_id, key_type, kind, status,
    priority, billable_units, attempts, client_reference, sender, created_by_name, personal,
    created_at, scheduled_for, next_attempt_at, locked_until, sent_at, updated_at,
    provider_reference, provider_response
FROM notifications;
-- AUTOINCREMENT's high-water mark moves with the table, so no `seq` is ever handed out twice.
DELETE FROM sqlite_sequence WHERE name = 'notifications_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'notifications_new', seq FROM sqlite_sequence WHERE name = 'notifications';
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;

-- Listing walks a service's rows newest first; purged rows leave the index, so a listing never
-- steps over a service's whole history.
CREATE INDEX notifications_service ON notifications (service_id, seq DESC)
    WHERE personal IS NOT NULL;
CREATE INDEX notifications_ready ON notifications (priority, seq)
    WHERE status = 'created' AND next_attempt_at IS NULL;
CREATE INDEX notifications_waiting ON notifications (next_attempt_at, seq)
    WHERE status = 'created' AND next_attempt_at IS NOT NULL;
-- Retention, per service oldest first; purged rows leave the index, so each purge reads only
-- rows it may purge (and the few old ones still in flight).
CREATE INDEX notifications_retention ON notifications (service_id, created_at)
    WHERE personal IS NOT NULL;
-- Timeouts: only rows not yet finished, oldest first.
CREATE INDEX notifications_in_flight ON notifications (created_at)
    WHERE status IN ('created', 'sending', 'pending');

-- When each periodic job last started (see Store::try_start_job).
CREATE TABLE scheduled_jobs (
    name            TEXT    NOT NULL PRIMARY KEY,
    last_started_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
