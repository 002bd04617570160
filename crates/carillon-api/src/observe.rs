//! Request observability: a request id on every request and response (`x-request-id`), one
//! structured log line per request, and Prometheus metrics. Logs carry the route's pattern,
//! never the query string or bodies, so no personal data reaches them.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderName;
use axum::middleware::Next;
use axum::response::Response;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Sets a request id when the client did not send one.
pub(crate) fn set_request_id() -> SetRequestIdLayer<MakeRequestUuid> {
    SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid)
}

/// Copies the request id onto the response.
pub(crate) fn propagate_request_id() -> PropagateRequestIdLayer {
    PropagateRequestIdLayer::new(REQUEST_ID.clone())
}

/// Logs and counts each request.
pub(crate) async fn log_and_measure(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    // Successful requests are logged at debug level: at thousands of sends a second an info
    // line each costs more than the send. Failures and slow requests stay at info.
    if status >= 400 || seconds > 1.0 {
        tracing::info!(request_id = %request_id, method = %method, route = %route, status, latency_ms = seconds * 1000.0, "request");
    } else {
        tracing::debug!(request_id = %request_id, method = %method, route = %route, status, latency_ms = seconds * 1000.0, "request");
    }
    let labels = [
        ("method", method.to_string()),
        ("route", route),
        ("status", status.to_string()),
    ];
    metrics::counter!("carillon_http_requests_total", &labels).increment(1);
    metrics::histogram!("carillon_http_request_duration_seconds", &labels[..2]).record(seconds);
    response
}
