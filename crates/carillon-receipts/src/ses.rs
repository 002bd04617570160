//! SES events (the JSON in an SNS notification's `Message`) → statuses, as GC Notify maps
//! them (`notifications_ses_callback.py`): Delivery → delivered; a Permanent bounce →
//! permanent-failure; Transient, Undetermined or any other bounce → temporary-failure, with
//! GC Notify's `provider_response` for the suppression-list and attachment subtypes. A
//! complaint leaves the status alone (the complaint itself is returned, without the
//! complainant's address), except a complaint of subtype OnAccountSuppressionList, which
//! also makes the email a permanent failure. Other event types are acknowledged and ignored.

use carillon_domain::NotificationStatus;
use serde::Deserialize;

/// GC Notify's words for a permanent bounce on the provider's suppression list.
pub(crate) const SUPPRESSED: &str = "The email address is on our email provider suppression list";
/// GC Notify's words for an address on the account's suppression list.
pub(crate) const ON_ACCOUNT_SUPPRESSION_LIST: &str =
    "The email address is on the GC Notify suppression list";
/// GC Notify's words for a soft bounce caused by attachments.
pub(crate) const ATTACHMENT_REJECTED: &str = "The email was rejected because of its attachments";

/// A status change an SES event asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatusChange {
    pub(crate) status: NotificationStatus,
    pub(crate) provider_response: Option<&'static str>,
}

/// A complaint about an email (no personal data: the complainant's address is dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Complaint {
    /// The SES message id.
    pub(crate) reference: String,
    pub(crate) feedback_id: Option<String>,
    /// `complaintFeedbackType` (abuse, fraud, …).
    pub(crate) complaint_type: Option<String>,
    pub(crate) complaint_sub_type: Option<String>,
    pub(crate) timestamp: Option<String>,
}

