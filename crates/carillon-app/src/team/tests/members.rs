//! Services of a user, permission checks, the team list and departures.

use carillon_domain::{EmailLocalPart, Language, MemberPermission, Membership, ServiceId};

use super::{Fx, on_both_backends};
use crate::team::{CreateService, TeamError};

on_both_backends!(
    creator_manages_a_trial_service,
    duplicates_are_field_errors,
    permissions_are_checked,
    departures_keep_a_manager,
);

async fn creator_manages_a_trial_service(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let stranger = fx.user("Stranger", false).await;
    let service = fx
        .app
        .create_service_for(
            &owner,
            CreateService {
                name: "Benefits".to_owned(),
                email_from: EmailLocalPart::parse("benefits").unwrap(),
                language: Language::French,
            },
        )
        .await
        .unwrap();
    assert!(service.restricted, "a new service starts in trial mode");
    assert_eq!(
        (service.email_daily_limit, service.sms_daily_limit),
        (50, 50)
    );
    assert_eq!(service.default_language, Language::French);
    assert_eq!(fx.app.service(service.id).await.unwrap(), service);
    let permissions = fx.app.member_permissions(&owner, service.id).await.unwrap();
    assert_eq!(permissions, MemberPermission::ALL);
    assert_eq!(
        fx.app.user_services(&owner).await.unwrap(),
        std::slice::from_ref(&service)
    );
    assert!(fx.app.user_services(&stranger).await.unwrap().is_empty());
    // The creator can receive from the trial service: they are on its safelist as a member.
    let safelist = fx.app.safelist(service.id).await.unwrap();
    assert!(
        safelist
            .iter()
            .any(|e| e.team_member && e.recipient == "owner@example.gc.ca")
    );
    assert_eq!(fx.actions(&service).await, ["service.created"]);

    // After an email change the team entry follows the new address.
    let new = carillon_domain::EmailAddress::parse("Owner.New@example.gc.ca").unwrap();
    fx.app
        .member_address_changed(owner.id, &owner.email, &new)
        .await
        .unwrap();
    let safelist = fx.app.safelist(service.id).await.unwrap();
    let team: Vec<&str> = safelist
        .iter()
        .filter(|e| e.team_member)
        .map(|e| e.recipient.as_str())
        .collect();
    assert_eq!(team, ["owner.new@example.gc.ca"]);
}

async fn duplicates_are_field_errors(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    fx.service(&owner, "Benefits").await;
    let again = |name: &str, from: &str| CreateService {
        name: name.to_owned(),
        email_from: EmailLocalPart::parse(from).unwrap(),
        language: Language::English,
    };
    let error = fx
        .app
        .create_service_for(&owner, again(" BENEFITS ", "other"))
        .await;
    assert!(matches!(error, Err(TeamError::DuplicateName)), "{error:?}");
    let error = fx
        .app
        .create_service_for(&owner, again("Other", "benefits"))
        .await;
    assert!(
        matches!(error, Err(TeamError::DuplicateSendingAddress)),
        "{error:?}"
    );
    let error = fx
        .app
        .create_service_for(&owner, again("  ", "blank"))
        .await;
    assert!(matches!(error, Err(TeamError::InvalidName)), "{error:?}");
    assert_eq!(fx.app.user_services(&owner).await.unwrap().len(), 1);
}

