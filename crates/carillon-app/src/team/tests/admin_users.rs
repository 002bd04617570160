//! The platform admin's account tools: find by address, suspend and resume, refused to others.

use carillon_domain::{UserId, UserState};

use super::{Fx, on_both_backends};
use crate::team::TeamError;

on_both_backends!(platform_admins_suspend_and_resume_accounts);

async fn platform_admins_suspend_and_resume_accounts(fx: &Fx) {
    let member = fx.user("Member", false).await;
    let admin = fx.user("Admin", true).await;

    let denied = fx.app.find_user(&member, "admin@example.gc.ca").await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let denied = fx
        .app
        .admin_set_user_suspended(&member, admin.id, true)
        .await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let denied = fx.app.user_for_admin(&member, admin.id).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");

    let found = fx
        .app
        .find_user(&admin, " MEMBER@example.gc.ca ")
        .await
        .unwrap();
    assert_eq!(found.map(|u| u.id), Some(member.id));
    assert!(
        fx.app
            .find_user(&admin, "nobody@example.gc.ca")
            .await
            .unwrap()
            .is_none()
    );
    let invalid = fx.app.find_user(&admin, "not an address").await;
    assert!(
        matches!(invalid, Err(TeamError::InvalidEmail(_))),
        "{invalid:?}"
    );
    let unknown = fx.app.user_for_admin(&admin, UserId::new()).await;
    assert!(matches!(unknown, Err(TeamError::NotFound)), "{unknown:?}");

    let suspended = fx
        .app
        .admin_set_user_suspended(&admin, member.id, true)
        .await
        .unwrap();
    assert_eq!(suspended.state, UserState::Suspended);
    let stored = fx.app.user_for_admin(&admin, member.id).await.unwrap();
    assert_eq!(stored.state, UserState::Suspended);
    let resumed = fx
        .app
        .admin_set_user_suspended(&admin, member.id, false)
        .await
        .unwrap();
    assert_eq!(resumed.state, UserState::Active);

    let yourself = fx
        .app
        .admin_set_user_suspended(&admin, admin.id, true)
        .await;
    assert!(
        matches!(yourself, Err(TeamError::Forbidden)),
        "{yourself:?}"
    );
    let events = fx.app.audit_log(&admin, None, 10).await.unwrap();
    let actions: Vec<_> = events
        .iter()
        .map(|e| (e.action.as_str(), e.actor))
        .collect();
    assert!(
        actions.contains(&("user.suspended", Some(admin.id))),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("user.resumed", Some(admin.id))),
        "{actions:?}"
    );
}
