//! The built-in outbox: messages are kept (encrypted, like all personal data) and marked
//! delivered, so a newcomer sees exactly what a recipient would get without any provider.

use std::sync::Arc;

use async_trait::async_trait;
use carillon_domain::NotificationType;
use carillon_store::{OutboxMessage, Store};
use time::OffsetDateTime;

use crate::{Accepted, EmailMessage, EmailProvider, ProviderError, SmsMessage, SmsProvider};

/// Keeps messages in the database's outbox.
#[derive(Debug, Clone)]
pub struct Outbox {
    store: Arc<dyn Store>,
}

impl Outbox {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    async fn keep(&self, messages: Vec<OutboxMessage>) -> Vec<Result<Accepted, ProviderError>> {
        let ids: Vec<_> = messages.iter().map(|m| m.notification_id).collect();
        match self.store.put_outbox(&messages).await {
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
