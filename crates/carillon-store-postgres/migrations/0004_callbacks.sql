-- Service callbacks: configuration, complaints and the durable queue of notices. Keep in step
-- with crates/carillon-store-sqlite/migrations (same version, tables, columns, index and
-- trigger names).
--
-- Notices are queued by triggers, so a notice is queued in the very transaction that changes a
-- notification's status or stores a complaint, whichever code path does it.

-- At most one callback per service and kind. `bearer_token` is sealed by the Cipher.
CREATE TABLE service_callbacks (
    service_id   uuid        NOT NULL REFERENCES services (id),
    kind         text        NOT NULL CHECK (kind IN ('delivery_status', 'complaint')),
    url          text        NOT NULL,
    bearer_token bytea       NOT NULL,
    suspended    boolean     NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (service_id, kind)
);

-- Complaints outlive retention of the notification's personal data; no foreign key to
-- notifications, like GC Notify's (which points at the history table).
CREATE TABLE complaints (
    id               uuid        NOT NULL PRIMARY KEY,
    notification_id  uuid        NOT NULL,
    service_id       uuid        NOT NULL REFERENCES services (id),
    feedback_type    text,
    feedback_subtype text,
    complaint_date   timestamptz NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX complaints_service ON complaints (service_id, created_at);

-- Notices to send. A row keeps what the notice reports as it was at the change (status,
-- provider response, times); the recipient and client reference are read from the notification
-- when the notice is sent, so no personal data is copied here. Rows leave the queue when
-- delivered or given up on. `due_at` is when the row may next be claimed: at first the change's
-- time, then the end of a claim's lease, then a retry time.
CREATE TABLE callback_queue (
    seq               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id        uuid        NOT NULL,
    kind              text        NOT NULL,
    notification_id   uuid        NOT NULL,
    complaint_id      uuid,
    status            text,
    provider_response text,
    status_at         timestamptz,
    sent_at           timestamptz,
    attempts          integer     NOT NULL,
    due_at            timestamptz NOT NULL,
    created_at        timestamptz NOT NULL
);
CREATE INDEX callback_queue_due ON callback_queue (due_at, seq);

-- GC Notify sends a delivery-status callback when a notification reaches one of these
-- statuses (receipts, timeouts, technical and provider failures); not for `sending`/`sent`.
CREATE FUNCTION queue_status_callback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO callback_queue (service_id, kind, notification_id, status, provider_response,
        status_at, sent_at, attempts, due_at, created_at)
    SELECT NEW.service_id, 'delivery_status', NEW.id, NEW.status, NEW.provider_response,
        NEW.updated_at, NEW.sent_at, 0, COALESCE(NEW.updated_at, NEW.created_at),
        COALESCE(NEW.updated_at, NEW.created_at)
    FROM service_callbacks
    WHERE service_id = NEW.service_id AND kind = 'delivery_status' AND NOT suspended;
    RETURN NULL;
END;
$$;

CREATE TRIGGER notifications_status_callback
AFTER UPDATE OF status ON notifications
FOR EACH ROW
WHEN (NEW.status IS DISTINCT FROM OLD.status
    AND NEW.status IN ('delivered', 'permanent-failure', 'temporary-failure',
        'technical-failure', 'provider-failure', 'virus-scan-failed', 'pii-check-failed')
    AND NEW.personal IS NOT NULL)
EXECUTE FUNCTION queue_status_callback();

CREATE FUNCTION queue_complaint_callback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO callback_queue (service_id, kind, notification_id, complaint_id, attempts,
        due_at, created_at)
    SELECT NEW.service_id, 'complaint', NEW.notification_id, NEW.id, 0, NEW.created_at,
        NEW.created_at
    FROM service_callbacks
    WHERE service_id = NEW.service_id AND kind = 'complaint' AND NOT suspended;
    RETURN NULL;
END;
$$;

CREATE TRIGGER complaints_callback
AFTER INSERT ON complaints
FOR EACH ROW
EXECUTE FUNCTION queue_complaint_callback();
