//! Checks for a worker keeping its claims while it sends (renewing the lease) and giving back
//! the ones it never sent (without counting an attempt).

use carillon_domain::Notification;
use carillon_domain::NotificationStatus::{Created, Sending};
use carillon_domain::NotificationType::Email;

use super::fixtures::{at, claimed, notification, outcome, queue, service, template};
use crate::{Claim, Store};

fn claims(notifications: &[Notification]) -> Vec<Claim> {
    notifications.iter().map(Claim::of).collect()
}

/// A renewed claim holds past its first lease, until the new one ends; a claim another worker
/// took once the lease had passed is not renewed, nor is one whose outcome was recorded. A
/// lease that passed without anyone claiming the row again is renewed.
pub async fn renewed_claims_hold_until_the_new_lease_ends(store: &dyn Store) {
    let ours = service(store, "Renew").await;
    let email = template(store, &ours, Email, at(1)).await;
    let batch: Vec<_> = (0..4).map(|n| notification(&email, n, at(2))).collect();
    queue(store, &batch).await;
    let first = store.claim_notifications(at(10), at(70), 10).await.unwrap();
    let held = claims(&first);

    assert_eq!(store.renew_claims(&held[..2], at(130)).await.unwrap(), 2);
    assert_eq!(store.renew_claims(&[], at(130)).await.unwrap(), 0);
    // The first lease passed: the two not renewed are claimed again (a second attempt).
    let taken = store.claim_notifications(at(80), at(200), 1).await.unwrap();
    assert_eq!(taken, [claimed(&batch[2], 2)]);
    assert_eq!(
        store.renew_claims(&held[2..3], at(190)).await.unwrap(),
        0,
        "another worker holds it now"
    );
    // Nobody claimed the fourth since its lease passed: renewing it is still safe.
    assert_eq!(store.renew_claims(&held[3..], at(190)).await.unwrap(), 1);
    for now in [at(80), at(129)] {
        let early = store.claim_notifications(now, now + time::Duration::MINUTE, 10);
        assert_eq!(early.await.unwrap(), [], "claimed at {now}");
    }
    let again = store
        .claim_notifications(at(130), at(200), 10)
        .await
        .unwrap();
    assert_eq!(again, [claimed(&batch[0], 2), claimed(&batch[1], 2)]);

    // Once its outcome is recorded a claim is over: nothing to renew.
    let done = claims(&again);
    let sent = crate::Outcome {
        attempt: 2,
        ..outcome(again[0].id, Sending, 140)
    };
    store.record_outcomes(&[sent]).await.unwrap();
    assert_eq!(store.renew_claims(&done, at(260)).await.unwrap(), 1);
    let read = store.notification(ours.id, batch[0].id).await.unwrap();
    assert_eq!(read.map(|n| n.status), Some(Sending));
}

/// A released claim is due again at once, with the attempt it counted taken back; a claim
/// that is no longer held (claimed again, finished) is not released.
pub async fn released_claims_are_due_again_without_an_attempt(store: &dyn Store) {
    let ours = service(store, "Release").await;
    let email = template(store, &ours, Email, at(1)).await;
    let batch: Vec<_> = (0..3).map(|n| notification(&email, n, at(2))).collect();
    queue(store, &batch).await;
    let first = store
        .claim_notifications(at(10), at(1_000), 10)
        .await
        .unwrap();
    let held = claims(&first);
    store
        .record_outcomes(&[outcome(first[2].id, Sending, 15)])
        .await
        .unwrap();

    assert_eq!(store.release_claims(&held, at(20)).await.unwrap(), 2);
    assert_eq!(
        store.release_claims(&held, at(20)).await.unwrap(),
        0,
        "released already (the attempt moved back) or finished"
    );
    let status = |n: usize| {
        let id = batch[n].id;
        async move {
            let read = store.notification(ours.id, id).await.unwrap().unwrap();
            (read.status, read.attempts)
        }
    };
    assert_eq!(
        status(2).await,
        (Sending, 1),
        "a finished row is left alone"
    );
    assert_eq!(status(0).await, (Created, 0));
    let again = store.claim_notifications(at(20), at(80), 10).await.unwrap();
    assert_eq!(again, [claimed(&batch[0], 1), claimed(&batch[1], 1)]);
}

/// After a claim taken once a lease had passed is released, the outcome of the claim before it
/// applies: that claim's worker did hand the message over.
pub async fn released_claims_let_the_earlier_outcome_apply(store: &dyn Store) {
    let ours = service(store, "Earlier outcome").await;
    let email = template(store, &ours, Email, at(1)).await;
    let new = notification(&email, 0, at(2));
    queue(store, std::slice::from_ref(&new)).await;
    let earlier = store.claim_notifications(at(10), at(70), 1).await.unwrap();
    let later = store.claim_notifications(at(70), at(130), 1).await.unwrap();
    assert_eq!(later, [claimed(&new, 2)]);
    let stale = outcome(earlier[0].id, Sending, 80);
    store
        .record_outcomes(std::slice::from_ref(&stale))
        .await
        .unwrap();
    let status = || async {
        let read = store.notification(ours.id, new.id).await.unwrap().unwrap();
        read.status
    };
    assert_eq!(
        status().await,
        Created,
        "ignored while the later claim holds"
    );
    assert_eq!(
        store.release_claims(&claims(&later), at(90)).await.unwrap(),
        1
    );
    store.record_outcomes(&[stale]).await.unwrap();
    assert_eq!(status().await, Sending);
}
