//! The records Carillon keeps: services, API keys, templates, senders, safelist, notifications.

use serde_json::Value as Json;
use time::OffsetDateTime;

use crate::ids::{
    ApiKeyId, NotificationId, ReplyToId, SafelistId, ServiceId, SmsSenderId, TemplateId,
};
use crate::status::{NotificationStatus, NotificationType};

/// What a service is allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Send email.
    Email,
    /// Send text messages.
    Sms,
    /// Send text messages outside Canada and the US.
    InternationalSms,
}

impl Permission {
    /// The stored name (GC Notify's).
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Email => "email",
            Permission::Sms => "sms",
            Permission::InternationalSms => "international_sms",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email" => Some(Permission::Email),
            "sms" => Some(Permission::Sms),
            "international_sms" => Some(Permission::InternationalSms),
            _ => None,
        }
    }
}

/// A department's sending identity, with its limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub id: ServiceId,
    pub name: String,
    /// Local part of the From address (`<email_from>@<sending domain>`).
    pub email_from: String,
    /// Suspended services cannot send.
    pub active: bool,
    /// Trial mode: only team members and the safelist can receive.
    pub restricted: bool,
    /// Every notification behaves like a test-key one.
    pub research_mode: bool,
    /// Prefix text messages with the service name.
    pub prefix_sms: bool,
    pub permissions: Vec<Permission>,
    /// Requests per 60 seconds per key type.
    pub rate_limit: u32,
    /// Emails per day.
    pub email_daily_limit: u32,
    /// SMS fragments per day.
    pub sms_daily_limit: u32,
    /// Emails per fiscal year (1 April – 31 March).
    pub email_annual_limit: u64,
    /// SMS per fiscal year.
    pub sms_annual_limit: u64,
    /// Days personal data is kept.
    pub retention_days: u16,
    /// Whether the service's default language is French.
    pub default_language_french: bool,
    pub created_at: OffsetDateTime,
}

impl Service {
    /// Whether the service holds `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// What is needed to create a service; the rest takes GC Notify's trial defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewService {
    pub id: ServiceId,
    pub name: String,
    pub email_from: String,
    pub restricted: bool,
}

/// The kind of an API key, which decides who can receive and whether messages are real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// "Live": anyone (once the service is live); real delivery.
    Normal,
    /// "Team and safelist": team members and the safelist only; real delivery.
    Team,
    /// "Test": anyone; nothing is delivered; not counted towards limits.
    Test,
}

impl KeyType {
    /// The stored name: `normal`, `team` or `test`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Normal => "normal",
            KeyType::Team => "team",
            KeyType::Test => "test",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "normal" => Some(KeyType::Normal),
            "team" => Some(KeyType::Team),
            "test" => Some(KeyType::Test),
            _ => None,
        }
    }

    /// The name rate-limit errors use: `LIVE`, `TEAM` or `TEST`.
    pub fn rate_limit_name(self) -> &'static str {
        match self {
            KeyType::Normal => "LIVE",
            KeyType::Team => "TEAM",
            KeyType::Test => "TEST",
        }
    }
}

/// An API key with its secret in the clear (the store encrypts it at rest).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub service_id: ServiceId,
    pub name: String,
    pub key_type: KeyType,
    /// The 36-character secret (a UUID's text), needed to verify JWT signatures.
    pub secret: String,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for ApiKey {
    // The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("id", &self.id)
            .field("service_id", &self.service_id)
            .field("name", &self.name)
            .field("key_type", &self.key_type)
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

/// What is needed to create an API key.
#[derive(Clone, PartialEq, Eq)]
pub struct NewApiKey {
    pub id: ApiKeyId,
    pub service_id: ServiceId,
    pub name: String,
    pub key_type: KeyType,
    pub secret: String,
}

impl std::fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("key_type", &self.key_type)
            .finish_non_exhaustive()
    }
}

/// The delivery lane a template's messages take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProcessType {
    /// Authentication codes and the like: never wait behind bulk sends.
    Priority,
    /// Ordinary messages.
    Normal,
    /// Mass sends.
    Bulk,
}

impl ProcessType {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessType::Priority => "priority",
            ProcessType::Normal => "normal",
            ProcessType::Bulk => "bulk",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "priority" => Some(ProcessType::Priority),
            "normal" => Some(ProcessType::Normal),
            "bulk" => Some(ProcessType::Bulk),
            _ => None,
        }
    }
}

/// One version of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: TemplateId,
    pub service_id: ServiceId,
    pub name: String,
    pub kind: NotificationType,
    /// Email only.
    pub subject: Option<String>,
    pub content: String,
    /// Starts at 1; every change makes a new immutable version.
    pub version: i32,
    pub archived: bool,
    pub process_type: ProcessType,
    pub text_direction_rtl: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: Option<OffsetDateTime>,
    /// Who made this version (an email address), if known.
    pub created_by: Option<String>,
}

/// What is needed to create a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTemplate {
    pub id: TemplateId,
    pub service_id: ServiceId,
    pub name: String,
    pub kind: NotificationType,
    pub subject: Option<String>,
    pub content: String,
    pub process_type: ProcessType,
    pub created_by: Option<String>,
}

/// A change to a template; fields left `None` keep their value. Makes a new version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateUpdate {
    pub name: Option<String>,
    pub subject: Option<String>,
    pub content: Option<String>,
    pub process_type: Option<ProcessType>,
    pub archived: Option<bool>,
    pub created_by: Option<String>,
}

/// An email reply-to address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTo {
    pub id: ReplyToId,
    pub service_id: ServiceId,
    pub email_address: String,
    pub is_default: bool,
    pub archived: bool,
}

/// An SMS sender name or number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsSender {
    pub id: SmsSenderId,
    pub service_id: ServiceId,
    pub sms_sender: String,
    pub is_default: bool,
    pub archived: bool,
}

/// A recipient a team key or a trial service may send to. `recipient` is normalised
/// (lower-case email address or E.164 number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafelistEntry {
    pub id: SafelistId,
    pub service_id: ServiceId,
    pub kind: NotificationType,
    pub recipient: String,
    /// Team members are listed here too: they receive from team keys like the safelist.
    pub team_member: bool,
}

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

/// What `GET /v2/notifications` filters on. Results are newest first.
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
    /// Include notifications from bulk jobs.
    pub include_jobs: bool,
    /// Page size.
    pub limit: u32,
}
