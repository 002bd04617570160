//! Checks for memberships, invitations and go-live requests.

use carillon_domain::{
    Invitation, InvitationId, InvitationStatus, MemberPermission, Membership, ServiceId,
};

use super::fixtures::{at, micros, service};
use super::people::{email, user, with_nanos};
use crate::{GoLiveRequest, GoLiveStatus, Store, StoreError};

use MemberPermission::{ManageApiKeys, ManageService, ManageTemplates, SendMessages, ViewActivity};

/// A member is added, their permissions replaced (keeping their place in the list), and
/// removed; removing someone who is not a member changes nothing.
pub async fn memberships_added_replaced_and_removed(store: &dyn Store) {
    let team = service(store, "Team").await;
    let mut members = Vec::new();
    for n in 1..=3 {
        let person = user(store, n).await;
        let membership = Membership {
            service: team.id,
            user: person.id,
            permissions: vec![ViewActivity, ManageService],
        };
        store.put_membership(&membership).await.unwrap();
        members.push(membership);
    }
    let first = &members[0];
    let read = store.membership(team.id, first.user).await.unwrap();
    assert_eq!(read.as_ref(), Some(first));
    let stranger = user(store, 9).await;
    assert_eq!(store.membership(team.id, stranger.id).await.unwrap(), None);

    members[0].permissions = MemberPermission::ALL.to_vec();
    members[2].permissions = Vec::new();
    store.put_membership(&members[0]).await.unwrap();
    store.put_membership(&members[2]).await.unwrap();
    assert_eq!(store.members(team.id).await.unwrap(), members);
    let read = store.membership(team.id, members[2].user).await.unwrap();
    assert_eq!(read.as_ref(), Some(&members[2]));

    store
        .remove_membership(team.id, members[1].user)
        .await
        .unwrap();
    store.remove_membership(team.id, stranger.id).await.unwrap();
    let removed = members.remove(1);
    assert_eq!(store.membership(team.id, removed.user).await.unwrap(), None);
    assert_eq!(store.members(team.id).await.unwrap(), members);
}

