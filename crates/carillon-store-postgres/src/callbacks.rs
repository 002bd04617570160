//! Service callbacks and complaints. Notices are queued by the triggers of migration 0004.

use carillon_domain::{NotificationId, ServiceId};
use carillon_store::support::parse_callback_kind;
use carillon_store::{
    BearerToken, CallbackConfig, CallbackKind, Complaint, NewComplaint, StoreError, StoreResult,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::{open_text, truncate};
use crate::error::{col, db_err};
use carillon_store::{CallbackResult, DueCallback};

pub(crate) async fn set(store: &PgStore, config: &CallbackConfig) -> StoreResult<()> {
    let sealed = store
        .cipher
        .encrypt(config.bearer_token.expose().as_bytes());
    let at = truncate(config.updated_at);
    sqlx::query(
        "INSERT INTO service_callbacks (service_id, kind, url, bearer_token, suspended, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) \
         ON CONFLICT (service_id, kind) DO UPDATE SET url = excluded.url, \
             bearer_token = excluded.bearer_token, suspended = excluded.suspended, \
             updated_at = excluded.updated_at",
    )
    .bind(config.service_id.as_uuid())
    .bind(config.kind.as_str())
    .bind(&config.url)
    .bind(sealed)
    .bind(config.suspended)
    .bind(at)
    .execute(&store.pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn of_service(
    store: &PgStore,
    service: ServiceId,
) -> StoreResult<Vec<CallbackConfig>> {
    let rows = sqlx::query(
        "SELECT kind, url, bearer_token, suspended, updated_at FROM service_callbacks \
         WHERE service_id = $1",
    )
    .bind(service.as_uuid())
    .fetch_all(&store.pool)
    .await
    .map_err(db_err)?;
    let mut configs = rows
        .iter()
        .map(|row| {
            let token: Vec<u8> = col(row, "bearer_token")?;
            Ok(CallbackConfig {
                service_id: service,
                kind: parse_callback_kind(col(row, "kind")?)?,
                url: col(row, "url")?,
                bearer_token: BearerToken::new(open_text(&store.cipher, &token)?),
                suspended: col(row, "suspended")?,
                updated_at: col(row, "updated_at")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    configs.sort_by_key(|c| c.kind);
    Ok(configs)
}

pub(crate) async fn remove(
    store: &PgStore,
    service: ServiceId,
    kind: CallbackKind,
) -> StoreResult<()> {
    let done = sqlx::query("DELETE FROM service_callbacks WHERE service_id = $1 AND kind = $2")
        .bind(service.as_uuid())
        .bind(kind.as_str())
        .execute(&store.pool)
        .await
        .map_err(db_err)?;
    found(done.rows_affected())
}

pub(crate) async fn suspend(
    store: &PgStore,
    service: ServiceId,
    kind: CallbackKind,
    suspended: bool,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE service_callbacks SET suspended = $1, updated_at = $2 \
         WHERE service_id = $3 AND kind = $4",
    )
    .bind(suspended)
    .bind(truncate(now))
    .bind(service.as_uuid())
    .bind(kind.as_str())
    .execute(&store.pool)
    .await
    .map_err(db_err)?;
    found(done.rows_affected())
}

fn found(rows: u64) -> StoreResult<()> {
    if rows == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// One transaction; the trigger queues the notices.
pub(crate) async fn record_complaints(
    store: &PgStore,
    complaints: &[NewComplaint],
) -> StoreResult<Vec<Option<Complaint>>> {
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    let mut stored = Vec::with_capacity(complaints.len());
    for new in complaints {
        let target = sqlx::query(
            "SELECT id, service_id FROM notifications \
             WHERE provider_reference = $1 AND personal IS NOT NULL LIMIT 1",
        )
        .bind(&new.provider_reference)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        let Some(target) = target else {
            stored.push(None);
            continue;
        };
        let complaint = Complaint {
            id: Uuid::new_v4(),
            notification_id: NotificationId::from_uuid(col(&target, "id")?),
            service_id: ServiceId::from_uuid(col(&target, "service_id")?),
            feedback_type: new.feedback_type.clone(),
            feedback_subtype: new.feedback_subtype.clone(),
            complaint_date: truncate(new.complaint_date),
            created_at: truncate(new.created_at),
        };
        sqlx::query(
            "INSERT INTO complaints (id, notification_id, service_id, feedback_type, \
                 feedback_subtype, complaint_date, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(complaint.id)
        .bind(complaint.notification_id.as_uuid())
        .bind(complaint.service_id.as_uuid())
        .bind(&complaint.feedback_type)
        .bind(&complaint.feedback_subtype)
        .bind(complaint.complaint_date)
        .bind(complaint.created_at)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        stored.push(Some(complaint));
    }
    tx.commit().await.map_err(db_err)?;
    Ok(stored)
}

#[async_trait::async_trait]
impl carillon_store::CallbackStore for PgStore {
    async fn set_callback(&self, config: &CallbackConfig) -> StoreResult<()> {
        set(self, config).await
    }

    async fn callbacks(&self, service: ServiceId) -> StoreResult<Vec<CallbackConfig>> {
        of_service(self, service).await
    }

    async fn remove_callback(&self, service: ServiceId, kind: CallbackKind) -> StoreResult<()> {
        remove(self, service, kind).await
    }

    async fn suspend_callback(
        &self,
        service: ServiceId,
        kind: CallbackKind,
        suspended: bool,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        suspend(self, service, kind, suspended, now).await
    }

    async fn record_complaints(
        &self,
        complaints: &[NewComplaint],
    ) -> StoreResult<Vec<Option<Complaint>>> {
        record_complaints(self, complaints).await
    }

    async fn claim_callbacks(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
        per_service: u32,
        skip: &[ServiceId],
    ) -> StoreResult<Vec<DueCallback>> {
        crate::callback_queue::claim(self, now, lease_until, limit, per_service, skip).await
    }

    async fn record_callback_results(&self, results: &[CallbackResult]) -> StoreResult<()> {
        crate::callback_queue::record(self, results).await
    }
}
