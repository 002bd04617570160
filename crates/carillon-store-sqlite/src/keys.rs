//! API keys: the secret is sealed at rest and found again through its keyed lookup hash.

use carillon_domain::{ApiKey, ApiKeyId, ApiKeyPermissions, NewApiKey, ServiceId};
use carillon_store::{StoreError, StoreResult};
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use crate::SqliteStore;
use crate::codec::{from_micros, key_type, micros, open_text, opt_from_micros, truncate};
use crate::error::{col, db_err};

const COLUMNS: &str = "id, service_id, name, key_type, secret, created_at, revoked_at, last_used_at, \
    manage_templates, manage_reports";

pub(crate) async fn create(
    store: &SqliteStore,
    new: &NewApiKey,
    now: OffsetDateTime,
) -> StoreResult<ApiKey> {
    let key = ApiKey {
        id: new.id,
        service_id: new.service_id,
        name: new.name.clone(),
        key_type: new.key_type,
        secret: new.secret.clone(),
        permissions: new.permissions,
        created_at: truncate(now),
        revoked_at: None,
        last_used_at: None,
    };
    sqlx::query(
        "INSERT INTO api_keys (id, service_id, name, key_type, secret, secret_hash, created_at, \
         manage_templates, manage_reports) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(key.id.as_uuid())
    .bind(key.service_id.as_uuid())
    .bind(&key.name)
    .bind(key.key_type.as_str())
    .bind(store.cipher.encrypt(key.secret.as_bytes()))
    .bind(store.cipher.lookup_hash(&key.secret).as_slice())
    .bind(micros(key.created_at))
    .bind(key.permissions.manage_templates)
    .bind(key.permissions.manage_reports)
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    Ok(key)
}

pub(crate) async fn of_service(
    store: &SqliteStore,
    service: ServiceId,
) -> StoreResult<Vec<ApiKey>> {
    let sql =
        format!("SELECT {COLUMNS} FROM api_keys WHERE service_id = ? ORDER BY created_at, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(service.as_uuid())
        .fetch_all(&store.readers)
        .await
        .map_err(db_err)?;
    rows.iter().map(|row| decode(store, row)).collect()
}

pub(crate) async fn by_secret(store: &SqliteStore, secret: &str) -> StoreResult<Option<ApiKey>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE secret_hash = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(store.cipher.lookup_hash(secret).as_slice())
        .fetch_optional(&store.readers)
        .await
        .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    let key = decode(store, &row)?;
    // The hash finds the row; only the secret itself proves it is this key's.
    Ok((key.secret == secret).then_some(key))
}

/// Revoking twice keeps the first revocation time.
pub(crate) async fn revoke(
    store: &SqliteStore,
    service: ServiceId,
    id: ApiKeyId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND service_id = ?",
    )
    .bind(micros(now))
    .bind(id.as_uuid())
    .bind(service.as_uuid())
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Keeps the latest time, so uses recorded out of order by several tasks do not go back.
pub(crate) async fn record_use(
    store: &SqliteStore,
    id: ApiKeyId,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE api_keys SET last_used_at = MAX(COALESCE(last_used_at, ?1), ?1) WHERE id = ?2",
    )
    .bind(micros(now))
    .bind(id.as_uuid())
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn decode(store: &SqliteStore, row: &SqliteRow) -> StoreResult<ApiKey> {
    let sealed: Vec<u8> = col(row, "secret")?;
    Ok(ApiKey {
        id: ApiKeyId::from_uuid(col(row, "id")?),
        service_id: ServiceId::from_uuid(col(row, "service_id")?),
        name: col(row, "name")?,
        key_type: key_type(col(row, "key_type")?)?,
        secret: open_text(&store.cipher, &sealed)?,
        permissions: ApiKeyPermissions {
            manage_templates: col(row, "manage_templates")?,
            manage_reports: col(row, "manage_reports")?,
        },
        created_at: from_micros(col(row, "created_at")?)?,
        revoked_at: opt_from_micros(col(row, "revoked_at")?)?,
        last_used_at: opt_from_micros(col(row, "last_used_at")?)?,
    })
}

#[async_trait::async_trait]
impl carillon_store::KeyStore for SqliteStore {
    async fn create_api_key(&self, key: &NewApiKey, now: OffsetDateTime) -> StoreResult<ApiKey> {
        create(self, key, now).await
    }

    async fn api_keys(&self, service: ServiceId) -> StoreResult<Vec<ApiKey>> {
        of_service(self, service).await
    }

    async fn api_key_by_secret(&self, secret: &str) -> StoreResult<Option<ApiKey>> {
        by_secret(self, secret).await
    }

    async fn revoke_api_key(
        &self,
        service: ServiceId,
        id: ApiKeyId,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        revoke(self, service, id, now).await
    }

    async fn record_api_key_use(&self, id: ApiKeyId, now: OffsetDateTime) -> StoreResult<()> {
        record_use(self, id, now).await
    }
}
