//! Absolute URLs in responses: the configured public URL, else the request's own host.

use axum::http::{HeaderMap, header};

use crate::state::AppState;

/// The root URL responses link from, ending with `/`.
pub(crate) fn root_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public) = &state.settings.public_url {
        return format!("{}/", public.trim_end_matches('/'));
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    // Only characters a host may hold, so a forged header cannot shape the links.
    let host: String = host
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        .collect();
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}/")
}
