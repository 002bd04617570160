-- The daily fact table behind dashboards (`carillon_store::FactStore`): notifications and
-- billable units per service, UTC day of creation (days since 1970-01-01; `created_at` is in
-- microseconds), template, channel and status. Keep in step with the PostgreSQL migration of
-- the same number.
--
-- Triggers keep it in the same transaction as every change to `notifications`. SQLite has
-- row-level triggers only: each row costs one upsert inside the engine (no round trip; the
-- fact rows of a batch stay in the page cache). Rows sent with a test key are not counted.
-- Purging personal data is an UPDATE of other columns: it keeps the facts. A DELETE un-counts
-- its rows: the only one is cancelling a scheduled job's rows, which were never sent.
CREATE TABLE notification_facts (
    service_id     BLOB    NOT NULL,
    day            INTEGER NOT NULL,
    template_id    BLOB    NOT NULL,
    kind           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    notifications  INTEGER NOT NULL,
    billable_units INTEGER NOT NULL,
    PRIMARY KEY (service_id, day, template_id, kind, status)
) STRICT, WITHOUT ROWID;

INSERT INTO notification_facts (service_id, day, template_id, kind, status, notifications,
    billable_units)
SELECT service_id, created_at / 86400000000, template_id, kind, status, count(*),
    sum(billable_units)
FROM notifications WHERE key_type <> 'test'
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER notifications_facts_insert AFTER INSERT ON notifications
WHEN NEW.key_type <> 'test'
BEGIN
    INSERT INTO notification_facts (service_id, day, template_id, kind, status,
        notifications, billable_units)
    VALUES (NEW.service_id, NEW.created_at / 86400000000, NEW.template_id, NEW.kind,
        NEW.status, 1, NEW.billable_units)
    ON CONFLICT (service_id, day, template_id, kind, status) DO UPDATE SET
        notifications = notifications + 1,
        billable_units = billable_units + excluded.billable_units;
END;

-- A row whose status (or units) moved leaves its old fact and joins its new one.
CREATE TRIGGER notifications_facts_update AFTER UPDATE OF status, billable_units
ON notifications
WHEN NEW.key_type <> 'test'
    AND (OLD.status <> NEW.status OR OLD.billable_units <> NEW.billable_units)
BEGIN
    UPDATE notification_facts SET notifications = notifications - 1,
        billable_units = billable_units - OLD.billable_units
    WHERE service_id = OLD.service_id AND day = OLD.created_at / 86400000000
        AND template_id = OLD.template_id AND kind = OLD.kind AND status = OLD.status;
    INSERT INTO notification_facts (service_id, day, template_id, kind, status,
        notifications, billable_units)
    VALUES (NEW.service_id, NEW.created_at / 86400000000, NEW.template_id, NEW.kind,
        NEW.status, 1, NEW.billable_units)
    ON CONFLICT (service_id, day, template_id, kind, status) DO UPDATE SET
        notifications = notifications + 1,
        billable_units = billable_units + excluded.billable_units;
END;

CREATE TRIGGER notifications_facts_delete AFTER DELETE ON notifications
WHEN OLD.key_type <> 'test'
BEGIN
    UPDATE notification_facts SET notifications = notifications - 1,
        billable_units = billable_units - OLD.billable_units
    WHERE service_id = OLD.service_id AND day = OLD.created_at / 86400000000
        AND template_id = OLD.template_id AND kind = OLD.kind AND status = OLD.status;
END;
