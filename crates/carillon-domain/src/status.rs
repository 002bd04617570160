//! Channels and the notification status model, with GC Notify's names and English labels.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotificationType {
    /// Email.
    Email,
    /// Text message.
    Sms,
}

impl NotificationType {
    /// The wire name: `email` or `sms`.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationType::Email => "email",
            NotificationType::Sms => "sms",
        }
    }

    /// Parses the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email" => Some(NotificationType::Email),
            "sms" => Some(NotificationType::Sms),
            _ => None,
        }
    }
}

impl fmt::Display for NotificationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name that GC Notify does not have.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown notification status {0}")]
pub struct UnknownStatus(pub String);

macro_rules! statuses {
    ($($variant:ident = $name:literal, $email:literal, $sms:literal;)*) => {
        /// Where a notification is in its life (GC Notify's status names).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum NotificationStatus { $(#[doc = $name] $variant,)* }

        impl NotificationStatus {
            /// Every status, in GC Notify's order.
            pub const ALL: &'static [NotificationStatus] = &[$(NotificationStatus::$variant,)*];

            /// The wire name, e.g. `permanent-failure`.
            pub fn as_str(self) -> &'static str {
                match self { $(NotificationStatus::$variant => $name,)* }
            }

            /// GC Notify's English label (`status_description`) for this channel.
            pub fn description(self, kind: NotificationType) -> &'static str {
                match (self, kind) {
                    $(
                        (NotificationStatus::$variant, NotificationType::Email) => $email,
                        (NotificationStatus::$variant, NotificationType::Sms) => $sms,
                    )*
                }
            }
        }

        impl FromStr for NotificationStatus {
            type Err = UnknownStatus;

            fn from_str(text: &str) -> Result<Self, UnknownStatus> {
                match text {
                    $($name => Ok(NotificationStatus::$variant),)*
                    other => Err(UnknownStatus(other.to_owned())),
                }
            }
        }
    };
}

statuses! {
    Created = "created", "In transit", "In transit";
    Sending = "sending", "In transit", "In transit";
    Sent = "sent", "Delivered", "Sent";
    Pending = "pending", "In transit", "In transit";
    Delivered = "delivered", "Delivered", "Delivered";
    PermanentFailure = "permanent-failure", "No such address", "No such number";
    TemporaryFailure = "temporary-failure", "Content or inbox issue", "Carrier issue";
    TechnicalFailure = "technical-failure", "Tech issue", "Tech issue";
    ProviderFailure = "provider-failure", "No such address", "No such number";
    VirusScanFailed = "virus-scan-failed", "Attachment has virus", "Attachment has virus";
    PiiCheckFailed = "pii-check-failed", "Exceeds Protected A", "Exceeds Protected A";
    PendingVirusCheck = "pending-virus-check", "In transit", "In transit";
    Failed = "failed", "Failed", "Failed";
    Cancelled = "cancelled", "Cancelled", "Cancelled";
    ValidationFailed = "validation-failed", "Validation failed", "Validation failed";
}

impl NotificationStatus {
    /// What the `failed` filter of `GET /v2/notifications` stands for.
    pub const FAILURES: &'static [NotificationStatus] = &[
        NotificationStatus::Failed,
        NotificationStatus::TechnicalFailure,
        NotificationStatus::TemporaryFailure,
        NotificationStatus::PermanentFailure,
        NotificationStatus::ProviderFailure,
        NotificationStatus::VirusScanFailed,
        NotificationStatus::PiiCheckFailed,
        NotificationStatus::ValidationFailed,
    ];

    /// Whether the notification has reached a final state, which sets `completed_at`.
    pub fn is_completed(self) -> bool {
        !matches!(
            self,
            NotificationStatus::Created
                | NotificationStatus::Sending
                | NotificationStatus::Pending
                | NotificationStatus::PendingVirusCheck
        )
    }
}

/// The groups the sent-messages page filters by, as GC Notify's admin groups statuses: still
/// on its way, delivered, or failed. (`cancelled` belongs to none, as in GC Notify.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusGroup {
    /// Not yet finished: `created`, `sending`, `pending`, `pending-virus-check`.
    Sending,
    /// `delivered`, and `sent` (GC Notify counts a text handed to the carrier as delivered).
    Delivered,
    /// Every failure status ([`NotificationStatus::FAILURES`]).
    Failed,
}

impl StatusGroup {
    /// Every group, in the page's order.
    pub const ALL: [StatusGroup; 3] = [
        StatusGroup::Sending,
        StatusGroup::Delivered,
        StatusGroup::Failed,
    ];

    /// The statuses in the group.
    pub fn statuses(self) -> &'static [NotificationStatus] {
        match self {
            StatusGroup::Sending => &[
                NotificationStatus::Created,
                NotificationStatus::Sending,
                NotificationStatus::Pending,
                NotificationStatus::PendingVirusCheck,
            ],
            StatusGroup::Delivered => &[NotificationStatus::Delivered, NotificationStatus::Sent],
            StatusGroup::Failed => NotificationStatus::FAILURES,
        }
    }

    /// The name the page's links use: `sending`, `delivered` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusGroup::Sending => "sending",
            StatusGroup::Delivered => "delivered",
            StatusGroup::Failed => "failed",
        }
    }

    /// Parses [`StatusGroup::as_str`]'s names.
    pub fn parse(text: &str) -> Option<Self> {
        StatusGroup::ALL
            .into_iter()
            .find(|group| group.as_str() == text)
    }

    /// The group `status` belongs to, if any.
    pub fn of(status: NotificationStatus) -> Option<Self> {
        StatusGroup::ALL
            .into_iter()
            .find(|group| group.statuses().contains(&status))
    }
}

impl fmt::Display for NotificationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for status in NotificationStatus::ALL {
            assert_eq!(status.as_str().parse::<NotificationStatus>(), Ok(*status));
        }
        assert!("bogus".parse::<NotificationStatus>().is_err());
    }

    #[test]
    fn groups_are_disjoint_and_leave_out_only_cancelled() {
        for status in NotificationStatus::ALL {
            let groups = StatusGroup::ALL
                .iter()
                .filter(|group| group.statuses().contains(status))
                .count();
            let expected = usize::from(*status != NotificationStatus::Cancelled);
            assert_eq!(groups, expected, "{status}");
        }
        assert_eq!(
            StatusGroup::of(NotificationStatus::Sent),
            Some(StatusGroup::Delivered)
        );
        for group in StatusGroup::ALL {
            assert_eq!(StatusGroup::parse(group.as_str()), Some(group));
        }
        assert_eq!(StatusGroup::parse("total"), None);
    }

    #[test]
    fn labels_depend_on_channel() {
        let sent = NotificationStatus::Sent;
        assert_eq!(sent.description(NotificationType::Email), "Delivered");
        assert_eq!(sent.description(NotificationType::Sms), "Sent");
        assert_eq!(
            NotificationStatus::PermanentFailure.description(NotificationType::Sms),
            "No such number"
        );
    }
}
