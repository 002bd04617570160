//! Security keys: registering one from the profile (it becomes the second factor), signing in
//! with it, and every refusal: another user's key, a replayed or expired challenge, a counter
//! that goes back, the last key's removal, and the fallback to a code by email.

use carillon_app::accounts::{
    CodeError, KeyAssertion, KeyRegistration, SecurityKeyError, Session, SignInNext,
};
use carillon_crypto::webauthn::soft::{SoftAssertion, SoftAuthenticator};
use carillon_crypto::webauthn::{self, decode, encode};
use carillon_domain::SecondFactor;
use carillon_store::SessionStage;
use carillon_test_support::stores::TestStore;

use crate::fixture::{Fixture, PASSWORD};
use crate::on_both_backends;

const ORIGIN: &str = "https://notify.example.ca";
const RP_ID: &str = "notify.example.ca";

/// The challenge in a ceremony's options.
fn challenge_of(options: &str) -> Vec<u8> {
    let options: serde_json::Value = serde_json::from_str(options).unwrap();
    decode(options["challenge"].as_str().unwrap()).unwrap()
}

fn answer(assertion: &SoftAssertion, credential_id: &[u8]) -> KeyAssertion {
    KeyAssertion {
        credential_id: encode(credential_id),
        client_data_json: encode(&assertion.client_data_json),
        authenticator_data: encode(&assertion.authenticator_data),
        signature: encode(&assertion.signature),
    }
}

/// Starts a key sign-in for the session awaiting its second factor; returns the challenge.
async fn begin(fx: &Fixture, session: &mut Session) -> Vec<u8> {
    let options = fx.app.begin_security_key_sign_in(session).await.unwrap();
    challenge_of(&options)
}

/// Sends `assertion` (made by the key with `credential_id`) as the answer to the pending
/// sign-in.
async fn send(
    fx: &Fixture,
    session: &mut Session,
    assertion: &SoftAssertion,
    credential_id: &[u8],
) -> Result<(), CodeError> {
    let answer = answer(assertion, credential_id);
    fx.app.finish_security_key_sign_in(session, &answer).await
}

/// Signs `challenge` with `key` and sends the answer.
async fn sign_with(
    fx: &Fixture,
    session: &mut Session,
    key: &mut SoftAuthenticator,
    challenge: &[u8],
) -> Result<(), CodeError> {
    let assertion = key.assert(ORIGIN, challenge);
    let credential = key.credential_id.clone();
    send(fx, session, &assertion, &credential).await
}

/// Registers a new soft key for the signed-in session.
async fn register(fx: &Fixture, session: &mut Session, name: &str) -> SoftAuthenticator {
    let key = SoftAuthenticator::new(RP_ID);
    let options = fx
        .app
        .begin_security_key_registration(session)
        .await
        .unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&options).unwrap();
    assert_eq!(parsed["rp"]["id"], RP_ID);
    let (client, attestation) = key.register(ORIGIN, &challenge_of(&options));
    let registration = KeyRegistration {
        name: name.to_owned(),
        client_data_json: encode(&client),
        attestation_object: encode(&attestation),
    };
    fx.app
        .finish_security_key_registration(session, &registration)
        .await
        .unwrap();
    key
}

/// A session whose password was accepted, awaiting the key.
async fn awaiting_key(fx: &Fixture, email: &str) -> Session {
    let (mut session, _) = fx.new_session().await;
    let next = fx.app.sign_in(&mut session, email, PASSWORD).await.unwrap();
    assert_eq!(next, SignInNext::SecurityKey);
    session
}

