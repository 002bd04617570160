//! Reply-to addresses, SMS senders and the safelist. A new default sender replaces the old
//! default in the same transaction, so a service never has two.

use carillon_domain::{
    ReplyTo, ReplyToId, SafelistEntry, SafelistId, ServiceId, SmsSender, SmsSenderId,
};
use carillon_store::{ReplyToVerification, StoreError, StoreResult};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::SqliteStore;
use crate::codec::{kind, open_text, sms_from};
use crate::error::{col, db_err};
use crate::reply_to_verification as verification;

pub(crate) async fn add_reply_to(store: &SqliteStore, reply_to: &ReplyTo) -> StoreResult<()> {
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    if reply_to.is_default {
        sqlx::query("UPDATE reply_tos SET is_default = 0 WHERE service_id = ? AND is_default")
            .bind(reply_to.service_id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    sqlx::query(
        "INSERT INTO reply_tos (id, service_id, email_address, is_default, archived, verified) \
         VALUES (?, ?, ?, ?, ?, ?)",
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

pub(crate) async fn reply_tos(
    store: &SqliteStore,
    service: ServiceId,
) -> StoreResult<Vec<ReplyTo>> {
    let rows = sqlx::query(
        "SELECT id, email_address, is_default, archived, verified FROM reply_tos \
         WHERE service_id = ? ORDER BY seq",
    )
    .bind(service.as_uuid())
    .fetch_all(&store.readers)
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

pub(crate) async fn add_sms_sender(store: &SqliteStore, sender: &SmsSender) -> StoreResult<()> {
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    if sender.is_default {
        sqlx::query("UPDATE sms_senders SET is_default = 0 WHERE service_id = ? AND is_default")
            .bind(sender.service_id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    sqlx::query(
        "INSERT INTO sms_senders (id, service_id, sms_sender, is_default, archived) \
         VALUES (?, ?, ?, ?, ?)",
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
    store: &SqliteStore,
    service: ServiceId,
) -> StoreResult<Vec<SmsSender>> {
    let rows = sqlx::query(
        "SELECT id, sms_sender, is_default, archived FROM sms_senders \
         WHERE service_id = ? ORDER BY seq",
    )
    .bind(service.as_uuid())
    .fetch_all(&store.readers)
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

pub(crate) async fn add_safelist_entry(
    store: &SqliteStore,
    entry: &SafelistEntry,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO safelist (id, service_id, kind, recipient, recipient_hash, team_member) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(entry.id.as_uuid())
    .bind(entry.service_id.as_uuid())
    .bind(entry.kind.as_str())
    .bind(store.cipher.encrypt(entry.recipient.as_bytes()))
    .bind(store.cipher.lookup_hash(&entry.recipient).as_slice())
    .bind(entry.team_member)
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn safelist(
    store: &SqliteStore,
    service: ServiceId,
) -> StoreResult<Vec<SafelistEntry>> {
    let rows = sqlx::query(
        "SELECT id, kind, recipient, team_member FROM safelist WHERE service_id = ? ORDER BY seq",
    )
    .bind(service.as_uuid())
    .fetch_all(&store.readers)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            let sealed: Vec<u8> = col(row, "recipient")?;
            Ok(SafelistEntry {
                id: SafelistId::from_uuid(col(row, "id")?),
                service_id: service,
                kind: kind(col(row, "kind")?)?,
                recipient: open_text(&store.cipher, &sealed)?,
                team_member: col(row, "team_member")?,
            })
        })
        .collect()
}

/// Archives one sender row (`table` is a constant of this module, never input).
async fn archive(
    store: &SqliteStore,
    table: &str,
    service: ServiceId,
    id: &Uuid,
) -> StoreResult<()> {
    let sql = format!(
        "UPDATE {table} SET archived = 1, is_default = 0 \
         WHERE service_id = ? AND id = ? AND NOT archived"
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(service.as_uuid())
        .bind(id)
        .execute(&store.writer)
        .await
        .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn remove_safelist_entry(
    store: &SqliteStore,
    service: ServiceId,
    id: SafelistId,
) -> StoreResult<()> {
    let done = sqlx::query("DELETE FROM safelist WHERE service_id = ? AND id = ?")
        .bind(service.as_uuid())
        .bind(id.as_uuid())
        .execute(&store.writer)
        .await
        .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[async_trait::async_trait]
impl carillon_store::SenderStore for SqliteStore {
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
