//! Checks for the reads that join sessions, accounts, services and memberships: each must
//! give exactly what the separate reads give.

use carillon_domain::{MemberPermission, Membership, SecondFactor, Service, User};

use super::fixtures::{at, service};
use super::people::user;
use crate::{SessionRecord, SessionStage, Store};

use MemberPermission::{ManageApiKeys, ManageService, SendMessages, ViewActivity};

/// The account as `user` reads it, for comparing with what a join decoded.
async fn stored(store: &dyn Store, person: &User) -> User {
    store.user(person.id).await.unwrap().unwrap()
}

async fn join(
    store: &dyn Store,
    team: &Service,
    person: &User,
    permissions: Vec<MemberPermission>,
) -> Membership {
    let membership = Membership {
        service: team.id,
        user: person.id,
        permissions,
    };
    store.put_membership(&membership).await.unwrap();
    membership
}

/// A session comes with its account, every sealed field opened; an anonymous one with none;
/// an unknown id with nothing.
pub async fn sessions_read_with_their_account(store: &dyn Store) {
    let mut person = user(store, 1).await;
    person.second_factor = SecondFactor::Totp;
    person.totp_secret = Some(vec![7; 20]);
    person.platform_admin = true;
    store.update_user(&person).await.unwrap();
    let other = user(store, 2).await;
    let signed_in = SessionRecord {
        id_hash: [1; 32],
        user: Some(person.id),
        stage: SessionStage::SignedIn,
        data: r#"{"lang":"fr"}"#.to_owned(),
        created_at: at(10),
        last_seen_at: at(20),
    };
    let anonymous = SessionRecord {
        id_hash: [2; 32],
        user: None,
        stage: SessionStage::Anonymous,
        ..signed_in.clone()
    };
    let others = SessionRecord {
        id_hash: [3; 32],
        user: Some(other.id),
        ..signed_in.clone()
    };
    for session in [&signed_in, &anonymous, &others] {
        store.put_session(session).await.unwrap();
    }

    let read = store.session_with_user(&[1; 32]).await.unwrap();
    assert_eq!(read, Some((signed_in, Some(stored(store, &person).await))));
    let read = store.session_with_user(&[2; 32]).await.unwrap();
    assert_eq!(read, Some((anonymous, None)));
    let read = store.session_with_user(&[3; 32]).await.unwrap();
    assert_eq!(read, Some((others, Some(stored(store, &other).await))));
    assert_eq!(store.session_with_user(&[9; 32]).await.unwrap(), None);
}

/// A service's members come with their accounts, in the order they joined, and only theirs.
pub async fn members_read_with_their_accounts(store: &dyn Store) {
    let team = service(store, "Team").await;
    let elsewhere = service(store, "Elsewhere").await;
    let empty = service(store, "Empty").await;
    let mut people = Vec::new();
    for n in 1..=4 {
        people.push(user(store, n).await);
    }
    let mut expected = Vec::new();
    // Joined in an order unrelated to ids and creation.
    for (index, permissions) in [
        (2, vec![ViewActivity]),
        (0, Vec::new()),
        (3, MemberPermission::ALL.to_vec()),
    ] {
        let membership = join(store, &team, &people[index], permissions).await;
        expected.push((membership, stored(store, &people[index]).await));
    }
    join(store, &elsewhere, &people[1], vec![SendMessages]).await;

    assert_eq!(
        store.members_with_accounts(team.id).await.unwrap(),
        expected
    );
    assert!(
        store
            .members_with_accounts(empty.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A service comes with the visitor's membership when they have one, without it when they
/// do not (another member's is never given instead); an unknown service is `None`.
pub async fn service_read_with_the_visitors_membership(store: &dyn Store) {
    let team = service(store, "Team").await;
    let elsewhere = service(store, "Elsewhere").await;
    let member = user(store, 1).await;
    let stranger = user(store, 2).await;
    let membership = join(store, &team, &member, vec![ManageService, ManageApiKeys]).await;
    join(store, &elsewhere, &stranger, vec![ViewActivity]).await;
    let team = store.service(team.id).await.unwrap().unwrap();

    let read = store
        .service_with_membership(team.id, member.id)
        .await
        .unwrap();
    assert_eq!(read, Some((team.clone(), Some(membership))));
    let read = store
        .service_with_membership(team.id, stranger.id)
        .await
        .unwrap();
    assert_eq!(read, Some((team, None)));
    let unknown = carillon_domain::ServiceId::new();
    let read = store
        .service_with_membership(unknown, member.id)
        .await
        .unwrap();
    assert_eq!(read, None);
}

/// A user's services are exactly those they are a member of.
pub async fn member_services_are_the_users_own(store: &dyn Store) {
    let first = service(store, "First").await;
    let second = service(store, "Second").await;
    service(store, "Third").await;
    let member = user(store, 1).await;
    let loner = user(store, 2).await;
    join(store, &second, &member, vec![ViewActivity]).await;
    join(store, &first, &member, Vec::new()).await;

    let mut read = store.member_services(member.id).await.unwrap();
    read.sort_by_key(|s| *s.id.as_uuid());
    let mut expected = vec![
        store.service(first.id).await.unwrap().unwrap(),
        store.service(second.id).await.unwrap().unwrap(),
    ];
    expected.sort_by_key(|s| *s.id.as_uuid());
    assert_eq!(read, expected);
    assert!(store.member_services(loner.id).await.unwrap().is_empty());
}