async fn register_then_sign_in_with_the_key(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    let (mut session, _) = fx.sign_in("ada@canada.ca").await;
    let mut key = register(&fx, &mut session, "Blue key").await;
    assert_eq!(
        fx.reload(&user).await.second_factor,
        SecondFactor::SecurityKey
    );
    let keys = fx.app.security_keys(&session).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "Blue key");
    assert_eq!(keys[0].last_used_at, None);
    // The same key again is refused (the browser excludes it, a forged answer is caught).
    let options = fx
        .app
        .begin_security_key_registration(&mut session)
        .await
        .unwrap();
    assert!(
        options.contains(&encode(&key.credential_id)),
        "excluded: {options}"
    );
    let (client, attestation) = key.register(ORIGIN, &challenge_of(&options));
    let again = KeyRegistration {
        name: "Again".to_owned(),
        client_data_json: encode(&client),
        attestation_object: encode(&attestation),
    };
    assert!(matches!(
        fx.app
            .finish_security_key_registration(&mut session, &again)
            .await,
        Err(SecurityKeyError::AlreadyRegistered)
    ));

    let mut session = awaiting_key(&fx, "ada@canada.ca").await;
    let challenge = begin(&fx, &mut session).await;
    sign_with(&fx, &mut session, &mut key, &challenge)
        .await
        .unwrap();
    assert_eq!(session.stage(), SessionStage::SignedIn);
    let keys = fx.app.security_keys(&session).await.unwrap();
    assert!(keys[0].last_used_at.is_some());
    let actions = fx.audit_actions().await;
    assert!(
        actions.contains(&"user.security_key_added".to_owned()),
        "{actions:?}"
    );
    assert_eq!(actions.first().map(String::as_str), Some("user.signed_in"));
}

async fn wrong_keys_replays_and_expired_challenges_are_refused(fx: Fixture) {
    let ada = fx.user("ada@canada.ca").await;
    fx.user("grace@canada.ca").await;
    let (mut session, _) = fx.sign_in("ada@canada.ca").await;
    let mut ada_key = register(&fx, &mut session, "Ada's").await;
    let (mut session, _) = fx.sign_in("grace@canada.ca").await;
    let mut grace_key = register(&fx, &mut session, "Grace's").await;

    let mut session = awaiting_key(&fx, "ada@canada.ca").await;
    // Nothing sent (no JavaScript): not counted as a failure.
    assert!(matches!(
        fx.app
            .finish_security_key_sign_in(&mut session, &KeyAssertion::default())
            .await,
        Err(CodeError::NoKeyResponse)
    ));
    // Grace's key, over Ada's challenge.
    let challenge = begin(&fx, &mut session).await;
    let refused = sign_with(&fx, &mut session, &mut grace_key, &challenge).await;
    assert!(matches!(refused, Err(CodeError::Incorrect)));
    assert_eq!(fx.reload(&ada).await.failed_sign_ins, 1);
    // The challenge was used up by that attempt: even Ada's own key cannot reuse it.
    let late = ada_key.assert(ORIGIN, &challenge);
    let ada_id = ada_key.credential_id.clone();
    let refused = send(&fx, &mut session, &late, &ada_id).await;
    assert!(matches!(refused, Err(CodeError::Expired)));
    // The same answer against a new challenge (a replay) names the old challenge.
    begin(&fx, &mut session).await;
    let refused = send(&fx, &mut session, &late, &ada_id).await;
    assert!(matches!(refused, Err(CodeError::Incorrect)));
    // An expired challenge.
    let challenge = begin(&fx, &mut session).await;
    fx.advance(6);
    let refused = sign_with(&fx, &mut session, &mut ada_key, &challenge).await;
    assert!(matches!(refused, Err(CodeError::Expired)));
    // A counter that went back (a cloned key).
    let challenge = begin(&fx, &mut session).await;
    sign_with(&fx, &mut session, &mut ada_key, &challenge)
        .await
        .unwrap();
    let mut session = awaiting_key(&fx, "ada@canada.ca").await;
    let challenge = begin(&fx, &mut session).await;
    ada_key.counter = 0;
    let refused = sign_with(&fx, &mut session, &mut ada_key, &challenge).await;
    assert!(matches!(refused, Err(CodeError::Used)));
    // Garbage in every field is a wrong answer, never a panic.
    begin(&fx, &mut session).await;
    let junk = KeyAssertion {
        credential_id: "***".to_owned(),
        client_data_json: "e30".to_owned(),
        authenticator_data: "AA".to_owned(),
        signature: "AA".to_owned(),
    };
    assert!(matches!(
        fx.app
            .finish_security_key_sign_in(&mut session, &junk)
            .await,
        Err(CodeError::Incorrect | CodeError::Expired)
    ));
    assert_eq!(session.stage(), SessionStage::AwaitingSecondFactor);
}

