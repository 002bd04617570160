//! Carillon's domain: identifiers, recipients, statuses and the records the platform keeps.
//!
//! Pure types and rules: no I/O (reading the system clock aside), no async, no storage or
//! HTTP. Everything validated has a `parse` constructor, so code holding one of these types
//! holds a valid value.

mod account;
mod api_key;
mod clock;
mod ids;
mod job;
mod language;
mod notification;
mod recipient;
mod sender;
mod sending;
mod service;
mod status;
mod template;
mod template_category;

pub use account::{
    Invitation, InvitationStatus, MemberPermission, Membership, SecondFactor, User, UserState,
};
pub use api_key::{ApiKey, ApiKeyPermission, ApiKeyPermissions, KeyType, NewApiKey};
pub use clock::{Clock, FixedClock, SystemClock};
pub use ids::{
    ApiKeyId, IdError, InvitationId, JobId, NotificationId, ReplyToId, SafelistId, SecurityKeyId,
    ServiceId, SmsSenderId, TemplateCategoryId, TemplateId, UserId,
};
pub use job::{Job, JobStatus, NewJob, UnknownJobStatus};
pub use language::Language;
pub use notification::{NewNotification, Notification, NotificationFilter};
pub use recipient::{EmailAddress, PhoneNumber, Recipient, RecipientError};
pub use sender::{ReplyTo, SafelistEntry, SmsSender};
pub use sending::{
    EmailLocalPart, EmailLocalPartError, PLACEHOLDER_SENDING_DOMAIN, SmsFrom, SmsFromError,
};
pub use service::{NewService, Permission, Service};
pub use status::{NotificationStatus, NotificationType, StatusGroup, UnknownStatus};
pub use template::{NewTemplate, ProcessType, Template, TemplateUpdate};
pub use template_category::TemplateCategory;
