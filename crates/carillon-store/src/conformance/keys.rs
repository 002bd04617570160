//! Checks for API keys.

use carillon_domain::{
    ApiKey, ApiKeyId, ApiKeyPermission, ApiKeyPermissions, KeyType, NewApiKey, Service, ServiceId,
};
use time::OffsetDateTime;

use super::fixtures::{at, micros, service};
use crate::{Store, StoreError};

async fn key(
    store: &dyn Store,
    service: &Service,
    key_type: KeyType,
    now: OffsetDateTime,
) -> ApiKey {
    let id = ApiKeyId::new();
    let new = NewApiKey {
        permissions: ApiKeyPermissions::default(),
        id,
        service_id: service.id,
        name: format!("{} key", key_type.as_str()),
        key_type,
        // A UUID's text, like real secrets.
        secret: ApiKeyId::new().to_string(),
    };
    let created = store.create_api_key(&new, now).await.unwrap();
    assert_eq!(created.id, id);
    assert_eq!(created.secret, new.secret);
    assert_eq!(created.created_at, micros(now));
    assert_eq!((created.revoked_at, created.last_used_at), (None, None));
    created
}

/// A service's keys are listed oldest first, revoked ones included; other services' are not.
pub async fn api_keys_listed_revoked_included(store: &dyn Store) {
    let ours = service(store, "Keys").await;
    let theirs = service(store, "Other keys").await;
    let mut first = key(store, &ours, KeyType::Normal, at(1)).await;
    let second = key(store, &ours, KeyType::Test, at(2)).await;
    key(store, &theirs, KeyType::Team, at(3)).await;
    store
        .revoke_api_key(ours.id, first.id, at(4))
        .await
        .unwrap();
    first.revoked_at = Some(at(4));
    assert_eq!(store.api_keys(ours.id).await.unwrap(), [first, second]);
    assert_eq!(store.api_keys(ServiceId::new()).await.unwrap(), []);
}

/// The secret finds its key, revoked or not; any other secret finds nothing.
pub async fn api_keys_found_by_secret(store: &dyn Store) {
    let ours = service(store, "Secrets").await;
    let live = key(store, &ours, KeyType::Normal, at(1)).await;
    let mut revoked = key(store, &ours, KeyType::Team, at(2)).await;
    store
        .revoke_api_key(ours.id, revoked.id, at(3))
        .await
        .unwrap();
    revoked.revoked_at = Some(at(3));

    assert_eq!(
        store.api_key_by_secret(&live.secret).await.unwrap(),
        Some(live.clone())
    );
    assert_eq!(
        store.api_key_by_secret(&revoked.secret).await.unwrap(),
        Some(revoked)
    );
    let wrong = ApiKeyId::new().to_string();
    assert_eq!(store.api_key_by_secret(&wrong).await.unwrap(), None);
    assert_eq!(store.api_key_by_secret("").await.unwrap(), None);
    let upper = live.secret.to_uppercase();
    assert_eq!(store.api_key_by_secret(&upper).await.unwrap(), None);
}

/// Revoking stamps the key once; a key of another service, or none, is not found.
pub async fn api_keys_revoke(store: &dyn Store) {
    let ours = service(store, "Revoke").await;
    let theirs = service(store, "Revoke other").await;
    let key = key(store, &ours, KeyType::Normal, at(1)).await;

    let result = store.revoke_api_key(theirs.id, key.id, at(2)).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
    let result = store.revoke_api_key(ours.id, ApiKeyId::new(), at(2)).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
    assert_eq!(store.api_keys(ours.id).await.unwrap()[0].revoked_at, None);

    store.revoke_api_key(ours.id, key.id, at(3)).await.unwrap();
    store.revoke_api_key(ours.id, key.id, at(5)).await.unwrap();
    assert_eq!(
        store.api_keys(ours.id).await.unwrap()[0].revoked_at,
        Some(at(3))
    );
}

/// The last use is recorded and never goes back in time.
pub async fn api_keys_record_use(store: &dyn Store) {
    let ours = service(store, "Use").await;
    let key = key(store, &ours, KeyType::Normal, at(1)).await;
    store.record_api_key_use(key.id, at(10)).await.unwrap();
    assert_eq!(
        store.api_keys(ours.id).await.unwrap()[0].last_used_at,
        Some(at(10))
    );
    store.record_api_key_use(key.id, at(5)).await.unwrap();
    assert_eq!(
        store.api_keys(ours.id).await.unwrap()[0].last_used_at,
        Some(at(10))
    );
    store.record_api_key_use(key.id, at(20)).await.unwrap();
    let read = store.api_key_by_secret(&key.secret).await.unwrap().unwrap();
    assert_eq!(read.last_used_at, Some(at(20)));
    let result = store.record_api_key_use(ApiKeyId::new(), at(30)).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// Two keys cannot share a secret.
pub async fn api_keys_duplicate_secret_conflicts(store: &dyn Store) {
    let ours = service(store, "Duplicate").await;
    let first = key(store, &ours, KeyType::Normal, at(1)).await;
    let copy = NewApiKey {
        permissions: ApiKeyPermissions::default(),
        id: ApiKeyId::new(),
        service_id: ours.id,
        name: "copy".to_owned(),
        key_type: KeyType::Normal,
        secret: first.secret.clone(),
    };
    let result = store.create_api_key(&copy, at(2)).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(store.api_keys(ours.id).await.unwrap(), [first]);
}

/// A key's permissions read back as created, by listing and by secret; a key made without any
/// has none.
pub async fn api_keys_keep_their_permissions(store: &dyn Store) {
    let ours = service(store, "Key permissions").await;
    let plain = key(store, &ours, KeyType::Normal, at(1)).await;
    assert_eq!(plain.permissions, ApiKeyPermissions::default());
    for (n, permissions) in [
        vec![ApiKeyPermission::ManageTemplates],
        vec![ApiKeyPermission::ManageReports],
        vec![
            ApiKeyPermission::ManageTemplates,
            ApiKeyPermission::ManageReports,
        ],
    ]
    .into_iter()
    .enumerate()
    {
        let permissions = ApiKeyPermissions::of(&permissions);
        let new = NewApiKey {
            id: ApiKeyId::new(),
            service_id: ours.id,
            name: format!("key {n}"),
            key_type: KeyType::Team,
            secret: ApiKeyId::new().to_string(),
            permissions,
        };
        let created = store.create_api_key(&new, at(2)).await.unwrap();
        assert_eq!(created.permissions, permissions);
        let found = store.api_key_by_secret(&new.secret).await.unwrap().unwrap();
        assert_eq!(found.permissions, permissions);
    }
    let listed: Vec<ApiKeyPermissions> = store
        .api_keys(ours.id)
        .await
        .unwrap()
        .iter()
        .map(|k| k.permissions)
        .collect();
    assert_eq!(listed.len(), 4);
    assert_eq!(listed[0], ApiKeyPermissions::default());
}
