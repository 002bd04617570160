//! The visitor's session, kept by the sign-in use cases in the database: opened from the
//! cookie before a page runs, shared with it, then saved and its cookie (re)set afterwards.
//! A `?lang=` choice is remembered in the session, so it holds on the next pages.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::middleware::Next;
use axum::response::Response;
use carillon_app::accounts::Session;
use carillon_domain::Language;
use tokio::sync::Mutex;

use crate::state::{CookieMode, WebState};

/// The cookie's name over HTTPS: `__Host-` makes browsers refuse it unless it is `Secure`,
/// has `Path=/` and no `Domain`, so no sibling host can plant one.
pub(crate) const SECURE_COOKIE: &str = "__Host-carillon";
/// The cookie's name over plain HTTP on loopback, where `__Host-` cannot be used.
pub(crate) const DEVELOPMENT_COOKIE: &str = "carillon_session";

/// The session shared between the middleware and the page for one request. A handler locks
/// it around the use cases that change it, and lets go before rendering.
#[derive(Clone)]
pub(crate) struct SessionHandle(pub(crate) Arc<Mutex<Session>>);

impl std::fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionHandle(..)")
    }
}

/// The session cookie's name in this mode.
pub(crate) fn cookie_name(mode: CookieMode) -> &'static str {
    match mode {
        CookieMode::Secure => SECURE_COOKIE,
        CookieMode::LoopbackDevelopment => DEVELOPMENT_COOKIE,
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn read_cookie(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then(|| value.to_owned()))
}

/// The language `?lang=` asks for, if it names one.
fn asked_language(request: &Request) -> Option<Language> {
    let query = request.uri().query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "lang")
        .and_then(|(_, value)| Language::parse(&value))
}

/// Opens the visitor's session for the pages; afterwards stores it (a new visitor's too, so
/// the token in the forms it was shown is found again) and sets its cookie when its id is new.
pub(crate) async fn attach(
    State(state): State<WebState>,
    mut request: Request,
    next: Next,
) -> Response {
    let mode = state.settings.cookies;
    let cookie = read_cookie(&request, cookie_name(mode));
    let mut session = match state.app.open_session(cookie.as_deref()).await {
        Ok(session) => session,
        Err(error) => {
            tracing::error!(%error, "a session could not be opened");
            return crate::views::errors::server_error(&state);
        }
    };
    if let Some(language) = asked_language(&request)
        && session.language() != Some(language)
    {
        session.set_language(language);
    }
    let handle = SessionHandle(Arc::new(Mutex::new(session)));
    request.extensions_mut().insert(handle.clone());
    let mut response = next.run(request).await;
    let mut session = handle.0.lock().await;
    if let Err(error) = state.app.save_session(&mut session).await {
        tracing::error!(%error, "a session could not be saved");
        return crate::views::errors::server_error(&state);
    }
    if let Some(id) = session.cookie_to_set()
        && let Ok(value) = HeaderValue::from_str(&set_cookie(mode, &id))
    {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// The `Set-Cookie` value for session `id`.
pub(crate) fn set_cookie(mode: CookieMode, id: &str) -> String {
    let name = cookie_name(mode);
    match mode {
        CookieMode::Secure => format!("{name}={id}; Path=/; Secure; HttpOnly; SameSite=Lax"),
        CookieMode::LoopbackDevelopment => format!("{name}={id}; Path=/; HttpOnly; SameSite=Lax"),
    }
}
