//! Invitations: who may invite, the emailed link, exact permissions, expiry and cancelling.

use carillon_domain::{
    EmailAddress, InvitationStatus, MemberPermission, Membership, NotificationFilter,
};
use time::Duration;

use super::{Fx, Mailbox, on_both_backends};
use crate::accounts::platform_service_id;
use crate::team::{AcceptOutcome, TeamError};

on_both_backends!(
    only_managers_invite,
    invitation_adds_exactly_the_invited_permissions,
    links_expire_and_cancel,
    existing_accounts_sign_in_first,
    invitation_email_goes_through_the_pipeline,
);

fn address(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap()
}

async fn only_managers_invite(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let sender = fx.user("Sender", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let membership = Membership {
        service: service.id,
        user: sender.id,
        permissions: vec![
            MemberPermission::SendMessages,
            MemberPermission::ManageApiKeys,
        ],
    };
    fx.app.store().put_membership(&membership).await.unwrap();
    let mailbox = Mailbox::default();
    let new = address("new@example.gc.ca");
    let all = MemberPermission::ALL.to_vec();
    let denied = fx
        .app
        .invite(&sender, service.id, &new, all.clone(), &mailbox)
        .await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let yourself = fx
        .app
        .invite(
            &owner,
            service.id,
            &address("OWNER@example.gc.ca"),
            vec![],
            &mailbox,
        )
        .await;
    assert!(
        matches!(yourself, Err(TeamError::InviteYourself)),
        "{yourself:?}"
    );
    let member = fx
        .app
        .invite(&owner, service.id, &sender.email, vec![], &mailbox)
        .await;
    assert!(
        matches!(member, Err(TeamError::AlreadyMember)),
        "{member:?}"
    );
    let private = address("someone@gmail.com");
    let refused = fx
        .app
        .invite(&owner, service.id, &private, vec![], &mailbox)
        .await;
    assert!(
        matches!(refused, Err(TeamError::NotGovernmentEmail)),
        "{refused:?}"
    );
    assert!(mailbox.sent.lock().unwrap().is_empty());

    let refusing = Mailbox {
        refuse: true,
        ..Mailbox::default()
    };
    let failed = fx
        .app
        .invite(&owner, service.id, &new, all, &refusing)
        .await;
    assert!(
        matches!(failed, Err(TeamError::InvitationNotSent)),
        "{failed:?}"
    );
    let stored = fx.app.store().invitations(service.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].status,
        InvitationStatus::Cancelled,
        "an unsent link never works"
    );
    assert!(
        fx.app
            .pending_invitations(&owner, service.id)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn invitation_adds_exactly_the_invited_permissions(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let mailbox = Mailbox::default();
    let permissions = vec![
        MemberPermission::ManageTemplates,
        MemberPermission::ViewActivity,
    ];
    let invitation = fx
        .app
        .invite(
            &owner,
            service.id,
            &address("New@Example.gc.ca"),
            permissions,
            &mailbox,
        )
        .await
        .unwrap();
    assert_eq!(
        invitation.expires_at - invitation.created_at,
        Duration::days(2)
    );
    let token = mailbox.token_for(address("New@Example.gc.ca").as_str());
    assert_ne!(invitation.token_hash, [0; 32]);
    assert!(
        !format!("{invitation:?}").contains(&token),
        "only the hash is kept"
    );
    let pending = fx
        .app
        .pending_invitations(&owner, service.id)
        .await
        .unwrap();
    assert_eq!(pending, std::slice::from_ref(&invitation));

    // Signed out, with no account: register first; the registration page gets the details.
    let outcome = fx.app.accept_invitation(&token, None).await.unwrap();
    let AcceptOutcome::Register(view) = outcome else {
        panic!("expected Register, got {outcome:?}")
    };
    assert_eq!(view.service_name, "Benefits");
    assert_eq!(
        fx.app.invitation_for_registration(&token).await.unwrap(),
        view
    );

    // Someone else signed in cannot use it.
    let other = fx.user("Other", false).await;
    let wrong = fx.app.accept_invitation(&token, Some(&other)).await;
    assert!(matches!(wrong, Err(TeamError::Forbidden)), "{wrong:?}");

    let new = fx.user("New", false).await;
    let joined = fx.app.accept_invitation(&token, Some(&new)).await.unwrap();
    assert_eq!(joined, AcceptOutcome::Joined(service.clone()));
    let granted = fx.app.member_permissions(&new, service.id).await.unwrap();
    assert_eq!(
        granted,
        [
            MemberPermission::ViewActivity,
            MemberPermission::ManageTemplates
        ]
    );
    let used = fx.app.accept_invitation(&token, Some(&new)).await;
    assert!(matches!(used, Err(TeamError::InvitationUsed)), "{used:?}");
    let unknown = fx.app.accept_invitation("not-a-token", Some(&new)).await;
    assert!(matches!(unknown, Err(TeamError::NotFound)), "{unknown:?}");
    let actions = fx.actions(&service).await;
    assert_eq!(
        actions,
        ["service.created", "member.invited", "member.joined"]
    );
    let events = fx
        .app
        .store()
        .audit_events(Some(service.id), 10)
        .await
        .unwrap();
    assert!(events.iter().all(|e| !e.detail.contains("example.gc.ca")));
}

async fn links_expire_and_cancel(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let late = fx.user("Late", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let mailbox = Mailbox::default();
    let view = vec![MemberPermission::ViewActivity];
    fx.app
        .invite(&owner, service.id, &late.email, view.clone(), &mailbox)
        .await
        .unwrap();
    let token = mailbox.token_for(late.email.as_str());
    fx.clock.advance(Duration::days(2));
    let expired = fx.app.accept_invitation(&token, Some(&late)).await;
    assert!(
        matches!(expired, Err(TeamError::InvitationExpired)),
        "{expired:?}"
    );
    let expired = fx.app.invitation_for_registration(&token).await;
    assert!(
        matches!(expired, Err(TeamError::InvitationExpired)),
        "{expired:?}"
    );
    assert!(
        fx.app
            .pending_invitations(&owner, service.id)
            .await
            .unwrap()
            .is_empty()
    );

    // A new invitation replaces the old one; cancelling stops its link.
    let first = fx
        .app
        .invite(&owner, service.id, &late.email, view.clone(), &mailbox)
        .await;
    let first_token = mailbox.token_for(late.email.as_str());
    let second = fx
        .app
        .invite(&owner, service.id, &late.email, view, &mailbox)
        .await
        .unwrap();
    let replaced = fx.app.accept_invitation(&first_token, Some(&late)).await;
    assert!(
        matches!(replaced, Err(TeamError::InvitationCancelled)),
        "{first:?} {replaced:?}"
    );
    let sender = fx.user("Sender", false).await;
    let membership = Membership {
        service: service.id,
        user: sender.id,
        permissions: vec![MemberPermission::SendMessages],
    };
    fx.app.store().put_membership(&membership).await.unwrap();
    let denied = fx
        .app
        .cancel_invitation(&sender, service.id, second.id)
        .await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    fx.app
        .cancel_invitation(&owner, service.id, second.id)
        .await
        .unwrap();
    let token = mailbox.token_for(late.email.as_str());
    let cancelled = fx.app.accept_invitation(&token, Some(&late)).await;
    assert!(
        matches!(cancelled, Err(TeamError::InvitationCancelled)),
        "{cancelled:?}"
    );
    let again = fx
        .app
        .cancel_invitation(&owner, service.id, second.id)
        .await;
    assert!(
        matches!(again, Err(TeamError::InvitationCancelled)),
        "{again:?}"
    );
    assert!(fx.app.member_permissions(&late, service.id).await.is_err());
}

async fn existing_accounts_sign_in_first(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let known = fx.user("Known", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let mailbox = Mailbox::default();
    let keys = vec![MemberPermission::ManageApiKeys];
    fx.app
        .invite(&owner, service.id, &known.email, keys, &mailbox)
        .await
        .unwrap();
    let token = mailbox.token_for(known.email.as_str());
    let outcome = fx.app.accept_invitation(&token, None).await.unwrap();
    assert!(matches!(outcome, AcceptOutcome::SignIn(_)), "{outcome:?}");
    fx.app
        .accept_invitation(&token, Some(&known))
        .await
        .unwrap();
    let granted = fx.app.member_permissions(&known, service.id).await.unwrap();
    assert_eq!(granted, [MemberPermission::ManageApiKeys]);
    assert_eq!(fx.app.user_services(&known).await.unwrap(), [service]);
}

async fn invitation_email_goes_through_the_pipeline(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let to = address("invitee@example.gc.ca");
    let sends = vec![MemberPermission::SendMessages];
    // The app itself is the mailer: the platform service's invitation template.
    fx.app
        .invite(&owner, service.id, &to, sends, &fx.app)
        .await
        .unwrap();
    let filter = NotificationFilter {
        limit: 10,
        ..NotificationFilter::default()
    };
    let platform = platform_service_id();
    let mut sent = fx
        .app
        .store()
        .notifications(platform, &filter)
        .await
        .unwrap();
    sent.retain(|n| n.to == to.as_str());
    assert_eq!(sent.len(), 1, "one invitation email");
    let body = &sent[0].body;
    assert!(
        body.contains("Owner") && body.contains("Benefits"),
        "{body}"
    );
    let prefix = "https://notify.example.ca/invitation/";
    let start = body.find(prefix).expect("a link") + prefix.len();
    let token: String = body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert_eq!(token.len(), 43);
    let invitee = fx.user("Invitee", false).await;
    let joined = fx
        .app
        .accept_invitation(&token, Some(&invitee))
        .await
        .unwrap();
    assert!(matches!(joined, AcceptOutcome::Joined(_)), "{joined:?}");
    let granted = fx
        .app
        .member_permissions(&invitee, service.id)
        .await
        .unwrap();
    assert_eq!(granted, [MemberPermission::SendMessages]);
}
