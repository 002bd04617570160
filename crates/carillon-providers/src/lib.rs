//! Delivery providers: what the workers hand rendered messages to. Each provider classifies
//! its failures as transient (retry) or permanent, so workers never read error text.
//!
//! This crate holds the traits and the built-in outbox (the embedded default, which keeps
//! messages for people to read instead of sending them). Real providers live beside it.

mod gate;
pub mod http_sms;
mod outbox;
pub mod smtp;

use async_trait::async_trait;
use carillon_domain::NotificationId;
use thiserror::Error;

pub use gate::Gate;
pub use http_sms::{HttpSmsProvider, HttpSmsSettings};
pub use outbox::{Outbox, OutboxSink};
pub use secrecy::{ExposeSecret, SecretString};
pub use smtp::{RawEmail, SmtpProvider, SmtpSettings, SmtpTls, raw_email};

/// A rendered email, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailMessage {
    /// Sent as the `Message-ID`, so a provider can drop a duplicate after a worker crash.
    pub id: NotificationId,
    pub service_id: carillon_domain::ServiceId,
    pub to: String,
    /// The service's name, shown as the sender.
    pub from_name: String,
    pub from_address: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// A rendered text message, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsMessage {
    pub id: NotificationId,
    pub service_id: carillon_domain::ServiceId,
    /// E.164.
    pub to: String,
    pub sender: String,
    pub body: String,
}

/// A provider took the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The provider's message id (receipts are matched on it).
    pub reference: String,
    /// The provider already knows the message was delivered (the outbox does).
    pub delivered: bool,
}

/// Why a provider did not take a message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProviderError {
    /// Worth trying again later (timeouts, throttling, outages).
    #[error("temporary provider failure: {0}")]
    Transient(String),
    /// Will never work (refused address, bad configuration).
    #[error("provider refused the message: {0}")]
    Permanent(String),
}

/// What became of one message handed to a gate: `None` when it was never sent because the
/// gate had closed by its turn.
pub type Sent = Option<Result<Accepted, ProviderError>>;

/// Sends email.
#[async_trait]
pub trait EmailProvider: Send + Sync + std::fmt::Debug + 'static {
    /// A short name for logs and metrics.
    fn name(&self) -> &'static str;
    /// Sends several messages; one result per message, in order.
    async fn send_emails(&self, messages: &[EmailMessage]) -> Vec<Result<Accepted, ProviderError>>;

    /// Sends as [`send_emails`](Self::send_emails) does, but only through an open `gate`: a
    /// message whose turn comes once it has closed is not sent and gets `None`. This default
    /// looks once, before the first message, which is right for a provider that takes a batch
    /// at once; one that queues messages (a pool of sessions) looks as each message's turn comes.
    async fn send_emails_through(&self, messages: &[EmailMessage], gate: &Gate) -> Vec<Sent> {
        if !gate.is_open() {
            return vec![None; messages.len()];
        }
        self.send_emails(messages)
            .await
            .into_iter()
            .map(Some)
            .collect()
    }
}

/// Sends text messages.
#[async_trait]
pub trait SmsProvider: Send + Sync + std::fmt::Debug + 'static {
    /// A short name for logs and metrics.
    fn name(&self) -> &'static str;
    /// Sends several messages; one result per message, in order.
    async fn send_sms(&self, messages: &[SmsMessage]) -> Vec<Result<Accepted, ProviderError>>;

    /// Sends as [`send_sms`](Self::send_sms) does, but only through an open `gate`, as
    /// [`EmailProvider::send_emails_through`] does.
    async fn send_sms_through(&self, messages: &[SmsMessage], gate: &Gate) -> Vec<Sent> {
        if !gate.is_open() {
            return vec![None; messages.len()];
        }
        self.send_sms(messages)
            .await
            .into_iter()
            .map(Some)
            .collect()
    }
}
