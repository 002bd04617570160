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

/// An API key with its secret in the clear (the store encrypts it at rest).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub service_id: ServiceId,
    pub name: String,
    pub key_type: KeyType,
    /// The 36-character secret (a UUID's text), needed to verify JWT signatures.
    pub secret: String,
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
}

impl std::fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("key_type", &self.key_type)
            .finish_non_exhaustive()
    }
}