/// What an SES event means for Carillon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SesEvent {
    /// The SES message id (`mail.messageId`).
    pub(crate) reference: String,
    /// `Delivery`, `Bounce`, `Complaint`, …
    pub(crate) event_type: String,
    pub(crate) change: Option<StatusChange>,
    pub(crate) complaint: Option<Complaint>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    /// Event publishing (configuration sets) says `eventType`, identity notifications
    /// `notificationType`.
    event_type: Option<String>,
    notification_type: Option<String>,
    mail: Mail,
    bounce: Option<Bounce>,
    complaint: Option<WireComplaint>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Mail {
    message_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    bounce_type: Option<String>,
    bounce_sub_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireComplaint {
    feedback_id: Option<String>,
    complaint_feedback_type: Option<String>,
    complaint_sub_type: Option<String>,
    timestamp: Option<String>,
}

/// Parses an SES event.
///
/// # Errors
/// A message that is not an SES event (no type or no `mail.messageId`).
pub(crate) fn parse(message: &str) -> Result<SesEvent, String> {
    let wire: Wire = serde_json::from_str(message).map_err(|e| format!("not an SES event: {e}"))?;
    let event_type = wire
        .event_type
        .or(wire.notification_type)
        .ok_or_else(|| "not an SES event: no eventType or notificationType".to_owned())?;
    let reference = wire.mail.message_id;
    let change = match event_type.as_str() {
        "Delivery" => Some(StatusChange {
            status: NotificationStatus::Delivered,
            provider_response: None,
        }),
        "Bounce" => Some(bounce(wire.bounce.as_ref())),
        "Complaint" => wire
            .complaint
            .as_ref()
            .filter(|c| c.complaint_sub_type.as_deref() == Some("OnAccountSuppressionList"))
            .map(|_| StatusChange {
                status: NotificationStatus::PermanentFailure,
                provider_response: Some(ON_ACCOUNT_SUPPRESSION_LIST),
            }),
        _ => None,
    };
    let complaint = (event_type == "Complaint").then(|| {
        let c = wire.complaint;
        Complaint {
            reference: reference.clone(),
            feedback_id: c.as_ref().and_then(|c| c.feedback_id.clone()),
            complaint_type: c.as_ref().and_then(|c| c.complaint_feedback_type.clone()),
            complaint_sub_type: c.as_ref().and_then(|c| c.complaint_sub_type.clone()),
            timestamp: c.and_then(|c| c.timestamp),
        }
    });
    Ok(SesEvent {
        reference,
        event_type,
        change,
        complaint,
    })
}

fn bounce(bounce: Option<&Bounce>) -> StatusChange {
    let kind = bounce.and_then(|b| b.bounce_type.as_deref());
    let sub = bounce.and_then(|b| b.bounce_sub_type.as_deref());
    match (kind, sub) {
        (Some("Permanent"), sub) => StatusChange {
            status: NotificationStatus::PermanentFailure,
            provider_response: match sub {
                Some("Suppressed") => Some(SUPPRESSED),
                Some("OnAccountSuppressionList") => Some(ON_ACCOUNT_SUPPRESSION_LIST),
                _ => None,
            },
        },
        (_, sub) => StatusChange {
            status: NotificationStatus::TemporaryFailure,
            provider_response: (kind == Some("Transient") && sub == Some("AttachmentRejected"))
                .then_some(ATTACHMENT_REJECTED),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use NotificationStatus::{Delivered, PermanentFailure, TemporaryFailure};

    fn event(json: &str) -> SesEvent {
        parse(json).unwrap()
    }

    fn change(
        status: NotificationStatus,
        provider_response: Option<&'static str>,
    ) -> Option<StatusChange> {
        Some(StatusChange {
            status,
            provider_response,
        })
    }

    #[test]
    fn maps_as_gc_notify_does() {
        let bounce = |kind: &str, sub: &str| {
            event(&format!(
                r#"{{"notificationType":"Bounce","mail":{{"messageId":"m1","destination":["x@y.ca"]}},
                   "bounce":{{"bounceType":"{kind}","bounceSubType":"{sub}","bouncedRecipients":[{{"emailAddress":"x@y.ca"}}]}}}}"#
            ))
            .change
        };
        assert_eq!(
            bounce("Permanent", "General"),
            change(PermanentFailure, None)
        );
        assert_eq!(
            bounce("Permanent", "NoEmail"),
            change(PermanentFailure, None)
        );
        assert_eq!(
            bounce("Permanent", "Suppressed"),
            change(PermanentFailure, Some(SUPPRESSED))
        );
        assert_eq!(
            bounce("Permanent", "OnAccountSuppressionList"),
            change(PermanentFailure, Some(ON_ACCOUNT_SUPPRESSION_LIST))
        );
        assert_eq!(
            bounce("Transient", "MailboxFull"),
            change(TemporaryFailure, None)
        );
        assert_eq!(
            bounce("Transient", "AttachmentRejected"),
            change(TemporaryFailure, Some(ATTACHMENT_REJECTED))
        );
        assert_eq!(
            bounce("Undetermined", "Undetermined"),
            change(TemporaryFailure, None)
        );

        let delivery = event(r#"{"eventType":"Delivery","mail":{"messageId":"m2"},"delivery":{}}"#);
        assert_eq!(delivery.reference, "m2");
        assert_eq!(delivery.change, change(Delivered, None));
        assert_eq!(delivery.complaint, None);

        let send = event(r#"{"eventType":"Send","mail":{"messageId":"m3"}}"#);
        assert_eq!((send.change, send.complaint), (None, None));
    }

    #[test]
    fn complaints_keep_the_status_but_no_address() {
        let complaint = event(
            r#"{"notificationType":"Complaint","mail":{"messageId":"m4","destination":["x@y.ca"]},
               "complaint":{"complainedRecipients":[{"emailAddress":"x@y.ca"}],"feedbackId":"f1",
               "complaintFeedbackType":"abuse","timestamp":"2026-11-22T00:00:00.000Z"}}"#,
        );
        assert_eq!(complaint.change, None);
        let recorded = complaint.complaint.unwrap();
        assert_eq!(recorded.feedback_id.as_deref(), Some("f1"));
        assert_eq!(recorded.complaint_type.as_deref(), Some("abuse"));
        assert!(!format!("{recorded:?}").contains("x@y.ca"));

        let suppressed = event(
            r#"{"notificationType":"Complaint","mail":{"messageId":"m5"},
               "complaint":{"complaintSubType":"OnAccountSuppressionList"}}"#,
        );
        assert_eq!(
            suppressed.change,
            change(PermanentFailure, Some(ON_ACCOUNT_SUPPRESSION_LIST))
        );
        assert!(suppressed.complaint.is_some());
    }

    #[test]
    fn other_json_is_an_error() {
        assert!(parse("{}").is_err());
        assert!(parse(r#"{"eventType":"Delivery"}"#).is_err());
        assert!(parse("not json").is_err());
    }
}
