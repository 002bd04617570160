//! Security keys (WebAuthn credentials) registered by users as their second factor.

use carillon_domain::{SecurityKeyId, UserId};
use time::OffsetDateTime;

use crate::StoreResult;

/// A registered credential. The public key and credential id are not secret (a key shows
/// them to any site that asks); the name the person gave it is sealed like other personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityKeyRecord {
    pub id: SecurityKeyId,
    pub user: UserId,
    /// The authenticator's credential id (at most 1023 bytes), unique across all users.
    pub credential_id: Vec<u8>,
    /// The COSE_Key the authenticator sent at registration.
    pub public_key: Vec<u8>,
    /// The authenticator's signature counter at its last use (0: it keeps none).
    pub sign_count: u32,
    /// What the person called it ("Blue key"), sealed at rest.
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

/// Users' security keys.
#[async_trait::async_trait]
pub trait SecurityKeyStore: Send + Sync {
    /// Stores a new key. `Conflict` when its credential id is already registered.
    async fn add_security_key(&self, key: &SecurityKeyRecord) -> StoreResult<()>;

    /// The user's keys, oldest first.
    async fn security_keys(&self, user: UserId) -> StoreResult<Vec<SecurityKeyRecord>>;

    /// The key with this credential id, whoever's it is.
    async fn security_key_by_credential(
        &self,
        credential_id: &[u8],
    ) -> StoreResult<Option<SecurityKeyRecord>>;

    /// Removes the user's key; whether it existed (another user's key is never removed).
    async fn remove_security_key(&self, user: UserId, id: SecurityKeyId) -> StoreResult<bool>;

    /// Records a use of the key with counter `sign_count`, atomically and only when the
    /// counter moves forward (or both it and the stored one are 0, for keys that keep none),
    /// so one assertion can never be accepted twice. Returns whether it was recorded.
    async fn use_security_key(
        &self,
        id: SecurityKeyId,
        sign_count: u32,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
}
