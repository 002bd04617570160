//! The visitor's session as the pages see it: the cookie that names it, the CSRF token bound
//! to it, and the language it chose.
//!
//! Until the sign-in use cases keep sessions in the database, a session is only its random
//! cookie value: the CSRF token is an HMAC of it under a key made when the process starts, so
//! a token is bound to one browser and no other site can know it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::digest::Key;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::state::{CookieMode, WebError, WebState};

type HmacSha256 = Hmac<Sha256>;

/// The cookie's name over HTTPS: `__Host-` makes browsers refuse it unless it is `Secure`,
/// has `Path=/` and no `Domain`, so no sibling host can plant one.
pub(crate) const SECURE_COOKIE: &str = "__Host-carillon";
/// The cookie's name over plain HTTP on loopback, where `__Host-` cannot be used.
pub(crate) const DEVELOPMENT_COOKIE: &str = "carillon_session";

/// Random bytes in a session id.
const ID_BYTES: usize = 32;

/// The key CSRF tokens are made with, new for each process.
pub(crate) struct SessionKeys {
    csrf: [u8; 32],
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKeys(..)")
    }
}

impl SessionKeys {
    pub(crate) fn generate() -> Result<Self, WebError> {
        let mut csrf = [0u8; 32];
        getrandom::fill(&mut csrf).map_err(|e| WebError::Random(e.to_string()))?;
        Ok(Self { csrf })
    }

    fn mac(&self, id: &str) -> HmacSha256 {
        let mut key = Key::<HmacSha256>::default();
        key[..self.csrf.len()].copy_from_slice(&self.csrf);
        let mut mac = <HmacSha256 as KeyInit>::new(&key);
        mac.update(id.as_bytes());
        mac
    }
}

/// The visitor's session for one request.
#[derive(Clone)]
pub(crate) struct Visitor {
    id: String,
    /// Set when the id is new: the response sets the cookie.
    fresh: bool,
    keys: Arc<SessionKeys>,
}

impl std::fmt::Debug for Visitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Visitor")
            .field("fresh", &self.fresh)
            .finish_non_exhaustive()
    }
}

impl Visitor {
    /// The token forms carry in their `csrf_token` field.
    pub(crate) fn csrf_token(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.keys.mac(&self.id).finalize().into_bytes())
    }

    /// Whether `token` is this session's, compared in constant time.
    pub(crate) fn check_csrf(&self, token: &str) -> bool {
        URL_SAFE_NO_PAD
            .decode(token)
            .is_ok_and(|bytes| self.keys.mac(&self.id).verify_slice(&bytes).is_ok())
    }

    /// Whether the visitor is signed in.
    pub(crate) fn signed_in(&self) -> bool {
        false
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
fn read_cookie<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// A well-formed id: what [`new_id`] makes.
fn well_formed(id: &str) -> bool {
    URL_SAFE_NO_PAD
        .decode(id)
        .is_ok_and(|bytes| bytes.len() == ID_BYTES)
}

fn new_id() -> Option<String> {
    let mut bytes = [0u8; ID_BYTES];
    getrandom::fill(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// Opens the visitor's session for the pages, and sets its cookie on the response when new.
pub(crate) async fn attach(
    State(state): State<WebState>,
    mut request: Request,
    next: Next,
) -> Response {
    let mode = state.settings.cookies;
    let name = cookie_name(mode);
    let existing = read_cookie(&request, name)
        .filter(|id| well_formed(id))
        .map(str::to_owned);
    let (id, fresh) = match existing {
        Some(id) => (id, false),
        None => match new_id() {
            Some(id) => (id, true),
            None => return crate::views::errors::server_error(&state),
        },
    };
    let visitor = Visitor {
        id,
        fresh,
        keys: Arc::clone(&state.sessions),
    };
    request.extensions_mut().insert(visitor.clone());
    let mut response = next.run(request).await;
    if visitor.fresh
        && let Ok(value) = HeaderValue::from_str(&set_cookie(mode, &visitor.id))
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
