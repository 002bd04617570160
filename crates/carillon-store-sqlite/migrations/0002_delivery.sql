-- Delivery: claiming due notifications, and the built-in outbox. Keep in step with
-- crates/carillon-store-postgres/migrations (same version, tables, columns and index names).
--
-- A queued notification (status 'created') is either ready, with next_attempt_at NULL, or
-- waiting until next_attempt_at: its scheduled time, its retry time, or the end of the lease of
-- the claim that holds it. Each state has its own partial index, so neither kind of row slows
-- the other's scan: a claim walks only ready rows in lane and `seq` order and never steps over
-- rows scheduled for later, waiting to be retried or held by a worker. A claim first makes the
-- waiting rows that have come due ready (oldest due first), then claims ready rows.

-- Until now every queued row got next_attempt_at = scheduled_for, or created_at when not
-- scheduled; nothing claimed rows yet. Unscheduled rows are ready.
UPDATE notifications SET next_attempt_at = NULL
WHERE status = 'created' AND scheduled_for IS NULL;

DROP INDEX notifications_queue;
CREATE INDEX notifications_ready ON notifications (priority, seq)
    WHERE status = 'created' AND next_attempt_at IS NULL;
CREATE INDEX notifications_waiting ON notifications (next_attempt_at, seq)
    WHERE status = 'created' AND next_attempt_at IS NOT NULL;

-- What the built-in outbox provider delivered, one entry per notification (a re-delivery
-- replaces the entry and counts as newer: REPLACE gives it a new `seq`, which AUTOINCREMENT
-- never hands out twice). `personal` seals the recipient, sender, reply-to, subject and both
-- bodies as one value. `seq` orders entries with the same created_at.
-- No foreign keys: the outbox is a record of what left, kept apart from retention of
-- notifications.
CREATE TABLE outbox_messages (
    seq             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    notification_id BLOB    NOT NULL UNIQUE,
    service_id      BLOB    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('email', 'sms')),
    personal        BLOB    NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_messages_newest ON outbox_messages (created_at, seq);
