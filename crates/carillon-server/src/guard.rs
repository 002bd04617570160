//! The edge of every request, before the routes: a request line or headers too large are
//! answered 414 or 431, a declared body larger than the route takes 413 before any of it is
//! read, and a body that does not arrive within the body timeout 408, all in GC Notify's v2
//! error format (hyper's own answers to these have no body).

use std::convert::Infallible;
use std::error::Error as StdError;
use std::fmt;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::ConnectInfo;
use axum::http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode, Uri};
use axum::response::IntoResponse;
use carillon_api::{ApiError, ApiSettings};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::service::TowerToHyperService;
use tokio::time::{Instant, Sleep};

use crate::activity::{Activity, AnswerBody};

/// Longest request target (path and query) answered; longer is a 414. Ample for every
/// route's query string, and far below the parser's own limit.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;
/// Most header lines a request may carry; more is a 431 (gunicorn's limit, which GC Notify
/// runs behind).
pub(crate) const MAX_HEADERS: usize = 100;
/// Largest total of header lines a request may carry; more is a 431.
pub(crate) const MAX_HEADER_BYTES: usize = 32 * 1024;
/// hyper's limits, above ours so that what we refuse is refused in JSON: hyper answers what
/// exceeds them with an empty body (see docs/compatibility.md).
pub(crate) const PARSER_MAX_HEADERS: usize = 128;
/// The request line and headers together, as hyper counts them.
pub(crate) const PARSER_MAX_HEAD_BYTES: usize = 64 * 1024;

/// What every request of one listener is held to.
#[derive(Debug, Clone)]
pub(crate) struct RequestLimits {
    /// Body limits per route.
    pub(crate) api: Arc<ApiSettings>,
    /// Longest a request's body may take to arrive, from its head.
    pub(crate) body_timeout: Duration,
}

impl RequestLimits {
    /// The largest body the route of `path` reads, as its own body limit enforces it.
    fn body_limit(&self, path: &str) -> usize {
        if path.starts_with("/receipts/") {
            carillon_receipts::BODY_LIMIT
        } else {
            self.api.body_limit_for(path)
        }
    }
}

/// The application behind the edge checks, as one connection serves it.
#[derive(Debug, Clone)]
pub(crate) struct Guard {
    app: TowerToHyperService<Router>,
    activity: Arc<Activity>,
    limits: RequestLimits,
    /// The connection's peer, given to the routes as `ConnectInfo` (the web app's rate
    /// limits count attempts per client).
    peer: Option<SocketAddr>,
}

impl Guard {
    pub(crate) fn new(router: Router, activity: Arc<Activity>, limits: RequestLimits) -> Self {
        Self {
            app: TowerToHyperService::new(router),
            activity,
            limits,
            peer: None,
        }
    }

    /// The same guard for a connection from `peer`.
    pub(crate) fn with_peer(mut self, peer: Option<SocketAddr>) -> Self {
        self.peer = peer;
        self
    }
}

type Answer = Response<AnswerBody>;

impl hyper::service::Service<Request<Incoming>> for Guard {
    type Response = Answer;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Answer, Infallible>> + Send>>;

    fn call(&self, mut request: Request<Incoming>) -> Self::Future {
        if let Some(peer) = self.peer {
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        let answering = self.activity.request_started();
        let declared = request.body().size_hint().exact();
        let body_limit = self.limits.body_limit(request.uri().path());
        if let Some(refusal) = refusal(request.uri(), request.headers(), declared, body_limit) {
            tracing::info!(status = refusal.status.as_u16(), "refused a request");
            let answer = closing(refusal.into_response());
            return Box::pin(
                async move { Ok(answer.map(|body| AnswerBody::new(body, answering))) },
            );
        }
        let late = Arc::new(AtomicBool::new(false));
        let deadline = Instant::now() + self.limits.body_timeout;
        let request = request.map(|body| Body::new(TimedBody::new(body, deadline, &late)));
        let answer = hyper::service::Service::call(&self.app, request);
        let timeout = self.limits.body_timeout;
        Box::pin(async move {
            let Ok(mut answer) = answer.await;
            if late.load(Ordering::Relaxed) {
                tracing::info!("a request body did not arrive in time");
                answer = late_body(answer, timeout);
            }
            Ok(answer.map(|body| AnswerBody::new(body, answering)))
        })
    }
}

/// Why a request is refused before it is routed, if it is.
pub(crate) fn refusal(
    uri: &Uri,
    headers: &HeaderMap,
    declared_body: Option<u64>,
    body_limit: usize,
) -> Option<ApiError> {
    let target = uri
        .path_and_query()
        .map_or(0, |target| target.as_str().len())
        + uri
            .authority()
            .map_or(0, |authority| authority.as_str().len());
    if target > MAX_URI_BYTES {
        return Some(bad_request(
            StatusCode::URI_TOO_LONG,
            format!("Request URI is too long: at most {MAX_URI_BYTES} bytes"),
        ));
    }
    if headers.len() > MAX_HEADERS {
        return Some(bad_request(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("Too many request headers: at most {MAX_HEADERS}"),
        ));
    }
    // Each line is `name: value\r\n`.
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return Some(bad_request(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("Request headers are too large: at most {MAX_HEADER_BYTES} bytes"),
        ));
    }
    match declared_body {
        Some(length) if length > u64::try_from(body_limit).unwrap_or(u64::MAX) => {
            Some(bad_request(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("Request body is too large: at most {body_limit} bytes"),
            ))
        }
        _ => None,
    }
}

