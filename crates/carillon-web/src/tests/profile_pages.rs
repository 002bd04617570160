//! Your profile: every page in both languages, name, password (other sessions end, this one
//! continues), the authenticator app, signing out everywhere.

use axum::http::{StatusCode, header};
use carillon_crypto::totp;
use carillon_domain::SecondFactor;

use super::account::{Fixture, PASSWORD};

#[tokio::test]
async fn the_profile_pages_render_in_both_languages() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let pages = [
        ("/profile", "Your profile", "Votre profil"),
        ("/profile/name", "Change your name", "Modifier votre nom"),
        (
            "/profile/email",
            "Change your email address",
            "Modifier votre adresse courriel",
        ),
        (
            "/profile/password",
            "Change your password",
            "Modifier votre mot de passe",
        ),
        (
            "/profile/authenticator",
            "Set up an authenticator app",
            "Configurer une application d’authentification",
        ),
        (
            "/profile/sign-out-everywhere",
            "Sign out everywhere",
            "Se déconnecter partout",
        ),
    ];
    for (uri, english, french) in pages {
        let answer = f.get(&ada, &format!("{uri}?lang=en")).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        assert_eq!(answer.title(), format!("{english} – Carillon"), "{uri}");
        let answer = f.get(&ada, &format!("{uri}?lang=fr")).await;
        assert_eq!(answer.title(), format!("{french} – Carillon"), "{uri}");
    }
    let profile = f.get(&ada, "/profile?lang=en").await;
    assert!(profile.body.contains("ada@example.gc.ca"));
    assert!(profile.body.contains("Ada Lovelace"));
    assert!(
        profile
            .body
            .contains("<a href=\"/profile\" aria-current=\"page\">Your profile</a>"),
        "{}",
        profile.body
    );
}

#[tokio::test]
async fn the_name_and_password_change_and_errors_show_inline() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let blank = f.post(&ada, "/profile/name", &[("name", "  ")]).await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert_eq!(blank.title(), "Error: Change your name – Carillon");
    let renamed = f.post(&ada, "/profile/name", &[("name", "Ada King")]).await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let profile = f.get(&ada, renamed.location()).await;
    assert!(
        profile.body.contains("Your name was changed."),
        "{}",
        profile.body
    );
    assert!(profile.body.contains("Ada King"));

    let wrong = f
        .post(
            &ada,
            "/profile/password",
            &[
                ("current", "not my password"),
                ("password", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .body
            .contains("href=\"#current\">The current password is not right"),
        "{}",
        wrong.body
    );
    let short = f
        .post(
            &ada,
            "/profile/password?lang=fr",
            &[("current", PASSWORD), ("password", "short")],
        )
        .await;
    assert_eq!(
        short.title(),
        "Erreur : Modifier votre mot de passe – Carillon"
    );

    let other = f.person_again("ada@example.gc.ca").await;
    let changed = f
        .post(
            &ada,
            "/profile/password",
            &[
                ("current", PASSWORD),
                ("password", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let cookie = changed.headers[header::SET_COOKIE].to_str().unwrap();
    let rotated = cookie.split(';').next().unwrap().to_owned();
    let here = super::get_with(&f.router, "/profile?done=password&lang=en", &rotated).await;
    assert_eq!(here.status, StatusCode::OK, "this browser stays signed in");
    assert!(here.body.contains("Your password was changed."));
    let elsewhere = f.get(&other, "/profile").await;
    assert_eq!(
        elsewhere.status,
        StatusCode::SEE_OTHER,
        "other browsers are signed out"
    );
}

#[tokio::test]
async fn an_authenticator_app_is_set_up_with_a_code() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let page = f.get(&ada, "/profile/authenticator").await;
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    assert!(page.body.contains("<svg role=\"img\""), "a QR code");
    assert!(!page.body.contains("<script"));
    let marker = "class=\"secret\">";
    let start = page.body.find(marker).unwrap() + marker.len();
    let secret: String = page.body[start..]
        .chars()
        .take_while(|c| *c != '<')
        .filter(|c| !c.is_whitespace())
        .collect();
    let secret = totp::secret_from_base32(&secret).expect("the secret as text");

    let step = totp::step_at(now());
    let near: Vec<String> = (step - 2..=step + 2)
        .map(|s| totp::code_at_step(&secret, s))
        .collect();
    let wrong_code = (0..10)
        .map(|n| format!("{n:06}"))
        .find(|code| !near.contains(code))
        .unwrap();
    let wrong = f
        .post(&ada, "/profile/authenticator", &[("code", &wrong_code)])
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong.body.contains("href=\"#code\">The code is not right"),
        "{}",
        wrong.body
    );
    assert!(
        wrong.body.contains("<svg role=\"img\""),
        "the same QR code again"
    );

    let code = totp::code_at_step(&secret, totp::step_at(now()));
    let done = f
        .post(&ada, "/profile/authenticator", &[("code", &code)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let user = f.store.store.user(ada.user.id).await.unwrap().unwrap();
    assert_eq!(user.second_factor, SecondFactor::Totp);
}

#[tokio::test]
async fn signing_out_everywhere_asks_first_then_ends_every_session() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let other = f.person_again("ada@example.gc.ca").await;
    let confirm = f.get(&ada, "/profile/sign-out-everywhere").await;
    assert!(confirm.body.contains("Yes, sign me out everywhere"));
    assert_eq!(f.get(&other, "/profile").await.status, StatusCode::OK);
    let done = f.post(&ada, "/profile/sign-out-everywhere", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/sign-in?signed_out=1");
    assert_eq!(f.get(&ada, "/profile").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        f.get(&other, "/profile").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_email_change_sends_a_link_after_the_password() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let wrong = f
        .post(
            &ada,
            "/profile/email",
            &[("email", "ada@canada.ca"), ("password", "wrong password")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .body
            .contains("href=\"#password\">The current password is not right"),
        "{}",
        wrong.body
    );
    let sent = f
        .post(
            &ada,
            "/profile/email",
            &[("email", "ada@canada.ca"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), "/profile/email/check");
    let bad_link = f
        .post(&ada, "/user-profile/email/confirm/not-a-token", &[])
        .await;
    assert!(
        bad_link.body.contains("This link does not work"),
        "{}",
        bad_link.body
    );

    let body = f.email_to("ada@canada.ca").await;
    let marker = "/user-profile/email/confirm/";
    let start = body.find(marker).expect("a link") + marker.len();
    let token: String = body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let link = format!("{marker}{token}");
    let page = f.get(&ada, &link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.title(), "Confirm your new email address – Carillon");
    let user = f.store.store.user(ada.user.id).await.unwrap().unwrap();
    assert_eq!(
        user.email.as_str(),
        "ada@example.gc.ca",
        "a GET changes nothing"
    );
    let confirmed = f.post(&ada, &link, &[]).await;
    assert!(
        confirmed.body.contains("Your email address was changed"),
        "{}",
        confirmed.body
    );
    let user = f.store.store.user(ada.user.id).await.unwrap().unwrap();
    assert_eq!(user.email.as_str(), "ada@canada.ca");
}

fn now() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_secs()).unwrap()
}