async fn the_last_key_stays_while_it_is_the_factor_and_email_is_the_fallback(fx: Fixture) {
    let user = fx.user("ada@canada.ca").await;
    let (mut session, _) = fx.sign_in("ada@canada.ca").await;
    register(&fx, &mut session, "Only key").await;
    let keys = fx.app.security_keys(&session).await.unwrap();
    assert!(matches!(
        fx.app.remove_security_key(&session, keys[0].id).await,
        Err(SecurityKeyError::LastKey)
    ));
    assert!(matches!(
        fx.app
            .remove_security_key(&session, carillon_domain::SecurityKeyId::new())
            .await,
        Err(SecurityKeyError::NotFound)
    ));
    fx.app.use_email_codes(&mut session).await.unwrap();
    assert_eq!(
        fx.reload(&user).await.second_factor,
        SecondFactor::EmailCode
    );
    fx.app
        .remove_security_key(&session, keys[0].id)
        .await
        .unwrap();
    assert!(fx.app.security_keys(&session).await.unwrap().is_empty());

    // A key user without their key gets a code by email instead.
    register(&fx, &mut session, "New key").await;
    let mut session = awaiting_key(&fx, "ada@canada.ca").await;
    fx.app
        .security_key_fallback_to_email(&mut session)
        .await
        .unwrap();
    let code = fx.code_sent_to("ada@canada.ca").await;
    fx.app.verify_email_code(&mut session, &code).await.unwrap();
    assert_eq!(session.stage(), SessionStage::SignedIn);
}

async fn registration_refusals(fx: Fixture) {
    fx.user("ada@canada.ca").await;
    let (mut session, _) = fx.sign_in("ada@canada.ca").await;
    let key = SoftAuthenticator::new(RP_ID);
    let options = fx
        .app
        .begin_security_key_registration(&mut session)
        .await
        .unwrap();
    let (client, attestation) = key.register(ORIGIN, &challenge_of(&options));
    let mut registration = KeyRegistration {
        name: "  ".to_owned(),
        client_data_json: encode(&client),
        attestation_object: encode(&attestation),
    };
    assert!(matches!(
        fx.app
            .finish_security_key_registration(&mut session, &registration)
            .await,
        Err(SecurityKeyError::NameMissing)
    ));
    registration.name = "k".repeat(101);
    assert!(matches!(
        fx.app
            .finish_security_key_registration(&mut session, &registration)
            .await,
        Err(SecurityKeyError::NameTooLong)
    ));
    registration.name = "Key".to_owned();
    // Another site's origin.
    let (evil, _) = key.register("https://evil.example", &challenge_of(&options));
    let forged = KeyRegistration {
        client_data_json: encode(&evil),
        ..registration.clone()
    };
    assert!(matches!(
        fx.app
            .finish_security_key_registration(&mut session, &forged)
            .await,
        Err(SecurityKeyError::Refused(
            webauthn::WebauthnError::WrongOrigin
        ))
    ));
    // That used the challenge up.
    assert!(matches!(
        fx.app
            .finish_security_key_registration(&mut session, &registration)
            .await,
        Err(SecurityKeyError::NotStarted)
    ));
    assert!(fx.app.security_keys(&session).await.unwrap().is_empty());
}

on_both_backends!(
    register_then_sign_in_with_the_key,
    wrong_keys_replays_and_expired_challenges_are_refused,
    the_last_key_stays_while_it_is_the_factor_and_email_is_the_fallback,
    registration_refusals,
);
