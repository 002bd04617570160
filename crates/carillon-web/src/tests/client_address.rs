//! The rate limits count the client a trusted proxy forwarded for, and only then: a
//! forwarding header from any other peer changes nothing.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use carillon_app::accounts::AuthAction;

use super::{get_with, post, send, session, web_with};
use crate::{CookieMode, TrustedProxies, WebSettings};

/// One wrong sign-in from `peer`, with `X-Forwarded-For: forwarded`; the answer's status.
async fn sign_in_from(router: &Router, cookie: &str, peer: &str, forwarded: &str) -> StatusCode {
    let form = get_with(router, "/sign-in", cookie).await;
    let token = form.csrf_token();
    let fields = [
        ("email", "nobody@example.gc.ca"),
        ("password", "not the password"),
        ("csrf_token", token.as_str()),
    ];
    let mut request = post("/sign-in", cookie, &fields);
    let headers = request.headers_mut();
    headers.insert("x-forwarded-for", forwarded.parse().unwrap());
    let peer: SocketAddr = peer.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    send(router, request).await.status
}

#[tokio::test]
async fn clients_behind_a_trusted_proxy_have_their_own_allowance() {
    let web = WebSettings {
        cookies: CookieMode::Secure,
        trusted_proxies: TrustedProxies::parse(&["10.0.0.0/8"]).unwrap(),
        ..WebSettings::default()
    };
    let (router, _app, _store) = web_with(web).await;
    let (cookie, _) = session(&router, "/sign-in").await;
    let (allowed, _) = AuthAction::SignIn.allowance();
    let proxy = "10.0.0.2:40000";
    for _ in 0..allowed {
        let status = sign_in_from(&router, &cookie, proxy, "198.51.100.1, 203.0.113.1").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    // The client in front of the proxy is out of attempts, whatever it puts on the left.
    let status = sign_in_from(&router, &cookie, proxy, "198.51.100.2, 203.0.113.1").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Another client through the same proxy is not.
    let status = sign_in_from(&router, &cookie, proxy, "203.0.113.2").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A peer that is not a trusted proxy is counted as itself, however it varies the header.
    let direct = "192.0.2.50:50000";
    for attempt in 0..allowed {
        let spoofed = format!("203.0.113.{}", 100 + attempt);
        let status = sign_in_from(&router, &cookie, direct, &spoofed).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let status = sign_in_from(&router, &cookie, direct, "203.0.113.250").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}
