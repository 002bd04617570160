//! Checks for service callbacks: configuration, and notices queued with status changes (or
//! not, when no active callback wants them).

use carillon_domain::{NewNotification, NotificationStatus, NotificationType, Service};
use time::{Duration, OffsetDateTime};

use super::fixtures::{T0, at, micros, notification, outcome, queue, service, template};
use crate::{
    BearerToken, CallbackConfig, CallbackKind, DueCallback, Notice, Outcome, StatusNotice, Store,
    StoreError,
};

use CallbackKind::{Complaint, DeliveryStatus};
use NotificationStatus::{Created, Delivered, PermanentFailure, Sending, Sent, TechnicalFailure};

pub(super) fn config(service: &Service, kind: CallbackKind, url: &str) -> CallbackConfig {
    CallbackConfig {
        service_id: service.id,
        kind,
        url: url.to_owned(),
        bearer_token: BearerToken::new(format!("token-for-{kind}-{url}")),
        suspended: false,
        updated_at: at(1),
    }
}

/// A service with both callbacks and an email template; returns the service and a stored,
/// claimed notification with a client reference.
pub(super) async fn setup(store: &dyn Store, name: &str) -> (Service, NewNotification) {
    let ours = service(store, name).await;
    for kind in CallbackKind::ALL {
        store
            .set_callback(&config(&ours, kind, "https://example.com/cb"))
            .await
            .unwrap();
    }
    let email = template(store, &ours, NotificationType::Email, at(0)).await;
    let new = NewNotification {
        client_reference: Some("client-ref".to_owned()),
        ..notification(&email, 1, at(0))
    };
    queue(store, std::slice::from_ref(&new)).await;
    let claimed = store.claim_notifications(at(1), at(60), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    (ours, new)
}

pub(super) async fn claim_all(store: &dyn Store, now: OffsetDateTime) -> Vec<DueCallback> {
    store
        .claim_callbacks(now, now + Duration::MINUTE, 100, 100, &[])
        .await
        .unwrap()
}

/// Callbacks round-trip with their token, one per kind; replacing, suspending, resuming and
/// removing work, and unknown ones are not found.
pub async fn callbacks_config_round_trip(store: &dyn Store) {
    let ours = service(store, "Callback config").await;
    let other = service(store, "Callback other").await;
    let status = config(&ours, DeliveryStatus, "https://example.com/status");
    let complaint = config(&ours, Complaint, "https://example.com/complaint");
    store.set_callback(&complaint).await.unwrap();
    store.set_callback(&status).await.unwrap();
    let listed = store.callbacks(ours.id).await.unwrap();
    assert_eq!(listed, [status.clone(), complaint.clone()]);
    assert!(store.callbacks(other.id).await.unwrap().is_empty());

    let replaced = CallbackConfig {
        url: "https://example.com/v2".to_owned(),
        bearer_token: BearerToken::new("another-token-123"),
        updated_at: at(5),
        ..status.clone()
    };
    store.set_callback(&replaced).await.unwrap();
    store
        .suspend_callback(ours.id, Complaint, true, at(6))
        .await
        .unwrap();
    let suspended = CallbackConfig {
        suspended: true,
        updated_at: at(6),
        ..complaint.clone()
    };
    assert_eq!(
        store.callbacks(ours.id).await.unwrap(),
        [replaced.clone(), suspended]
    );
    store
        .suspend_callback(ours.id, Complaint, false, at(7))
        .await
        .unwrap();
    assert!(!store.callbacks(ours.id).await.unwrap()[1].suspended);

    store.remove_callback(ours.id, Complaint).await.unwrap();
    assert_eq!(store.callbacks(ours.id).await.unwrap(), [replaced]);
    let missing = store.remove_callback(ours.id, Complaint).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let missing = store
        .suspend_callback(other.id, DeliveryStatus, true, at(8))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let nobody = CallbackConfig {
        service_id: carillon_domain::ServiceId::new(),
        ..status
    };
    let result = store.set_callback(&nobody).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// A final status queues a notice carrying the status and times of the change (a later
/// change queues another and leaves the first as it was); `sending`, `sent` and retries queue
/// nothing.
pub async fn callbacks_queued_with_final_statuses(store: &dyn Store) {
    let (ours, new) = setup(store, "Callback statuses").await;
    let email = template(store, &ours, NotificationType::Email, at(0)).await;
    let sms = template(store, &ours, NotificationType::Sms, at(0)).await;
    let (sending, sent, retried) = (
        notification(&email, 2, at(0)),
        notification(&sms, 3, at(0)),
        notification(&email, 4, at(0)),
    );
    queue(store, &[sending.clone(), sent.clone(), retried.clone()]).await;
    store.claim_notifications(at(1), at(60), 10).await.unwrap();
    let delivered = Outcome {
        provider_reference: Some("provider-1".to_owned()),
        provider_response: Some("250 OK".to_owned()),
        sent_at: Some(at(2)),
        ..outcome(new.id, Delivered, 3)
    };
    let retry = Outcome {
        retry_at: Some(at(100)),
        ..outcome(retried.id, Created, 3)
    };
    store
        .record_outcomes(&[
            delivered,
            outcome(sending.id, Sending, 3),
            outcome(sent.id, Sent, 3),
            retry,
        ])
        .await
        .unwrap();
    // The notification changes again before anything is sent: a second notice.
    store
        .claim_notifications(at(200), at(260), 10)
        .await
        .unwrap();
    let claimed = claim_all(store, at(10)).await;
    assert_eq!(claimed.len(), 1, "{claimed:?}");
    let first = &claimed[0];
    assert_eq!(first.attempt, 1);
    assert_eq!(first.service_id, ours.id);
    assert_eq!(first.url, "https://example.com/cb");
    assert_eq!(
        first.bearer_token.expose(),
        "token-for-delivery_status-https://example.com/cb"
    );
    let expected = StatusNotice {
        notification_id: new.id,
        reference: Some("client-ref".to_owned()),
        to: new.to.clone(),
        status: Delivered,
        kind: NotificationType::Email,
        provider_response: Some("250 OK".to_owned()),
        created_at: micros(at(0)),
        updated_at: Some(micros(at(3))),
        sent_at: Some(micros(at(2))),
    };
    assert_eq!(first.notice, Notice::Status(expected));
    assert!(claim_all(store, at(10)).await.is_empty(), "claimed twice");
}

/// Timing out notifications queues their notices, like any other status change.
pub async fn callbacks_queued_on_timeout(store: &dyn Store) {
    let (_, new) = setup(store, "Callback timeouts").await;
    let now = T0 + Duration::days(4);
    let timed_out = store
        .time_out_notifications(now - Duration::days(3), now)
        .await
        .unwrap();
    assert_eq!(timed_out, [new.id]);
    let claimed = claim_all(store, now).await;
    assert_eq!(claimed.len(), 1);
    let Notice::Status(notice) = &claimed[0].notice else {
        panic!("{claimed:?}")
    };
    assert_eq!(
        (notice.status, notice.updated_at),
        (TechnicalFailure, Some(micros(now)))
    );
}

/// Nothing is queued for a service without a callback, with only a complaint callback, or
/// with a suspended one; a notice queued before its callback was suspended or removed, or
/// whose notification's personal data was purged, is dropped rather than claimed.
pub async fn callbacks_not_queued_when_inactive(store: &dyn Store) {
    let (ours, new) = setup(store, "Callback inactive").await;
    store
        .suspend_callback(ours.id, DeliveryStatus, true, at(2))
        .await
        .unwrap();
    store
        .record_outcomes(&[outcome(new.id, Delivered, 3)])
        .await
        .unwrap();
    assert!(
        claim_all(store, at(10)).await.is_empty(),
        "queued while suspended"
    );

    let (other, new) = setup(store, "Callback removed").await;
    store
        .remove_callback(other.id, DeliveryStatus)
        .await
        .unwrap();
    store
        .record_outcomes(&[outcome(new.id, Delivered, 3)])
        .await
        .unwrap();
    assert!(
        claim_all(store, at(10)).await.is_empty(),
        "queued without a callback"
    );

    // Queued, then suspended: dropped.
    let (third, new) = setup(store, "Callback suspended later").await;
    store
        .record_outcomes(&[outcome(new.id, PermanentFailure, 3)])
        .await
        .unwrap();
    store
        .suspend_callback(third.id, DeliveryStatus, true, at(4))
        .await
        .unwrap();
    assert!(
        claim_all(store, at(10)).await.is_empty(),
        "sent while suspended"
    );
    store
        .suspend_callback(third.id, DeliveryStatus, false, at(5))
        .await
        .unwrap();
    assert!(
        claim_all(store, at(10)).await.is_empty(),
        "a dropped notice came back"
    );

    // Queued, then purged by retention: dropped.
    let (_, new) = setup(store, "Callback purged").await;
    store
        .record_outcomes(&[outcome(new.id, Delivered, 3)])
        .await
        .unwrap();
    let later = T0 + Duration::days(30);
    while store.purge_personal_data(later, 100).await.unwrap() > 0 {}
    assert!(claim_all(store, later).await.is_empty(), "sent after purge");
}
