//! Every page in both languages, its error state, and the language toggle.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use super::{get, post, send, session, web};

/// Every page a visitor can GET without signing in, with its English heading.
const PAGES: &[(&str, &str)] = &[
    ("/sign-in", "Sign in"),
    ("/register", "Create an account"),
    ("/register/check-email", "Check your email"),
    ("/forgot-password", "Forgot your password"),
    ("/forgot-password/check-email", "Check your email"),
    ("/new-password/a-token", "Choose a new password"),
    ("/terms", "Terms of use"),
];

#[tokio::test]
async fn every_page_renders_in_both_languages() {
    let (router, _store) = web().await;
    for (uri, heading) in PAGES {
        let english = get(&router, uri).await;
        assert_eq!(english.status, StatusCode::OK, "{uri}");
        assert!(english.body.contains("<html lang=\"en\">"), "{uri}");
        assert_eq!(english.title(), format!("{heading} – Carillon"), "{uri}");
        assert!(english.body.contains("<main id=\"main\""), "{uri}");
        assert!(english.body.contains("href=\"#main\""), "{uri}: skip link");

        let french = get(&router, &format!("{uri}?lang=fr")).await;
        assert_eq!(french.status, StatusCode::OK, "{uri}");
        assert!(french.body.contains("<html lang=\"fr\">"), "{uri}");
        assert_ne!(french.title(), english.title(), "{uri}");
        assert!(french.title().ends_with(" – Carillon"), "{uri}");

        let negotiated = send(
            &router,
            Request::get(*uri)
                .header(header::ACCEPT_LANGUAGE, "fr-CA,fr;q=0.9,en;q=0.5")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(negotiated.title(), french.title(), "{uri}");
    }
}

#[tokio::test]
async fn the_toggle_returns_to_the_same_page_in_the_other_language() {
    let (router, _store) = web().await;
    let english = get(&router, "/sign-in?next=%2Fservices").await;
    assert!(
        english.body.contains(
            "href=\"/sign-in?next=%2Fservices&#38;lang=fr\" lang=\"fr\" hreflang=\"fr\">Français</a>"
        ),
        "{}",
        english.body
    );
    let french = get(&router, "/sign-in?next=%2Fservices&lang=fr").await;
    assert!(
        french.body.contains(
            "href=\"/sign-in?next=%2Fservices&#38;lang=en\" lang=\"en\" hreflang=\"en\">English</a>"
        ),
        "{}",
        french.body
    );
}

#[tokio::test]
async fn an_empty_sign_in_shows_the_error_summary_and_inline_errors() {
    let (router, _store) = web().await;
    let (cookie, token) = session(&router, "/sign-in").await;
    let answer = send(
        &router,
        post("/sign-in", &cookie, &[("csrf_token", &token)]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.title(), "Error: Sign in – Carillon");
    let body = &answer.body;
    assert!(body.contains("role=\"alert\""), "{body}");
    assert!(body.contains("There is a problem"), "{body}");
    assert!(
        body.contains("<a href=\"#email\">Enter your email address</a>"),
        "{body}"
    );
    assert!(
        body.contains("<a href=\"#password\">Enter your password</a>"),
        "{body}"
    );
    assert!(body.contains("aria-describedby=\"email-error\""), "{body}");
    assert!(body.contains("id=\"email-error\""), "{body}");
    assert!(body.contains("aria-invalid=\"true\""), "{body}");

    let french = send(
        &router,
        post(
            "/sign-in?lang=fr",
            &cookie,
            &[("csrf_token", &token), ("email", "pas une adresse")],
        ),
    )
    .await;
    assert_eq!(french.title(), "Erreur : Se connecter – Carillon");
    assert!(french.body.contains("Il y a un problème"));
    assert!(
        french.body.contains("value=\"pas une adresse\""),
        "the address is kept"
    );
}

#[tokio::test]
async fn a_password_is_never_sent_back() {
    let (router, _store) = web().await;
    let (cookie, token) = session(&router, "/sign-in").await;
    let answer = send(
        &router,
        post(
            "/sign-in",
            &cookie,
            &[("csrf_token", &token), ("password", "hunter2-secret")],
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(!answer.body.contains("hunter2-secret"));
}

#[tokio::test]
async fn the_terms_are_linked_from_where_they_are_agreed_to() {
    let (router, _store) = web().await;
    let register = get(&router, "/register").await;
    let label = register
        .body
        .split("<label class=\"checkbox-label\" for=\"terms\">")
        .nth(1)
        .and_then(|rest| rest.split("</label>").next())
        .unwrap_or_else(|| panic!("no terms checkbox: {}", register.body));
    assert!(label.contains("<a href=\"/terms\">"), "{label}");
    let terms = get(&router, "/terms?lang=fr").await;
    assert!(terms.body.contains("peut les remplacer"), "{}", terms.body);
}
