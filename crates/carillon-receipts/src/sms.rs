//! SNS SMS delivery statuses (the JSON SNS writes to its delivery-status logs, forwarded in an
//! SNS notification's `Message`) → statuses, as GC Notify maps them
//! (`process_sns_receipts_tasks.py`): SUCCESS → delivered; otherwise by `providerResponse`,
//! and anything unknown → permanent-failure.

use carillon_domain::NotificationStatus;
use serde::Deserialize;

/// What an SNS SMS delivery status says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SmsStatus {
    /// The SNS message id.
    pub(crate) reference: String,
    pub(crate) status: NotificationStatus,
    pub(crate) provider_response: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Wire {
    notification: WireNotification,
    status: String,
    delivery: Option<Delivery>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireNotification {
    message_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    provider_response: Option<String>,
}

/// Parses a delivery status.
///
/// # Errors
/// A message that is not an SNS SMS delivery status.
pub(crate) fn parse(message: &str) -> Result<SmsStatus, String> {
    let wire: Wire = serde_json::from_str(message)
        .map_err(|e| format!("not an SNS SMS delivery status: {e}"))?;
    let provider_response = wire.delivery.and_then(|d| d.provider_response);
    let status = status(
        &wire.status,
        provider_response.as_deref().unwrap_or_default(),
    );
    Ok(SmsStatus {
        reference: wire.notification.message_id,
        status,
        provider_response,
    })
}

fn status(sns_status: &str, provider_response: &str) -> NotificationStatus {
    use NotificationStatus::{Delivered, PermanentFailure, TechnicalFailure, TemporaryFailure};
    if sns_status == "SUCCESS" {
        return Delivered;
    }
    match provider_response {
        "Phone carrier has blocked this message"
        | "Phone carrier is currently unreachable/unavailable"
        | "Phone has blocked SMS"
        | "Phone is on a blocked list"
        | "This delivery would exceed max price" => TemporaryFailure,
        "Phone number is opted out" => TechnicalFailure,
        other if other.contains("is opted out") => TechnicalFailure,
        // "Blocked as spam by phone carrier", "Destination is on a blocked list", "Invalid
        // phone number", "Message body is invalid", "Phone is currently
        // unreachable/unavailable", "Unknown error attempting to reach phone", "Unhandled
        // provider", and anything unknown.
        _ => PermanentFailure,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use NotificationStatus::{Delivered, PermanentFailure, TechnicalFailure, TemporaryFailure};

    fn parsed(status: &str, response: &str) -> SmsStatus {
        parse(&format!(
            r#"{{"notification":{{"messageId":"s1","timestamp":"2026-11-22 00:00:00.000"}},
               "delivery":{{"destination":"+16135550123","providerResponse":"{response}"}},
               "status":"{status}"}}"#
        ))
        .unwrap()
    }

    #[test]
    fn maps_as_gc_notify_does() {
        let ok = parsed("SUCCESS", "Message has been accepted by phone carrier");
        assert_eq!(ok.reference, "s1");
        assert_eq!(ok.status, Delivered);
        assert_eq!(
            ok.provider_response.as_deref(),
            Some("Message has been accepted by phone carrier")
        );
        for (response, expected) in [
            ("Blocked as spam by phone carrier", PermanentFailure),
            ("Destination is on a blocked list", PermanentFailure),
            ("Invalid phone number", PermanentFailure),
            ("Message body is invalid", PermanentFailure),
            ("Phone carrier has blocked this message", TemporaryFailure),
            (
                "Phone carrier is currently unreachable/unavailable",
                TemporaryFailure,
            ),
            ("Phone has blocked SMS", TemporaryFailure),
            ("Phone is on a blocked list", TemporaryFailure),
            (
                "Phone is currently unreachable/unavailable",
                PermanentFailure,
            ),
            ("Phone number is opted out", TechnicalFailure),
            ("This delivery would exceed max price", TemporaryFailure),
            ("Unknown error attempting to reach phone", PermanentFailure),
            ("Unhandled provider", PermanentFailure),
            ("Something new", PermanentFailure),
        ] {
            assert_eq!(parsed("FAILURE", response).status, expected, "{response}");
        }
    }

    #[test]
    fn other_json_is_an_error() {
        assert!(parse(r#"{"status":"SUCCESS"}"#).is_err());
        assert!(parse("[]").is_err());
    }
}
