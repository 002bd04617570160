-- Bulk sends (GC Notify's jobs). Keep in step with crates/carillon-store-sqlite/migrations
-- (same version, tables, columns and index names). Numbered 0006: 0004 and 0005 are taken by
-- work on other branches.
--
-- A job's rows are stored as notifications with the job's id and their row number, in the
-- job's own transaction: a job exists with all its rows or not at all, and the unique index
-- makes a row impossible to store twice.
CREATE TABLE jobs (
    id                  uuid        NOT NULL PRIMARY KEY,
    service_id          uuid        NOT NULL REFERENCES services (id),
    template_id         uuid        NOT NULL,
    template_version    integer     NOT NULL,
    kind                text        NOT NULL CHECK (kind IN ('email', 'sms')),
    original_file_name  text        NOT NULL,
    notification_count  integer     NOT NULL,
    status              text        NOT NULL,
    api_key_id          uuid,
    sender_id           uuid,
    scheduled_for       timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz,
    processing_started  timestamptz,
    processing_finished timestamptz,
    archived            boolean     NOT NULL DEFAULT false
);
CREATE INDEX jobs_service ON jobs (service_id, created_at DESC);
-- Jobs still moving, for advance_jobs.
CREATE INDEX jobs_active ON jobs (status) WHERE status IN ('pending', 'scheduled', 'in progress');

ALTER TABLE notifications ADD COLUMN job_id uuid, ADD COLUMN job_row_number integer;
CREATE UNIQUE INDEX notifications_job_row ON notifications (job_id, job_row_number)
    WHERE job_id IS NOT NULL;
