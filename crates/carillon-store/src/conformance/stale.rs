//! Checks that an outcome counts only for the claim it belongs to (the row's `attempts`).

use carillon_domain::{Notification, NotificationStatus, NotificationType};

use super::fixtures::{at, claimed, notification, outcome, queue, service, template};
use crate::{Outcome, Store};

use NotificationStatus::{Created, Delivered, Sending, TechnicalFailure};

/// An outcome counts only for the claim it belongs to. Once the lease has passed and another
/// worker has claimed the row again (attempt 2), the first worker's late outcomes (attempt 1)
/// neither overwrite the row nor release the newer claim; the newer claim's outcome applies.
pub async fn outcomes_of_an_expired_claim_are_ignored(store: &dyn Store) {
    let ours = service(store, "Stale outcomes").await;
    let email = template(store, &ours, NotificationType::Email, at(1)).await;
    let slow = notification(&email, 1, at(2));
    let other = notification(&email, 2, at(2));
    queue(store, &[slow.clone(), other.clone()]).await;
    let first = store.claim_notifications(at(10), at(70), 10).await.unwrap();
    assert_eq!(first, [claimed(&slow, 1), claimed(&other, 1)]);
    let second = store
        .claim_notifications(at(70), at(130), 10)
        .await
        .unwrap();
    assert_eq!(second, [claimed(&slow, 2), claimed(&other, 2)]);

    // The first worker wakes up: its failure, and its retry that would release the claim.
    let late_failure = Outcome {
        provider_response: Some("late".to_owned()),
        ..outcome(slow.id, TechnicalFailure, 80)
    };
    let late_retry = Outcome {
        retry_at: Some(at(81)),
        ..outcome(slow.id, Created, 80)
    };
    store.record_outcomes(&[late_failure]).await.unwrap();
    store.record_outcomes(&[late_retry]).await.unwrap();
    let read = |id| store.notification(ours.id, id);
    assert_eq!(read(slow.id).await.unwrap(), Some(claimed(&slow, 2)));
    // Still held by the second claim: nobody may take it before that lease ends.
    let early = store.claim_notifications(at(100), at(160), 10).await;
    assert_eq!(early.unwrap(), []);

    // In one batch, a stale outcome is skipped and a current one applied.
    let current = Outcome {
        attempt: 2,
        provider_reference: Some("ses-2".to_owned()),
        sent_at: Some(at(90)),
        ..outcome(slow.id, Sending, 90)
    };
    let stale = outcome(other.id, Delivered, 90);
    store.record_outcomes(&[current, stale]).await.unwrap();
    let sending = Notification {
        status: Sending,
        provider_reference: Some("ses-2".to_owned()),
        sent_at: Some(at(90)),
        updated_at: Some(at(90)),
        ..claimed(&slow, 2)
    };
    assert_eq!(read(slow.id).await.unwrap(), Some(sending));
    assert_eq!(read(other.id).await.unwrap(), Some(claimed(&other, 2)));
    // The second claim of `other` ends; claimed a third time, only attempt 3 counts.
    let third = store
        .claim_notifications(at(130), at(190), 10)
        .await
        .unwrap();
    assert_eq!(third, [claimed(&other, 3)]);
    let current = Outcome {
        attempt: 3,
        ..outcome(other.id, Delivered, 140)
    };
    let stale = Outcome {
        attempt: 2,
        ..outcome(other.id, TechnicalFailure, 150)
    };
    store.record_outcomes(&[current]).await.unwrap();
    store.record_outcomes(&[stale]).await.unwrap();
    let delivered = Notification {
        status: Delivered,
        updated_at: Some(at(140)),
        ..claimed(&other, 3)
    };
    assert_eq!(read(other.id).await.unwrap(), Some(delivered));
}
