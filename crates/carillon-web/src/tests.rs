//! The web app through its router, without a socket (`oneshot`): every page in both
//! languages, error states, the CSRF refusals, the security headers and the stylesheet.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use carillon_app::{App, AppSettings};
use carillon_domain::SystemClock;
use carillon_test_support::stores::TestStore;
use tower::ServiceExt;

use crate::{CookieMode, WebSettings, WebState};

mod account;
mod api_pages;
mod callback_pages;
mod catalogue;
mod client_address;
mod flows;
mod pages;
mod profile_pages;
mod security;
mod security_key_pages;
mod services;

/// The web app over a fresh SQLite store (kept alive by the returned store).
pub(super) async fn web() -> (Router, TestStore) {
    let (router, _, store) = web_and_app().await;
    (router, store)
}

/// The web app, the use cases it calls, and its store.
pub(super) async fn web_and_app() -> (Router, App, TestStore) {
    let web = WebSettings {
        cookies: CookieMode::Secure,
        ..WebSettings::default()
    };
    web_with(web).await
}

/// As [`web_and_app`], with these web settings.
pub(super) async fn web_with(web: WebSettings) -> (Router, App, TestStore) {
    let store = TestStore::sqlite().await;
    let settings = AppSettings {
        web_base_url: "https://notify.example".to_owned(),
        ..AppSettings::default()
    };
    let app = App::new(Arc::clone(&store.store), Arc::new(SystemClock), settings);
    let state = WebState::new(app.clone(), web).unwrap();
    (crate::standalone(state), app, store)
}

/// What came back.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: String,
}

impl Answer {
    /// The value of the hidden CSRF field in the page.
    pub(super) fn csrf_token(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker).expect("a CSRF field") + marker.len();
        let end = self.body[start..].find('"').unwrap();
        self.body[start..start + end].to_owned()
    }

    /// The `name=value` part of the session cookie set.
    pub(super) fn session_cookie(&self) -> String {
        let set = self
            .headers
            .get(header::SET_COOKIE)
            .expect("a session cookie");
        set.to_str().unwrap().split(';').next().unwrap().to_owned()
    }

    /// The session cookie to send next: the one set, if any, else `current`.
    pub(super) fn cookie_or(&self, current: &str) -> String {
        match self.headers.get(header::SET_COOKIE) {
            Some(_) => self.session_cookie(),
            None => current.to_owned(),
        }
    }

    /// Where a redirect points.
    pub(super) fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
    }

    /// The text of `<title>`.
    pub(super) fn title(&self) -> &str {
        let start = self.body.find("<title>").expect("a title") + "<title>".len();
        let end = self.body.find("</title>").unwrap();
        &self.body[start..end]
    }
}

pub(super) async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

pub(super) async fn get(router: &Router, uri: &str) -> Answer {
    send(router, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A GET with the session `cookie`.
pub(super) async fn get_with(router: &Router, uri: &str, cookie: &str) -> Answer {
    let request = Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(router, request).await
}

/// A form POST from the same site, with `cookie` and the form's `fields`.
pub(super) fn post(uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    Request::post(uri)
        .header(header::HOST, "notify.example")
        .header(header::ORIGIN, "https://notify.example")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// A session: its cookie and the token its forms carry, from a first visit to `uri`.
pub(super) async fn session(router: &Router, uri: &str) -> (String, String) {
    let answer = get(router, uri).await;
    assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
    (answer.session_cookie(), answer.csrf_token())
}
