//! Sending one email or SMS: every rule GC Notify applies, in its order (the order decides
//! which error a client sees, so it is part of the contract), then one durable insert through
//! the group-commit writer.

use carillon_domain::{
    ApiKeyId, KeyType, NewNotification, NotificationId, NotificationType, Permission, Recipient,
    Service, Template,
};
use carillon_render::{Personalisation, RenderError};
use carillon_store::{InsertOutcome, StoreError};
use serde_json::{Map, Value};
use thiserror::Error;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::App;
use crate::limits::{self, LimitExceeded, RateError, RateLimited};
use crate::recipients::{self, RecipientError, RecipientRefused, SenderError, UnknownSender};
use crate::templates::{ParsedTemplate, TemplateError};

/// One notification to send, already checked for shape (the front door's job).
#[derive(Debug)]
pub struct SendInput<'a> {
    /// The sending service, as authenticated.
    pub service: &'a Service,
    pub key_id: ApiKeyId,
    pub key_type: KeyType,
    pub kind: NotificationType,
    pub template_id: carillon_domain::TemplateId,
    pub recipient: Recipient,
    /// The recipient as the client wrote it.
    pub to: String,
    pub personalisation: Map<String, Value>,
    pub reference: Option<String>,
    pub scheduled_for: Option<OffsetDateTime>,
    /// `email_reply_to_id` or `sms_sender_id`.
    pub sender_id: Option<Uuid>,
}

/// What was accepted (stored durably, or a smoke-test recipient answered without storing).
#[derive(Debug, Clone)]
pub struct Accepted {
    pub id: NotificationId,
    pub template: Template,
    /// The rendered body (an SMS without its prefix).
    pub body: String,
    /// Emails only.
    pub subject: Option<String>,
    /// The reply-to address (email) or the SMS sender.
    pub sender: Option<String>,
    pub reference: Option<String>,
    /// Smoke-test recipient: answered, never stored or sent.
    pub simulated: bool,
}

