//! API keys: create (the full key is returned once and never again), list, revoke.

use carillon_crypto::api_key;
use carillon_domain::{ApiKey, ApiKeyId, ApiKeyPermissions, KeyType, NewApiKey, ServiceId};
use carillon_store::StoreError;
use thiserror::Error;

use crate::App;
use crate::services::ServiceError;

/// GC Notify's longest key name.
const MAX_NAME_CHARS: usize = 255;

/// Why a key use case failed.
#[derive(Debug, Error)]
pub enum KeyError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("a key name must not be empty or longer than 255 characters")]
    InvalidName,
    /// GC Notify: names are unique among a service's keys that are not revoked.
    #[error("the service already has a key named {0:?} that is not revoked")]
    DuplicateName(String),
    #[error("the service has no key {0}")]
    NotFound(ApiKeyId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A key just created, with the only copy of its full text.
#[derive(Debug)]
pub struct CreatedKey {
    pub key: ApiKey,
    /// `gcntfy-<name>-<service id>-<secret>`: what clients are given. Not kept anywhere.
    pub full_key: String,
}

impl App {
    /// Creates a key with a fresh secret and no permissions beyond sending and reading.
    pub async fn create_api_key(
        &self,
        service: ServiceId,
        name: &str,
        key_type: KeyType,
    ) -> Result<CreatedKey, KeyError> {
        self.create_api_key_with(service, name, key_type, ApiKeyPermissions::default())
            .await
    }

    /// Creates a key with a fresh secret and GC Notify's extra `permissions` (managing
    /// templates, reports), which are set now and never changed.
    pub async fn create_api_key_with(
        &self,
        service: ServiceId,
        name: &str,
        key_type: KeyType,
        permissions: ApiKeyPermissions,
    ) -> Result<CreatedKey, KeyError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(KeyError::InvalidName);
        }
        self.service(service).await?;
        let keys = self.store().api_keys(service).await?;
        if keys
            .iter()
            .any(|k| k.revoked_at.is_none() && k.name == name)
        {
            return Err(KeyError::DuplicateName(name.to_owned()));
        }
        let new = NewApiKey {
            permissions,
            id: ApiKeyId::new(),
            service_id: service,
            name: name.to_owned(),
            key_type,
            secret: api_key::generate_secret(),
        };
        let key = self
            .store()
            .create_api_key(&new, self.clock().now())
            .await?;
        let full_key = api_key::format_key(&key.name, &service.to_string(), &key.secret);
        Ok(CreatedKey { key, full_key })
    }

    /// The service's keys, revoked ones included.
    pub async fn api_keys(&self, service: ServiceId) -> Result<Vec<ApiKey>, KeyError> {
        self.service(service).await?;
        Ok(self.store().api_keys(service).await?)
    }

    /// Revokes a key: it stops working at once, and stays listed as revoked.
    pub async fn revoke_api_key(&self, service: ServiceId, id: ApiKeyId) -> Result<(), KeyError> {
        self.service(service).await?;
        match self
            .store()
            .revoke_api_key(service, id, self.clock().now())
            .await
        {
            Err(StoreError::NotFound) => Err(KeyError::NotFound(id)),
            other => Ok(other?),
        }
    }
}
