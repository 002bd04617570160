//! Notifications: as accepted, as stored, and how they are listed.

use serde_json::Value as Json;
use time::OffsetDateTime;

use crate::api_key::KeyType;
use crate::ids::{ApiKeyId, JobId, NotificationId, ServiceId, TemplateId};
use crate::recipient::Recipient;
use crate::status::{NotificationStatus, NotificationType, StatusGroup};
use crate::template::ProcessType;

/// A notification as accepted by the API, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification {
    pub id: NotificationId,
    pub service_id: ServiceId,
    pub template_id: TemplateId,
    pub template_version: i32,
    pub api_key_id: Option<ApiKeyId>,
    pub key_type: KeyType,
    pub kind: NotificationType,
    /// The recipient as the sender wrote it (returned by the API).
    pub to: String,
    /// The recipient as it is sent to (lower-case email, E.164 number).
    pub normalised_to: String,
    pub personalisation: Json,
    /// The rendered body (markdown for email, text for SMS), as the API returns it.
    pub body: String,
    /// Email only.
    pub subject: Option<String>,
    pub client_reference: Option<String>,
    /// Reply-to address (email) or sender (SMS) chosen for this message.
    pub sender: Option<String>,
    pub process_type: ProcessType,
    /// SMS fragments (1 for email).
    pub billable_units: u32,
    pub scheduled_for: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// A stored notification.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: NotificationId,
    pub service_id: ServiceId,
    pub template_id: TemplateId,
    pub template_version: i32,
    pub api_key_id: Option<ApiKeyId>,
    pub key_type: KeyType,
    pub kind: NotificationType,
    pub to: String,
    pub normalised_to: String,
    pub personalisation: Json,
    pub body: String,
    pub subject: Option<String>,
    pub client_reference: Option<String>,
    pub sender: Option<String>,
    pub process_type: ProcessType,
    pub billable_units: u32,
    pub scheduled_for: Option<OffsetDateTime>,
    pub status: NotificationStatus,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub updated_at: Option<OffsetDateTime>,
    pub provider_response: Option<String>,
    /// The provider's message id, once handed over.
    pub provider_reference: Option<String>,
    /// Delivery attempts made.
    pub attempts: u32,
    pub created_by_name: Option<String>,
}

/// What `GET /v2/notifications` and the sent-messages page filter on. Results are newest
/// first; every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationFilter {
    /// Only these channels (empty: all).
    pub kinds: Vec<NotificationType>,
    /// Only these statuses (empty: all).
    pub statuses: Vec<NotificationStatus>,
    pub client_reference: Option<String>,
    /// Only notifications created before this one.
    pub older_than: Option<NotificationId>,
    /// Only notifications sent with this key type (test keys see only test sends).
    pub key_type: Option<KeyType>,
    /// Leave out notifications sent with a test key (the web app's lists, like its figures).
    pub exclude_test_keys: bool,
    /// Include notifications from bulk jobs.
    pub include_jobs: bool,
    /// Only notifications to this recipient (found through its keyed hash, never by
    /// decrypting rows; rows stored before recipients were hashed are not found).
    pub recipient: Option<Recipient>,
    /// Only statuses in this group (the sent-messages page's filter).
    pub status_group: Option<StatusGroup>,
    /// Only notifications made from this template.
    pub template: Option<TemplateId>,
    /// Only rows of this bulk send.
    pub job: Option<JobId>,
    /// Page size.
    pub limit: u32,
}
