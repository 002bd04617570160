//! Checks for claiming due notifications and recording what happened to them.

use std::collections::BTreeSet;

use carillon_domain::{
    KeyType, NewNotification, Notification, NotificationId, NotificationStatus, NotificationType,
    ProcessType, Template,
};
use time::Duration;

use super::fixtures::{
    T0, at, claimed, micros, notification, outcome, queue, service, stored, template,
};
use crate::{Outcome, Store};

use NotificationStatus::{Created, Delivered, Sending, Sent, TechnicalFailure};
use NotificationType::{Email, Sms};
use ProcessType::{Bulk, Normal, Priority};

/// Due rows come priority lane first, then normal, then bulk, each oldest first; rows
/// scheduled for later are left until their time; test-key rows are claimed like any other.
pub async fn claim_due_in_lane_order(store: &dyn Store) {
    let ours = service(store, "Lanes").await;
    let email = template(store, &ours, Email, at(1)).await;
    let sms = template(store, &ours, Sms, at(1)).await;
    let lane = |template: &Template, n: u32, process_type: ProcessType| NewNotification {
        process_type,
        ..notification(template, n, at(2))
    };
    let bulk = lane(&email, 1, Bulk);
    let normal = lane(&sms, 2, Normal);
    let priority = lane(&email, 3, Priority);
    let test_key = NewNotification {
        key_type: KeyType::Test,
        ..lane(&sms, 4, Normal)
    };
    let later = NewNotification {
        scheduled_for: Some(at(100)),
        ..lane(&email, 5, Priority)
    };
    let was_scheduled = NewNotification {
        scheduled_for: Some(at(5)),
        ..lane(&email, 6, Normal)
    };
    let all = [&bulk, &normal, &priority, &test_key, &later, &was_scheduled].map(Clone::clone);
    queue(store, &all).await;

    let lease = at(1_000);
    assert_eq!(
        store.claim_notifications(at(10), lease, 0).await.unwrap(),
        []
    );
    let first = store.claim_notifications(at(10), lease, 2).await.unwrap();
    assert_eq!(first, [claimed(&priority, 1), claimed(&normal, 1)]);
    let rest = store.claim_notifications(at(10), lease, 10).await.unwrap();
    assert_eq!(
        rest,
        [
            claimed(&test_key, 1),
            claimed(&was_scheduled, 1),
            claimed(&bulk, 1)
        ]
    );
    assert_eq!(
        store.claim_notifications(at(10), lease, 10).await.unwrap(),
        []
    );
    // The claim counts as an attempt on the stored row too.
    let read = store.notification(ours.id, normal.id).await.unwrap();
    assert_eq!(read, Some(claimed(&normal, 1)));

    // A scheduled notification is due at its time, not a microsecond earlier.
    let just_before = at(100) - Duration::microseconds(1);
    let early = store.claim_notifications(just_before, lease, 10).await;
    assert_eq!(early.unwrap(), []);
    let due = store.claim_notifications(at(100), lease, 10).await.unwrap();
    assert_eq!(due, [claimed(&later, 1)]);
}

/// A claim holds its rows until `lease_until`; then (the worker died) they are claimable
/// again, and the attempt is counted again.
pub async fn claim_holds_until_the_lease_ends(store: &dyn Store) {
    let ours = service(store, "Lease").await;
    let email = template(store, &ours, Email, at(1)).await;
    let batch: Vec<_> = (0..3).map(|n| notification(&email, n, at(2))).collect();
    queue(store, &batch).await;

    let first = store.claim_notifications(at(10), at(70), 10).await.unwrap();
    let expected: Vec<_> = batch.iter().map(|new| claimed(new, 1)).collect();
    assert_eq!(first, expected);
    for now in [at(10), at(69)] {
        let held = store.claim_notifications(now, now + Duration::MINUTE, 10);
        assert_eq!(held.await.unwrap(), [], "claimed again at {now}");
    }
    let again = store
        .claim_notifications(at(70), at(130), 10)
        .await
        .unwrap();
    let expected: Vec<_> = batch.iter().map(|new| claimed(new, 2)).collect();
    assert_eq!(again, expected);
    assert_eq!(
        store
            .claim_notifications(at(100), at(160), 10)
            .await
            .unwrap(),
        []
    );
    let read = store.notification(ours.id, batch[0].id).await.unwrap();
    assert_eq!(read.map(|n| n.attempts), Some(2));
}

