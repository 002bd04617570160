//! Text messages through Amazon SNS `Publish` to a phone number, typed `Transactional` (sent
//! on the most reliable routes, not subject to marketing opt-outs' quiet hours).

use std::pin::Pin;

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;
use carillon_providers::{Accepted, Gate, ProviderError, Sent, SmsMessage, SmsProvider};
use futures_util::StreamExt;
use futures_util::stream;

use crate::classify::classify;
use crate::config::DEFAULT_CONCURRENCY;

/// Whether the message's sender goes to SNS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SenderId {
    /// SNS picks the origination (GC Notify's choice: Canada does not support alphanumeric
    /// sender ids).
    #[default]
    Off,
    /// An alphanumeric sender (1–11 letters, digits or `-`, at least one letter) goes as
    /// `AWS.SNS.SMS.SenderID`, an E.164 number as `AWS.MM.SMS.OriginationNumber`; anything
    /// else is left out.
    FromMessage,
}

/// Sends text messages with Amazon SNS. Cheap to share: keep one per process.
#[derive(Debug, Clone)]
pub struct SnsProvider {
    client: Client,
    sender_id: SenderId,
    concurrency: usize,
}

/// A String message attribute.
fn attribute(value: &str) -> Result<MessageAttributeValue, ProviderError> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|e| ProviderError::Permanent(format!("cannot build the SNS request: {e}")))
}

fn is_alphanumeric_sender(sender: &str) -> bool {
    (1..=11).contains(&sender.len())
        && sender
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && sender.chars().any(|c| c.is_ascii_alphabetic())
}

fn is_e164(sender: &str) -> bool {
    sender.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

impl SnsProvider {
    pub fn new(config: &SdkConfig, sender_id: SenderId) -> Self {
        Self {
            client: Client::new(config),
            sender_id,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// At most `concurrency` (at least 1) requests of one batch in flight.
    #[must_use]
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    async fn send(&self, message: &SmsMessage) -> Result<Accepted, ProviderError> {
        let mut request = self
            .client
            .publish()
            .phone_number(&message.to)
            .message(&message.body)
            .message_attributes("AWS.SNS.SMS.SMSType", attribute("Transactional")?);
        if self.sender_id == SenderId::FromMessage {
            let sender = message.sender.trim();
            if is_e164(sender) {
                request =
                    request.message_attributes("AWS.MM.SMS.OriginationNumber", attribute(sender)?);
            } else if is_alphanumeric_sender(sender) {
                request = request.message_attributes("AWS.SNS.SMS.SenderID", attribute(sender)?);
            }
        }
        let published = request
            .send()
            .await
            .map_err(|e| classify("SNS Publish", &e))?;
        Ok(Accepted {
            reference: published.message_id().unwrap_or_default().to_owned(),
            delivered: false,
        })
    }
}

#[async_trait]
impl SmsProvider for SnsProvider {
    fn name(&self) -> &'static str {
        "sns"
    }

    async fn send_sms_through(&self, messages: &[SmsMessage], gate: &Gate) -> Vec<Sent> {
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

    async fn send_sms(&self, messages: &[SmsMessage]) -> Vec<Result<Accepted, ProviderError>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn senders_are_recognised() {
        assert!(is_alphanumeric_sender("CANADA-CA"));
        assert!(is_alphanumeric_sender("GCNotify"));
        assert!(!is_alphanumeric_sender("CANADA.CA"));
        assert!(!is_alphanumeric_sender("123456"));
        assert!(!is_alphanumeric_sender("TOOLONGSENDER"));
        assert!(is_e164("+16135550123"));
        assert!(!is_e164("16135550123"));
        assert!(!is_e164("+1613555x123"));
    }
}