fn bad_request(status: StatusCode, message: String) -> ApiError {
    ApiError::new(status, "BadRequestError", message)
}

/// The answer to a request whose body did not arrive in time, in place of whatever the route
/// made of the failed read; the request id and the other edge headers are kept.
fn late_body(answer: Response<Body>, timeout: Duration) -> Response<Body> {
    let (mut parts, _) = answer.into_parts();
    let late = ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "BadRequestError",
        format!(
            "Request body was not received within {} seconds",
            timeout.as_secs_f64()
        ),
    )
    .into_response();
    let (late_parts, body) = late.into_parts();
    parts.status = late_parts.status;
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.extend(late_parts.headers);
    closing(Response::from_parts(parts, body))
}

/// The answer, with the connection closed after it: the request's body was not read, so the
/// connection cannot carry another request.
fn closing(mut answer: Response<Body>) -> Response<Body> {
    let headers = answer.headers_mut();
    headers.insert(CONNECTION, HeaderValue::from_static("close"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    answer
}

/// The request body did not arrive within the body timeout.
#[derive(Debug)]
struct BodyTimedOut;

impl fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl StdError for BodyTimedOut {}

/// A request body that fails once its deadline passes, and says so to the [`Guard`].
#[derive(Debug)]
struct TimedBody {
    inner: Incoming,
    deadline: Instant,
    /// Made at the first wait only: most bodies are read without ever waiting.
    sleep: Option<Pin<Box<Sleep>>>,
    late: Arc<AtomicBool>,
}

impl TimedBody {
    fn new(inner: Incoming, deadline: Instant, late: &Arc<AtomicBool>) -> Self {
        Self {
            inner,
            deadline,
            sleep: None,
            late: Arc::clone(late),
        }
    }
}

impl HttpBody for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn StdError + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let deadline = self.deadline;
        let sleep = self
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.late.store(true, Ordering::Relaxed);
                Poll::Ready(Some(Err(Box::new(BodyTimedOut))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn refused(uri: &str, headers: &HeaderMap, declared: Option<u64>) -> Option<StatusCode> {
        let limits = RequestLimits {
            api: Arc::new(ApiSettings::default()),
            body_timeout: Duration::from_secs(1),
        };
        let uri: Uri = uri.parse().unwrap();
        let limit = limits.body_limit(uri.path());
        refusal(&uri, headers, declared, limit).map(|error| error.status)
    }

    #[test]
    fn requests_within_the_limits_pass() {
        let headers = HeaderMap::new();
        assert_eq!(refused("/v2/notifications?x=1", &headers, Some(10)), None);
        assert_eq!(refused("/_status", &headers, None), None);
        let api = ApiSettings::default();
        let body = u64::try_from(api.body_limit).unwrap();
        let bulk = u64::try_from(api.bulk_body_limit).unwrap();
        assert_eq!(
            refused("/v2/notifications/email", &headers, Some(body)),
            None
        );
        assert_eq!(
            refused("/v2/notifications/email", &headers, Some(body + 1)),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
        let receipt = u64::try_from(carillon_receipts::BODY_LIMIT).unwrap();
        assert_eq!(
            refused("/receipts/ses", &headers, Some(receipt + 1)),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
        assert_eq!(refused(carillon_api::BULK_PATH, &headers, Some(bulk)), None);
        assert_eq!(
            refused(carillon_api::BULK_PATH, &headers, Some(bulk + 1)),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
    }

    #[test]
    fn long_targets_and_large_headers_are_refused() {
        let mut headers = HeaderMap::new();
        let long = format!("/_status?q={}", "a".repeat(MAX_URI_BYTES));
        assert_eq!(
            refused(&long, &headers, None),
            Some(StatusCode::URI_TOO_LONG)
        );
        headers.insert("x-big", "a".repeat(MAX_HEADER_BYTES).parse().unwrap());
        assert_eq!(
            refused("/_status", &headers, None),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        let mut many = HeaderMap::new();
        for n in 0..=MAX_HEADERS {
            many.append("x-n", n.to_string().parse().unwrap());
        }
        assert_eq!(
            refused("/_status", &many, None),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
    }
}
