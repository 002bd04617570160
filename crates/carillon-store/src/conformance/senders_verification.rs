//! Checks for reply-to verification links and switching the default to a verified address.

use carillon_domain::{ReplyTo, ReplyToId, ServiceId};

use super::fixtures::{at, service};
use crate::{ReplyToVerification, Store, StoreError};

fn unverified(service_id: ServiceId, address: &str) -> ReplyTo {
    ReplyTo {
        id: ReplyToId::new(),
        service_id,
        email_address: address.to_owned(),
        is_default: false,
        archived: false,
        verified: false,
    }
}

/// A verification for the hash `byte` repeated, working until `at(seconds)`.
fn link(byte: u8, seconds: i64, make_default: bool) -> ReplyToVerification {
    ReplyToVerification {
        hash: [byte; 32],
        expires_at: at(seconds),
        make_default,
    }
}

/// A link verifies its address once: the address reads back verified, the wish to be the
/// default comes back with it, and the same hash then finds nothing. A new link replaces the
/// old one.
pub async fn reply_to_verification_is_taken_once(store: &dyn Store) {
    let ours = service(store, "Verify").await;
    let pending = unverified(ours.id, "pending@example.gc.ca");
    store.add_reply_to(&pending).await.unwrap();
    assert_eq!(
        store.reply_tos(ours.id).await.unwrap(),
        std::slice::from_ref(&pending)
    );

    store
        .set_reply_to_verification(ours.id, pending.id, &link(1, 60, false))
        .await
        .unwrap();
    // Resending: the first link stops working, the second carries the new wish.
    store
        .set_reply_to_verification(ours.id, pending.id, &link(2, 60, true))
        .await
        .unwrap();
    assert!(
        store
            .verify_reply_to(&[1; 32], at(0))
            .await
            .unwrap()
            .is_none()
    );
    let verified = ReplyTo {
        verified: true,
        ..pending.clone()
    };
    assert_eq!(
        store.verify_reply_to(&[2; 32], at(0)).await.unwrap(),
        Some((verified.clone(), true))
    );
    assert!(
        store
            .verify_reply_to(&[2; 32], at(0))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.reply_tos(ours.id).await.unwrap(), [verified]);
    // A verified address has no link to replace.
    assert!(matches!(
        store
            .set_reply_to_verification(ours.id, pending.id, &link(3, 60, false))
            .await,
        Err(StoreError::NotFound)
    ));
}

/// An expired link, a removed address's link, and another service's address find nothing.
pub async fn reply_to_verification_expires_and_is_scoped(store: &dyn Store) {
    let ours = service(store, "Verify expiry").await;
    let theirs = service(store, "Verify expiry other").await;
    let late = unverified(ours.id, "late@example.gc.ca");
    let removed = unverified(ours.id, "removed@example.gc.ca");
    for address in [&late, &removed] {
        store.add_reply_to(address).await.unwrap();
    }
    store
        .set_reply_to_verification(ours.id, late.id, &link(11, 60, false))
        .await
        .unwrap();
    store
        .set_reply_to_verification(ours.id, removed.id, &link(12, 60, false))
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_reply_to_verification(theirs.id, late.id, &link(13, 60, false))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .verify_reply_to(&[11; 32], at(60))
            .await
            .unwrap()
            .is_none()
    );
    store.remove_reply_to(ours.id, removed.id).await.unwrap();
    assert!(
        store
            .verify_reply_to(&[12; 32], at(0))
            .await
            .unwrap()
            .is_none()
    );
    let listed = store.reply_tos(ours.id).await.unwrap();
    assert!(listed.iter().all(|r| !r.verified), "{listed:?}");
}

/// The default moves only to a verified, unarchived address of the same service; a refused
/// switch leaves the old default in place.
pub async fn reply_to_default_set_only_on_verified(store: &dyn Store) {
    let ours = service(store, "Verify default").await;
    let theirs = service(store, "Verify default other").await;
    let first = ReplyTo {
        is_default: true,
        verified: true,
        ..unverified(ours.id, "first@example.gc.ca")
    };
    let second = ReplyTo {
        verified: true,
        ..unverified(ours.id, "second@example.gc.ca")
    };
    let pending = unverified(ours.id, "pending@example.gc.ca");
    for address in [&first, &second, &pending] {
        store.add_reply_to(address).await.unwrap();
    }
    for (service, id) in [(ours.id, pending.id), (theirs.id, second.id)] {
        assert!(matches!(
            store.set_default_reply_to(service, id).await,
            Err(StoreError::NotFound)
        ));
    }
    assert_eq!(
        store.reply_tos(ours.id).await.unwrap(),
        [first.clone(), second.clone(), pending.clone()]
    );
    store
        .set_default_reply_to(ours.id, second.id)
        .await
        .unwrap();
    let defaults: Vec<_> = store
        .reply_tos(ours.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.is_default)
        .collect();
    assert_eq!(defaults, [false, true, false]);
}
