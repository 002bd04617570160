//! What the delivery workers need from storage: claiming due notifications (the row is the
//! job), recording what happened, and the built-in outbox.

use carillon_domain::{NotificationId, NotificationStatus, NotificationType, ServiceId};
use time::OffsetDateTime;

/// What happened to one claimed notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub id: NotificationId,
    /// The `attempts` of the claimed [`Notification`](carillon_domain::Notification) this
    /// outcome is for. The outcome applies only while the row's `attempts` still equals it: a
    /// worker whose lease expired, and whose row another worker has claimed since, must not
    /// overwrite the newer claim or release it.
    pub attempt: u32,
    pub status: NotificationStatus,
    /// The provider's message id, when it accepted the message.
    pub provider_reference: Option<String>,
    /// The provider's words, for `provider_response`.
    pub provider_response: Option<String>,
    /// When it was handed to the provider.
    pub sent_at: Option<OffsetDateTime>,
    /// When to try again; `Some` keeps the notification queued (`status` is then `created`).
    pub retry_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
}

/// A message as the built-in outbox keeps it: exactly what a recipient would get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub notification_id: NotificationId,
    pub service_id: ServiceId,
    pub kind: NotificationType,
    pub to: String,
    /// `"Name" <address>` for email, the sender for SMS.
    pub from: String,
    pub reply_to: Option<String>,
    /// Email only.
    pub subject: Option<String>,
    /// Email: the full HTML document.
    pub html: Option<String>,
    /// Email: the plain-text part; SMS: the text as sent.
    pub text: String,
    pub created_at: OffsetDateTime,
}
