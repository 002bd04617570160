//! Seeding for benchmarks: accounts sharing one password hash, members added directly.

use carillon_domain::{MemberPermission, ServiceId};

use super::{Fx, on_both_backends};
use crate::accounts::UserAdminError;
use crate::team::TeamError;

on_both_backends!(
    seeded_accounts_share_one_checked_hash,
    members_join_like_an_accepted_invitation,
);

const PASSWORD: &str = "seeded benchmark passphrase 42";

async fn seeded_accounts_share_one_checked_hash(fx: &Fx) {
    let refused = fx.app.shared_password("short").await.unwrap_err();
    assert!(matches!(refused, UserAdminError::Password(_)));
    let shared = fx.app.shared_password(PASSWORD).await.unwrap();
    assert_eq!(
        format!("{shared:?}"),
        "SharedPassword(..)",
        "no hash in logs"
    );
    let a = fx
        .app
        .create_user_sharing(" Ada ", "ada@example.gc.ca", false, &shared)
        .await
        .unwrap();
    let b = fx
        .app
        .create_user_sharing("Bo", "bo@example.gc.ca", true, &shared)
        .await
        .unwrap();
    assert_eq!(a.name, "Ada");
    assert!(b.platform_admin && !a.platform_admin);
    let stored = fx.app.user_by_email("ada@example.gc.ca").await.unwrap();
    assert_eq!(stored.password_hash, b.password_hash);
    assert!(
        stored
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    );
    assert!(carillon_crypto::password::verify_password(
        PASSWORD,
        &stored.password_hash
    ));
    assert!(!carillon_crypto::password::verify_password(
        "another passphrase 42",
        &stored.password_hash
    ));
    let duplicate = fx
        .app
        .create_user_sharing("Ada", "ADA@example.gc.ca", false, &shared);
    assert!(matches!(duplicate.await, Err(UserAdminError::Exists)));
    let unnamed = fx
        .app
        .create_user_sharing(" ", "c@example.gc.ca", false, &shared);
    assert!(matches!(unnamed.await, Err(UserAdminError::NameMissing)));
    let bad = fx
        .app
        .create_user_sharing("C", "not an address", false, &shared);
    assert!(matches!(bad.await, Err(UserAdminError::InvalidEmail)));
}

async fn members_join_like_an_accepted_invitation(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let member = fx.user("Member", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let permissions = [
        MemberPermission::ViewActivity,
        MemberPermission::SendMessages,
    ];
    fx.app
        .add_member_directly(service.id, &member, &permissions)
        .await
        .unwrap();
    let listed = fx.app.user_services(&member).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.id).collect::<Vec<_>>(),
        [service.id]
    );
    let held = fx
        .app
        .member_permissions(&member, service.id)
        .await
        .unwrap();
    assert_eq!(held, permissions);
    let safelist = fx.app.store().safelist(service.id).await.unwrap();
    assert!(
        safelist
            .iter()
            .any(|e| e.team_member && e.recipient == "member@example.gc.ca"),
        "members receive from a trial service"
    );
    assert_eq!(fx.actions(&service).await.last().unwrap(), "member.added");
    let unknown = fx
        .app
        .add_member_directly(ServiceId::new(), &member, &permissions)
        .await;
    assert!(matches!(unknown, Err(TeamError::NotFound)));
}
