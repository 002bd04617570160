//! Sessions: stored only when saved, idle and absolute timeouts, CSRF tokens, suspension and
//! "sign out everywhere".

use carillon_app::accounts::Session;
use carillon_domain::{Language, UserState};
use carillon_store::SessionStage;
use carillon_test_support::stores::TestStore;
use serde_json::json;

use crate::fixture::Fixture;
use crate::on_both_backends;

async fn reopen(fx: &Fixture, cookie: &str) -> Session {
    fx.app.open_session(Some(cookie)).await.unwrap()
}

async fn data_survives_until_the_idle_timeout(fx: Fixture) {
    let (mut session, cookie) = fx.new_session().await;
    session.set_data("step", json!({"name": "x"}));
    session.set_language(Language::French);
    fx.app.save_session(&mut session).await.unwrap();

    // Used every 29 minutes, it stays alive past 30 minutes in all.
    fx.advance(29);
    let again = reopen(&fx, &cookie).await;
    assert_eq!(again.cookie_to_set(), None, "the same id, no new cookie");
    assert_eq!(again.data("step"), Some(&json!({"name": "x"})));
    assert_eq!(again.language(), Some(Language::French));
    fx.advance(29);
    assert!(reopen(&fx, &cookie).await.data("step").is_some());

    // 30 minutes without use end it: a new session, a new cookie, no data.
    fx.advance(30);
    let expired = reopen(&fx, &cookie).await;
    assert!(expired.cookie_to_set().is_some_and(|c| c != cookie));
    assert_eq!(expired.data("step"), None);
}

async fn an_active_session_ends_after_twelve_hours(fx: Fixture) {
    let (_, cookie) = fx.new_session().await;
    for _ in 0..35 {
        fx.advance(20);
        assert!(reopen(&fx, &cookie).await.cookie_to_set().is_none());
    }
    // 36 × 20 minutes = 12 hours since it began.
    fx.advance(20);
    assert!(reopen(&fx, &cookie).await.cookie_to_set().is_some());
}

async fn unsaved_and_unknown_sessions_are_new(fx: Fixture) {
    let unsaved = fx.app.open_session(None).await.unwrap();
    let cookie = unsaved.cookie_to_set().unwrap();
    assert_eq!(cookie.len(), 43);
    let fresh = reopen(&fx, &cookie).await;
    assert_ne!(
        fresh.cookie_to_set(),
        Some(cookie),
        "never stored: a new id"
    );
    for junk in ["", "abc", &"A".repeat(43), "../../etc/passwd"] {
        let session = reopen(&fx, junk).await;
        assert!(session.cookie_to_set().is_some());
        assert_eq!(session.stage(), SessionStage::Anonymous);
    }
}

async fn csrf_tokens_are_bound_to_the_session(fx: Fixture) {
    let (a, cookie_a) = fx.new_session().await;
    // A session printed in a log shows neither its id nor its token.
    let printed = format!("{a:?}");
    assert!(
        !printed.contains(&cookie_a) && !printed.contains(&a.csrf_token()),
        "{printed}"
    );
    let (b, _) = fx.new_session().await;
    let token = a.csrf_token();
    assert!(a.check_csrf(&token));
    assert!(reopen(&fx, &cookie_a).await.check_csrf(&token));
    assert!(!b.check_csrf(&token));
    assert!(!a.check_csrf(""));
    assert!(!a.check_csrf(&token[1..]));
    assert!(!a.check_csrf(&b.csrf_token()));
}

async fn a_suspended_users_sessions_end(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    let (_, cookie) = fx.sign_in("ada@canada.ca").await;
    assert_eq!(reopen(&fx, &cookie).await.user().unwrap().id, user.id);
    let mut suspended = fx.reload(&user).await;
    suspended.state = UserState::Suspended;
    fx.store.store.update_user(&suspended).await.unwrap();
    let after = reopen(&fx, &cookie).await;
    assert!(after.user().is_none());
    assert!(after.cookie_to_set().is_some());
}

async fn signing_out_ends_one_or_every_session(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    let (mut first, first_cookie) = fx.sign_in("ada@canada.ca").await;
    let (_, second_cookie) = fx.sign_in("ada@canada.ca").await;
    let (_, third_cookie) = fx.sign_in("ada@canada.ca").await;

    first.set_data("wizard", json!({"step": 2}));
    first.set_language(Language::French);
    fx.app.save_session(&mut first).await.unwrap();
    fx.app.sign_out(&mut first).await.unwrap();
    assert!(first.user().is_none());
    assert_eq!(first.data("wizard"), None, "signing out clears the data");
    assert_eq!(
        first.language(),
        Some(Language::French),
        "but keeps the language"
    );
    assert!(first.cookie_to_set().is_some_and(|c| c != first_cookie));
    assert!(reopen(&fx, &first_cookie).await.user().is_none());
    assert!(reopen(&fx, &second_cookie).await.user().is_some());

    assert_eq!(fx.app.sign_out_everywhere(user.id).await.unwrap(), 2);
    assert!(reopen(&fx, &second_cookie).await.user().is_none());
    assert!(reopen(&fx, &third_cookie).await.user().is_none());
    let actions = fx.audit_actions().await;
    assert!(actions.contains(&"user.signed_out".to_owned()));
    assert!(actions.contains(&"user.signed_out_everywhere".to_owned()));
}

on_both_backends!(
    data_survives_until_the_idle_timeout,
    an_active_session_ends_after_twelve_hours,
    unsaved_and_unknown_sessions_are_new,
    csrf_tokens_are_bound_to_the_session,
    a_suspended_users_sessions_end,
    signing_out_ends_one_or_every_session,
);

async fn attempts_are_limited_per_client_and_window(fx: Fixture) {
    use carillon_app::accounts::AuthAction;
    for _ in 0..5 {
        assert!(fx.app.allow_attempt(AuthAction::Email, "192.0.2.1"));
    }
    assert!(!fx.app.allow_attempt(AuthAction::Email, "192.0.2.1"));
    // Another client, and another action, have their own allowance.
    assert!(fx.app.allow_attempt(AuthAction::Email, "192.0.2.2"));
    assert!(fx.app.allow_attempt(AuthAction::SignIn, "192.0.2.1"));
    for _ in 1..20 {
        assert!(fx.app.allow_attempt(AuthAction::SignIn, "192.0.2.1"));
    }
    assert!(!fx.app.allow_attempt(AuthAction::SignIn, "192.0.2.1"));
    // A new window starts afresh.
    fx.advance(15);
    assert!(fx.app.allow_attempt(AuthAction::Email, "192.0.2.1"));
    assert!(fx.app.allow_attempt(AuthAction::SignIn, "192.0.2.1"));
}

on_both_backends!(attempts_are_limited_per_client_and_window);
