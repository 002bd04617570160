//! What the delivery workers need from storage: claiming due notifications (the row is the
//! job), recording what happened, and the built-in outbox.

use carillon_domain::{NotificationId, NotificationStatus, NotificationType, ServiceId};
use time::OffsetDateTime;

/// A claim a worker holds: the notification, and its `attempts` as the claim counted them
/// (the claimed [`Notification`](carillon_domain::Notification)'s). The row is the claim's
/// while its `attempts` is still that: any later claim moves it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub id: NotificationId,
    pub attempt: u32,
}

impl Claim {
    /// The claim a claimed notification stands for.
    #[must_use]
    pub fn of(notification: &carillon_domain::Notification) -> Self {
        Self {
            id: notification.id,
            attempt: notification.attempts,
        }
    }
}

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

/// A provider's delivery receipt for the message it knows as `reference`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The provider's message id (the notification's `provider_reference`).
    pub reference: String,
    /// The channel the receipt is about; a receipt never matches a row of the other channel.
    pub kind: NotificationType,
    /// The status the receipt reports (`delivered` or a failure).
    pub status: NotificationStatus,
    /// The provider's words, kept as `provider_response` when present.
    pub provider_response: Option<String>,
    /// Becomes `updated_at` (and so the completion time).
    pub received_at: OffsetDateTime,
}

/// What became of one [`Receipt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptOutcome {
    /// The notification's status changed.
    Applied(NotificationId),
    /// The notification exists but the receipt came too late or twice (GC Notify's rules:
    /// an SMS receipt applies only while the status is `sent`; an email receipt applies
    /// while the email is `sending`, `pending` or already has a receipt, but `delivered`
    /// never replaces `permanent-failure`), so nothing changed.
    Ignored(NotificationId),
    /// No notification has this reference (yet: the receipt may have overtaken the record of
    /// the hand-over), so the sender should deliver it again later.
    Unknown,
}
