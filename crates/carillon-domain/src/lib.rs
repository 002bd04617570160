//! Carillon's domain: identifiers, recipients, statuses and the records the platform keeps.
//!
//! Pure types and rules: no I/O, no async, no storage or HTTP. Everything validated has a
//! `parse` constructor, so code holding one of these types holds a valid value.

mod clock;
mod ids;
mod job;
mod model;
mod recipient;
mod status;

pub use clock::{Clock, FixedClock, SystemClock};
pub use ids::{
    ApiKeyId, IdError, JobId, NotificationId, ReplyToId, SafelistId, ServiceId, SmsSenderId,
    TemplateId,
};
pub use job::{Job, JobStatus, NewJob, UnknownJobStatus};
pub use model::{
    ApiKey, KeyType, NewApiKey, NewNotification, NewService, NewTemplate, Notification,
    NotificationFilter, Permission, ProcessType, ReplyTo, SafelistEntry, Service, SmsSender,
    Template, TemplateUpdate,
};
pub use recipient::{EmailAddress, PhoneNumber, Recipient, RecipientError};
pub use status::{NotificationStatus, NotificationType, UnknownStatus};
