//! Signing in: the email code delivered through the pipeline, id rotation, the same answer
//! for unknown accounts, lockout at 10, expired and reused codes, and authenticator codes
//! with replays refused.

use std::time::{Duration, Instant};

use carillon_app::accounts::{CodeError, SignInError, SignInNext};
use carillon_crypto::totp;
use carillon_domain::{Clock, ProcessType, SecondFactor, UserState};
use carillon_store::SessionStage;
use carillon_test_support::stores::TestStore;

use crate::fixture::{Fixture, PASSWORD};
use crate::on_both_backends;

async fn sign_in_with_an_emailed_code(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    let (mut session, before) = fx.new_session().await;
    session.set_data("next", serde_json::json!("/services"));
    fx.app.save_session(&mut session).await.unwrap();

    let next = fx
        .app
        .sign_in(&mut session, "ADA@canada.ca", PASSWORD)
        .await
        .unwrap();
    assert_eq!(next, SignInNext::EmailCode);
    assert_eq!(session.stage(), SessionStage::AwaitingSecondFactor);
    assert!(
        session.user().is_none(),
        "not signed in before the second factor"
    );
    let middle = session
        .cookie_to_set()
        .expect("the id rotates on the password");
    assert_ne!(middle, before);
    // The id planted before sign-in is worthless now.
    let planted = fx.app.open_session(Some(&before)).await.unwrap();
    assert_eq!(planted.stage(), SessionStage::Anonymous);

    let emails = fx.emails_to("ada@canada.ca").await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].process_type, ProcessType::Priority);
    let code = fx.code_sent_to("ada@canada.ca").await;
    assert_eq!(code.len(), 5);
    let wrong = if code == "00000" { "11111" } else { "00000" };

    let mut session = fx.app.open_session(Some(&middle)).await.unwrap();
    assert_eq!(session.pending_user().map(|u| u.id), Some(user.id));
    assert!(matches!(
        fx.app.verify_email_code(&mut session, wrong).await,
        Err(CodeError::Incorrect)
    ));
    assert_eq!(fx.reload(&user).await.failed_sign_ins, 1);
    fx.app.verify_email_code(&mut session, &code).await.unwrap();
    assert_eq!(session.stage(), SessionStage::SignedIn);
    assert_eq!(session.user().map(|u| u.id), Some(user.id));
    let signed_in = session.cookie_to_set().expect("the id rotates again");
    assert_ne!(signed_in, middle);
    assert!(
        fx.app
            .open_session(Some(&middle))
            .await
            .unwrap()
            .user()
            .is_none()
    );
    assert!(
        fx.app
            .open_session(Some(&signed_in))
            .await
            .unwrap()
            .user()
            .is_some()
    );

    assert_eq!(
        fx.reload(&user).await.failed_sign_ins,
        0,
        "success resets the count"
    );
    // Where to go after signing in survives both rotations.
    let reopened = fx.app.open_session(Some(&signed_in)).await.unwrap();
    assert_eq!(reopened.data("next"), Some(&serde_json::json!("/services")));
    // The sign-in just made is not "a previous sign-in" of its own session.
    let history = fx.app.previous_sign_ins(&reopened, 5).await.unwrap();
    assert!(history.is_empty(), "{history:?}");
    assert!(
        fx.audit_actions()
            .await
            .contains(&"user.signed_in".to_owned())
    );

    // The code worked once: a second sign-in cannot use it.
    let (mut again, _) = fx.new_session().await;
    fx.app
        .sign_in(&mut again, "ada@canada.ca", PASSWORD)
        .await
        .unwrap();
    let fresh = fx.code_sent_to("ada@canada.ca").await;
    if fresh != code {
        assert!(matches!(
            fx.app.verify_email_code(&mut again, &code).await,
            Err(CodeError::Incorrect)
        ));
    }

    // A later sign-in shows the first one, and not itself.
    fx.advance(5);
    fx.app.resend_code(&again).await.unwrap();
    let latest = fx.code_sent_to("ada@canada.ca").await;
    fx.app.verify_email_code(&mut again, &latest).await.unwrap();
    let history = fx.app.previous_sign_ins(&again, 5).await.unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].second_factor, SecondFactor::EmailCode);
    assert!(history[0].at < again.started_at());
}

async fn codes_expire_and_resending_replaces_them(fx: Fixture) {
    fx.user("ada@canada.ca").await;
    let (mut session, _) = fx.new_session().await;
    fx.app
        .sign_in(&mut session, "ada@canada.ca", PASSWORD)
        .await
        .unwrap();
    let first = fx.code_sent_to("ada@canada.ca").await;
    fx.app.resend_code(&session).await.unwrap();
    let second = fx.code_sent_to("ada@canada.ca").await;
    assert_eq!(fx.emails_to("ada@canada.ca").await.len(), 2);
    if first != second {
        assert!(matches!(
            fx.app.verify_email_code(&mut session, &first).await,
            Err(CodeError::Incorrect)
        ));
    }
    fx.advance(31);
    assert!(matches!(
        fx.app.verify_email_code(&mut session, &second).await,
        Err(CodeError::Expired)
    ));
}

