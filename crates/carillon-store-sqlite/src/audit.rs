//! The audit log: appended to, read newest first (by its AUTOINCREMENT id, which never
//! repeats and follows the order events were recorded in).

use carillon_domain::{ServiceId, UserId};
use carillon_store::{AuditEvent, StoreResult};

use crate::SqliteStore;
use crate::codec::{from_micros, micros};
use crate::error::{col, db_err};

#[async_trait::async_trait]
impl carillon_store::AuditStore for SqliteStore {
    async fn record_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_events (at, actor, service_id, action, detail) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(micros(event.at))
        .bind(event.actor.as_ref().map(UserId::as_uuid))
        .bind(event.service.as_ref().map(ServiceId::as_uuid))
        .bind(&event.action)
        .bind(&event.detail)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn audit_events(
        &self,
        service: Option<ServiceId>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEvent>> {
        // Without a service: every event, those of no service included.
        let sql = if service.is_some() {
            "SELECT at, actor, service_id, action, detail FROM audit_events \
             WHERE service_id = ? ORDER BY id DESC LIMIT ?"
        } else {
            "SELECT at, actor, service_id, action, detail FROM audit_events \
             ORDER BY id DESC LIMIT ?"
        };
        let mut query = sqlx::query(sql);
        if let Some(service) = service {
            query = query.bind(*service.as_uuid());
        }
        let rows = query
            .bind(i64::from(limit))
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|row| {
                let actor: Option<uuid::Uuid> = col(row, "actor")?;
                let service: Option<uuid::Uuid> = col(row, "service_id")?;
                Ok(AuditEvent {
                    at: from_micros(col(row, "at")?)?,
                    actor: actor.map(UserId::from_uuid),
                    service: service.map(ServiceId::from_uuid),
                    action: col(row, "action")?,
                    detail: col(row, "detail")?,
                })
            })
            .collect()
    }
}
