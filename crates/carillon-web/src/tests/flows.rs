//! Whole journeys through the pages, on the real use cases and a real (SQLite) store: signing
//! in with the emailed code read back from the pipeline, wrong passwords, signing out,
//! registering, and the pages that need a signed-in person.

use axum::Router;
use axum::http::StatusCode;
use carillon_app::App;
use carillon_app::accounts::{NewUser, platform_service_id};
use carillon_domain::NotificationFilter;
use carillon_test_support::stores::TestStore;

use super::{Answer, get, get_with, post, send, session, web_and_app};

const EMAIL: &str = "ada@example.gc.ca";
const PASSWORD: &str = "a long enough passphrase";

async fn user(app: &App) {
    app.create_user(NewUser {
        name: "Ada Lovelace".to_owned(),
        email: EMAIL.to_owned(),
        password: PASSWORD.to_owned(),
        platform_admin: false,
    })
    .await
    .unwrap();
}

/// The bodies of the platform's emails to `to`, newest first.
async fn emails_to(store: &TestStore, to: &str) -> Vec<String> {
    let filter = NotificationFilter {
        limit: 100,
        ..NotificationFilter::default()
    };
    let all = store
        .store
        .notifications(platform_service_id(), &filter)
        .await
        .unwrap();
    all.into_iter()
        .filter(|n| n.to == to)
        .map(|n| n.body)
        .collect()
}

/// The sign-in code in the newest email to `to`.
async fn code_sent_to(store: &TestStore, to: &str) -> String {
    let body = emails_to(store, to)
        .await
        .into_iter()
        .next()
        .expect("an email");
    body.chars().take_while(char::is_ascii_digit).collect()
}

/// Posts a form of the page at `page` (GET first, for its token) and returns the answer.
async fn submit(router: &Router, page: &str, cookie: &str, fields: &[(&str, &str)]) -> Answer {
    let form = get_with(router, page, cookie).await;
    assert_eq!(form.status, StatusCode::OK, "{page}: {}", form.body);
    let token = form.csrf_token();
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    send(router, post(page, &form.cookie_or(cookie), &all)).await
}

