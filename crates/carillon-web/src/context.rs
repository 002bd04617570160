//! The request as a page handler sees it: the visitor's session, the language negotiated for
//! them and the URL, from which the layout's [`Page`] is made.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use carillon_app::accounts::AuthAction;
use carillon_domain::{Language, User};

use crate::assets::stylesheet_href;
use crate::form::{Msg, Problem};
use crate::page::Page;
use crate::session::SessionHandle;
use crate::state::WebState;

/// The session data key set once the terms are agreed to: once per session.
pub(crate) const TERMS_AGREED: &str = "terms_agreed";

/// A page request's context: the session (to lock around the use cases that change it) and
/// what was read from it when the request arrived.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) lang: Language,
    pub(crate) session: SessionHandle,
    /// The form token of the session as it arrived. Rotating the id (signing in or out)
    /// changes it; those steps redirect, so a page never shows a stale one.
    pub(crate) csrf_token: String,
    /// The fully signed-in user, if any.
    pub(crate) user: Option<User>,
    /// Whether a password was accepted and a second factor is awaited.
    pub(crate) awaiting_second_factor: bool,
    /// Whether the terms were agreed to in this session ("before you continue").
    pub(crate) terms_agreed: bool,
    pub(crate) uri: Uri,
    /// Who is asking, for the rate limits: the connection's peer address, or the client a
    /// trusted proxy forwarded for (`client::TrustedProxies`); "unknown" when the server did
    /// not say, as in tests without a socket: one shared allowance.
    pub(crate) client: String,
    pub(crate) state: WebState,
}

impl FromRequestParts<WebState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let Some(handle) = parts.extensions.get::<SessionHandle>().cloned() else {
            return Err(crate::views::errors::server_error(state));
        };
        let session = handle.0.lock().await;
        let lang = language(&parts.uri, &parts.headers, session.language());
        let csrf_token = session.csrf_token();
        let user = session.user().cloned();
        let awaiting_second_factor = session.pending_user().is_some();
        let terms_agreed = session.data(TERMS_AGREED).is_some();
        drop(session);
        Ok(Self {
            lang,
            session: handle,
            csrf_token,
            user,
            awaiting_second_factor,
            terms_agreed,
            uri: parts.uri.clone(),
            client: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(
                    || "unknown".to_owned(),
                    |peer| {
                        let proxies = &state.settings.trusted_proxies;
                        proxies.client(peer.0.ip(), &parts.headers).to_string()
                    },
                ),
            state: state.clone(),
        })
    }
}

impl Ctx {
    /// The layout's context for a page headed `heading`, with the problems found in a form.
    pub(crate) fn page(&self, heading: Msg, problems: Vec<Problem>) -> Page {
        let mut page = page(&self.state, self.lang, &self.uri, heading, problems);
        page.csrf_token.clone_from(&self.csrf_token);
        page.signed_in = self.user.is_some();
        page.platform_admin = self.user.as_ref().is_some_and(|user| user.platform_admin);
        page
    }

    /// The signed-in user who has agreed to the terms; otherwise where to go first: the
    /// sign-in page (coming back here after), or "before you continue".
    pub(crate) fn require_user(&self) -> Result<&User, String> {
        let here = match self.uri.query() {
            Some(query) => format!("{}?{query}", self.uri.path()),
            None => self.uri.path().to_owned(),
        };
        match &self.user {
            None => Err(format!("/sign-in?next={}", encode(&here))),
            Some(_) if !self.terms_agreed => {
                Err(format!("/sign-in/continue?next={}", encode(&here)))
            }
            Some(user) => Ok(user),
        }
    }

    /// Whether this client may make another attempt of `action` now.
    pub(crate) fn allowed(&self, action: AuthAction) -> bool {
        self.state.app.allow_attempt(action, &self.client)
    }

    /// `?next=` when it is a path on this site.
    pub(crate) fn next(&self) -> Option<String> {
        let query = self.uri.query()?;
        form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "next")
            .and_then(|(_, value)| local_path(&value).map(str::to_owned))
    }

    /// `path` with this request's `?next=` carried over.
    pub(crate) fn keep_next(&self, path: &str) -> String {
        match self.next() {
            Some(next) => format!("{path}?next={}", encode(&next)),
            None => path.to_owned(),
        }
    }
}

/// `next` when it is a path on this site: `/…` but not `//…` (another host) nor `/\…`
/// (which some browsers read as `//`), so a link cannot send someone elsewhere after signing in.
pub(crate) fn local_path(next: &str) -> Option<&str> {
    let safe = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(char::is_control);
    safe.then_some(next)
}

/// `text` percent-encoded for a query string.
pub(crate) fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The layout's context, also for pages made outside a handler (errors from middleware):
/// no session, so no sign-out form.
pub(crate) fn page(
    state: &WebState,
    lang: Language,
    uri: &Uri,
    heading: Msg,
    problems: Vec<Problem>,
) -> Page {
    let product = state.settings.product_name.clone();
    let title = Page::title(
        &state.catalog,
        lang,
        heading,
        &product,
        !problems.is_empty(),
    );
    let other_lang = match lang {
        Language::English => Language::French,
        Language::French => Language::English,
    };
    Page {
        lang,
        other_lang,
        title,
        heading,
        product,
        stylesheet: stylesheet_href(),
        toggle_href: with_language(uri, other_lang),
        csrf_token: String::new(),
        signed_in: false,
        platform_admin: false,
        nav: "",
        problems,
        catalog: Arc::clone(&state.catalog),
    }
}

/// The request's language: `?lang=`, then the session's, then `Accept-Language`, then English.
pub(crate) fn language(uri: &Uri, headers: &HeaderMap, session: Option<Language>) -> Language {
    let query = uri.query().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "lang")
            .map(|(_, value)| value.into_owned())
    });
    let accept = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    carillon_i18n::negotiate(query.as_deref(), session, accept)
}

/// The same path and query with `lang` set to `language` (other parameters kept, in order).
pub(crate) fn with_language(uri: &Uri, language: Language) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(existing) = uri.query() {
        for (name, value) in form_urlencoded::parse(existing.as_bytes()) {
            if name != "lang" {
                query.append_pair(&name, &value);
            }
        }
    }
    query.append_pair("lang", language.as_str());
    format!("{}?{}", uri.path(), query.finish())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn the_toggle_keeps_the_path_and_other_parameters() {
        let uri: Uri = "/sign-in?next=%2Fservices&lang=en".parse().unwrap();
        assert_eq!(
            with_language(&uri, Language::French),
            "/sign-in?next=%2Fservices&lang=fr"
        );
        let uri: Uri = "/services".parse().unwrap();
        assert_eq!(with_language(&uri, Language::English), "/services?lang=en");
    }

    #[test]
    fn next_is_only_a_path_on_this_site() {
        assert_eq!(local_path("/services"), Some("/services"));
        assert_eq!(local_path("/services?x=1"), Some("/services?x=1"));
        assert_eq!(local_path("//evil.example"), None);
        assert_eq!(local_path("/\\evil.example"), None);
        assert_eq!(local_path("https://evil.example"), None);
        assert_eq!(local_path("/a\nb"), None);
        assert_eq!(local_path(""), None);
    }
}
