//! Services: create with GC Notify's trial defaults, read, list, update.

use carillon_domain::{Language, NewService, Permission, Service, ServiceId};
use carillon_store::{StoreError, StoreResult};
use sqlx::postgres::PgRow;
use time::OffsetDateTime;

use crate::PgStore;
use crate::codec::{count, email_from, parse_permissions, permissions, to_int, truncate};
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
    store: &PgStore,
    new: &NewService,
    now: OffsetDateTime,
) -> StoreResult<Service> {
    let service = with_defaults(new, now);
    sqlx::query(
        "INSERT INTO services (id, name, email_from, active, restricted, research_mode, \
         prefix_sms, permissions, rate_limit, email_daily_limit, sms_daily_limit, \
         email_annual_limit, sms_annual_limit, retention_days, default_language_french, \
         created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
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
    .bind(to_int::<i64, _>(
        service.email_annual_limit,
        "email_annual_limit",
    )?)
    .bind(to_int::<i64, _>(
        service.sms_annual_limit,
        "sms_annual_limit",
    )?)
    .bind(i32::from(service.retention_days))
    .bind(service.default_language.is_french())
    .bind(service.created_at)
    .execute(&store.pool)
    .await
    .map_err(db_err)?;
    Ok(service)
}

pub(crate) async fn get(store: &PgStore, id: ServiceId) -> StoreResult<Option<Service>> {
    let sql = format!("SELECT {COLUMNS} FROM services WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .fetch_optional(&store.pool)
        .await
        .map_err(db_err)?;
    row.as_ref().map(decode).transpose()
}

pub(crate) async fn all(store: &PgStore) -> StoreResult<Vec<Service>> {
    let sql = format!("SELECT {COLUMNS} FROM services ORDER BY created_at, name");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&store.pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(decode).collect()
}

pub(crate) async fn update(store: &PgStore, service: &Service) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE services SET name = $1, email_from = $2, active = $3, restricted = $4, \
         research_mode = $5, prefix_sms = $6, permissions = $7, rate_limit = $8, \
         email_daily_limit = $9, sms_daily_limit = $10, email_annual_limit = $11, \
         sms_annual_limit = $12, retention_days = $13, default_language_french = $14 \
         WHERE id = $15",
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
    .bind(to_int::<i64, _>(
        service.email_annual_limit,
        "email_annual_limit",
    )?)
    .bind(to_int::<i64, _>(
        service.sms_annual_limit,
        "sms_annual_limit",
    )?)
    .bind(i32::from(service.retention_days))
    .bind(service.default_language.is_french())
    .bind(service.id.as_uuid())
    .execute(&store.pool)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) fn decode(row: &PgRow) -> StoreResult<Service> {
    let permissions: Vec<String> = col(row, "permissions")?;
    Ok(Service {
        id: ServiceId::from_uuid(col(row, "id")?),
        name: col(row, "name")?,
        email_from: email_from(&col::<String>(row, "email_from")?)?,
        active: col(row, "active")?,
        restricted: col(row, "restricted")?,
        research_mode: col(row, "research_mode")?,
        prefix_sms: col(row, "prefix_sms")?,
        permissions: parse_permissions(&permissions)?,
        rate_limit: count(col::<i64>(row, "rate_limit")?, "rate_limit")?,
        email_daily_limit: count(col::<i64>(row, "email_daily_limit")?, "email_daily_limit")?,
        sms_daily_limit: count(col::<i64>(row, "sms_daily_limit")?, "sms_daily_limit")?,
        email_annual_limit: count(col::<i64>(row, "email_annual_limit")?, "email_annual_limit")?,
        sms_annual_limit: count(col::<i64>(row, "sms_annual_limit")?, "sms_annual_limit")?,
        retention_days: count(col::<i32>(row, "retention_days")?, "retention_days")?,
        default_language: Language::from_french_flag(col(row, "default_language_french")?),
        created_at: col(row, "created_at")?,
    })
}

#[async_trait::async_trait]
impl carillon_store::ServiceStore for PgStore {
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
