//! Email through Amazon SES v2 `SendEmail` with raw content: the MIME message the SMTP
//! provider would send (multipart/alternative, `From` with the service's name, `Reply-To`,
//! `Message-ID: <{notification id}@{From domain}>`), built by `carillon_providers::raw_email`.

use std::pin::Pin;

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use carillon_providers::{
    Accepted, EmailMessage, EmailProvider, Gate, ProviderError, Sent, raw_email,
};
use futures_util::StreamExt;
use futures_util::stream;

use crate::classify::classify;
use crate::config::DEFAULT_CONCURRENCY;

/// Sends email with Amazon SES. Cheap to share: keep one per process.
#[derive(Debug, Clone)]
pub struct SesProvider {
    client: Client,
    configuration_set: Option<String>,
    concurrency: usize,
}

impl SesProvider {
    /// A provider using `config`; `configuration_set` names the SES configuration set whose
    /// event destinations publish delivery receipts.
    pub fn new(config: &SdkConfig, configuration_set: Option<String>) -> Self {
        Self {
            client: Client::new(config),
            configuration_set: configuration_set.filter(|name| !name.trim().is_empty()),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// At most `concurrency` (at least 1) requests of one batch in flight.
    #[must_use]
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    async fn send(&self, message: &EmailMessage) -> Result<Accepted, ProviderError> {
        let raw = raw_email(message)?;
        let data = RawMessage::builder()
            .data(Blob::new(raw.bytes))
            .build()
            .map_err(|e| ProviderError::Permanent(format!("cannot build the SES request: {e}")))?;
        let request = self
            .client
            .send_email()
            .from_email_address(message.from_address.trim())
            .destination(
                Destination::builder()
                    .to_addresses(message.to.trim())
                    .build(),
            )
            .content(EmailContent::builder().raw(data).build())
            .set_configuration_set_name(self.configuration_set.clone());
        let sent = request
            .send()
            .await
            .map_err(|e| classify("SES SendEmail", &e))?;
        let reference = sent.message_id().unwrap_or_default();
        if reference.is_empty() {
            // Without an id no receipt can ever be matched; SES took it, so don't resend.
            tracing::warn!(notification = %message.id, "SES accepted an email but returned no message id");
        }
        Ok(Accepted {
            reference: reference.to_owned(),
            delivered: false,
        })
    }
}

#[async_trait]
impl EmailProvider for SesProvider {
    fn name(&self) -> &'static str {
        "ses"
    }

    async fn send_emails_through(&self, messages: &[EmailMessage], gate: &Gate) -> Vec<Sent> {
        // `buffered` starts each request only when its turn comes: that is when the gate
        // is looked at.
        let sends: Vec<Pin<Box<dyn Future<Output = _> + Send + '_>>> = messages
            .iter()
            .map(|message| {
                Box::pin(async move {
                    if gate.is_open() {
                        Some(self.send(message).await)
                    } else {
                        None
                    }
                }) as Pin<Box<dyn Future<Output = _> + Send + '_>>
            })
            .collect();
        stream::iter(sends)
            .buffered(self.concurrency)
            .collect()
            .await
    }

    async fn send_emails(&self, messages: &[EmailMessage]) -> Vec<Result<Accepted, ProviderError>> {
        // Boxed first: a closure returning the future directly is not general enough over
        // lifetimes for async_trait's `Send` bound.
        let sends: Vec<Pin<Box<dyn Future<Output = _> + Send + '_>>> = messages
            .iter()
            .map(|message| {
                Box::pin(self.send(message)) as Pin<Box<dyn Future<Output = _> + Send + '_>>
            })
            .collect();
        stream::iter(sends)
            .buffered(self.concurrency)
            .collect()
            .await
    }
}
