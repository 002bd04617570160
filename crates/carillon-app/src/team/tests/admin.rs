//! The platform admin's tools and the command line actor: one rule for both.

use carillon_domain::{EmailLocalPart, Language, MemberPermission, Membership, ServiceId};

use crate::team::PasswordConfirmed;

use super::{Fx, on_both_backends};
use crate::team::{Actor, Limits, TeamError};

on_both_backends!(
    platform_admin_tools,
    command_line_follows_the_same_rules,
    renaming_needs_the_password,
    passwords_are_checked_before_changes,
);

async fn platform_admin_tools(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let admin = fx.user("Admin", true).await;
    let benefits = fx.service(&owner, "Benefits").await;
    let passports = fx.service(&owner, "Passports").await;
    let passports_id = passports.id;

    let denied = fx.app.find_services(&owner, "").await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let limits = Limits {
        email_daily: Some(500),
        ..Limits::default()
    };
    let denied = fx.app.set_limits(&owner, benefits.id, limits).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let denied = fx.app.suspend_service(&owner, benefits.id).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let denied = fx.app.make_live(&owner, benefits.id).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");

    assert_eq!(fx.app.find_services(&admin, "").await.unwrap().len(), 2);
    assert_eq!(
        fx.app.find_services(&admin, "PASS").await.unwrap(),
        std::slice::from_ref(&passports)
    );
    let by_id = passports.id.to_string();
    assert_eq!(
        fx.app.find_services(&admin, &by_id[..8]).await.unwrap(),
        [passports]
    );

    let changed = fx
        .app
        .set_limits(&admin, benefits.id, limits)
        .await
        .unwrap();
    assert_eq!(
        (changed.email_daily_limit, changed.sms_daily_limit),
        (500, 50)
    );
    let zero = Limits {
        rate: Some(0),
        ..Limits::default()
    };
    let refused = fx.app.set_limits(&admin, benefits.id, zero).await;
    assert!(
        matches!(refused, Err(TeamError::ZeroLimit("rate limit"))),
        "{refused:?}"
    );
    let suspended = fx.app.suspend_service(&admin, benefits.id).await.unwrap();
    assert!(!suspended.active);
    assert!(
        fx.app
            .resume_service(&admin, benefits.id)
            .await
            .unwrap()
            .active
    );
    // The platform service is nobody's to change, and no search finds it.
    let platform = fx.app.platform_service().await.unwrap();
    let hidden = fx.app.suspend_service(&admin, platform.id).await;
    assert!(matches!(hidden, Err(TeamError::NotFound)), "{hidden:?}");
    let hidden = fx.app.member_permissions(&admin, platform.id).await;
    assert!(matches!(hidden, Err(TeamError::NotFound)), "{hidden:?}");
    assert_eq!(fx.app.find_services(&admin, "").await.unwrap().len(), 2);
    assert!(fx.app.service(platform.id).await.unwrap().active);
    let missing = fx.app.make_live(&admin, ServiceId::new()).await;
    assert!(matches!(missing, Err(TeamError::NotFound)), "{missing:?}");
    let actions = fx.actions(&benefits).await;
    let expected = [
        "service.created",
        "service.limits",
        "service.suspended",
        "service.resumed",
    ];
    assert_eq!(actions, expected);
    let events = fx
        .app
        .audit_log(&owner, Some(benefits.id), 1)
        .await
        .unwrap();
    assert_eq!(events[0].actor, Some(admin.id));
    assert_eq!(events[0].action, "service.resumed");
    let denied = fx.app.audit_log(&owner, None, 10).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let everything = fx.app.audit_log(&admin, None, 100).await.unwrap();
    assert!(everything.iter().any(|e| e.service == Some(passports_id)));
    // Branding order is a manager's setting.
    let set = fx
        .app
        .set_email_branding_order(&owner, benefits.id, Language::French)
        .await;
    assert_eq!(set.unwrap().default_language, Language::French);
}

