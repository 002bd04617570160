//! One POST of one notice, and what its answer means for the notice.

use std::time::Duration as StdDuration;

use carillon_domain::Clock;
use carillon_store::{CallbackResolution, CallbackResult, DueCallback};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use time::Duration;

use super::payload;

/// What the receiver's answer (or its absence) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Delivered,
    /// Worth trying again: no answer, a timeout, a 5xx or a 429 (GC Notify's rule).
    Retry,
    /// The receiver refused the notice (another 4xx, or a redirect we do not follow).
    Refused,
}

pub(crate) fn verdict(status: Option<reqwest::StatusCode>) -> Verdict {
    match status {
        None => Verdict::Retry,
        Some(status) if status.is_success() => Verdict::Delivered,
        Some(status) if status.is_server_error() || status.as_u16() == 429 => Verdict::Retry,
        Some(_) => Verdict::Refused,
    }
}

/// POSTs `callback` and says what to do with it next (a retry counts from `clock`'s now).
pub(crate) async fn deliver(
    client: &reqwest::Client,
    clock: &dyn Clock,
    callback: &DueCallback,
    timeout: StdDuration,
    max_retries: u32,
    retry_delay: Duration,
) -> CallbackResult {
    let request = client
        .post(&callback.url)
        .header(CONTENT_TYPE, "application/json")
        .header(
            AUTHORIZATION,
            format!("Bearer {}", callback.bearer_token.expose()),
        )
        .timeout(timeout)
        .body(payload::body(&callback.notice));
    let status = match request.send().await {
        Ok(response) => {
            let status = response.status();
            // Read to the end so the connection goes back to the pool.
            let _ = response.bytes().await;
            Some(status)
        }
        Err(error) => {
            tracing::info!(
                service = %callback.service_id,
                callback = callback.id.0,
                attempt = callback.attempt,
                error = %without_url(&error),
                "callback request failed"
            );
            None
        }
    };
    let verdict = verdict(status);
    let resolution = match verdict {
        Verdict::Delivered => CallbackResolution::Done,
        Verdict::Retry if callback.attempt <= max_retries => {
            CallbackResolution::RetryAt(clock.now() + retry_delay)
        }
        Verdict::Retry | Verdict::Refused => {
            tracing::warn!(
                service = %callback.service_id,
                callback = callback.id.0,
                attempt = callback.attempt,
                status = status.map(|s| s.as_u16()),
                "callback given up"
            );
            CallbackResolution::Done
        }
    };
    let outcome = match (verdict, resolution) {
        (Verdict::Delivered, _) => "delivered",
        (_, CallbackResolution::RetryAt(_)) => "retry",
        _ => "given_up",
    };
    metrics::counter!("carillon_callbacks_total", "outcome" => outcome).increment(1);
    CallbackResult {
        id: callback.id,
        attempt: callback.attempt,
        resolution,
    }
}

/// The error without the URL, which may carry a service's secrets in its query.
fn without_url(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request error"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    #[test]
    fn retries_only_network_errors_5xx_and_429() {
        assert_eq!(verdict(None), Verdict::Retry);
        assert_eq!(verdict(Some(StatusCode::OK)), Verdict::Delivered);
        assert_eq!(verdict(Some(StatusCode::NO_CONTENT)), Verdict::Delivered);
        assert_eq!(
            verdict(Some(StatusCode::INTERNAL_SERVER_ERROR)),
            Verdict::Retry
        );
        assert_eq!(verdict(Some(StatusCode::BAD_GATEWAY)), Verdict::Retry);
        assert_eq!(verdict(Some(StatusCode::TOO_MANY_REQUESTS)), Verdict::Retry);
        assert_eq!(verdict(Some(StatusCode::BAD_REQUEST)), Verdict::Refused);
        assert_eq!(verdict(Some(StatusCode::UNAUTHORIZED)), Verdict::Refused);
        assert_eq!(
            verdict(Some(StatusCode::MOVED_PERMANENTLY)),
            Verdict::Refused
        );
    }
}
