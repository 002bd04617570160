//! Service callbacks: where a service wants delivery-status and complaint notices POSTed, the
//! complaints themselves, and the durable queue of notices still to send.
//!
//! Notices are queued by the database itself (triggers, migration 0004) in the transaction
//! that changes a notification's status or stores a complaint, so every path that changes a
//! status queues them and none can forget to. A queued row keeps the status and times of the
//! change it reports; the recipient is read (and opened) only when the notice is sent.

use std::fmt;

use carillon_domain::{NotificationId, NotificationStatus, NotificationType, ServiceId};
use time::OffsetDateTime;
use uuid::Uuid;

/// Which notices a callback receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallbackKind {
    /// A notification's status changed (GC Notify's `delivery_status`).
    DeliveryStatus,
    /// A recipient complained about an email (GC Notify's `complaint`).
    Complaint,
}

impl CallbackKind {
    /// Every kind.
    pub const ALL: [CallbackKind; 2] = [CallbackKind::DeliveryStatus, CallbackKind::Complaint];

    /// The stored name, GC Notify's `callback_type`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackKind::DeliveryStatus => "delivery_status",
            CallbackKind::Complaint => "complaint",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "delivery_status" => Some(CallbackKind::DeliveryStatus),
            "complaint" => Some(CallbackKind::Complaint),
            _ => None,
        }
    }
}

impl fmt::Display for CallbackKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The bearer token a service gave for its callback: a secret, sealed at rest and never
/// printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(String);

impl BearerToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself, for the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(…)")
    }
}

/// One callback of a service (at most one per kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackConfig {
    pub service_id: ServiceId,
    pub kind: CallbackKind,
    pub url: String,
    pub bearer_token: BearerToken,
    /// Suspended callbacks queue nothing, and queued notices for them are dropped.
    pub suspended: bool,
    pub updated_at: OffsetDateTime,
}

/// A complaint as a provider reports it, found by the provider's message id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComplaint {
    /// The provider's message id (`notifications.provider_reference`).
    pub provider_reference: String,
    pub feedback_type: Option<String>,
    pub feedback_subtype: Option<String>,
    pub complaint_date: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// A stored complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint {
    pub id: Uuid,
    pub notification_id: NotificationId,
    pub service_id: ServiceId,
    pub feedback_type: Option<String>,
    pub feedback_subtype: Option<String>,
    pub complaint_date: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// A queued notice's number in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallbackId(pub i64);

/// A status change as it was when it was queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusNotice {
    pub notification_id: NotificationId,
    /// The client's reference.
    pub reference: Option<String>,
    /// The recipient as the client wrote it.
    pub to: String,
    pub status: NotificationStatus,
    pub kind: NotificationType,
    pub provider_response: Option<String>,
    pub created_at: OffsetDateTime,
    /// The notification's `updated_at` at the change (GC Notify's `completed_at`).
    pub updated_at: Option<OffsetDateTime>,
    pub sent_at: Option<OffsetDateTime>,
}

/// A complaint notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintNotice {
    pub notification_id: NotificationId,
    pub complaint_id: Uuid,
    pub reference: Option<String>,
    pub to: String,
    pub complaint_date: OffsetDateTime,
}

/// What a notice says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Status(StatusNotice),
    Complaint(ComplaintNotice),
}

/// A claimed notice, ready to POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCallback {
    pub id: CallbackId,
    /// Which claim this is (1 for the first); a result applies only to the current claim.
    pub attempt: u32,
    pub service_id: ServiceId,
    pub url: String,
    pub bearer_token: BearerToken,
    pub notice: Notice,
}

/// What became of a claimed notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackResolution {
    /// Delivered, or given up on: the notice leaves the queue.
    Done,
    /// Failed in a way worth retrying: try again at this time (counts as an attempt).
    RetryAt(OffsetDateTime),
    /// Not tried (its service had enough in flight): due again at this time, attempt not
    /// counted.
    Release(OffsetDateTime),
}

/// The result of one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackResult {
    pub id: CallbackId,
    pub attempt: u32,
    pub resolution: CallbackResolution,
}
