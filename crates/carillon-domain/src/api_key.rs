//! API keys and their types.

use time::OffsetDateTime;

use crate::ids::{ApiKeyId, ServiceId};

/// The kind of an API key, which decides who can receive and whether messages are real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// "Live": anyone (once the service is live); real delivery.
    Normal,
    /// "Team and safelist": team members and the safelist only; real delivery.
    Team,
    /// "Test": anyone; nothing is delivered; not counted towards limits.
    Test,
}

impl KeyType {
    /// The stored name: `normal`, `team` or `test`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Normal => "normal",
            KeyType::Team => "team",
            KeyType::Test => "test",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "normal" => Some(KeyType::Normal),
            "team" => Some(KeyType::Team),
            "test" => Some(KeyType::Test),
            _ => None,
        }
    }

    /// The name rate-limit errors use: `LIVE`, `TEAM` or `TEST`.
    pub fn rate_limit_name(self) -> &'static str {
        match self {
            KeyType::Normal => "LIVE",
            KeyType::Team => "TEAM",
            KeyType::Test => "TEST",
        }
    }
}

/// One of GC Notify's API key permissions, which open endpoints beyond sending and reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiKeyPermission {
    /// `/v2/manage-template`.
    ManageTemplates,
    /// `/v2/reports`.
    ManageReports,
}

impl ApiKeyPermission {
    /// GC Notify's name: `manage_templates` or `manage_reports`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKeyPermission::ManageTemplates => "manage_templates",
            ApiKeyPermission::ManageReports => "manage_reports",
        }
    }

    /// Parses GC Notify's name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "manage_templates" => Some(ApiKeyPermission::ManageTemplates),
            "manage_reports" => Some(ApiKeyPermission::ManageReports),
            _ => None,
        }
    }
}

/// The permissions a key holds; a key made without any (and every key made before they
/// existed) holds none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ApiKeyPermissions {
    pub manage_templates: bool,
    pub manage_reports: bool,
}

impl ApiKeyPermissions {
    /// Exactly the permissions listed.
    pub fn of(permissions: &[ApiKeyPermission]) -> Self {
        Self {
            manage_templates: permissions.contains(&ApiKeyPermission::ManageTemplates),
            manage_reports: permissions.contains(&ApiKeyPermission::ManageReports),
        }
    }

    pub fn has(self, permission: ApiKeyPermission) -> bool {
        match permission {
            ApiKeyPermission::ManageTemplates => self.manage_templates,
            ApiKeyPermission::ManageReports => self.manage_reports,
        }
    }

    /// The permissions held, in GC Notify's order.
    pub fn list(self) -> Vec<ApiKeyPermission> {
        [
            ApiKeyPermission::ManageTemplates,
            ApiKeyPermission::ManageReports,
        ]
        .into_iter()
        .filter(|p| self.has(*p))
        .collect()
    }
}

/// An API key with its secret in the clear (the store encrypts it at rest).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub service_id: ServiceId,
    pub name: String,
    pub key_type: KeyType,
    /// The 36-character secret (a UUID's text), needed to verify JWT signatures.
    pub secret: String,
    pub permissions: ApiKeyPermissions,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for ApiKey {
    // The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKey")
            .field("id", &self.id)
            .field("service_id", &self.service_id)
            .field("name", &self.name)
            .field("key_type", &self.key_type)
            .field("permissions", &self.permissions)
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

/// What is needed to create an API key.
#[derive(Clone, PartialEq, Eq)]
pub struct NewApiKey {
    pub id: ApiKeyId,
    pub service_id: ServiceId,
    pub name: String,
    pub key_type: KeyType,
    pub secret: String,
    pub permissions: ApiKeyPermissions,
}

impl std::fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("key_type", &self.key_type)
            .field("permissions", &self.permissions)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod permission_tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for p in [
            ApiKeyPermission::ManageTemplates,
            ApiKeyPermission::ManageReports,
        ] {
            assert_eq!(ApiKeyPermission::parse(p.as_str()), Some(p));
        }
        assert_eq!(ApiKeyPermission::parse("Manage_Templates"), None);
        assert_eq!(ApiKeyPermission::parse(""), None);
    }

    #[test]
    fn a_set_holds_exactly_what_it_was_given() {
        let none = ApiKeyPermissions::default();
        assert!(none.list().is_empty());
        let templates = ApiKeyPermissions::of(&[ApiKeyPermission::ManageTemplates]);
        assert!(templates.has(ApiKeyPermission::ManageTemplates));
        assert!(!templates.has(ApiKeyPermission::ManageReports));
        assert_eq!(templates.list(), vec![ApiKeyPermission::ManageTemplates]);
    }
}
