//! Checks for browser sessions.

use carillon_domain::UserId;

use super::fixtures::{at, micros};
use super::people::{user, with_nanos};
use crate::{SessionRecord, SessionStage, Store};

fn session(byte: u8, user: Option<UserId>, created: i64, last_seen: i64) -> SessionRecord {
    SessionRecord {
        id_hash: [byte; 32],
        user,
        stage: if user.is_some() {
            SessionStage::SignedIn
        } else {
            SessionStage::Anonymous
        },
        data: format!(r#"{{"csrf":"token-{byte}","lang":"fr"}}"#),
        created_at: at(created),
        last_seen_at: at(last_seen),
    }
}

/// A session reads back as stored (times to the microsecond); storing one with the same id
/// hash replaces every field, as a sign-in does to an anonymous session.
pub async fn sessions_round_trip_and_replace(store: &dyn Store) {
    let person = user(store, 1).await;
    let anonymous = SessionRecord {
        created_at: with_nanos(at(0)),
        ..session(1, None, 0, 0)
    };
    store.put_session(&anonymous).await.unwrap();
    let expected = SessionRecord {
        created_at: micros(anonymous.created_at),
        ..anonymous.clone()
    };
    assert_eq!(store.session(&[1; 32]).await.unwrap(), Some(expected));
    assert_eq!(store.session(&[2; 32]).await.unwrap(), None);

    let awaiting = SessionRecord {
        user: Some(person.id),
        stage: SessionStage::AwaitingSecondFactor,
        data: "{}".to_owned(),
        ..session(1, None, 5, 6)
    };
    store.put_session(&awaiting).await.unwrap();
    assert_eq!(store.session(&[1; 32]).await.unwrap(), Some(awaiting));
    let signed_in = session(1, Some(person.id), 7, 8);
    store.put_session(&signed_in).await.unwrap();
    assert_eq!(store.session(&[1; 32]).await.unwrap(), Some(signed_in));
}

/// Touching moves `last_seen_at` only; removing ends the session; neither minds a session
/// that is already gone.
pub async fn sessions_touched_and_removed(store: &dyn Store) {
    let stored = session(1, None, 0, 0);
    store.put_session(&stored).await.unwrap();
    store.touch_session(&[1; 32], at(100)).await.unwrap();
    let touched = SessionRecord {
        last_seen_at: at(100),
        ..stored
    };
    assert_eq!(store.session(&[1; 32]).await.unwrap(), Some(touched));
    store.touch_session(&[2; 32], at(100)).await.unwrap();
    assert_eq!(store.session(&[2; 32]).await.unwrap(), None);

    store.remove_session(&[1; 32]).await.unwrap();
    assert_eq!(store.session(&[1; 32]).await.unwrap(), None);
    store.remove_session(&[1; 32]).await.unwrap();
}

/// Ending a user's sessions leaves everyone else's.
pub async fn sessions_of_a_user_removed(store: &dyn Store) {
    let first = user(store, 1).await;
    let second = user(store, 2).await;
    let sessions = [
        session(1, Some(first.id), 0, 0),
        session(2, Some(first.id), 0, 0),
        session(3, Some(second.id), 0, 0),
        session(4, None, 0, 0),
    ];
    for session in &sessions {
        store.put_session(session).await.unwrap();
    }
    assert_eq!(store.remove_user_sessions(first.id).await.unwrap(), 2);
    assert_eq!(store.remove_user_sessions(first.id).await.unwrap(), 0);
    for gone in &sessions[..2] {
        assert_eq!(store.session(&gone.id_hash).await.unwrap(), None);
    }
    for kept in &sessions[2..] {
        let read = store.session(&kept.id_hash).await.unwrap();
        assert_eq!(read.as_ref(), Some(kept));
    }
}

/// The purge removes sessions idle since before one time or created before another, and
/// keeps those exactly at either limit.
pub async fn sessions_purged_when_idle_or_too_old(store: &dyn Store) {
    let sessions = [
        session(1, None, 0, 100),
        session(2, None, 0, 49),
        session(3, None, -1_001, 100),
        session(4, None, -1_000, 50),
    ];
    for session in &sessions {
        store.put_session(session).await.unwrap();
    }
    let purged = store.purge_sessions(at(50), at(-1_000)).await.unwrap();
    assert_eq!(purged, 2);
    for (session, kept) in sessions.iter().zip([true, false, false, true]) {
        let read = store.session(&session.id_hash).await.unwrap();
        assert_eq!(read.is_some(), kept, "session {}", session.id_hash[0]);
    }
    assert_eq!(store.purge_sessions(at(50), at(-1_000)).await.unwrap(), 0);
}
