//! Outcomes for messages that are never sent: test keys and research mode. GC Notify's magic
//! recipients choose the outcome, so integrations can test their failure handling.

use carillon_domain::{Notification, NotificationStatus, NotificationType};

/// The status a test-key notification ends in.
pub(crate) fn outcome(notification: &Notification) -> NotificationStatus {
    let to = notification.normalised_to.as_str();
    match notification.kind {
        NotificationType::Email => match to {
            "temp-fail@simulator.notify" => NotificationStatus::TemporaryFailure,
            "perm-fail@simulator.notify" => NotificationStatus::PermanentFailure,
            _ => NotificationStatus::Delivered,
        },
        NotificationType::Sms => {
            if to.ends_with("15149301633") {
                NotificationStatus::TemporaryFailure
            } else if to.ends_with("15149301632") {
                NotificationStatus::PermanentFailure
            } else {
                NotificationStatus::Delivered
            }
        }
    }
}
