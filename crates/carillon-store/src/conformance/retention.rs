//! Checks for retention: the personal data of finished notifications older than their
//! service's retention is purged, and reads no longer show them.

use carillon_domain::{
    NewNotification, Notification, NotificationFilter, NotificationStatus, NotificationType,
    Service,
};
use time::{Duration, OffsetDateTime};

use super::fixtures::{at, claimed, finish, ids, notification, queue, service, template};
use crate::{OutboxMessage, Outcome, Store};

use NotificationStatus::{Created, Delivered, PermanentFailure, Sending, Sent};
use NotificationType::{Email, Sms};

/// The outbox entry of `new`.
fn delivered(new: &NewNotification) -> OutboxMessage {
    OutboxMessage {
        notification_id: new.id,
        service_id: new.service_id,
        kind: new.kind,
        to: new.normalised_to.clone(),
        from: "GCNotify".to_owned(),
        reply_to: None,
        subject: new.subject.clone(),
        html: None,
        text: new.body.clone(),
        created_at: new.created_at,
    }
}

/// Every notification of `service`, newest first.
fn everything() -> NotificationFilter {
    NotificationFilter {
        limit: 100,
        ..NotificationFilter::default()
    }
}

/// With a retention of one day, only finished notifications created more than a day before
/// `now` are purged, at most `batch` a call: they disappear from reads and from the outbox.
/// Queued or in-flight ones, recent ones and those of a service keeping them longer stay.
pub async fn purge_personal_data_past_retention(store: &dyn Store) {
    let now: OffsetDateTime = at(0) + Duration::days(10);
    let short = service(store, "Short retention").await;
    let short = Service {
        retention_days: 1,
        ..short
    };
    store.update_service(&short).await.unwrap();
    let long = service(store, "Long retention").await;
    let email = template(store, &short, Email, at(1)).await;
    let sms = template(store, &short, Sms, at(1)).await;
    let long_email = template(store, &long, Email, at(1)).await;

    let two_days_ago = now - Duration::days(2);
    let old_delivered = notification(&email, 1, two_days_ago);
    let old_failed = notification(&sms, 2, two_days_ago);
    let old_sending = notification(&email, 3, two_days_ago);
    // Exactly one day old: not older than the retention yet.
    let one_day = notification(&sms, 4, now - Duration::DAY);
    let recent = notification(&email, 5, now - Duration::HOUR);
    let kept_longer = notification(&long_email, 6, two_days_ago);
    let batch = [&old_delivered, &old_failed, &old_sending, &one_day, &recent];
    queue(store, &batch.map(Clone::clone)).await;
    queue(store, std::slice::from_ref(&kept_longer)).await;
    let statuses = [
        (&old_delivered, Delivered),
        (&old_failed, PermanentFailure),
        (&old_sending, Sending),
        (&one_day, Sent),
        (&recent, Delivered),
        (&kept_longer, Delivered),
    ];
    finish(store, now - Duration::HOUR, &statuses).await;
    // Still queued two days on: never purged.
    let old_queued = notification(&email, 7, two_days_ago);
    queue(store, std::slice::from_ref(&old_queued)).await;
    let outbox = [delivered(&old_delivered), delivered(&recent)];
    store.put_outbox(&outbox).await.unwrap();

    assert_eq!(store.purge_personal_data(now, 0).await.unwrap(), 0);
    assert_eq!(store.purge_personal_data(now, 1).await.unwrap(), 1);
    assert_eq!(store.purge_personal_data(now, 10).await.unwrap(), 1);
    assert_eq!(store.purge_personal_data(now, 10).await.unwrap(), 0);

    let read = |service: &Service, new: &NewNotification| store.notification(service.id, new.id);
    assert_eq!(read(&short, &old_delivered).await.unwrap(), None);
    assert_eq!(read(&short, &old_failed).await.unwrap(), None);
    for (new, status) in &statuses[2..5] {
        let found = read(&short, new).await.unwrap().unwrap();
        assert_eq!(
            (found.status, found.to.as_str()),
            (*status, new.to.as_str())
        );
    }
    let found = read(&long, &kept_longer).await.unwrap().unwrap();
    assert_eq!(found.body, kept_longer.body);
    let listed = store.notifications(short.id, &everything()).await.unwrap();
    let expected = [&old_queued, &recent, &one_day, &old_sending].map(|new| new.id);
    assert_eq!(ids(&listed), expected);
    let only_delivered = NotificationFilter {
        statuses: vec![Delivered],
        ..everything()
    };
    let listed = store.notifications(short.id, &only_delivered).await;
    assert_eq!(ids(&listed.unwrap()), [recent.id]);
    // A purged notification is no cursor to page back from.
    let before_purged = NotificationFilter {
        older_than: Some(old_failed.id),
        ..everything()
    };
    let listed = store.notifications(short.id, &before_purged).await;
    assert_eq!(listed.unwrap(), []);
    assert_eq!(store.outbox_message(old_delivered.id).await.unwrap(), None);
    let kept = store.outbox_message(recent.id).await.unwrap();
    assert_eq!(kept.map(|m| m.notification_id), Some(recent.id));

    // A late outcome does not bring a purged notification back into the queue.
    let late = Outcome {
        updated_at: now,
        ..super::fixtures::outcome(old_delivered.id, Created, 0)
    };
    store.record_outcomes(&[late]).await.unwrap();
    let due = store.claim_notifications(now, now + Duration::MINUTE, 10);
    assert_eq!(due.await.unwrap(), [claimed(&old_queued, 1)]);
    assert_eq!(read(&short, &old_delivered).await.unwrap(), None);

    // Two days on, the recent ones are past retention too; in-flight ones never are.
    let later = now + Duration::days(2);
    assert_eq!(store.purge_personal_data(later, 100).await.unwrap(), 2);
    assert_eq!(store.purge_personal_data(later, 100).await.unwrap(), 0);
    let listed = store.notifications(short.id, &everything()).await.unwrap();
    assert_eq!(ids(&listed), [old_queued.id, old_sending.id]);
    assert_eq!(store.outbox(10, None).await.unwrap(), []);
    let found = read(&long, &kept_longer).await.unwrap();
    assert_eq!(found.map(|n: Notification| n.status), Some(Delivered));
}