/// Why a notification was not accepted; each variant is one of GC Notify's answers.
#[derive(Debug, Error)]
pub enum SendError {
    /// The personalisation is larger than GC Notify allows (a validation error).
    #[error("{0}")]
    PersonalisationTooLarge(RenderError),
    #[error("Service is suspended")]
    Suspended,
    /// The service lacks the channel's permission.
    #[error("Service is not allowed to send {}", plural(*.0))]
    NotAllowed(NotificationType),
    #[error(transparent)]
    RateLimited(#[from] RateLimited),
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Placeholders without a value.
    #[error("Missing personalisation for template ID {template_id}: {}", names.join(", "))]
    MissingPersonalisation {
        template_id: carillon_domain::TemplateId,
        names: Vec<String>,
    },
    /// Any other rendering problem (content too long, an empty list, …).
    #[error("{0}")]
    Render(RenderError),
    #[error(transparent)]
    UnknownSender(#[from] UnknownSender),
    #[error(transparent)]
    RecipientRefused(#[from] RecipientRefused),
    #[error(transparent)]
    LimitExceeded(#[from] LimitExceeded),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// GC Notify's name for a channel's messages, in "not allowed to send …".
pub fn plural(kind: NotificationType) -> &'static str {
    match kind {
        NotificationType::Email => "emails",
        NotificationType::Sms => "text messages",
    }
}

/// GC Notify's channel permission check.
///
/// # Errors
/// [`SendError::NotAllowed`] when the service lacks the permission.
pub fn check_permission(service: &Service, kind: NotificationType) -> Result<(), SendError> {
    let permission = match kind {
        NotificationType::Email => Permission::Email,
        NotificationType::Sms => Permission::Sms,
    };
    if service.can(permission) {
        Ok(())
    } else {
        Err(SendError::NotAllowed(kind))
    }
}

impl From<RateError> for SendError {
    fn from(error: RateError) -> Self {
        match error {
            RateError::Limited(limited) => Self::RateLimited(limited),
            RateError::Store(error) => Self::Store(error),
        }
    }
}

impl From<RecipientError> for SendError {
    fn from(error: RecipientError) -> Self {
        match error {
            RecipientError::Refused(refused) => Self::RecipientRefused(refused),
            RecipientError::Store(error) => Self::Store(error),
        }
    }
}

impl From<SenderError> for SendError {
    fn from(error: SenderError) -> Self {
        match error {
            SenderError::Unknown(unknown) => Self::UnknownSender(unknown),
            SenderError::Store(error) => Self::Store(error),
        }
    }
}

/// What rendering produced.
struct Rendered {
    body: String,
    subject: Option<String>,
    billable_units: u32,
}

fn render_error(template_id: carillon_domain::TemplateId, error: RenderError) -> SendError {
    match error {
        RenderError::MissingPersonalisation(names) => {
            SendError::MissingPersonalisation { template_id, names }
        }
        RenderError::PersonalisationTooLarge { .. } => SendError::PersonalisationTooLarge(error),
        other => SendError::Render(other),
    }
}

impl App {
    /// Sends one email or SMS: checks every rule in GC Notify's order, renders, and stores it
    /// durably (counted against the limits unless a test key or a smoke-test recipient).
    ///
    /// # Errors
    /// The first rule broken, or the store's error.
    pub async fn send(&self, input: SendInput<'_>) -> Result<Accepted, SendError> {
        let now = self.clock.now();
        let personalisation = Personalisation::from_json(&input.personalisation);
        personalisation
            .check_size()
            .map_err(SendError::PersonalisationTooLarge)?;
        let service = input.service;
        let kind = input.kind;
        if !service.active {
            return Err(SendError::Suspended);
        }
        check_permission(service, kind)?;
        self.check_rate(service, input.key_type, now).await?;

        let template = self
            .template_for_sending(service.id, input.template_id, kind)
            .await?;
        let parsed = self
            .parsed_template(&template)
            .await
            .map_err(TemplateError::Invalid)?;
        let rendered = match parsed {
            ParsedTemplate::Email(email) => {
                let email = email
                    .render(&personalisation)
                    .map_err(|e| render_error(template.id, e))?;
                Rendered {
                    body: email.body,
                    subject: Some(email.subject),
                    billable_units: 1,
                }
            }
            ParsedTemplate::Sms(sms) => {
                let prefix = service.prefix_sms.then_some(service.name.as_str());
                let sms = sms
                    .render(&personalisation, prefix)
                    .map_err(|e| render_error(template.id, e))?;
                Rendered {
                    body: sms.body,
                    subject: None,
                    billable_units: u32::try_from(sms.fragments).unwrap_or(u32::MAX),
                }
            }
        };
        drop(personalisation);

        let simulated = recipients::is_simulated(&input.recipient);
        let counted = input.key_type != KeyType::Test && !simulated;
        let sender = recipients::sender(self, service, kind, input.sender_id).await?;
        recipients::check_allowed(self, service, input.key_type, &input.recipient).await?;

        let id = NotificationId::new();
        if simulated {
            // GC Notify's smoke-test recipients: validated and answered, never stored or sent.
            return Ok(Accepted {
                id,
                template,
                body: rendered.body,
                subject: rendered.subject,
                sender,
                reference: input.reference,
                simulated: true,
            });
        }
        let notification = NewNotification {
            id,
            service_id: service.id,
            template_id: template.id,
            template_version: template.version,
            api_key_id: Some(input.key_id),
            key_type: input.key_type,
            kind,
            to: input.to,
            normalised_to: input.recipient.normalised(),
            personalisation: Value::Object(input.personalisation),
            body: rendered.body.clone(),
            subject: rendered.subject.clone(),
            client_reference: input.reference.clone(),
            sender: sender.clone(),
            process_type: template.process_type,
            billable_units: rendered.billable_units,
            scheduled_for: input.scheduled_for,
            created_at: now,
        };
        let counters = if counted {
            limits::counters(service, kind, rendered.billable_units, now)
        } else {
            Vec::new()
        };
        self.record_key_use(input.key_id);
        match self.writer.insert(notification, counters.clone()).await? {
            InsertOutcome::Inserted => {
                metrics::counter!("carillon_notifications_accepted_total", "type" => kind.as_str())
                    .increment(1);
                self.accepted.notify_one();
                Ok(Accepted {
                    id,
                    template,
                    body: rendered.body,
                    subject: rendered.subject,
                    sender,
                    reference: input.reference,
                    simulated: false,
                })
            }
            InsertOutcome::LimitExceeded(index) => Err(SendError::LimitExceeded(limits::exceeded(
                service, kind, &counters, index,
            ))),
        }
    }

    /// Notes that the key was used (GC Notify's `last_used_timestamp`), without making the
    /// request wait for it: a missed write only makes "last used" slightly older.
    fn record_key_use(&self, key: ApiKeyId) {
        if !self.rate_leases.key_use_due(key, std::time::Instant::now()) {
            return;
        }
        let store = std::sync::Arc::clone(&self.store);
        let now = self.clock.now();
        tokio::spawn(async move {
            if let Err(error) = store.record_api_key_use(key, now).await {
                tracing::warn!(%error, "could not record an API key's last use");
            }
        });
    }
}
