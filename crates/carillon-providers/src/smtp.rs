//! Email through an SMTP relay (lettre, rustls with aws-lc-rs, the system's trusted roots).
//!
//! Each batch is sent concurrently over a pool of sessions (at most `pool_size` at once, shared
//! by every batch and worker using the provider). A message is accepted when the relay answers
//! `250` after `DATA`; the reference kept is its `Message-ID` (`<{notification id}@{From
//! domain}>`, brackets included) and the status is `sending`, since the relay has only queued it.
//!
//! Failures are classified from the relay's reply: `5xx` (550 mailbox unavailable, 553 bad
//! address, 535 bad login, …) is permanent; `4xx`, timeouts, refused or dropped connections and
//! TLS failures are transient, so the worker tries again later. A message rejected before it
//! reaches the relay (an unparsable address) is permanent.
//!
//! [`SmtpSettings::from_url`] takes:
//!
//! | URL | Connection | Default port |
//! |---|---|---|
//! | `smtp://[user:password@]host[:port]` | plain text (a relay on the same machine or network) | 25 |
//! | `smtp+starttls://[user:password@]host[:port]` | upgraded with STARTTLS, which is required: a server that does not offer it is an error, never a fallback to plain text | 587 |
//! | `smtps://[user:password@]host[:port]` | TLS from the first byte ("implicit TLS", RFC 8314) | 465 |
//!
//! The user name and password are percent-decoded (write `@` as `%40`, `:` as `%3A`, `/` as
//! `%2F`). Two optional query parameters: `pool_size` (sessions kept open and used at once,
//! default 10) and `timeout_secs` (the longest one message's SMTP exchange may take, connecting
//! included, default 30). For example `smtps://carillon:s3cr%40t@mail.example.ca?pool_size=20`.
//! A login over plain `smtp://` is only accepted for a loopback host.

mod message;
mod pool;
mod session;
mod settings;

use async_trait::async_trait;
use futures_util::future::join_all;

use crate::{Accepted, EmailMessage, EmailProvider, Gate, ProviderError, Sent};
use session::Failure;

pub use message::{RawEmail, raw_email};

pub use settings::{
    DEFAULT_POOL_SIZE, DEFAULT_TIMEOUT, MAX_POOL_SIZE, MAX_TIMEOUT, SmtpSettings, SmtpTls,
};

/// Sends email through an SMTP relay. Cheap to share: keep one per process.
#[derive(Debug)]
pub struct SmtpProvider {
    pool: pool::Pool,
}

impl SmtpProvider {
    /// Checks the settings and prepares TLS; connects only when the first message is sent.
    ///
    /// # Errors
    /// `Permanent` when the settings are invalid or TLS cannot be set up for the host.
    pub fn new(settings: SmtpSettings) -> Result<Self, ProviderError> {
        Ok(Self {
            pool: pool::Pool::new(settings)?,
        })
    }

    /// Sends one message once a session is free, unless `gate` has closed by then.
    async fn send(&self, message: &EmailMessage, gate: Option<&Gate>) -> Sent {
        let slot = self.pool.slot().await;
        // Looked at once the message's turn has come: it may have waited behind the pool
        // for longer than the worker's claim.
        if gate.is_some_and(|gate| !gate.is_open()) {
            return None;
        }
        Some(self.send_now(message, &slot).await)
    }

    async fn send_now(
        &self,
        message: &EmailMessage,
        slot: &Option<tokio::sync::SemaphorePermit<'_>>,
    ) -> Result<Accepted, ProviderError> {
        let prepared = message::prepare(message)?;
        self.pool
            .send(slot, &prepared.envelope, &prepared.body)
            .await
            .map_err(classify)?;
        Ok(Accepted {
            reference: prepared.message_id,
            delivered: false,
        })
    }
}

#[async_trait]
impl EmailProvider for SmtpProvider {
    fn name(&self) -> &'static str {
        "smtp"
    }

    async fn send_emails(&self, messages: &[EmailMessage]) -> Vec<Result<Accepted, ProviderError>> {
        // Every message waits for a session from the pool, so at most `pool_size` are in flight.
        // Without a gate every message is sent: each result is `Some`.
        join_all(messages.iter().map(|message| self.send(message, None)))
            .await
            .into_iter()
            .flatten()
            .collect()
    }

    async fn send_emails_through(&self, messages: &[EmailMessage], gate: &Gate) -> Vec<Sent> {
        join_all(
            messages
                .iter()
                .map(|message| self.send(message, Some(gate))),
        )
        .await
    }
}

fn classify(failure: Failure) -> ProviderError {
    match failure {
        Failure::TimedOut(after) => ProviderError::Transient(format!(
            "the SMTP relay did not finish within {} s",
            after.as_secs_f64()
        )),
        // This relay will never take the address; other messages still go.
        Failure::NoSmtpUtf8 => ProviderError::Permanent(
            "the SMTP relay does not support SMTPUTF8, which this address needs".to_owned(),
        ),
        Failure::Smtp(error) if error.is_permanent() => {
            ProviderError::Permanent(format!("SMTP relay refused the message: {error}"))
        }
        Failure::Smtp(error) if error.status().is_some() => {
            ProviderError::Transient(format!("SMTP relay deferred the message: {error}"))
        }
        Failure::Smtp(error) => {
            ProviderError::Transient(format!("SMTP relay unavailable: {}", chain(&error)))
        }
        Failure::Io(error) => ProviderError::Transient(format!(
            "cannot connect to the SMTP relay: {}",
            chain(&error)
        )),
    }
}

/// An error with its causes ("Connection error: Connection refused (os error 111)"), each
/// cause added unless the text already shows it, and a part repeated in a row said once.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let shown = cause.to_string();
        if !text.contains(&shown) {
            text.push_str(": ");
            text.push_str(&shown);
        }
        next = cause.source();
    }
    let mut parts: Vec<&str> = text.split(": ").collect();
    parts.dedup();
    parts.join(": ")
}