async fn unknown_accounts_get_the_same_answer_and_time(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    let mut session = fx.app.open_session(None).await.unwrap();
    let mut unknown = Duration::MAX;
    let mut wrong = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let answer = fx
            .app
            .sign_in(&mut session, "nobody@canada.ca", "whatever it is")
            .await;
        unknown = unknown.min(started.elapsed());
        assert!(matches!(answer, Err(SignInError::Incorrect)));
        let started = Instant::now();
        let answer = fx
            .app
            .sign_in(&mut session, "ada@canada.ca", "whatever it is")
            .await;
        wrong = wrong.min(started.elapsed());
        assert!(matches!(answer, Err(SignInError::Incorrect)));
    }
    assert!(matches!(
        fx.app
            .sign_in(&mut session, "not an address", PASSWORD)
            .await,
        Err(SignInError::Incorrect)
    ));
    // Both verify one Argon2id hash: an unknown address must not answer markedly faster.
    assert!(
        unknown * 3 > wrong,
        "unknown {unknown:?}, wrong password {wrong:?}"
    );
    assert_eq!(fx.reload(&user).await.failed_sign_ins, 3);
}

async fn ten_failures_lock_the_account(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    let mut session = fx.app.open_session(None).await.unwrap();
    for attempt in 1..10 {
        let answer = fx
            .app
            .sign_in(&mut session, "ada@canada.ca", "wrong password")
            .await;
        assert!(
            matches!(answer, Err(SignInError::Incorrect)),
            "attempt {attempt}"
        );
    }
    assert!(matches!(
        fx.app
            .sign_in(&mut session, "ada@canada.ca", "wrong password")
            .await,
        Err(SignInError::Locked)
    ));
    // Locked: even the right password is refused.
    assert!(matches!(
        fx.app
            .sign_in(&mut session, "ada@canada.ca", PASSWORD)
            .await,
        Err(SignInError::Locked)
    ));
    assert_eq!(session.stage(), SessionStage::Anonymous);
    assert!(fx.audit_actions().await.contains(&"user.locked".to_owned()));
    assert!(fx.emails_to("ada@canada.ca").await.is_empty());
    assert_eq!(fx.reload(&user).await.failed_sign_ins, 10);
}

async fn pending_and_suspended_accounts_cannot_sign_in(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    let mut session = fx.app.open_session(None).await.unwrap();
    let mut changed = fx.reload(&user).await;
    changed.state = UserState::Pending;
    fx.store.store.update_user(&changed).await.unwrap();
    assert!(matches!(
        fx.app
            .sign_in(&mut session, "ada@canada.ca", PASSWORD)
            .await,
        Err(SignInError::NotVerified)
    ));
    changed.state = UserState::Suspended;
    fx.store.store.update_user(&changed).await.unwrap();
    assert!(matches!(
        fx.app
            .sign_in(&mut session, "ada@canada.ca", PASSWORD)
            .await,
        Err(SignInError::Incorrect)
    ));
}

async fn authenticator_codes_work_once(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    let (mut session, _) = fx.sign_in("ada@canada.ca").await;
    let setup = fx.app.begin_totp_setup(&mut session).await.unwrap();
    assert!(
        setup
            .uri
            .starts_with("otpauth://totp/Carillon:ada%40canada.ca?secret=")
    );
    let secret = totp::secret_from_base32(&setup.secret).unwrap();
    let now = || fx.clock.now().unix_timestamp();
    let code_now = |at: i64| totp::code_at_step(&secret, totp::step_at(at));
    fx.app
        .confirm_totp_setup(&mut session, &code_now(now()))
        .await
        .unwrap();
    assert_eq!(fx.reload(&user).await.second_factor, SecondFactor::Totp);

    // The setup's code was used: signing in in the same 30 seconds needs the next one.
    let (mut next, _) = fx.new_session().await;
    let emails = fx.emails_to("ada@canada.ca").await.len();
    assert_eq!(
        fx.app
            .sign_in(&mut next, "ada@canada.ca", PASSWORD)
            .await
            .unwrap(),
        SignInNext::Totp
    );
    assert_eq!(
        fx.emails_to("ada@canada.ca").await.len(),
        emails,
        "no email code"
    );
    assert!(matches!(
        fx.app.verify_totp(&mut next, &code_now(now())).await,
        Err(CodeError::Used)
    ));
    fx.clock.advance(time::Duration::seconds(30));
    let code = code_now(now());
    fx.app.verify_totp(&mut next, &code).await.unwrap();
    assert_eq!(next.stage(), SessionStage::SignedIn);

    // An overheard code replayed within its window is refused.
    let (mut replay, _) = fx.new_session().await;
    fx.app
        .sign_in(&mut replay, "ada@canada.ca", PASSWORD)
        .await
        .unwrap();
    assert!(matches!(
        fx.app.verify_totp(&mut replay, &code).await,
        Err(CodeError::Used)
    ));
    assert!(matches!(
        fx.app.verify_totp(&mut replay, "123").await,
        Err(CodeError::Incorrect)
    ));
    assert_eq!(replay.stage(), SessionStage::AwaitingSecondFactor);
}

on_both_backends!(
    sign_in_with_an_emailed_code,
    codes_expire_and_resending_replaces_them,
    unknown_accounts_get_the_same_answer_and_time,
    ten_failures_lock_the_account,
    pending_and_suspended_accounts_cannot_sign_in,
    authenticator_codes_work_once,
);
