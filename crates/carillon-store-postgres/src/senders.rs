//! Reply-to addresses, SMS senders and the safelist. Adding a default sender locks the service
//! row, so two processes adding defaults at once queue rather than both keeping theirs.

use carillon_domain::{
    ReplyTo, ReplyToId, SafelistEntry, SafelistId, ServiceId, SmsSender, SmsSenderId,
};
use carillon_store::{ReplyToVerification, StoreError, StoreResult};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::{kind, open_text, sms_from};
use crate::error::{col, db_err};
use crate::reply_to_verification as verification;

/// Locks the service (without blocking the key-share locks inserts take) and clears its
/// default in `table`.
pub(crate) async fn clear_default(
    conn: &mut PgConnection,
    table: &str,
    service: ServiceId,
) -> StoreResult<()> {
    sqlx::query("SELECT 1 FROM services WHERE id = $1 FOR NO KEY UPDATE")
        .bind(service.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound)?;
    let sql = format!("UPDATE {table} SET is_default = false WHERE service_id = $1 AND is_default");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(service.as_uuid())
        .execute(conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn add_reply_to(store: &PgStore, reply_to: &ReplyTo) -> StoreResult<()> {
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    if reply_to.is_default {
        clear_default(&mut tx, "reply_tos", reply_to.service_id).await?;
    }
    sqlx::query(
        "INSERT INTO reply_tos (id, service_id, email_address, is_default, archived, verified) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(reply_to.id.as_uuid())
    .bind(reply_to.service_id.as_uuid())
    .bind(&reply_to.email_address)
    .bind(reply_to.is_default)
    .bind(reply_to.archived)
    .bind(reply_to.verified)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn reply_tos(store: &PgStore, service: ServiceId) -> StoreResult<Vec<ReplyTo>> {
    let rows = sqlx::query(
        "SELECT id, email_address, is_default, archived, verified FROM reply_tos \
         WHERE service_id = $1 ORDER BY seq",
    )
    .bind(service.as_uuid())
    .fetch_all(&store.pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            Ok(ReplyTo {
                id: ReplyToId::from_uuid(col(row, "id")?),
                service_id: service,
                email_address: col(row, "email_address")?,
                is_default: col(row, "is_default")?,
                archived: col(row, "archived")?,
                verified: col(row, "verified")?,
            })
        })
        .collect()
}

pub(crate) async fn add_sms_sender(store: &PgStore, sender: &SmsSender) -> StoreResult<()> {
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    if sender.is_default {
        clear_default(&mut tx, "sms_senders", sender.service_id).await?;
    }
    sqlx::query(
        "INSERT INTO sms_senders (id, service_id, sms_sender, is_default, archived) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sender.id.as_uuid())
    .bind(sender.service_id.as_uuid())
    .bind(sender.sms_sender.as_str())
    .bind(sender.is_default)
    .bind(sender.archived)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn sms_senders(
    store: &PgStore,
    service: ServiceId,
) -> StoreResult<Vec<SmsSender>> {
    let rows = sqlx::query(
        "SELECT id, sms_sender, is_default, archived FROM sms_senders \
         WHERE service_id = $1 ORDER BY seq",
    )
    .bind(service.as_uuid())
    .fetch_all(&store.pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            Ok(SmsSender {
                id: SmsSenderId::from_uuid(col(row, "id")?),
                service_id: service,
                sms_sender: sms_from(&col::<String>(row, "sms_sender")?)?,
                is_default: col(row, "is_default")?,
                archived: col(row, "archived")?,
            })
        })
        .collect()
}

pub(crate) async fn add_safelist_entry(store: &PgStore, entry: &SafelistEntry) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO safelist (id, service_id, kind, recipient, recipient_hash, team_member) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.id.as_uuid())
    .bind(entry.service_id.as_uuid())
    .bind(entry.kind.as_str())
    .bind(store.cipher.encrypt(entry.recipient.as_bytes()))
    .bind(store.cipher.lookup_hash(&entry.recipient).as_slice())
    .bind(entry.team_member)
    .execute(&store.pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn safelist(
    store: &PgStore,
    service: ServiceId,
) -> StoreResult<Vec<SafelistEntry>> {
    let rows = sqlx::query(
        "SELECT id, kind, recipient, team_member FROM safelist WHERE service_id = $1 ORDER BY seq",
    )
    .bind(service.as_uuid())
    .fetch_all(&store.pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            Ok(SafelistEntry {
                id: SafelistId::from_uuid(col(row, "id")?),
                service_id: service,
                kind: kind(col(row, "kind")?)?,
                recipient: open_text(&store.cipher, col(row, "recipient")?)?,
                team_member: col(row, "team_member")?,
            })
        })
        .collect()
}

/// Archives one sender row (`table` is a constant of this module, never input).
async fn archive(store: &PgStore, table: &str, service: ServiceId, id: &Uuid) -> StoreResult<()> {
    let sql = format!(
        "UPDATE {table} SET archived = TRUE, is_default = FALSE \
         WHERE service_id = $1 AND id = $2 AND NOT archived"
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(service.as_uuid())
        .bind(id)
        .execute(&store.pool)
        .await
        .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn remove_safelist_entry(
    store: &PgStore,
    service: ServiceId,
    id: SafelistId,
) -> StoreResult<()> {
    let done = sqlx::query("DELETE FROM safelist WHERE service_id = $1 AND id = $2")
        .bind(service.as_uuid())
        .bind(id.as_uuid())
        .execute(&store.pool)
        .await
        .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[async_trait::async_trait]
impl carillon_store::SenderStore for PgStore {
    async fn add_reply_to(&self, reply_to: &ReplyTo) -> StoreResult<()> {
        add_reply_to(self, reply_to).await
    }

    async fn reply_tos(&self, service: ServiceId) -> StoreResult<Vec<ReplyTo>> {
        reply_tos(self, service).await
    }

    async fn set_reply_to_verification(
        &self,
        service: ServiceId,
        id: ReplyToId,
        verification: &ReplyToVerification,
    ) -> StoreResult<()> {
        verification::set(self, service, id, verification).await
    }

    async fn verify_reply_to(
        &self,
        hash: &[u8; 32],
        now: OffsetDateTime,
    ) -> StoreResult<Option<(ReplyTo, bool)>> {
        verification::take(self, hash, now).await
    }

    async fn set_default_reply_to(&self, service: ServiceId, id: ReplyToId) -> StoreResult<()> {
        verification::set_default(self, service, id).await
    }

    async fn add_sms_sender(&self, sender: &SmsSender) -> StoreResult<()> {
        add_sms_sender(self, sender).await
    }

    async fn sms_senders(&self, service: ServiceId) -> StoreResult<Vec<SmsSender>> {
        sms_senders(self, service).await
    }

    async fn add_safelist_entry(&self, entry: &SafelistEntry) -> StoreResult<()> {
        add_safelist_entry(self, entry).await
    }

    async fn safelist(&self, service: ServiceId) -> StoreResult<Vec<SafelistEntry>> {
        safelist(self, service).await
    }

    async fn remove_reply_to(&self, service: ServiceId, id: ReplyToId) -> StoreResult<()> {
        archive(self, "reply_tos", service, id.as_uuid()).await
    }

    async fn remove_sms_sender(&self, service: ServiceId, id: SmsSenderId) -> StoreResult<()> {
        archive(self, "sms_senders", service, id.as_uuid()).await
    }

    async fn remove_safelist_entry(&self, service: ServiceId, id: SafelistId) -> StoreResult<()> {
        remove_safelist_entry(self, service, id).await
    }
}
