//! Headers every answer carries so that browsers and caches keep personal data to themselves:
//! `X-Content-Type-Options: nosniff` everywhere, `Cache-Control: no-store` under `/v2/`, and
//! `Strict-Transport-Security` when configured.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS};
use axum::middleware::Next;
use axum::response::Response;

/// What [`set`] adds besides the fixed headers.
#[derive(Debug, Clone)]
pub(crate) struct Headers {
    hsts: Option<HeaderValue>,
}

impl Headers {
    /// With `hsts` as the `Strict-Transport-Security` value; a value that is no header value
    /// is left out, with a warning.
    pub(crate) fn new(hsts: Option<&str>) -> Self {
        let hsts = hsts.and_then(|value| {
            HeaderValue::from_str(value)
                .inspect_err(|_| tracing::warn!(value, "ignored an invalid HSTS header value"))
                .ok()
        });
        Self { hsts }
    }
}

/// Adds the headers to the answer of `request`.
pub(crate) async fn set(State(extra): State<Headers>, request: Request, next: Next) -> Response {
    // Answers under /v2/ carry recipients' data or what a key may read: never stored.
    let private = request.uri().path().starts_with("/v2/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if private {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(hsts) = extra.hsts {
        headers.insert(STRICT_TRANSPORT_SECURITY, hsts);
    }
    response
}
