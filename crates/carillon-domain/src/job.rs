//! Bulk sends (GC Notify's jobs): one file's rows sent with one template, and the states a
//! job goes through.

use std::str::FromStr;

use thiserror::Error;
use time::OffsetDateTime;

use crate::ids::{ApiKeyId, JobId, ServiceId, TemplateId};
use crate::status::NotificationType;

/// GC Notify's job statuses (letters' `ready to send` and `sent to dvla` aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// Accepted, to start at once.
    Pending,
    /// Accepted, to start at `scheduled_for`.
    Scheduled,
    /// Its notifications are being sent.
    InProgress,
    /// Every notification has been handed to delivery.
    Finished,
    /// Cancelled before it started.
    Cancelled,
    /// Stopped by a sending limit.
    SendingLimitsExceeded,
    /// Could not be processed.
    Error,
}

impl JobStatus {
    /// Every status.
    pub const ALL: [JobStatus; 7] = [
        JobStatus::Pending,
        JobStatus::Scheduled,
        JobStatus::InProgress,
        JobStatus::Finished,
        JobStatus::Cancelled,
        JobStatus::SendingLimitsExceeded,
        JobStatus::Error,
    ];

    /// The wire name, e.g. `in progress`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Scheduled => "scheduled",
            JobStatus::InProgress => "in progress",
            JobStatus::Finished => "finished",
            JobStatus::Cancelled => "cancelled",
            JobStatus::SendingLimitsExceeded => "sending limits exceeded",
            JobStatus::Error => "error",
        }
    }
}

/// A job status name that is not one of GC Notify's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown job status {0}")]
pub struct UnknownJobStatus(pub String);

impl FromStr for JobStatus {
    type Err = UnknownJobStatus;

    fn from_str(text: &str) -> Result<Self, UnknownJobStatus> {
        JobStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| UnknownJobStatus(text.to_owned()))
    }
}

/// A job to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub id: JobId,
    pub service_id: ServiceId,
    pub template_id: TemplateId,
    pub template_version: i32,
    pub kind: NotificationType,
    /// The name the sender gave the file (GC Notify's `original_file_name`).
    pub original_file_name: String,
    /// Rows to send.
    pub notification_count: u32,
    pub api_key_id: Option<ApiKeyId>,
    /// The reply-to address or SMS sender chosen (its id).
    pub sender_id: Option<uuid::Uuid>,
    /// When to start; `None` starts at once.
    pub scheduled_for: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub service_id: ServiceId,
    pub template_id: TemplateId,
    pub template_version: i32,
    pub kind: NotificationType,
    pub original_file_name: String,
    pub notification_count: u32,
    pub api_key_id: Option<ApiKeyId>,
    pub sender_id: Option<uuid::Uuid>,
    pub status: JobStatus,
    pub scheduled_for: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: Option<OffsetDateTime>,
    pub processing_started: Option<OffsetDateTime>,
    pub processing_finished: Option<OffsetDateTime>,
    /// Past the service's retention: its rows' personal data is gone.
    pub archived: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_their_wire_names() {
        for status in JobStatus::ALL {
            assert_eq!(status.as_str().parse::<JobStatus>(), Ok(status));
        }
        assert!("ready to send".parse::<JobStatus>().is_err());
    }
}