/// A service lists its members in the order they joined (not by id); a user's memberships
/// are theirs alone; a membership of an unknown service is refused.
pub async fn memberships_in_join_order_and_per_user(store: &dyn Store) {
    let first = service(store, "First").await;
    let second = service(store, "Second").await;
    let mut joined = Vec::new();
    for n in 1..=6 {
        joined.push(user(store, n).await);
    }
    // Joined in an order unrelated to ids and creation: 4, 1, 6, 3, 5, 2.
    let order = [3, 0, 5, 2, 4, 1];
    let mut expected = Vec::new();
    for &index in &order {
        let membership = Membership {
            service: first.id,
            user: joined[index].id,
            permissions: vec![ViewActivity],
        };
        store.put_membership(&membership).await.unwrap();
        expected.push(membership);
    }
    let elsewhere = Membership {
        service: second.id,
        user: joined[0].id,
        permissions: vec![ManageTemplates, SendMessages, ManageApiKeys],
    };
    store.put_membership(&elsewhere).await.unwrap();
    assert_eq!(store.members(first.id).await.unwrap(), expected);
    assert_eq!(
        store.members(second.id).await.unwrap(),
        std::slice::from_ref(&elsewhere)
    );

    let mut theirs = store.user_memberships(joined[0].id).await.unwrap();
    theirs.sort_by_key(|membership| membership.service);
    let mut both = vec![expected[1].clone(), elsewhere];
    both.sort_by_key(|membership| membership.service);
    assert_eq!(theirs, both);
    let only_first = store.user_memberships(joined[1].id).await.unwrap();
    assert_eq!(only_first, [expected[5].clone()]);

    let orphan = Membership {
        service: ServiceId::new(),
        user: joined[0].id,
        permissions: vec![ViewActivity],
    };
    let result = store.put_membership(&orphan).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

fn invitation(service: ServiceId, by: carillon_domain::UserId, byte: u8, sent: i64) -> Invitation {
    Invitation {
        id: InvitationId::new(),
        service,
        email: email(&format!("Invited.Person.{byte}@Example.com")),
        invited_by: by,
        permissions: vec![ViewActivity, SendMessages],
        token_hash: [byte; 32],
        status: InvitationStatus::Pending,
        created_at: at(sent),
        expires_at: at(sent + 172_800),
    }
}

/// An invitation reads back by id and by its token's hash; a second one with the same hash
/// conflicts; its status changes; an unknown invitation is not found.
pub async fn invitations_round_trip_by_id_and_token(store: &dyn Store) {
    let team = service(store, "Team").await;
    let inviter = user(store, 1).await;
    let sent = Invitation {
        created_at: with_nanos(at(0)),
        ..invitation(team.id, inviter.id, 5, 0)
    };
    store.create_invitation(&sent).await.unwrap();
    let mut expected = Invitation {
        created_at: micros(sent.created_at),
        ..sent.clone()
    };
    assert_eq!(
        store.invitation(sent.id).await.unwrap(),
        Some(expected.clone())
    );
    let by_token = store.invitation_by_token(&[5; 32]).await.unwrap();
    assert_eq!(by_token, Some(expected.clone()));
    assert_eq!(store.invitation_by_token(&[6; 32]).await.unwrap(), None);
    assert_eq!(store.invitation(InvitationId::new()).await.unwrap(), None);

    let same_token = invitation(team.id, inviter.id, 5, 10);
    let result = store.create_invitation(&same_token).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");

    for status in [InvitationStatus::Accepted, InvitationStatus::Cancelled] {
        store.set_invitation_status(sent.id, status).await.unwrap();
        expected.status = status;
        assert_eq!(
            store.invitation(sent.id).await.unwrap(),
            Some(expected.clone())
        );
    }
    let result = store
        .set_invitation_status(InvitationId::new(), InvitationStatus::Accepted)
        .await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// A service's invitations, newest first, and no other service's.
pub async fn invitations_listed_newest_first_per_service(store: &dyn Store) {
    let first = service(store, "First").await;
    let second = service(store, "Second").await;
    let inviter = user(store, 1).await;
    let sent = [
        invitation(first.id, inviter.id, 1, 10),
        invitation(first.id, inviter.id, 2, 30),
        invitation(second.id, inviter.id, 3, 40),
        invitation(first.id, inviter.id, 4, 20),
    ];
    for invitation in &sent {
        store.create_invitation(invitation).await.unwrap();
    }
    let listed = store.invitations(first.id).await.unwrap();
    assert_eq!(listed, [sent[1].clone(), sent[3].clone(), sent[0].clone()]);
    assert_eq!(
        store.invitations(second.id).await.unwrap(),
        [sent[2].clone()]
    );
    assert_eq!(store.invitations(ServiceId::new()).await.unwrap(), []);
}

/// Requests read back, are replaced by a service's next one, and are listed by status,
/// oldest first.
pub async fn go_live_requests_replaced_and_listed_by_status(store: &dyn Store) {
    let services = [
        service(store, "One").await,
        service(store, "Two").await,
        service(store, "Three").await,
    ];
    let member = user(store, 1).await;
    let admin = user(store, 2).await;
    let request = |index: usize, seconds| GoLiveRequest {
        service: services[index].id,
        requested_by: member.id,
        answers: format!(r#"{{"volume":"{index}","purpose":"Avis de renouvellement"}}"#),
        status: GoLiveStatus::Pending,
        requested_at: at(seconds),
        decided_by: None,
        decided_at: None,
    };
    let first = request(0, 20);
    let second = request(1, 10);
    let approved = GoLiveRequest {
        status: GoLiveStatus::Approved,
        decided_by: Some(admin.id),
        decided_at: Some(at(50)),
        ..request(2, 5)
    };
    for request in [&first, &second, &approved] {
        store.put_go_live_request(request).await.unwrap();
    }
    let read = store.go_live_request(services[0].id).await.unwrap();
    assert_eq!(read.as_ref(), Some(&first));
    let unknown = store.go_live_request(ServiceId::new()).await.unwrap();
    assert_eq!(unknown, None);
    let pending = store.go_live_requests(GoLiveStatus::Pending).await.unwrap();
    assert_eq!(pending, [second.clone(), first.clone()]);
    let done = store
        .go_live_requests(GoLiveStatus::Approved)
        .await
        .unwrap();
    assert_eq!(done, [approved]);
    assert_eq!(
        store
            .go_live_requests(GoLiveStatus::Rejected)
            .await
            .unwrap(),
        []
    );

    let rejected = GoLiveRequest {
        answers: r#"{"volume":"many"}"#.to_owned(),
        status: GoLiveStatus::Rejected,
        decided_by: Some(admin.id),
        decided_at: Some(with_nanos(at(60))),
        ..first
    };
    store.put_go_live_request(&rejected).await.unwrap();
    let expected = GoLiveRequest {
        decided_at: Some(at(60)),
        ..rejected
    };
    let read = store.go_live_request(services[0].id).await.unwrap();
    assert_eq!(read.as_ref(), Some(&expected));
    let pending = store.go_live_requests(GoLiveStatus::Pending).await.unwrap();
    assert_eq!(pending, [second]);
    let rejected = store
        .go_live_requests(GoLiveStatus::Rejected)
        .await
        .unwrap();
    assert_eq!(rejected, [expected]);
}
