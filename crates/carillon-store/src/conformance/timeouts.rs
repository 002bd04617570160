//! Checks for timing out notifications that never reached a final status (GC Notify's rule:
//! three days after they were sent for delivery).

use std::collections::BTreeSet;

use carillon_domain::{NewNotification, NotificationStatus, NotificationType};
use time::{Duration, OffsetDateTime};

use super::fixtures::{at, finish, micros, notification, outcome, queue, service, template};
use crate::{Outcome, Store};

use NotificationStatus::{
    Created, Delivered, Pending, Sending, Sent, TechnicalFailure, TemporaryFailure,
};
use NotificationType::{Email, Sms};

/// Still `created` three days on becomes `technical-failure`; still `sending` or `pending`
/// becomes `temporary-failure`; an SMS left `sent`, finished notifications and newer ones stay
/// as they are. A scheduled notification counts from its scheduled time; one held by a
/// worker's unexpired claim is left to the worker until the claim ends.
pub async fn time_out_notifications_never_finished(store: &dyn Store) {
    let now: OffsetDateTime = at(0) + Duration::days(10);
    let older_than = now - Duration::days(3);
    let ours = service(store, "Timeouts").await;
    let email = template(store, &ours, Email, at(1)).await;
    let sms = template(store, &ours, Sms, at(1)).await;
    let old = now - Duration::days(4);
    let sending = notification(&email, 1, old);
    let pending = notification(&sms, 2, old);
    let sms_sent = notification(&sms, 3, old);
    let delivered = notification(&email, 4, old);
    let retrying = notification(&email, 5, old);
    let recent_sending = notification(&email, 6, now - Duration::HOUR);
    let just_in_time = notification(&email, 7, older_than);
    let batch = [
        &sending,
        &pending,
        &sms_sent,
        &delivered,
        &retrying,
        &recent_sending,
        &just_in_time,
    ];
    queue(store, &batch.map(Clone::clone)).await;
    let statuses = [
        (&sending, Sending),
        (&pending, Pending),
        (&sms_sent, Sent),
        (&delivered, Delivered),
        (&recent_sending, Sending),
        (&just_in_time, Sending),
    ];
    finish(store, now - Duration::HOUR, &statuses).await;
    // Waiting to be retried an hour from now.
    let retry = Outcome {
        retry_at: Some(now + Duration::HOUR),
        updated_at: now - Duration::HOUR,
        ..outcome(retrying.id, Created, 0)
    };
    store.record_outcomes(&[retry]).await.unwrap();
    // Held by a worker until five minutes from now.
    let held = notification(&email, 8, old);
    queue(store, std::slice::from_ref(&held)).await;
    let claim = store.claim_notifications(now - Duration::MINUTE, now + Duration::minutes(5), 10);
    assert_eq!(claim.await.unwrap().len(), 1);
    // Never claimed; scheduled long ago; accepted long ago but due only yesterday.
    let queued = notification(&sms, 9, old);
    let scheduled_long_ago = NewNotification {
        scheduled_for: Some(old + Duration::HOUR),
        ..notification(&email, 10, now - Duration::days(5))
    };
    let due_yesterday = NewNotification {
        scheduled_for: Some(now - Duration::DAY),
        ..notification(&email, 11, now - Duration::hours(84))
    };
    let late = [&queued, &scheduled_long_ago, &due_yesterday];
    queue(store, &late.map(Clone::clone)).await;

    let timed_out = store.time_out_notifications(older_than, now).await.unwrap();
    let expected = [&sending, &pending, &retrying, &queued, &scheduled_long_ago];
    assert_eq!(timed_out, expected.map(|new| new.id));
    let read = |new: &NewNotification| {
        let (service, id) = (ours.id, new.id);
        async move {
            let found = store.notification(service, id).await.unwrap().unwrap();
            (found.status, found.updated_at)
        }
    };
    let at_now = Some(micros(now));
    assert_eq!(read(&sending).await, (TemporaryFailure, at_now));
    assert_eq!(read(&pending).await, (TemporaryFailure, at_now));
    assert_eq!(read(&retrying).await, (TechnicalFailure, at_now));
    assert_eq!(read(&queued).await, (TechnicalFailure, at_now));
    assert_eq!(read(&scheduled_long_ago).await, (TechnicalFailure, at_now));
    let an_hour_ago = Some(micros(now - Duration::HOUR));
    for (new, status) in [
        (&sms_sent, Sent),
        (&delivered, Delivered),
        (&recent_sending, Sending),
        (&just_in_time, Sending),
    ] {
        assert_eq!(read(new).await, (status, an_hour_ago), "{}", new.body);
    }
    assert_eq!(read(&held).await, (Created, None));
    assert_eq!(read(&due_yesterday).await, (Created, None));
    let again = store.time_out_notifications(older_than, now).await;
    assert_eq!(again.unwrap(), []);

    // Once the worker's claim has ended, the held notification is timed out too.
    let after_lease = now + Duration::minutes(5);
    let timed_out = store.time_out_notifications(older_than, after_lease).await;
    assert_eq!(timed_out.unwrap(), [held.id]);
    // Timed-out notifications have left the queue: only the one due yesterday is claimed.
    let later = now + Duration::hours(2);
    let claimed = store.claim_notifications(later, later + Duration::MINUTE, 10);
    let claimed: BTreeSet<_> = claimed.await.unwrap().iter().map(|n| n.id).collect();
    assert_eq!(claimed, BTreeSet::from([due_yesterday.id]));
}
