//! Registration, email verification and password resets: government addresses only, the
//! same answer for an address that has an account, single-use links that expire.

use carillon_app::accounts::{
    PasswordProblem, RESET_PATH, RegisterError, Registration, ResetError, SignInError, VERIFY_PATH,
    is_platform_service,
};
use carillon_domain::{EmailAddress, Language, UserState};
use carillon_test_support::stores::TestStore;

use crate::fixture::{Fixture, PASSWORD};
use crate::on_both_backends;

fn form(email: &str) -> Registration {
    Registration {
        name: "Grace Hopper".to_owned(),
        email: email.to_owned(),
        password: PASSWORD.to_owned(),
        terms_agreed: true,
        language: Language::French,
    }
}

async fn registration_checks_the_form_in_order(fx: Fixture) {
    let check = |form: Registration| fx.app.register(form);
    let mut bad = form("grace@canada.ca");
    bad.name = "  ".to_owned();
    assert!(matches!(check(bad).await, Err(RegisterError::NameMissing)));
    assert!(matches!(
        check(form("not an address")).await,
        Err(RegisterError::InvalidEmail)
    ));
    assert!(matches!(
        check(form("grace@gmail.com")).await,
        Err(RegisterError::NotGovernmentEmail)
    ));
    let mut weak = form("grace@canada.ca");
    weak.password = "password123".to_owned();
    assert!(matches!(
        check(weak).await,
        Err(RegisterError::Password(PasswordProblem::TooCommon))
    ));
    let mut no_terms = form("grace@canada.ca");
    no_terms.terms_agreed = false;
    assert!(matches!(
        check(no_terms).await,
        Err(RegisterError::TermsNotAgreed)
    ));
    assert!(fx.emails_to("grace@canada.ca").await.is_empty());
    let email = EmailAddress::parse("grace@canada.ca").unwrap();
    assert!(
        fx.store
            .store
            .user_by_email(&email)
            .await
            .unwrap()
            .is_none()
    );
}

async fn registering_verifying_and_signing_in(fx: Fixture) {
    fx.app.register(form("grace@tbs-sct.gc.ca")).await.unwrap();
    let email = EmailAddress::parse("grace@tbs-sct.gc.ca").unwrap();
    let user = fx.store.store.user_by_email(&email).await.unwrap().unwrap();
    assert_eq!(user.state, UserState::Pending);
    assert_eq!(user.language, Language::French);
    let sent = fx.emails_to("grace@tbs-sct.gc.ca").await;
    assert_eq!(
        sent[0].subject.as_deref(),
        Some("Confirmez votre adresse courriel")
    );

    let mut session = fx.app.open_session(None).await.unwrap();
    assert!(matches!(
        fx.app
            .sign_in(&mut session, "grace@tbs-sct.gc.ca", PASSWORD)
            .await,
        Err(SignInError::NotVerified)
    ));
    let token = fx
        .link_token_sent_to("grace@tbs-sct.gc.ca", VERIFY_PATH)
        .await;
    assert_eq!(fx.app.verify_email(&token).await.unwrap().id, user.id);
    assert_eq!(fx.reload(&user).await.state, UserState::Active);
    assert!(matches!(
        fx.app.verify_email(&token).await,
        Err(ResetError::InvalidLink)
    ));
    fx.app
        .sign_in(&mut session, "grace@tbs-sct.gc.ca", PASSWORD)
        .await
        .unwrap();

    // The same address again: the same answer, and an email saying so.
    fx.app.register(form("GRACE@tbs-sct.gc.ca")).await.unwrap();
    let sent = fx.emails_to("grace@tbs-sct.gc.ca").await;
    assert_eq!(sent[0].subject.as_deref(), Some("Vous avez déjà un compte"));
    assert!(sent[0].body.contains("https://notify.example.ca/sign-in"));

    // The platform service sends all this but is in nobody's list.
    let listed = fx.app.services().await.unwrap();
    assert!(listed.iter().all(|s| !is_platform_service(s.id)));
}

