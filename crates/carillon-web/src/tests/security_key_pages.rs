//! Security keys through the router: the profile's pages in both languages, adding a key with
//! a software authenticator, signing in with it, removing it, and every bad answer (empty,
//! malformed, replayed, another site's) giving a clear page, never a 500.

use axum::http::{StatusCode, header};
use carillon_crypto::webauthn::soft::SoftAuthenticator;
use carillon_crypto::webauthn::{decode, encode};

use super::account::{Fixture, PASSWORD, Person};
use super::{Answer, get_with, send};

/// The default settings' public address.
const ORIGIN: &str = "http://localhost:6012";

/// The ceremony's options rendered in the page's `data-options`, unescaped.
fn options(answer: &Answer) -> serde_json::Value {
    let marker = "data-options=\"";
    let start = answer.body.find(marker).expect("ceremony options") + marker.len();
    let end = answer.body[start..].find('"').unwrap();
    let text = answer.body[start..start + end]
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap()
}

fn challenge(answer: &Answer) -> Vec<u8> {
    decode(options(answer)["challenge"].as_str().unwrap()).unwrap()
}

/// Adds a software key to `person`'s account through the pages.
async fn add_key(f: &Fixture, person: &Person, name: &str) -> SoftAuthenticator {
    let key = SoftAuthenticator::new("localhost");
    let page = f.get(person, "/profile/security-keys").await;
    let (client, attestation) = key.register(ORIGIN, &challenge(&page));
    let added = f
        .post(
            person,
            "/profile/security-keys",
            &[
                ("name", name),
                ("client_data_json", &encode(&client)),
                ("attestation_object", &encode(&attestation)),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(added.location(), "/profile/security-keys?done=added");
    key
}

#[tokio::test]
async fn the_security_keys_page_renders_in_both_languages_with_its_script() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let en = f.get(&ada, "/profile/security-keys?lang=en").await;
    assert_eq!(en.status, StatusCode::OK, "{}", en.body);
    assert_eq!(en.title(), "Security keys – Carillon");
    assert!(en.body.contains("<noscript>"), "{}", en.body);
    assert_eq!(options(&en)["rp"]["id"], "localhost");
    let fr = f.get(&ada, "/profile/security-keys?lang=fr").await;
    assert_eq!(fr.title(), "Clés de sécurité – Carillon");
    // The script is served under its hashed name, cached, and is the page's only script.
    let marker = "<script src=\"";
    let start = en.body.find(marker).unwrap() + marker.len();
    let src = &en.body[start..start + en.body[start..].find('"').unwrap()];
    assert!(
        src.starts_with("/static/webauthn.") && src.ends_with(".js"),
        "{src}"
    );
    assert_eq!(en.body.matches("<script").count(), 1);
    let script = get_with(&f.router, src, "").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(
        script.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.body.contains("navigator.credentials.create"));
    let profile = f.get(&ada, "/profile").await;
    assert!(profile.body.contains("href=\"/profile/security-keys\""));
}

#[tokio::test]
async fn adding_a_key_refuses_bad_answers_with_clear_errors() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let uri = "/profile/security-keys";
    // No JavaScript: the form arrives without the key's answer.
    let empty = f.post(&ada, uri, &[("name", "Blue key")]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.body);
    assert!(
        empty.body.contains("Security keys need JavaScript"),
        "{}",
        empty.body
    );
    assert!(empty.body.contains("href=\"#add-key\""));
    let unnamed = f.post(&ada, uri, &[("client_data_json", "e30")]).await;
    assert_eq!(unnamed.status, StatusCode::BAD_REQUEST);
    assert!(unnamed.body.contains("Enter a name for the key"));
    // Junk in every field, then valid JSON of the wrong shape.
    for (client, object) in [("%%%", "!!"), ("e30", "oA"), ("", "AAAA")] {
        let junk = f
            .post(
                &ada,
                uri,
                &[
                    ("name", "k"),
                    ("client_data_json", client),
                    ("attestation_object", object),
                ],
            )
            .await;
        assert_eq!(
            junk.status,
            StatusCode::BAD_REQUEST,
            "{client}: {}",
            junk.body
        );
    }
    // A valid answer for another site, then replayed against the page's next challenge.
    let key = SoftAuthenticator::new("localhost");
    let page = f.get(&ada, uri).await;
    let (client, attestation) = key.register("https://evil.example", &challenge(&page));
    let fields = [
        ("name", "Blue key"),
        ("client_data_json", &encode(&client)[..]),
        ("attestation_object", &encode(&attestation)[..]),
    ];
    let evil = f.post(&ada, uri, &fields).await;
    assert_eq!(evil.status, StatusCode::BAD_REQUEST);
    assert!(evil.body.contains("was not valid"), "{}", evil.body);
    let (client, attestation) = key.register(ORIGIN, &challenge(&page));
    let stale = f
        .post(
            &ada,
            uri,
            &[
                ("name", "Blue key"),
                ("client_data_json", &encode(&client)),
                ("attestation_object", &encode(&attestation)),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);
    assert!(
        stale.body.contains("was not valid") || stale.body.contains("ran out"),
        "{}",
        stale.body
    );
    let listed = f.get(&ada, uri).await;
    assert!(listed.body.contains("You have not added a security key."));
}

#[tokio::test]
async fn a_key_signs_in_and_is_removed_only_after_switching_to_email() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let mut key = add_key(&f, &ada, "Blue key").await;
    let listed = f.get(&ada, "/profile/security-keys?done=added").await;
    assert!(listed.body.contains("Blue key"));
    assert!(listed.body.contains("Your security key was added."));

    // Signing in again: the password, then the key.
    let mut session = f.app.open_session(None).await.unwrap();
    f.app
        .sign_in(&mut session, "ada@example.gc.ca", PASSWORD)
        .await
        .unwrap();
    let cookie = format!("__Host-carillon={}", session.cookie_to_set().unwrap());
    let page = get_with(&f.router, "/sign-in/security-key", &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Email me a code instead"));
    let token = page.csrf_token();
    let post = |fields: Vec<(&'static str, String)>| {
        let mut all = vec![("csrf_token", token.clone())];
        all.extend(fields);
        let all: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
        super::post("/sign-in/security-key", &cookie, &all)
    };
    let empty = send(&f.router, post(Vec::new())).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty.body.contains("Security keys need JavaScript"),
        "{}",
        empty.body
    );
    let page = get_with(&f.router, "/sign-in/security-key", &cookie).await;
    let assertion = key.assert(ORIGIN, &challenge(&page));
    let fields = |a: &carillon_crypto::webauthn::soft::SoftAssertion, id: &[u8]| {
        vec![
            ("credential_id", encode(id)),
            ("client_data_json", encode(&a.client_data_json)),
            ("authenticator_data", encode(&a.authenticator_data)),
            ("signature", encode(&a.signature)),
        ]
    };
    let forged = send(&f.router, post(fields(&assertion, &[7; 16]))).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(
        forged.body.contains("not registered to your account"),
        "{}",
        forged.body
    );
    // That attempt used the challenge up (the error page issued a new one): the genuine answer
    // to the old challenge is refused too.
    let id = key.credential_id.clone();
    let replayed = send(&f.router, post(fields(&assertion, &id))).await;
    assert_eq!(replayed.status, StatusCode::BAD_REQUEST);
    assert!(
        replayed.body.contains("its answer was not valid"),
        "{}",
        replayed.body
    );
    let page = get_with(&f.router, "/sign-in/security-key", &cookie).await;
    let assertion = key.assert(ORIGIN, &challenge(&page));
    let signed_in = send(&f.router, post(fields(&assertion, &id))).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(signed_in.location(), "/sign-in/continue");

    // Removing: confirmation, refused while keys are the factor, done after switching.
    let keys = f.store.store.security_keys(ada.user.id).await.unwrap();
    let remove = format!("/profile/security-keys/{}/remove", keys[0].id);
    let confirm = f.get(&ada, &remove).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Blue key"));
    let refused = f.post(&ada, &remove, &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains("href=\"#use-email-codes\""),
        "{}",
        refused.body
    );
    let switched = f.post(&ada, "/profile/security-keys/use-email", &[]).await;
    assert_eq!(switched.location(), "/profile/security-keys?done=email");
    let removed = f.post(&ada, &remove, &[]).await;
    assert_eq!(removed.location(), "/profile/security-keys?done=removed");
    let gone = f.get(&ada, &remove).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let junk = f
        .post(&ada, "/profile/security-keys/not-an-id/remove", &[])
        .await;
    assert_eq!(junk.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_key_step_without_a_sign_in_goes_back_to_the_password() {
    let f = Fixture::new().await;
    let page = get_with(&f.router, "/sign-in/security-key", "").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/sign-in");
}
