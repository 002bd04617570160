//! The profile: name, an email change proved by a link to the new address, and suspension
//! by a platform admin ending every session at once.

use carillon_app::accounts::{CHANGE_EMAIL_PATH, EmailChangeError, ResetError};
use carillon_domain::{EmailAddress, UserState};
use carillon_test_support::stores::TestStore;

use crate::fixture::{Fixture, PASSWORD};
use crate::on_both_backends;

async fn changing_name_and_email(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    fx.user("taken@canada.ca").await;
    let (mut session, _) = fx.sign_in("ada@canada.ca").await;

    let renamed = fx
        .app
        .change_name(&mut session, " Ada King ")
        .await
        .unwrap();
    assert_eq!(renamed.map(|u| u.name), Some("Ada King".to_owned()));
    assert_eq!(session.user().unwrap().name, "Ada King");
    assert!(
        fx.app
            .change_name(&mut session, "  ")
            .await
            .unwrap()
            .is_none()
    );

    let change = |to: &'static str, password: &'static str| {
        fx.app.request_email_change(&session, to, password)
    };
    assert!(matches!(
        change("ada@gmail.com", PASSWORD).await,
        Err(EmailChangeError::NotGovernmentEmail)
    ));
    assert!(matches!(
        change("nope", PASSWORD).await,
        Err(EmailChangeError::InvalidEmail)
    ));
    assert!(matches!(
        change("ada.king@canada.ca", "wrong password").await,
        Err(EmailChangeError::IncorrectPassword)
    ));
    // Another account's address: the same answer, and its owner is told.
    change("taken@canada.ca", PASSWORD).await.unwrap();
    let told = fx.emails_to("taken@canada.ca").await;
    assert_eq!(
        told[0].subject.as_deref(),
        Some("You already have an account")
    );

    change("ada.king@canada.ca", PASSWORD).await.unwrap();
    assert_eq!(
        fx.reload(&user).await.email.as_str(),
        "ada@canada.ca",
        "not before the link"
    );
    let token = fx
        .link_token_sent_to("ada.king@canada.ca", CHANGE_EMAIL_PATH)
        .await;
    let changed = fx.app.confirm_email_change(&token).await.unwrap();
    assert_eq!(
        changed.email,
        EmailAddress::parse("ada.king@canada.ca").unwrap()
    );
    assert!(matches!(
        fx.app.confirm_email_change(&token).await,
        Err(ResetError::InvalidLink)
    ));
    let mut other = fx.app.open_session(None).await.unwrap();
    fx.app
        .sign_in(&mut other, "ada.king@canada.ca", PASSWORD)
        .await
        .unwrap();
}

async fn suspension_ends_sessions_and_resuming_allows_sign_in(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    let (_, cookie) = fx.sign_in("ada@canada.ca").await;
    let suspended = fx.app.set_user_suspended(user.id, true).await.unwrap();
    assert_eq!(suspended.state, UserState::Suspended);
    assert!(
        fx.app
            .open_session(Some(&cookie))
            .await
            .unwrap()
            .user()
            .is_none()
    );
    let mut session = fx.app.open_session(None).await.unwrap();
    assert!(
        fx.app
            .sign_in(&mut session, "ada@canada.ca", PASSWORD)
            .await
            .is_err()
    );
    fx.app.set_user_suspended(user.id, false).await.unwrap();
    fx.app
        .sign_in(&mut session, "ada@canada.ca", PASSWORD)
        .await
        .unwrap();
    assert!(
        fx.audit_actions()
            .await
            .contains(&"user.suspended".to_owned())
    );
}

on_both_backends!(
    changing_name_and_email,
    suspension_ends_sessions_and_resuming_allows_sign_in,
);