async fn verification_links_expire(fx: Fixture) {
    fx.app.register(form("grace@canada.ca")).await.unwrap();
    let token = fx.link_token_sent_to("grace@canada.ca", VERIFY_PATH).await;
    fx.advance(61);
    // Registering again before verifying sends a new link; so does asking for one.
    fx.app.register(form("grace@canada.ca")).await.unwrap();
    let again = fx.link_token_sent_to("grace@canada.ca", VERIFY_PATH).await;
    fx.app.resend_verification("grace@canada.ca").await.unwrap();
    let newest = fx.link_token_sent_to("grace@canada.ca", VERIFY_PATH).await;
    assert_eq!(fx.emails_to("grace@canada.ca").await.len(), 3);
    assert!(
        matches!(
            fx.app.verify_email(&again).await,
            Err(ResetError::InvalidLink)
        ),
        "replaced"
    );
    fx.app
        .resend_verification("nobody@canada.ca")
        .await
        .unwrap();
    assert!(fx.emails_to("nobody@canada.ca").await.is_empty());
    assert_eq!(
        fx.app.verify_email(&newest).await.unwrap().state,
        UserState::Active
    );
    fx.app.resend_verification("grace@canada.ca").await.unwrap();
    assert_eq!(
        fx.emails_to("grace@canada.ca").await.len(),
        3,
        "no link once verified"
    );
    assert!(matches!(
        fx.app.verify_email(&token).await,
        Err(ResetError::InvalidLink)
    ));
    assert!(matches!(
        fx.app.verify_email("made-up").await,
        Err(ResetError::InvalidLink)
    ));
}

async fn resetting_a_forgotten_password(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    fx.app.forgot_password("nobody@canada.ca").await.unwrap();
    fx.app.forgot_password("not an address").await.unwrap();
    assert!(fx.emails_to("nobody@canada.ca").await.is_empty());

    let (_, signed_in) = fx.sign_in("ada@canada.ca").await;
    let mut session = fx.app.open_session(None).await.unwrap();
    for _ in 0..10 {
        let _ = fx
            .app
            .sign_in(&mut session, "ada@canada.ca", "wrong password")
            .await;
    }
    fx.app.forgot_password("Ada@Canada.ca").await.unwrap();
    let token = fx.link_token_sent_to("ada@canada.ca", RESET_PATH).await;

    // A refused password does not use the link up.
    assert!(matches!(
        fx.app.reset_password(&token, "short").await,
        Err(ResetError::Password(PasswordProblem::TooShort))
    ));
    fx.app
        .reset_password(&token, "a brand new passphrase")
        .await
        .unwrap();
    assert!(matches!(
        fx.app
            .reset_password(&token, "another new passphrase")
            .await,
        Err(ResetError::InvalidLink)
    ));
    assert!(
        fx.app
            .open_session(Some(&signed_in))
            .await
            .unwrap()
            .user()
            .is_none()
    );
    assert_eq!(fx.reload(&user).await.failed_sign_ins, 0, "unlocked");
    assert!(matches!(
        fx.app
            .sign_in(&mut session, "ada@canada.ca", PASSWORD)
            .await,
        Err(SignInError::Incorrect)
    ));
    fx.app
        .sign_in(&mut session, "ada@canada.ca", "a brand new passphrase")
        .await
        .unwrap();
    assert!(
        fx.audit_actions()
            .await
            .contains(&"user.password_changed".to_owned())
    );

    // A link unused for more than an hour no longer works.
    fx.app.forgot_password("ada@canada.ca").await.unwrap();
    let late = fx.link_token_sent_to("ada@canada.ca", RESET_PATH).await;
    fx.advance(61);
    assert!(matches!(
        fx.app.reset_password(&late, "yet another passphrase").await,
        Err(ResetError::InvalidLink)
    ));
}

on_both_backends!(
    registration_checks_the_form_in_order,
    registering_verifying_and_signing_in,
    verification_links_expire,
    resetting_a_forgotten_password,
);

/// `government_domains` replaces GC Notify's list: a configured domain (and its subdomains)
/// may register and the default ones may not; without it, the default list applies.
#[tokio::test]
async fn configured_government_domains_replace_the_default_list() {
    use std::sync::Arc;

    use carillon_app::{App, AppSettings};
    use carillon_domain::SystemClock;

    let store = TestStore::sqlite().await;
    let app = |government_domains: Option<Vec<String>>| {
        let defaults = AppSettings::default();
        let settings = AppSettings {
            government_domains: government_domains.unwrap_or(defaults.government_domains.clone()),
            ..defaults
        };
        App::new(Arc::clone(&store.store), Arc::new(SystemClock), settings)
    };
    let configured = app(Some(vec!["agency.example.org".to_owned()]));
    configured
        .register(form("ada@dept.agency.example.org"))
        .await
        .unwrap();
    assert!(matches!(
        configured.register(form("grace@canada.ca")).await,
        Err(RegisterError::NotGovernmentEmail)
    ));
    let default = app(None);
    assert!(matches!(
        default.register(form("alan@agency.example.org")).await,
        Err(RegisterError::NotGovernmentEmail)
    ));
    default.register(form("grace@canada.ca")).await.unwrap();
}