async fn command_line_follows_the_same_rules(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let live = fx.app.set_live(Actor::Cli, service.id, true).await.unwrap();
    assert_eq!(
        (live.email_daily_limit, live.sms_daily_limit),
        (10_000, 1_500)
    );
    // Limits set after going live win over the live defaults; back to trial keeps them.
    let limits = Limits {
        sms_daily: Some(2_000),
        ..Limits::default()
    };
    fx.app
        .set_limits(Actor::Cli, service.id, limits)
        .await
        .unwrap();
    let trial = fx
        .app
        .set_live(Actor::Cli, service.id, false)
        .await
        .unwrap();
    assert!(trial.restricted);
    assert_eq!(trial.sms_daily_limit, 2_000);
    let zero = Limits {
        email_annual: Some(0),
        ..Limits::default()
    };
    let refused = fx.app.set_limits(Actor::Cli, service.id, zero).await;
    assert!(
        matches!(refused, Err(TeamError::ZeroLimit(_))),
        "{refused:?}"
    );
    let events = fx
        .app
        .store()
        .audit_events(Some(service.id), 1)
        .await
        .unwrap();
    assert_eq!(events[0].action, "service.trial");
    assert_eq!(events[0].actor, None, "the command line has no account");
}

async fn renaming_needs_the_password(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let helper = fx.user("Helper", false).await;
    let benefits = fx.service(&owner, "Benefits").await;
    fx.service(&owner, "Passports").await;
    let membership = Membership {
        service: benefits.id,
        user: helper.id,
        permissions: vec![MemberPermission::ManageTemplates],
    };
    fx.app.store().put_membership(&membership).await.unwrap();
    let mine = PasswordConfirmed::verified(owner.id);
    let theirs = PasswordConfirmed::verified(helper.id);
    let denied = fx
        .app
        .rename_service(&helper, benefits.id, "Mine", theirs)
        .await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let wrong = fx
        .app
        .rename_service(&owner, benefits.id, "Mine", theirs)
        .await;
    assert!(
        matches!(wrong, Err(TeamError::PasswordNotConfirmed)),
        "{wrong:?}"
    );
    let taken = fx
        .app
        .rename_service(&owner, benefits.id, "passports", mine)
        .await;
    assert!(matches!(taken, Err(TeamError::DuplicateName)), "{taken:?}");
    let renamed = fx
        .app
        .rename_service(&owner, benefits.id, " Benefits Canada ", mine)
        .await;
    assert_eq!(renamed.unwrap().name, "Benefits Canada");
    // Its own name again (other case) is not a duplicate.
    assert!(
        fx.app
            .rename_service(&owner, benefits.id, "BENEFITS CANADA", mine)
            .await
            .is_ok()
    );

    let taken = EmailLocalPart::parse("passports").unwrap();
    let refused = fx
        .app
        .change_sending_address(&owner, benefits.id, taken, mine)
        .await;
    assert!(
        matches!(refused, Err(TeamError::DuplicateSendingAddress)),
        "{refused:?}"
    );
    let new = EmailLocalPart::parse("benefits.canada").unwrap();
    let changed = fx
        .app
        .change_sending_address(&owner, benefits.id, new.clone(), mine)
        .await;
    assert_eq!(changed.unwrap().email_from, new);
    let actions = fx.actions(&benefits).await;
    let expected = [
        "service.created",
        "service.renamed",
        "service.renamed",
        "service.email_from",
    ];
    assert_eq!(actions, expected);
}

async fn passwords_are_checked_before_changes(fx: &Fx) {
    let mut owner = fx.user("Owner", false).await;
    owner.password_hash = carillon_crypto::password::hash_password("correct horse").unwrap();
    fx.app.store().update_user(&owner).await.unwrap();
    let service = fx.service(&owner, "Benefits").await;
    let wrong = fx.app.confirm_password(&owner, "wrong horse").await;
    assert!(
        matches!(wrong, Err(TeamError::IncorrectPassword)),
        "{wrong:?}"
    );
    let confirmed = fx
        .app
        .confirm_password(&owner, "correct horse")
        .await
        .unwrap();
    assert_eq!(confirmed.user(), owner.id);
    let renamed = fx
        .app
        .rename_service(&owner, service.id, "Renamed", confirmed)
        .await;
    assert_eq!(renamed.unwrap().name, "Renamed");
}
