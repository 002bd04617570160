//! Text messages through an HTTP SMS gateway (reqwest, rustls with aws-lc-rs, the system's
//! trusted roots).
//!
//! Each message is one `POST` to the configured URL with `Authorization: Bearer <token>` and
//! the JSON body `{"to": "+1…", "from": "<sender>", "body": "<text>", "reference":
//! "<notification id>"}`. A `2xx` reply accepts it (status `sent`); the reference kept is the
//! reply's `{"id": …}`, or the notification id when the reply has none (the gateway got it with
//! the message). `408`, `429` and `5xx` replies, timeouts and connection failures are transient;
//! other replies (`4xx`, and redirects, which are not followed) are permanent and carry the start
//! of the reply's body. A batch's requests run concurrently, at most `max_in_flight` at once
//! across every batch using the provider.

mod settings;

use async_trait::async_trait;
use futures_util::future::join_all;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Client, StatusCode, Url, redirect};
use secrecy::ExposeSecret;
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::{Accepted, Gate, ProviderError, Sent, SmsMessage, SmsProvider};

pub use settings::{
    DEFAULT_MAX_IN_FLIGHT, DEFAULT_TIMEOUT, HttpSmsSettings, MAX_IN_FLIGHT, MAX_TIMEOUT,
};

/// The most of a reply's body kept in an error.
const MAX_ERROR_CHARS: usize = 200;
/// The most of a reply's body read.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// Sends text messages through an HTTP gateway. Cheap to share: keep one per process.
pub struct HttpSmsProvider {
    client: Client,
    url: Url,
    authorization: HeaderValue,
    in_flight: Semaphore,
}

/// The request's JSON body.
#[derive(Debug, Serialize)]
struct Outgoing<'a> {
    to: &'a str,
    from: &'a str,
    body: &'a str,
    reference: String,
}

impl HttpSmsProvider {
    /// Checks the settings and builds the HTTP client; connects only when the first message is
    /// sent.
    ///
    /// # Errors
    /// `Permanent` when the settings are invalid or the HTTP client cannot be built.
    pub fn new(settings: HttpSmsSettings) -> Result<Self, ProviderError> {
        settings.validate()?;
        let mut authorization =
            HeaderValue::try_from(format!("Bearer {}", settings.bearer_token.expose_secret()))
                .map_err(|_| ProviderError::Permanent("unusable SMS gateway token".to_owned()))?;
        authorization.set_sensitive(true);
        let client = Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .redirect(redirect::Policy::none())
            .pool_max_idle_per_host(settings.max_in_flight)
            .user_agent(concat!("carillon/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                ProviderError::Permanent(format!("cannot build the SMS gateway's client: {e}"))
            })?;
        Ok(Self {
            client,
            url: settings.url,
            authorization,
            in_flight: Semaphore::new(settings.max_in_flight),
        })
    }

    /// Sends one message once a request slot is free, unless `gate` has closed by then.
    async fn send(&self, message: &SmsMessage, gate: Option<&Gate>) -> Sent {
        // The semaphore is never closed, so acquiring only waits.
        let _permit = self.in_flight.acquire().await;
        // Looked at once the message's turn has come: it may have waited behind the other
        // requests for longer than the worker's claim.
        if gate.is_some_and(|gate| !gate.is_open()) {
            return None;
        }
        Some(self.send_now(message).await)
    }

    /// Sends one message; the caller holds a request slot.
    async fn send_now(&self, message: &SmsMessage) -> Result<Accepted, ProviderError> {
        let outgoing = Outgoing {
            to: &message.to,
            from: &message.sender,
            body: &message.body,
            reference: message.id.to_string(),
        };
        let mut response = self
            .client
            .post(self.url.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .json(&outgoing)
            .send()
            .await
            .map_err(|e| ProviderError::Transient(describe(&e)))?;
        let status = response.status();
        let body = read_body(&mut response).await;
        if status.is_success() {
            return Ok(Accepted {
                reference: gateway_id(&body).unwrap_or(outgoing.reference),
                delivered: false,
            });
        }
        let reason = match excerpt(&body) {
            excerpt if excerpt.is_empty() => format!("SMS gateway answered {status}"),
            excerpt => format!("SMS gateway answered {status}: {excerpt}"),
        };
        if is_transient(status) {
            Err(ProviderError::Transient(reason))
        } else {
            Err(ProviderError::Permanent(reason))
        }
    }
}

#[async_trait]
impl SmsProvider for HttpSmsProvider {
    fn name(&self) -> &'static str {
        "http-sms"
    }

