//! Services: a department's sending identity, its permissions and its limits.

use time::OffsetDateTime;

use crate::ids::ServiceId;
use crate::language::Language;
use crate::sending::EmailLocalPart;

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
    pub email_from: EmailLocalPart,
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
    /// The language the service writes in first (the order of bilingual email blocks).
    pub default_language: Language,
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
    pub email_from: EmailLocalPart,
    pub restricted: bool,
}
