-- The daily fact table behind dashboards (`carillon_store::FactStore`): notifications and
-- billable units per service, UTC day of creation, template, channel and status. Keep in step
-- with the SQLite migration of the same number.
--
-- Triggers keep it in the same transaction as every change to `notifications`. They are
-- statement-level with transition tables, so a batch (an insert of a bulk job's rows, a claim
-- of hundreds, a timeout sweep) costs one grouped upsert, not one per row. Rows are upserted
-- in key order so that two single-statement batches touching the same facts lock them in the
-- same order and cannot deadlock. Fact rows stay locked until the transaction commits: a
-- transaction of several statements over `notifications` holds them in between (see
-- docs/benchmarks.md, "The daily fact table's triggers"). Rows sent with a test key are not counted. Purging personal data is an
-- UPDATE that leaves status and units alone: it keeps the facts. A DELETE un-counts its rows:
-- the only one is cancelling a scheduled job's rows, which were never sent.
CREATE TABLE notification_facts (
    service_id     uuid   NOT NULL,
    day            date   NOT NULL,
    template_id    uuid   NOT NULL,
    kind           text   NOT NULL,
    status         text   NOT NULL,
    notifications  bigint NOT NULL,
    billable_units bigint NOT NULL,
    PRIMARY KEY (service_id, day, template_id, kind, status)
);

INSERT INTO notification_facts (service_id, day, template_id, kind, status, notifications,
    billable_units)
SELECT service_id, (created_at AT TIME ZONE 'UTC')::date, template_id, kind, status, count(*),
    sum(billable_units)
FROM notifications WHERE key_type <> 'test'
GROUP BY 1, 2, 3, 4, 5;

CREATE FUNCTION notification_facts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notification_facts AS f (service_id, day, template_id, kind, status,
        notifications, billable_units)
    SELECT service_id, (created_at AT TIME ZONE 'UTC')::date, template_id, kind, status,
        count(*), sum(billable_units)
    FROM new_rows WHERE key_type <> 'test'
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (service_id, day, template_id, kind, status) DO UPDATE SET
        notifications = f.notifications + EXCLUDED.notifications,
        billable_units = f.billable_units + EXCLUDED.billable_units;
    RETURN NULL;
END;
$$;

-- A row whose status (or units) moved leaves its old fact and joins its new one: one join of
-- the transition tables, each moved row giving a -1 and a +1.
CREATE FUNCTION notification_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notification_facts AS f (service_id, day, template_id, kind, status,
        notifications, billable_units)
    SELECT w.service_id, (w.created_at AT TIME ZONE 'UTC')::date, w.template_id, w.kind,
        m.status, sum(m.n), sum(m.units)
    FROM old_rows o JOIN new_rows w ON w.id = o.id
    CROSS JOIN LATERAL (VALUES (o.status, -1, -o.billable_units),
        (w.status, 1, w.billable_units)) AS m (status, n, units)
    WHERE w.key_type <> 'test'
        AND (o.status <> w.status OR o.billable_units <> w.billable_units)
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(m.n) <> 0 OR sum(m.units) <> 0 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (service_id, day, template_id, kind, status) DO UPDATE SET
        notifications = f.notifications + EXCLUDED.notifications,
        billable_units = f.billable_units + EXCLUDED.billable_units;
    RETURN NULL;
END;
$$;

CREATE FUNCTION notification_facts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notification_facts AS f (service_id, day, template_id, kind, status,
        notifications, billable_units)
    SELECT service_id, (created_at AT TIME ZONE 'UTC')::date, template_id, kind, status,
        -count(*), -sum(billable_units)
    FROM old_rows WHERE key_type <> 'test'
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (service_id, day, template_id, kind, status) DO UPDATE SET
        notifications = f.notifications + EXCLUDED.notifications,
        billable_units = f.billable_units + EXCLUDED.billable_units;
    RETURN NULL;
END;
$$;

CREATE TRIGGER notifications_facts_insert AFTER INSERT ON notifications
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION notification_facts_inserted();

CREATE TRIGGER notifications_facts_update AFTER UPDATE ON notifications
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION notification_facts_updated();

CREATE TRIGGER notifications_facts_delete AFTER DELETE ON notifications
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION notification_facts_deleted();
