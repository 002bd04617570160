//! Checks for complaints and for the claims, leases and results of the callback notice queue.

use carillon_domain::NotificationType;

use super::callbacks::{claim_all, config, setup};
use super::fixtures::{at, micros, notification, outcome, queue, service, template};
use crate::{
    CallbackKind, CallbackResolution, CallbackResult, ComplaintNotice, NewComplaint, Notice,
    Outcome, Store,
};

use CallbackKind::DeliveryStatus;
use carillon_domain::NotificationStatus::Delivered;

/// A complaint is stored against the notification with its provider reference, leaves the
/// status alone and queues a complaint notice; an unknown reference stores nothing.
pub async fn complaints_recorded_and_queued(store: &dyn Store) {
    let (ours, new) = setup(store, "Complaints").await;
    let delivered = Outcome {
        provider_reference: Some("ses-42".to_owned()),
        ..outcome(new.id, Delivered, 3)
    };
    store.record_outcomes(&[delivered]).await.unwrap();
    let status_notices = claim_all(store, at(10)).await;
    assert_eq!(status_notices.len(), 1);
    let complaint = |reference: &str| NewComplaint {
        provider_reference: reference.to_owned(),
        feedback_type: Some("abuse".to_owned()),
        feedback_subtype: None,
        complaint_date: at(20),
        created_at: at(21),
    };
    let stored = store
        .record_complaints(&[complaint("ses-42"), complaint("unknown")])
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored[1].is_none());
    let stored = stored[0].clone().expect("stored");
    assert_eq!(
        (stored.notification_id, stored.service_id),
        (new.id, ours.id)
    );
    assert_eq!(stored.feedback_type.as_deref(), Some("abuse"));
    assert_eq!(stored.complaint_date, micros(at(20)));
    let read = store.notification(ours.id, new.id).await.unwrap().unwrap();
    assert_eq!(read.status, Delivered, "a complaint keeps the status");

    let claimed = claim_all(store, at(30)).await;
    assert_eq!(claimed.len(), 1, "{claimed:?}");
    assert_eq!(
        claimed[0].bearer_token.expose(),
        "token-for-complaint-https://example.com/cb"
    );
    let expected = ComplaintNotice {
        notification_id: new.id,
        complaint_id: stored.id,
        reference: Some("client-ref".to_owned()),
        to: new.to.clone(),
        complaint_date: micros(at(20)),
    };
    assert_eq!(claimed[0].notice, Notice::Complaint(expected));
}

/// A claim holds until its lease ends, then the notice is claimed again as a new attempt;
/// results of an old claim are ignored; a retry waits until its time; a release does not
/// count an attempt; done notices leave the queue; skipped services are not claimed.
pub async fn callback_claims_lease_and_results(store: &dyn Store) {
    let (ours, new) = setup(store, "Callback queue").await;
    store
        .record_outcomes(&[outcome(new.id, Delivered, 3)])
        .await
        .unwrap();
    assert!(
        store
            .claim_callbacks(at(2), at(60), 10, 100, &[])
            .await
            .unwrap()
            .is_empty(),
        "early"
    );
    assert!(
        store
            .claim_callbacks(at(10), at(60), 10, 100, &[ours.id])
            .await
            .unwrap()
            .is_empty()
    );
    let first = store
        .claim_callbacks(at(10), at(60), 10, 100, &[])
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        store
            .claim_callbacks(at(59), at(100), 10, 100, &[])
            .await
            .unwrap()
            .is_empty(),
        "held"
    );
    let second = store
        .claim_callbacks(at(60), at(100), 10, 100, &[])
        .await
        .unwrap();
    assert_eq!((second.len(), second[0].attempt), (1, 2));
    let id = second[0].id;
    // The first claim's late result changes nothing.
    let stale = CallbackResult {
        id,
        attempt: 1,
        resolution: CallbackResolution::Done,
    };
    store.record_callback_results(&[stale]).await.unwrap();
    let retry = CallbackResult {
        id,
        attempt: 2,
        resolution: CallbackResolution::RetryAt(at(300)),
    };
    store.record_callback_results(&[retry]).await.unwrap();
    assert!(
        store
            .claim_callbacks(at(299), at(400), 10, 100, &[])
            .await
            .unwrap()
            .is_empty()
    );
    let third = store
        .claim_callbacks(at(300), at(400), 10, 100, &[])
        .await
        .unwrap();
    assert_eq!(third[0].attempt, 3);
    let release = CallbackResult {
        id,
        attempt: 3,
        resolution: CallbackResolution::Release(at(301)),
    };
    store.record_callback_results(&[release]).await.unwrap();
    let again = store
        .claim_callbacks(at(301), at(400), 10, 100, &[])
        .await
        .unwrap();
    assert_eq!(again[0].attempt, 3, "a release counted an attempt");
    let done = CallbackResult {
        id,
        attempt: 3,
        resolution: CallbackResolution::Done,
    };
    store.record_callback_results(&[done]).await.unwrap();
    assert!(
        store
            .claim_callbacks(at(1000), at(1100), 10, 100, &[])
            .await
            .unwrap()
            .is_empty()
    );
}

/// A claim takes at most `per_service` notices of each service, oldest due first.
pub async fn callback_claims_at_most_per_service(store: &dyn Store) {
    let mut expected = Vec::new();
    for name in ["Callback fair A", "Callback fair B"] {
        let ours = service(store, name).await;
        let url = "https://example.com/cb";
        store
            .set_callback(&config(&ours, DeliveryStatus, url))
            .await
            .unwrap();
        let email = template(store, &ours, NotificationType::Email, at(0)).await;
        let batch: Vec<_> = (1..=3).map(|n| notification(&email, n, at(0))).collect();
        queue(store, &batch).await;
        store.claim_notifications(at(1), at(60), 10).await.unwrap();
        let outcomes: Vec<_> = batch
            .iter()
            .zip(3..)
            .map(|(new, second)| outcome(new.id, Delivered, second))
            .collect();
        store.record_outcomes(&outcomes).await.unwrap();
        expected.push((ours.id, batch[0].id));
        expected.push((ours.id, batch[1].id));
    }
    let claimed = store
        .claim_callbacks(at(10), at(60), 10, 2, &[])
        .await
        .unwrap();
    let mut got: Vec<_> = claimed
        .iter()
        .map(|c| match &c.notice {
            Notice::Status(notice) => (c.service_id, notice.notification_id),
            Notice::Complaint(_) => panic!("{c:?}"),
        })
        .collect();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    let rest = store
        .claim_callbacks(at(10), at(60), 10, 2, &[])
        .await
        .unwrap();
    assert_eq!(rest.len(), 2, "the third of each service");
}
