//! How long each page takes, in the same Prometheus metrics as the API's requests: counted
//! by route pattern (`/services/{id}/team`), never by path, which holds ids. Without a metrics
//! listener no recorder is installed and this costs a clock read.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Counts the request and records its duration, from the session's opening to the page's
/// last byte handed to the server.
pub(crate) async fn measure(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("carillon_http_requests_total", &labels).increment(1);
    metrics::histogram!("carillon_http_request_duration_seconds", &labels[..2])
        .record(started.elapsed().as_secs_f64());
    response
}
