//! Security headers, CSRF refusals and the stylesheet's caching.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use super::{get, post, send, session, web};

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let (router, _store) = web().await;
    for uri in ["/sign-in", "/no-such-page"] {
        let answer = get(&router, uri).await;
        let h = &answer.headers;
        assert_eq!(
            h[header::CONTENT_SECURITY_POLICY],
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            "{uri}"
        );
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(h[header::REFERRER_POLICY], "same-origin", "{uri}");
        assert_eq!(h[header::CACHE_CONTROL], "no-store", "{uri}");
        assert!(!answer.body.contains("style="), "{uri}: inline style");
        assert!(!answer.body.contains("<script"), "{uri}: script");
        assert!(
            h.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
            "{uri}: not asked for"
        );
    }
}

#[tokio::test]
async fn hsts_is_sent_when_configured() {
    let (_, app, _store) = super::web_and_app().await;
    let settings = crate::WebSettings {
        hsts_max_age: Some(31_536_000),
        ..crate::WebSettings::default()
    };
    let router = crate::standalone(crate::WebState::new(app, settings).unwrap());
    for uri in ["/sign-in", "/no-such-page"] {
        let answer = get(&router, uri).await;
        assert_eq!(
            answer.headers[header::STRICT_TRANSPORT_SECURITY],
            "max-age=31536000",
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_session_cookie_is_host_only_secure_and_http_only() {
    let (router, _store) = web().await;
    let answer = get(&router, "/sign-in").await;
    let cookie = answer.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("__Host-carillon="), "{cookie}");
    for part in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.split("; ").any(|p| p == part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    // A returning visitor keeps their cookie: none is set again.
    let again = send(
        &router,
        Request::get("/sign-in")
            .header(header::COOKIE, answer.session_cookie())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(again.headers.get(header::SET_COOKIE).is_none());
    assert_eq!(again.csrf_token(), answer.csrf_token());
}

#[tokio::test]
async fn forms_without_this_sessions_token_or_from_another_site_are_refused() {
    let (router, _store) = web().await;
    let (cookie, token) = session(&router, "/sign-in").await;
    let (_, other_token) = session(&router, "/sign-in").await;
    fn fields(token: &str) -> [(&str, &str); 3] {
        [
            ("email", "a@b.gc.ca"),
            ("password", ""),
            ("csrf_token", token),
        ]
    }
    let (token, other_token) = (token.as_str(), other_token.as_str());

    // The same form, accepted (it has problems, so 400, but it reached the page).
    let accepted = send(&router, post("/sign-in", &cookie, &fields(token))).await;
    assert_eq!(
        accepted.status,
        StatusCode::BAD_REQUEST,
        "{}",
        accepted.body
    );

    let missing = send(&router, post("/sign-in", &cookie, &fields(token)[..2])).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("Request refused"), "{}", missing.body);

    let wrong = send(&router, post("/sign-in", &cookie, &fields(other_token))).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);

    let garbage = send(&router, post("/sign-in", &cookie, &fields("not base64!"))).await;
    assert_eq!(garbage.status, StatusCode::FORBIDDEN);

    let no_cookie = send(&router, post("/sign-in", "", &fields(token))).await;
    assert_eq!(no_cookie.status, StatusCode::FORBIDDEN);

    let mut cross_site = post("/sign-in", &cookie, &fields(token));
    cross_site
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(
        send(&router, cross_site).await.status,
        StatusCode::FORBIDDEN
    );

    let mut foreign = post("/sign-in", &cookie, &fields(token));
    foreign
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    foreign.headers_mut().remove("sec-fetch-site");
    assert_eq!(send(&router, foreign).await.status, StatusCode::FORBIDDEN);

    // A client that sends neither header still needs the token, and passes with it.
    let mut bare = post("/sign-in", &cookie, &fields(token));
    bare.headers_mut().remove("sec-fetch-site");
    bare.headers_mut().remove(header::ORIGIN);
    assert_eq!(send(&router, bare).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_refusal_is_in_the_visitors_language() {
    let (router, _store) = web().await;
    let (cookie, _) = session(&router, "/sign-in").await;
    let refused = send(
        &router,
        post("/sign-in?lang=fr", &cookie, &[("email", "x")]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("<html lang=\"fr\">"));
    assert!(refused.body.contains("Demande refusée"), "{}", refused.body);
}

#[tokio::test]
async fn oversized_forms_are_refused() {
    let (router, _store) = web().await;
    let (cookie, token) = session(&router, "/sign-in").await;
    let big = "x".repeat(70 * 1024);
    let answer = send(
        &router,
        post(
            "/sign-in",
            &cookie,
            &[("csrf_token", &token), ("email", &big)],
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_stylesheet_has_its_hash_in_its_url_and_is_cached_long() {
    let (router, _store) = web().await;
    let page = get(&router, "/sign-in").await;
    let start = page
        .body
        .find("href=\"/static/carillon.")
        .expect("the stylesheet link")
        + 6;
    let end = start + page.body[start..].find('"').unwrap();
    let href = &page.body[start..end];
    let hash = href
        .strip_prefix("/static/carillon.")
        .and_then(|rest| rest.strip_suffix(".css"))
        .unwrap();
    assert_eq!(hash.len(), 16, "{href}");
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{href}");
    let css = get(&router, href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(
        css.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(css.body.contains("--danger: #d3080c"));
    let stale = get(&router, "/static/carillon.0000000000000000.css").await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
}
