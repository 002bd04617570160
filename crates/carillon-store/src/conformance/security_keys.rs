//! Checks for users' security keys.

use carillon_domain::{SecurityKeyId, UserId};

use super::fixtures::{at, micros};
use super::people::{all_at_once, user, with_nanos};
use crate::{SecurityKeyRecord, Store, StoreError};

fn key(user: UserId, byte: u8, created: i64) -> SecurityKeyRecord {
    SecurityKeyRecord {
        id: SecurityKeyId::new(),
        user,
        credential_id: vec![byte; 16 + usize::from(byte)],
        public_key: vec![0xa5, byte, 1, 2, 3],
        sign_count: u32::from(byte) * 1000,
        name: format!("Clé {byte}"),
        created_at: at(created),
        last_used_at: None,
    }
}

/// A key reads back as stored, by credential id and in its user's list (oldest first); a
/// credential id registered twice is a conflict; a user's keys are theirs only.
pub async fn security_keys_round_trip_listed_and_unique(store: &dyn Store) {
    let one = user(store, 1).await;
    let two = user(store, 2).await;
    let second = key(one.id, 2, 20);
    let first = SecurityKeyRecord {
        created_at: with_nanos(at(10)),
        last_used_at: Some(at(15)),
        sign_count: u32::MAX,
        ..key(one.id, 1, 10)
    };
    store.add_security_key(&second).await.unwrap();
    store.add_security_key(&first).await.unwrap();
    store.add_security_key(&key(two.id, 3, 5)).await.unwrap();
    let first_stored = SecurityKeyRecord {
        created_at: micros(first.created_at),
        ..first.clone()
    };
    assert_eq!(
        store.security_keys(one.id).await.unwrap(),
        vec![first_stored.clone(), second.clone()]
    );
    assert_eq!(
        store
            .security_key_by_credential(&first.credential_id)
            .await
            .unwrap(),
        Some(first_stored)
    );
    assert_eq!(
        store.security_key_by_credential(&[9; 16]).await.unwrap(),
        None
    );
    let duplicate = SecurityKeyRecord {
        id: SecurityKeyId::new(),
        ..key(two.id, 1, 30)
    };
    assert!(matches!(
        store.add_security_key(&duplicate).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.security_keys(two.id).await.unwrap().len(), 1);
    assert!(store.security_keys(UserId::new()).await.unwrap().is_empty());
}

/// Only the key's own user removes it.
pub async fn security_keys_removed_by_their_user_only(store: &dyn Store) {
    let one = user(store, 1).await;
    let two = user(store, 2).await;
    let mine = key(one.id, 1, 0);
    store.add_security_key(&mine).await.unwrap();
    assert!(!store.remove_security_key(two.id, mine.id).await.unwrap());
    assert_eq!(store.security_keys(one.id).await.unwrap().len(), 1);
    assert!(store.remove_security_key(one.id, mine.id).await.unwrap());
    assert!(!store.remove_security_key(one.id, mine.id).await.unwrap());
    assert!(store.security_keys(one.id).await.unwrap().is_empty());
}

/// A use is recorded only when the counter moves forward (or stays 0 for a key without one);
/// of many concurrent uses with the same counter, exactly one is recorded.
pub async fn security_key_uses_move_the_counter_forward_once(store: &dyn Store) {
    let one = user(store, 1).await;
    let counted = key(one.id, 1, 0);
    let uncounted = SecurityKeyRecord {
        sign_count: 0,
        ..key(one.id, 2, 1)
    };
    store.add_security_key(&counted).await.unwrap();
    store.add_security_key(&uncounted).await.unwrap();
    assert!(
        !store
            .use_security_key(counted.id, 1000, at(5))
            .await
            .unwrap()
    );
    assert!(
        !store
            .use_security_key(counted.id, 999, at(5))
            .await
            .unwrap()
    );
    assert!(!store.use_security_key(counted.id, 0, at(5)).await.unwrap());
    assert!(
        store
            .use_security_key(counted.id, 1001, at(6))
            .await
            .unwrap()
    );
    let stored = store.security_keys(one.id).await.unwrap();
    assert_eq!(stored[0].sign_count, 1001);
    assert_eq!(stored[0].last_used_at, Some(at(6)));
    assert!(
        store
            .use_security_key(uncounted.id, 0, at(7))
            .await
            .unwrap()
    );
    assert!(
        store
            .use_security_key(uncounted.id, 0, at(8))
            .await
            .unwrap()
    );
    assert!(
        !store
            .use_security_key(SecurityKeyId::new(), 5, at(8))
            .await
            .unwrap()
    );

    let outcomes =
        all_at_once((0..8).map(|_| store.use_security_key(counted.id, 2000, at(9)))).await;
    let recorded = outcomes
        .into_iter()
        .filter(|o| *o.as_ref().unwrap())
        .count();
    assert_eq!(recorded, 1);
}