async fn permissions_are_checked(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let viewer = fx.user("Viewer", false).await;
    let stranger = fx.user("Stranger", false).await;
    let admin = fx.user("Admin", true).await;
    let service = fx.service(&owner, "Benefits").await;
    let membership = Membership {
        service: service.id,
        user: viewer.id,
        permissions: vec![MemberPermission::ViewActivity],
    };
    fx.app.store().put_membership(&membership).await.unwrap();

    let manage = MemberPermission::ManageService;
    assert!(fx.app.require(&owner, service.id, manage).await.is_ok());
    let denied = fx.app.require(&viewer, service.id, manage).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let view = MemberPermission::ViewActivity;
    assert!(fx.app.require(&viewer, service.id, view).await.is_ok());
    let denied = fx.app.member_permissions(&stranger, service.id).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    // A platform admin passes every check without being a member.
    assert!(fx.app.require(&admin, service.id, manage).await.is_ok());
    let missing = fx.app.require(&owner, ServiceId::new(), manage).await;
    assert!(matches!(missing, Err(TeamError::NotFound)), "{missing:?}");

    // Any member sees the team, with names and addresses; a stranger does not.
    let members = fx.app.members(&viewer, service.id).await.unwrap();
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Owner", "Viewer"]);
    assert_eq!(members[1].email.as_str(), "viewer@example.gc.ca");
    assert_eq!(members[1].permissions, [view]);
    let denied = fx.app.members(&stranger, service.id).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");

    // Changing permissions needs manage_service.
    let all = MemberPermission::ALL.to_vec();
    let denied = fx
        .app
        .set_member_permissions(&viewer, service.id, viewer.id, all)
        .await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let changed = fx
        .app
        .set_member_permissions(&owner, service.id, viewer.id, vec![manage, view, manage])
        .await
        .unwrap();
    assert_eq!(
        changed.permissions,
        [view, manage],
        "sorted, without duplicates"
    );
    let stored = fx
        .app
        .store()
        .membership(service.id, viewer.id)
        .await
        .unwrap();
    assert_eq!(stored.unwrap().permissions, [view, manage]);
    let missing = fx
        .app
        .set_member_permissions(&owner, service.id, stranger.id, vec![])
        .await;
    assert!(matches!(missing, Err(TeamError::NotFound)), "{missing:?}");
    let actions = fx.actions(&service).await;
    assert_eq!(actions, ["service.created", "member.permissions"]);
    let event = &fx
        .app
        .store()
        .audit_events(Some(service.id), 1)
        .await
        .unwrap()[0];
    assert_eq!(event.actor, Some(owner.id));
    assert!(
        !event.detail.contains("viewer@"),
        "no personal data: {}",
        event.detail
    );
}

async fn departures_keep_a_manager(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let helper = fx.user("Helper", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let membership = Membership {
        service: service.id,
        user: helper.id,
        permissions: vec![MemberPermission::SendMessages],
    };
    fx.app.store().put_membership(&membership).await.unwrap();

    // The only manager can neither leave nor lose the permission.
    let refused = fx.app.leave_service(&owner, service.id).await;
    assert!(
        matches!(refused, Err(TeamError::LastManager)),
        "{refused:?}"
    );
    let refused = fx
        .app
        .set_member_permissions(
            &owner,
            service.id,
            owner.id,
            vec![MemberPermission::ViewActivity],
        )
        .await;
    assert!(
        matches!(refused, Err(TeamError::LastManager)),
        "{refused:?}"
    );
    let refused = fx.app.remove_member(&helper, service.id, owner.id).await;
    assert!(matches!(refused, Err(TeamError::Forbidden)), "{refused:?}");

    // A member without manage_service may leave.
    fx.app.leave_service(&helper, service.id).await.unwrap();
    assert!(fx.app.user_services(&helper).await.unwrap().is_empty());
    let refused = fx.app.leave_service(&helper, service.id).await;
    assert!(matches!(refused, Err(TeamError::Forbidden)), "{refused:?}");

    // With a second manager, the first may be removed; a live service keeps two members.
    let all = MemberPermission::ALL.to_vec();
    let second = Membership {
        service: service.id,
        user: helper.id,
        permissions: all,
    };
    fx.app.store().put_membership(&second).await.unwrap();
    fx.app
        .make_live(&fx.user("Admin", true).await, service.id)
        .await
        .unwrap();
    let refused = fx.app.remove_member(&helper, service.id, owner.id).await;
    assert!(
        matches!(refused, Err(TeamError::TooFewMembers)),
        "{refused:?}"
    );
    fx.app
        .set_live(&fx.user("Admin2", true).await, service.id, false)
        .await
        .unwrap();
    fx.app
        .remove_member(&helper, service.id, owner.id)
        .await
        .unwrap();
    let members = fx.app.members(&helper, service.id).await.unwrap();
    assert_eq!(members.len(), 1);
    let safelist = fx.app.safelist(service.id).await.unwrap();
    assert!(
        !safelist
            .iter()
            .any(|e| e.recipient == "owner@example.gc.ca")
    );
    let actions = fx.actions(&service).await;
    assert!(actions.ends_with(&["service.trial".to_owned(), "member.removed".to_owned()]));
}