/// Claims racing for the same rows (as workers in several processes do) never hand one row
/// to two of them, and between them take every row once.
pub async fn claim_concurrent_never_overlap(store: &dyn Store) {
    let ours = service(store, "Race claims").await;
    let email = template(store, &ours, Email, at(1)).await;
    let lanes = [Priority, Normal, Bulk];
    let batch: Vec<_> = (0..120)
        .map(|n| NewNotification {
            process_type: lanes[n as usize % 3],
            ..notification(&email, n, at(2))
        })
        .collect();
    queue(store, &batch).await;

    let mut seen = BTreeSet::new();
    for _ in 0..20 {
        let claim = || store.claim_notifications(at(10), at(70), 7);
        let (a, b, c, d, e, f) = tokio::join!(claim(), claim(), claim(), claim(), claim(), claim());
        let rounds = [a, b, c, d, e, f].map(Result::unwrap);
        for claimed in rounds.iter().flatten() {
            assert!(seen.insert(claimed.id), "{} claimed twice", claimed.id);
            assert_eq!(claimed.attempts, 1);
        }
        if rounds.iter().all(Vec::is_empty) {
            break;
        }
    }
    let all: BTreeSet<_> = batch.iter().map(|new| new.id).collect();
    assert_eq!(seen, all);
}

/// Outcomes set the status, the provider's reference and words, when it was sent and when it
/// changed, and release the claim; reading the notification shows them. A later outcome keeps
/// the reference and sending time when it names none. Unknown ids are ignored.
pub async fn outcomes_update_status_and_provider_fields(store: &dyn Store) {
    let ours = service(store, "Outcomes").await;
    let email = template(store, &ours, Email, at(1)).await;
    let sms = template(store, &ours, Sms, at(1)).await;
    let sent = notification(&email, 1, at(2));
    let failed = notification(&sms, 2, at(2));
    let waiting = notification(&email, 3, at(2));
    queue(store, &[sent.clone(), failed.clone(), waiting.clone()]).await;
    let first = store.claim_notifications(at(10), at(70), 2).await.unwrap();
    assert_eq!(first, [claimed(&sent, 1), claimed(&failed, 1)]);

    let sent_at = (T0 + Duration::seconds(11))
        .replace_nanosecond(987_654_321)
        .unwrap();
    let outcomes = [
        Outcome {
            provider_reference: Some("ses-0001".to_owned()),
            sent_at: Some(sent_at),
            ..outcome(sent.id, Sending, 12)
        },
        Outcome {
            provider_response: Some("Rejected: nombre invalide ✗".to_owned()),
            ..outcome(failed.id, TechnicalFailure, 13)
        },
        outcome(NotificationId::new(), Delivered, 13),
    ];
    store.record_outcomes(&outcomes).await.unwrap();
    store.record_outcomes(&[]).await.unwrap();
    let expected_sent = Notification {
        status: Sending,
        provider_reference: Some("ses-0001".to_owned()),
        sent_at: Some(micros(sent_at)),
        updated_at: Some(at(12)),
        ..claimed(&sent, 1)
    };
    let expected_failed = Notification {
        status: TechnicalFailure,
        provider_response: Some("Rejected: nombre invalide ✗".to_owned()),
        updated_at: Some(at(13)),
        ..claimed(&failed, 1)
    };
    let read = |id| store.notification(ours.id, id);
    assert_eq!(read(sent.id).await.unwrap(), Some(expected_sent.clone()));
    assert_eq!(read(failed.id).await.unwrap(), Some(expected_failed));
    assert_eq!(read(waiting.id).await.unwrap(), Some(stored(&waiting)));

    // The delivery receipt names no reference; of two outcomes for one row, the last counts.
    let receipt = Outcome {
        provider_response: Some("Delivered".to_owned()),
        ..outcome(sent.id, Delivered, 30)
    };
    store
        .record_outcomes(&[outcome(sent.id, Sending, 20), receipt])
        .await
        .unwrap();
    let expected_delivered = Notification {
        status: Delivered,
        provider_response: Some("Delivered".to_owned()),
        updated_at: Some(at(30)),
        ..expected_sent
    };
    assert_eq!(read(sent.id).await.unwrap(), Some(expected_delivered));

    // Finished notifications are not claimed again, even once their lease has passed.
    let later = store.claim_notifications(at(1_000), at(1_060), 10).await;
    assert_eq!(later.unwrap(), [claimed(&waiting, 1)]);
}

