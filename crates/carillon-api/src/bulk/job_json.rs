//! GC Notify's job object (`JobSchema`), as `POST /v2/notifications/bulk` answers it.

use carillon_domain::{ApiKey, Job, Service};
use serde_json::{Value, json};
use time::OffsetDateTime;

/// GC Notify attributes API jobs to its "Notify service user".
const NOTIFY_USER_ID: &str = "6af522d0-2915-4e52-83a3-3690455a5fe6";
const NOTIFY_USER_NAME: &str = "Notify service user";

/// A time as the job object prints it: Python's `isoformat()` plus `+00:00`, so microseconds
/// only when there are some.
pub(crate) fn job_datetime(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    match at.microsecond() {
        0 => format!("{base}+00:00"),
        micros => format!("{base}.{micros:06}+00:00"),
    }
}

/// The job as GC Notify's API answers it; `key` is the API key that sent it (none for an
/// operator's `carillon send-bulk`).
pub fn job_json(job: &Job, service: &Service, key: Option<&ApiKey>) -> Value {
    json!({
        "api_key": key.map(|key| json!({
            "id": key.id.to_string(),
            "key_type": key.key_type.as_str(),
            "name": key.name,
        })),
        "archived": job.archived,
        "created_at": job_datetime(job.created_at),
        "created_by": {"id": NOTIFY_USER_ID, "name": NOTIFY_USER_NAME},
        "id": job.id.to_string(),
        "job_status": job.status.as_str(),
        "notification_count": job.notification_count,
        "original_file_name": job.original_file_name,
        "processing_finished": job.processing_finished.map(job_datetime),
        "processing_started": job.processing_started.map(job_datetime),
        "scheduled_for": job.scheduled_for.map(job_datetime),
        "service": service.id.to_string(),
        "service_name": {"name": service.name},
        "template": job.template_id.to_string(),
        "template_type": job.kind.as_str(),
        "template_version": job.template_version,
        "updated_at": job.updated_at.map(job_datetime),
        "sender_id": job.sender_id.map(|id| id.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn datetimes_as_python_prints_them() {
        assert_eq!(
            job_datetime(datetime!(2026-11-22 12:00:01 UTC)),
            "2026-11-22T12:00:01+00:00"
        );
        assert_eq!(
            job_datetime(datetime!(2026-11-22 12:00:01.000250 UTC)),
            "2026-11-22T12:00:01.000250+00:00"
        );
    }
}
