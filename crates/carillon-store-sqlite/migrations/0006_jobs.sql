-- Bulk sends (GC Notify's jobs). Keep in step with crates/carillon-store-postgres/migrations
-- (same version, tables, columns and index names). Numbered 0006: 0004 and 0005 are taken by
-- work on other branches.
--
-- A job's rows are stored as notifications with the job's id and their row number, in the
-- job's own transaction: a job exists with all its rows or not at all, and the unique index
-- makes a row impossible to store twice.
CREATE TABLE jobs (
    id                  BLOB    NOT NULL PRIMARY KEY,
    service_id          BLOB    NOT NULL REFERENCES services (id),
    template_id         BLOB    NOT NULL,
    template_version    INTEGER NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('email', 'sms')),
    original_file_name  TEXT    NOT NULL,
    notification_count  INTEGER NOT NULL,
    status              TEXT    NOT NULL,
    api_key_id          BLOB,
    sender_id           BLOB,
    scheduled_for       INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER,
    processing_started  INTEGER,
    processing_finished INTEGER,
    archived            INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX jobs_service ON jobs (service_id, created_at DESC);
-- Jobs still moving, for advance_jobs.
CREATE INDEX jobs_active ON jobs (status) WHERE status IN ('pending', 'scheduled', 'in progress');

ALTER TABLE notifications ADD COLUMN job_id BLOB;
ALTER TABLE notifications ADD COLUMN job_row_number INTEGER;
CREATE UNIQUE INDEX notifications_job_row ON notifications (job_id, job_row_number)
    WHERE job_id IS NOT NULL;