/// A retry outcome keeps the notification queued (`created`) and claimable only from
/// `retry_at`, in its lane like any due row, with the attempt counted again.
pub async fn outcomes_retry_waits_until_retry_at(store: &dyn Store) {
    let ours = service(store, "Retry").await;
    let email = template(store, &ours, Email, at(1)).await;
    let urgent = NewNotification {
        process_type: Priority,
        ..notification(&email, 1, at(2))
    };
    queue(store, std::slice::from_ref(&urgent)).await;
    let first = store.claim_notifications(at(10), at(40), 10).await.unwrap();
    assert_eq!(first, [claimed(&urgent, 1)]);
    let retry = Outcome {
        provider_response: Some("Throttling: rate exceeded".to_owned()),
        retry_at: Some(at(100)),
        ..outcome(urgent.id, Created, 11)
    };
    store.record_outcomes(&[retry]).await.unwrap();
    let waiting = Notification {
        provider_response: Some("Throttling: rate exceeded".to_owned()),
        updated_at: Some(at(11)),
        ..claimed(&urgent, 1)
    };
    let read = store.notification(ours.id, urgent.id).await.unwrap();
    assert_eq!(read, Some(waiting.clone()));

    // Past the lease but before the retry time: not due.
    for now in [at(50), at(100) - Duration::microseconds(1)] {
        let early = store.claim_notifications(now, now + Duration::MINUTE, 10);
        assert_eq!(early.await.unwrap(), [], "claimed at {now}");
    }
    // Due again, ahead of a normal notification stored meanwhile.
    let normal = notification(&email, 2, at(60));
    queue(store, std::slice::from_ref(&normal)).await;
    let due = store
        .claim_notifications(at(100), at(130), 10)
        .await
        .unwrap();
    let retried = Notification {
        attempts: 2,
        ..waiting
    };
    assert_eq!(due, [retried, claimed(&normal, 1)]);
}

/// A batch of hundreds of outcomes is recorded whole, each to its own row.
pub async fn outcomes_batch_of_hundreds(store: &dyn Store) {
    let ours = service(store, "Many outcomes").await;
    let sms = template(store, &ours, Sms, at(1)).await;
    let batch: Vec<_> = (0..300).map(|n| notification(&sms, n, at(2))).collect();
    queue(store, &batch).await;
    let claimed = store
        .claim_notifications(at(10), at(70), 300)
        .await
        .unwrap();
    let ids: Vec<_> = claimed.iter().map(|n| n.id).collect();
    let expected: Vec<_> = batch.iter().map(|new| new.id).collect();
    assert_eq!(ids, expected);
    // Every third is retried in a minute; the others are sent with a reference of their own.
    let outcomes: Vec<_> = claimed
        .iter()
        .enumerate()
        .map(|(n, notification)| match n % 3 {
            0 => Outcome {
                retry_at: Some(at(120)),
                ..outcome(notification.id, Created, 11)
            },
            _ => Outcome {
                provider_reference: Some(format!("ref-{n}")),
                sent_at: Some(at(11)),
                ..outcome(notification.id, Sent, 11)
            },
        })
        .collect();
    store.record_outcomes(&outcomes).await.unwrap();
    for (n, new) in batch.iter().enumerate() {
        let read = store.notification(ours.id, new.id).await.unwrap().unwrap();
        let reference = (n % 3 != 0).then(|| format!("ref-{n}"));
        assert_eq!(read.provider_reference, reference, "{n}");
        assert_eq!(read.status, if n % 3 == 0 { Created } else { Sent }, "{n}");
        assert_eq!(read.updated_at, Some(at(11)));
    }
    let retried = store
        .claim_notifications(at(120), at(180), 300)
        .await
        .unwrap();
    let expected: Vec<_> = batch.iter().step_by(3).map(|new| new.id).collect();
    let ids: Vec<_> = retried.iter().map(|n| n.id).collect();
    assert_eq!(ids, expected);
}
