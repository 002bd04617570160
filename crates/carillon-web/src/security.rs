//! What protects every page: security headers on every response, and the cross-site request
//! forgery checks on every unsafe method (where the request came from, then the token bound
//! to the session).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, HOST, ORIGIN, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::session::SessionHandle;
use crate::state::WebState;
use crate::views::errors::Visitor;

/// No inline script or style anywhere (so no `style=` attributes either), no framing, forms
/// only to this site, no `<base>` tricks.
pub(crate) const CSP: &str =
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// The hidden field every form carries.
pub(crate) const CSRF_FIELD: &str = "csrf_token";

/// Adds the security headers to every response; pages are not cached (they may hold personal
/// data), what set its own caching (the stylesheet) keeps it.
pub(crate) async fn headers(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Some(max_age) = state.settings.hsts_max_age
        && let Ok(value) = HeaderValue::from_str(&format!("max-age={max_age}"))
    {
        headers.insert(STRICT_TRANSPORT_SECURITY, value);
    }
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Refuses an unsafe request sent by another site (its `Sec-Fetch-Site` or `Origin` says so)
/// or without this session's token in its form body; passes the others on with their body.
pub(crate) async fn check_csrf(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method().is_safe() {
        return next.run(request).await;
    }
    if !same_origin(request.headers()) {
        tracing::info!("refused a cross-site form submission");
        return crate::views::errors::forbidden(&state, Visitor::of(&request)).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, state.settings.form_body_limit).await else {
        let visitor = Visitor::of(&Request::from_parts(parts, Body::empty()));
        return crate::views::errors::too_large(&state, visitor).await;
    };
    let token = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value.into_owned());
    let valid = match (parts.extensions.get::<SessionHandle>(), token) {
        (Some(session), Some(token)) => session.0.lock().await.check_csrf(&token),
        _ => false,
    };
    let request = Request::from_parts(parts, Body::from(bytes));
    if !valid {
        tracing::info!("refused a form without this session's token");
        return crate::views::errors::forbidden(&state, Visitor::of(&request)).await;
    }
    next.run(request).await
}

/// Whether the browser says the request comes from this site: `Sec-Fetch-Site`, when sent,
/// must be `same-origin`; `Origin`, when sent, must name the host the request was sent to.
/// Clients that send neither (old browsers, scripts) rely on the token alone.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() != b"same-origin"
    {
        return false;
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return true;
    };
    let host = headers.get(HOST).and_then(|h| h.to_str().ok());
    let authority = origin.to_str().ok().and_then(|origin| {
        origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
    });
    match (authority, host) {
        (Some(authority), Some(host)) => authority.eq_ignore_ascii_case(host),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn same_origin_reads_fetch_metadata_then_origin() {
        assert!(same_origin(&headers(&[])));
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "none")])));
        let host = ("host", "notify.example:8080");
        assert!(same_origin(&headers(&[
            host,
            ("origin", "http://notify.example:8080")
        ])));
        assert!(same_origin(&headers(&[
            host,
            ("origin", "https://NOTIFY.example:8080")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "https://notify.example")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[host, ("origin", "null")])));
        assert!(!same_origin(&headers(&[(
            "origin",
            "https://notify.example"
        )])));
    }
}
