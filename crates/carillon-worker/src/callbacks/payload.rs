//! The JSON bodies of callback notices, field for field as GC Notify sends them (all strings
//! or null; times as `2026-11-22T15:04:05.123456Z`).

use carillon_store::{ComplaintNotice, Notice, StatusNotice};
use serde::Serialize;
use time::OffsetDateTime;
use time::macros::format_description;

/// GC Notify's `DATETIME_FORMAT` (`%Y-%m-%dT%H:%M:%S.%fZ`), in UTC.
fn timestamp(at: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

/// A delivery-status notice. Field order is GC Notify's.
#[derive(Debug, Serialize)]
struct StatusBody<'a> {
    id: String,
    reference: Option<&'a str>,
    to: &'a str,
    status: &'static str,
    status_description: &'static str,
    provider_response: Option<&'a str>,
    created_at: String,
    completed_at: Option<String>,
    sent_at: Option<String>,
    notification_type: &'static str,
}

/// A complaint notice. Field order is GC Notify's.
#[derive(Debug, Serialize)]
struct ComplaintBody<'a> {
    notification_id: String,
    complaint_id: String,
    reference: Option<&'a str>,
    to: &'a str,
    complaint_date: String,
}

fn status_body(notice: &StatusNotice) -> StatusBody<'_> {
    StatusBody {
        id: notice.notification_id.to_string(),
        reference: notice.reference.as_deref(),
        to: &notice.to,
        status: notice.status.as_str(),
        status_description: notice.status.description(notice.kind),
        provider_response: notice.provider_response.as_deref(),
        created_at: timestamp(notice.created_at),
        completed_at: notice.updated_at.map(timestamp),
        sent_at: notice.sent_at.map(timestamp),
        notification_type: notice.kind.as_str(),
    }
}

fn complaint_body(notice: &ComplaintNotice) -> ComplaintBody<'_> {
    ComplaintBody {
        notification_id: notice.notification_id.to_string(),
        complaint_id: notice.complaint_id.to_string(),
        reference: notice.reference.as_deref(),
        to: &notice.to,
        complaint_date: timestamp(notice.complaint_date),
    }
}

/// The body to POST for `notice`.
pub(crate) fn body(notice: &Notice) -> Vec<u8> {
    let encoded = match notice {
        Notice::Status(status) => serde_json::to_vec(&status_body(status)),
        Notice::Complaint(complaint) => serde_json::to_vec(&complaint_body(complaint)),
    };
    // Serialising strings and options into a Vec cannot fail.
    encoded.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use carillon_domain::{NotificationId, NotificationStatus, NotificationType};
    use time::macros::datetime;

    use super::*;

    #[test]
    fn status_notice_matches_gc_notify() {
        let id = NotificationId::new();
        let notice = Notice::Status(StatusNotice {
            notification_id: id,
            reference: None,
            to: "+16135550123".into(),
            status: NotificationStatus::TemporaryFailure,
            kind: NotificationType::Sms,
            provider_response: None,
            created_at: datetime!(2026-11-22 15:04:05.1 UTC),
            updated_at: Some(datetime!(2026-11-22 15:04:06.123456 UTC)),
            sent_at: None,
        });
        let text = String::from_utf8(body(&notice)).unwrap();
        let expected = format!(
            r#"{{"id":"{id}","reference":null,"to":"+16135550123","status":"temporary-failure","status_description":"Carrier issue","provider_response":null,"created_at":"2026-11-22T15:04:05.100000Z","completed_at":"2026-11-22T15:04:06.123456Z","sent_at":null,"notification_type":"sms"}}"#
        );
        assert_eq!(text, expected);
    }
}
