//! Services: create with GC Notify's trial defaults, read, list, update.

use carillon_domain::{Language, NewService, Permission, Service, ServiceId};
use carillon_store::{StoreError, StoreResult};
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use crate::SqliteStore;
use crate::codec::{
    count, email_from, from_micros, micros, parse_permissions, permissions, to_i64, truncate,
};
use crate::error::{col, db_err};

pub(crate) const COLUMNS: &str = "id, name, email_from, active, restricted, research_mode, prefix_sms, \
    permissions, rate_limit, email_daily_limit, sms_daily_limit, email_annual_limit, \
    sms_annual_limit, retention_days, default_language_french, created_at";

/// A new service with GC Notify's defaults for a service in trial mode.
fn with_defaults(new: &NewService, now: OffsetDateTime) -> Service {
    Service {
        id: new.id,
        name: new.name.clone(),
        email_from: new.email_from.clone(),
        active: true,
        restricted: new.restricted,
        research_mode: false,
        prefix_sms: true,
        permissions: vec![
            Permission::Email,
            Permission::Sms,
            Permission::InternationalSms,
        ],
        rate_limit: 1_000,
        email_daily_limit: 50,
        sms_daily_limit: 50,
        email_annual_limit: 20_000_000,
        sms_annual_limit: 100_000,
        retention_days: 7,
        default_language: Language::English,
        created_at: truncate(now),
    }
}

pub(crate) async fn create(
    store: &SqliteStore,
    new: &NewService,
    now: OffsetDateTime,
) -> StoreResult<Service> {
    let service = with_defaults(new, now);
    sqlx::query(
        "INSERT INTO services (id, name, email_from, active, restricted, research_mode, \
         prefix_sms, permissions, rate_limit, email_daily_limit, sms_daily_limit, \
         email_annual_limit, sms_annual_limit, retention_days, default_language_french, \
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(service.id.as_uuid())
    .bind(&service.name)
    .bind(service.email_from.as_str())
    .bind(service.active)
    .bind(service.restricted)
    .bind(service.research_mode)
    .bind(service.prefix_sms)
    .bind(permissions(&service.permissions))
    .bind(i64::from(service.rate_limit))
    .bind(i64::from(service.email_daily_limit))
    .bind(i64::from(service.sms_daily_limit))
    .bind(to_i64(service.email_annual_limit, "email_annual_limit")?)
    .bind(to_i64(service.sms_annual_limit, "sms_annual_limit")?)
    .bind(i64::from(service.retention_days))
    .bind(service.default_language.is_french())
    .bind(micros(service.created_at))
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    Ok(service)
}

pub(crate) async fn get(store: &SqliteStore, id: ServiceId) -> StoreResult<Option<Service>> {
    let sql = format!("SELECT {COLUMNS} FROM services WHERE id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .fetch_optional(&store.readers)
        .await
        .map_err(db_err)?;
    row.as_ref().map(decode).transpose()
}

pub(crate) async fn all(store: &SqliteStore) -> StoreResult<Vec<Service>> {
    let sql = format!("SELECT {COLUMNS} FROM services ORDER BY created_at, name");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&store.readers)
        .await
        .map_err(db_err)?;
    rows.iter().map(decode).collect()
}

pub(crate) async fn update(store: &SqliteStore, service: &Service) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE services SET name = ?, email_from = ?, active = ?, restricted = ?, \
         research_mode = ?, prefix_sms = ?, permissions = ?, rate_limit = ?, \
         email_daily_limit = ?, sms_daily_limit = ?, email_annual_limit = ?, \
         sms_annual_limit = ?, retention_days = ?, default_language_french = ? WHERE id = ?",
    )
    .bind(&service.name)
    .bind(service.email_from.as_str())
    .bind(service.active)
    .bind(service.restricted)
    .bind(service.research_mode)
    .bind(service.prefix_sms)
    .bind(permissions(&service.permissions))
    .bind(i64::from(service.rate_limit))
    .bind(i64::from(service.email_daily_limit))
    .bind(i64::from(service.sms_daily_limit))
    .bind(to_i64(service.email_annual_limit, "email_annual_limit")?)
    .bind(to_i64(service.sms_annual_limit, "sms_annual_limit")?)
    .bind(i64::from(service.retention_days))
    .bind(service.default_language.is_french())
    .bind(service.id.as_uuid())
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) fn decode(row: &SqliteRow) -> StoreResult<Service> {
    Ok(Service {
        id: ServiceId::from_uuid(col(row, "id")?),
        name: col(row, "name")?,
        email_from: email_from(&col::<String>(row, "email_from")?)?,
        active: col(row, "active")?,
        restricted: col(row, "restricted")?,
        research_mode: col(row, "research_mode")?,
        prefix_sms: col(row, "prefix_sms")?,
        permissions: parse_permissions(col(row, "permissions")?)?,
        rate_limit: count(col(row, "rate_limit")?, "rate_limit")?,
        email_daily_limit: count(col(row, "email_daily_limit")?, "email_daily_limit")?,
        sms_daily_limit: count(col(row, "sms_daily_limit")?, "sms_daily_limit")?,
        email_annual_limit: count(col(row, "email_annual_limit")?, "email_annual_limit")?,
        sms_annual_limit: count(col(row, "sms_annual_limit")?, "sms_annual_limit")?,
        retention_days: count(col(row, "retention_days")?, "retention_days")?,
        default_language: Language::from_french_flag(col(row, "default_language_french")?),
        created_at: from_micros(col(row, "created_at")?)?,
    })
}

#[async_trait::async_trait]
impl carillon_store::ServiceStore for SqliteStore {
    async fn create_service(
        &self,
        service: &NewService,
        now: OffsetDateTime,
    ) -> StoreResult<Service> {
        create(self, service, now).await
    }

    async fn service(&self, id: ServiceId) -> StoreResult<Option<Service>> {
        get(self, id).await
    }

    async fn services(&self) -> StoreResult<Vec<Service>> {
        all(self).await
    }

    async fn update_service(&self, service: &Service) -> StoreResult<()> {
        update(self, service).await
    }
}