    async fn send_sms(&self, messages: &[SmsMessage]) -> Vec<Result<Accepted, ProviderError>> {
        // Without a gate every message is sent: each result is `Some`.
        join_all(messages.iter().map(|message| self.send(message, None)))
            .await
            .into_iter()
            .flatten()
            .collect()
    }

    async fn send_sms_through(&self, messages: &[SmsMessage], gate: &Gate) -> Vec<Sent> {
        join_all(
            messages
                .iter()
                .map(|message| self.send(message, Some(gate))),
        )
        .await
    }
}

impl std::fmt::Debug for HttpSmsProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSmsProvider")
            .field("url", &self.url.as_str())
            .field("free_slots", &self.in_flight.available_permits())
            .finish_non_exhaustive()
    }
}

fn is_transient(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
}

/// Up to [`MAX_BODY_BYTES`] of the reply; a body that breaks off keeps what arrived.
async fn read_body(response: &mut reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < MAX_BODY_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    body.truncate(MAX_BODY_BYTES);
    body
}

/// The gateway's message id: `{"id": "…"}` (a number is taken as its digits).
fn gateway_id(body: &[u8]) -> Option<String> {
    let reply: serde_json::Value = serde_json::from_slice(body).ok()?;
    match reply.get("id")? {
        serde_json::Value::String(id) if !id.trim().is_empty() => Some(id.trim().to_owned()),
        serde_json::Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// The start of a reply's body, on one line.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut words = text.split_whitespace();
    let mut out = String::new();
    let mut cut = false;
    for word in words.by_ref() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > MAX_ERROR_CHARS {
            cut = true;
            break;
        }
    }
    if cut {
        out = out.chars().take(MAX_ERROR_CHARS).collect();
        out.push('…');
    }
    out
}

/// A request failure with its causes, without the URL (which may hold a key in its query).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "the SMS gateway did not answer in time"
    } else if error.is_connect() {
        "cannot connect to the SMS gateway"
    } else {
        "the request to the SMS gateway failed"
    };
    let mut text = kind.to_owned();
    let mut next = std::error::Error::source(error);
    while let Some(cause) = next {
        let shown = cause.to_string();
        if !text.contains(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
        }
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_gateway_id() {
        assert_eq!(gateway_id(br#"{"id": "abc-1"}"#).as_deref(), Some("abc-1"));
        assert_eq!(gateway_id(br#"{"id": 42}"#).as_deref(), Some("42"));
        assert_eq!(gateway_id(br#"{"id": ""}"#), None);
        assert_eq!(gateway_id(b"accepted"), None);
        assert_eq!(gateway_id(b""), None);
    }

    #[test]
    fn excerpts_are_one_line_and_bounded() {
        assert_eq!(excerpt(b"  bad\n number \r\n"), "bad number");
        let long = "x".repeat(1000);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), MAX_ERROR_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(
            excerpt("é".repeat(300).as_bytes()).chars().count(),
            MAX_ERROR_CHARS + 1
        );
    }

    #[test]
    fn classifies_statuses() {
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(
                is_transient(StatusCode::from_u16(code).unwrap_or_default()),
                "{code}"
            );
        }
        for code in [301, 400, 401, 403, 404, 422] {
            assert!(
                !is_transient(StatusCode::from_u16(code).unwrap_or_default()),
                "{code}"
            );
        }
    }
}