#[tokio::test]
async fn signing_in_with_the_emailed_code_then_out() {
    let (router, app, store) = web_and_app().await;
    user(&app).await;
    let services = get(&router, "/services").await;
    assert_eq!(services.status, StatusCode::SEE_OTHER);
    assert_eq!(services.location(), "/sign-in?next=%2Fservices");

    let (first, _) = session(&router, "/sign-in").await;
    let answer = submit(
        &router,
        "/sign-in?next=%2Fservices",
        &first,
        &[("email", EMAIL), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/sign-in/code?next=%2Fservices");
    // The id changed: the cookie from before the password is worthless now.
    let cookie = answer.cookie_or(&first);
    assert_ne!(cookie, first);
    assert_eq!(
        get_with(&router, "/sign-in/code", &first).await.status,
        StatusCode::SEE_OTHER
    );

    for lang in ["en", "fr"] {
        for path in ["/sign-in/code", "/sign-in/code/resend", "/sign-in/totp"] {
            let page = get_with(&router, &format!("{path}?lang={lang}"), &cookie).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(
                page.body.contains(&format!("<html lang=\"{lang}\">")),
                "{path}"
            );
        }
        let page = get_with(&router, &format!("/sign-in/code?lang={lang}"), &cookie).await;
        assert!(page.body.contains("autocomplete=\"one-time-code\""));
        assert!(page.body.contains("inputmode=\"numeric\""));
    }
    let resent = submit(
        &router,
        "/sign-in/code/resend?lang=en&next=%2Fservices",
        &cookie,
        &[],
    )
    .await;
    assert_eq!(resent.location(), "/sign-in/code?next=%2Fservices&resent=1");
    let page = get_with(&router, resent.location(), &cookie).await;
    assert!(
        page.body.contains("We sent a new security code"),
        "{}",
        page.body
    );
    let empty = submit(&router, "/sign-in/totp?lang=fr", &cookie, &[]).await;
    assert_eq!(
        empty.title(),
        "Erreur : Saisissez le code de votre application d&#39;authentification – Carillon"
    );
    let wrong = submit(
        &router,
        "/sign-in/code?lang=en",
        &cookie,
        &[("code", "00000")],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong.body.contains("The security code is not correct"),
        "{}",
        wrong.body
    );

    let code = code_sent_to(&store, EMAIL).await;
    assert_eq!(code.len(), 5);
    let answer = submit(
        &router,
        "/sign-in/code?next=%2Fservices",
        &cookie,
        &[("code", &code)],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/sign-in/continue?next=%2Fservices");
    let cookie = answer.cookie_or(&cookie);

    // Services wait until the terms are agreed to.
    let early = get_with(&router, "/services", &cookie).await;
    assert_eq!(early.location(), "/sign-in/continue?next=%2Fservices");
    let page = get_with(&router, "/sign-in/continue?lang=fr", &cookie).await;
    // The sign-in just made is not listed as a previous one: this is the first.
    assert!(
        page.body.contains("votre première connexion."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Code par courriel"), "{}", page.body);
    let refused = submit(&router, "/sign-in/continue?lang=en", &cookie, &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused
            .body
            .contains("Agree to the terms of use to continue")
    );
    let agreed = submit(
        &router,
        "/sign-in/continue?next=%2Fservices",
        &cookie,
        &[("terms", "yes")],
    )
    .await;
    assert_eq!(agreed.location(), "/services");

    let services = get_with(&router, "/services", &cookie).await;
    assert_eq!(services.status, StatusCode::OK, "{}", services.body);
    assert!(services.body.contains("aria-current=\"page\""));
    assert!(
        services.body.contains("action=\"/sign-out\""),
        "a sign-out form, not a link"
    );

    let empty = submit(&router, "/add-service?lang=fr", &cookie, &[]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty.title().starts_with("Erreur : Ajouter un service"),
        "{}",
        empty.title()
    );
    for field in ["language-en", "name", "email_from"] {
        assert!(
            empty.body.contains(&format!("<a href=\"#{field}\">")),
            "{field}: {}",
            empty.body
        );
    }
    let fields = [
        ("language", "fr"),
        ("name", "Passports"),
        ("email_from", "passports"),
    ];
    let created = submit(&router, "/add-service", &cookie, &fields).await;
    assert_eq!(
        created.location(),
        "/services?created=1",
        "{}",
        created.body
    );
    let listed = get_with(&router, "/services?created=1&lang=en", &cookie).await;
    assert!(
        listed
            .body
            .contains(">Passports</a> <span class=\"tag\">Trial</span>"),
        "{}",
        listed.body
    );
    assert!(listed.body.contains("Your service was created"));
    let again = submit(&router, "/add-service", &cookie, &fields).await;
    assert!(
        again.body.contains("Another service already has this name"),
        "{}",
        again.body
    );

    let out = submit(&router, "/services", &cookie, &[]).await;
    assert_eq!(out.status, StatusCode::METHOD_NOT_ALLOWED);
    let token = services.csrf_token();
    let out = send(
        &router,
        post("/sign-out", &cookie, &[("csrf_token", &token)]),
    )
    .await;
    assert_eq!(out.location(), "/sign-in?signed_out=1");
    assert_eq!(
        get_with(&router, "/services", &cookie).await.status,
        StatusCode::SEE_OTHER
    );
    let after = get_with(&router, "/sign-in?signed_out=1", &out.cookie_or(&cookie)).await;
    assert!(after.body.contains("You have been signed out."));
}

#[tokio::test]
async fn a_wrong_password_gets_the_same_vague_answer_as_an_unknown_address() {
    let (router, app, _store) = web_and_app().await;
    user(&app).await;
    let (cookie, _) = session(&router, "/sign-in").await;
    let mut bodies = Vec::new();
    for email in [EMAIL, "nobody@example.gc.ca"] {
        let answer = submit(
            &router,
            "/sign-in",
            &cookie,
            &[("email", email), ("password", "not the password")],
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(answer.title(), "Error: Sign in – Carillon");
        assert!(
            answer
                .body
                .contains("The email address or password you entered is incorrect")
        );
        bodies.push(answer.body.replace(email, ""));
    }
    assert_eq!(
        bodies[0], bodies[1],
        "the page must not tell which address exists"
    );
}

#[tokio::test]
async fn the_language_chosen_holds_for_the_session() {
    let (router, _app, _store) = web_and_app().await;
    let (cookie, _) = session(&router, "/sign-in?lang=fr").await;
    let next = get_with(&router, "/register", &cookie).await;
    assert!(next.body.contains("<html lang=\"fr\">"), "{}", next.body);
    let back = get_with(&router, "/register?lang=en", &cookie).await;
    assert!(back.body.contains("<html lang=\"en\">"));
    let after = get_with(&router, "/forgot-password", &cookie).await;
    assert!(after.body.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn registering_shows_the_same_page_for_a_new_and_an_existing_address() {
    let (router, app, store) = web_and_app().await;
    user(&app).await;
    let (cookie, _) = session(&router, "/register").await;
    let outside = submit(
        &router,
        "/register",
        &cookie,
        &[
            ("name", "Bo"),
            ("email", "bo@example.com"),
            ("password", PASSWORD),
            ("terms", "yes"),
        ],
    )
    .await;
    assert_eq!(outside.status, StatusCode::BAD_REQUEST);
    assert!(
        outside
            .body
            .contains("<a href=\"#email\">Enter a government email address</a>"),
        "{}",
        outside.body
    );
    let empty = submit(&router, "/register", &cookie, &[]).await;
    for field in ["name", "email", "password", "terms"] {
        assert!(
            empty.body.contains(&format!("<a href=\"#{field}\">")),
            "{field}: {}",
            empty.body
        );
    }
    for email in ["bo@example.gc.ca", EMAIL] {
        let answer = submit(
            &router,
            "/register",
            &cookie,
            &[
                ("name", "Bo"),
                ("email", email),
                ("password", PASSWORD),
                ("terms", "yes"),
            ],
        )
        .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        assert_eq!(answer.location(), "/register/check-email");
        assert_eq!(
            emails_to(&store, email).await.len(),
            1,
            "{email} was written to"
        );
    }
    let bad = get(&router, "/verify-email/not-a-token?lang=fr").await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    assert!(bad.body.contains("Ce lien ne fonctionne pas"));
}

#[tokio::test]
async fn too_many_sign_ins_from_one_client_are_refused() {
    let (router, _app, _store) = web_and_app().await;
    let (cookie, _) = session(&router, "/sign-in").await;
    let (allowed, _) = carillon_app::accounts::AuthAction::SignIn.allowance();
    let fields = [
        ("email", "nobody@example.gc.ca"),
        ("password", "not the password"),
    ];
    for _ in 0..allowed {
        let answer = submit(&router, "/sign-in", &cookie, &fields).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    }
    let refused = submit(&router, "/sign-in?lang=fr", &cookie, &fields).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused.body.contains("Trop de tentatives"),
        "{}",
        refused.body
    );
}
