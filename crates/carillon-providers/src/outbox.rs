//! The built-in outbox: messages are kept (encrypted, like all personal data) and marked
//! delivered, so a newcomer sees exactly what a recipient would get without any provider.

use std::sync::Arc;

use async_trait::async_trait;
use carillon_domain::NotificationType;
use carillon_store::{OutboxMessage, OutboxStore, StoreError};
use time::OffsetDateTime;

use crate::{Accepted, EmailMessage, EmailProvider, ProviderError, SmsMessage, SmsProvider};

/// Where the outbox keeps messages: all it needs of storage.
#[async_trait]
pub trait OutboxSink: Send + Sync + std::fmt::Debug {
    /// Keeps `messages` durably, all or none.
    async fn keep(&self, messages: &[OutboxMessage]) -> Result<(), StoreError>;
}

/// Any store is a sink: the outbox table.
#[async_trait]
impl<S: OutboxStore + std::fmt::Debug + ?Sized> OutboxSink for S {
    async fn keep(&self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        self.put_outbox(messages).await
    }
}

/// A shared sink of any type (`Arc<dyn Store>` included), as the outbox holds it.
#[derive(Debug)]
struct Shared<S: ?Sized>(Arc<S>);

#[async_trait]
impl<S: OutboxSink + ?Sized> OutboxSink for Shared<S> {
    async fn keep(&self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        self.0.keep(messages).await
    }
}

/// Keeps messages in the database's outbox.
#[derive(Debug, Clone)]
pub struct Outbox {
    sink: Arc<dyn OutboxSink>,
}

impl Outbox {
    /// An outbox over `sink`: a store (`Arc<dyn Store>`) or any [`OutboxSink`].
    pub fn new<S: OutboxSink + ?Sized + 'static>(sink: Arc<S>) -> Self {
        Self {
            sink: Arc::new(Shared(sink)),
        }
    }

    async fn keep(&self, messages: Vec<OutboxMessage>) -> Vec<Result<Accepted, ProviderError>> {
        let ids: Vec<_> = messages.iter().map(|m| m.notification_id).collect();
        match self.sink.keep(&messages).await {
            Ok(()) => ids
                .into_iter()
                .map(|id| {
                    Ok(Accepted {
                        reference: format!("outbox-{id}"),
                        delivered: true,
                    })
                })
                .collect(),
            Err(error) => {
                let error = ProviderError::Transient(error.to_string());
                ids.iter().map(|_| Err(error.clone())).collect()
            }
        }
    }
}

#[async_trait]
impl EmailProvider for Outbox {
    fn name(&self) -> &'static str {
        "outbox"
    }

    async fn send_emails(&self, messages: &[EmailMessage]) -> Vec<Result<Accepted, ProviderError>> {
        let now = OffsetDateTime::now_utc();
        let kept = messages
            .iter()
            .map(|m| OutboxMessage {
                notification_id: m.id,
                service_id: m.service_id,
                kind: NotificationType::Email,
                to: m.to.clone(),
                from: format!("\"{}\" <{}>", m.from_name.replace('"', "'"), m.from_address),
                reply_to: m.reply_to.clone(),
                subject: Some(m.subject.clone()),
                html: Some(m.html.clone()),
                text: m.text.clone(),
                created_at: now,
            })
            .collect();
        self.keep(kept).await
    }
}

#[async_trait]
impl SmsProvider for Outbox {
    fn name(&self) -> &'static str {
        "outbox"
    }

    async fn send_sms(&self, messages: &[SmsMessage]) -> Vec<Result<Accepted, ProviderError>> {
        let now = OffsetDateTime::now_utc();
        let kept = messages
            .iter()
            .map(|m| OutboxMessage {
                notification_id: m.id,
                service_id: m.service_id,
                kind: NotificationType::Sms,
                to: m.to.clone(),
                from: m.sender.clone(),
                reply_to: None,
                subject: None,
                html: None,
                text: m.body.clone(),
                created_at: now,
            })
            .collect();
        self.keep(kept).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Mutex;

    use carillon_domain::{NotificationId, ServiceId};

    use super::*;

    /// A sink that keeps messages in memory, or fails when told to.
    #[derive(Debug, Default)]
    struct Memory {
        kept: Mutex<Vec<OutboxMessage>>,
        down: bool,
    }

    #[async_trait]
    impl OutboxSink for Memory {
        async fn keep(&self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
            if self.down {
                return Err(StoreError::Unavailable("down".to_owned()));
            }
            self.kept.lock().unwrap().extend_from_slice(messages);
            Ok(())
        }
    }

    fn sms() -> SmsMessage {
        SmsMessage {
            id: NotificationId::new(),
            service_id: ServiceId::new(),
            to: "+16135550123".to_owned(),
            sender: "Carillon".to_owned(),
            body: "Your code is 7".to_owned(),
        }
    }

    /// Any sink will do: kept messages are delivered, a failing sink is a transient failure.
    #[tokio::test]
    async fn keeps_through_any_sink() {
        let memory = Arc::new(Memory::default());
        let message = sms();
        let outbox = Outbox::new(Arc::clone(&memory));
        let accepted = outbox.send_sms(std::slice::from_ref(&message)).await;
        assert_eq!(
            accepted,
            [Ok(Accepted {
                reference: format!("outbox-{}", message.id),
                delivered: true,
            })]
        );
        let kept = memory.kept.lock().unwrap().clone();
        assert_eq!(kept[0].text, message.body);

        let down = Outbox::new(Arc::new(Memory {
            down: true,
            ..Memory::default()
        }));
        assert!(matches!(
            down.send_sms(&[sms()]).await[..],
            [Err(ProviderError::Transient(_))]
        ));
    }
}
