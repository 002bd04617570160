//! The built-in outbox: messages as a recipient would get them, one entry per notification,
//! their content sealed like a notification's personal data.

use std::collections::HashMap;

use carillon_domain::{NotificationId, ServiceId};
use carillon_store::support::{open_content, seal_content};
use carillon_store::{OutboxMessage, StoreResult};
use sqlx::postgres::PgRow;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::{kind, truncate};
use crate::error::{col, db_err};

/// The batch's columns, one array each, for `UNNEST`.
#[derive(Default)]
struct Columns {
    notification_id: Vec<Uuid>,
    service_id: Vec<Uuid>,
    kind: Vec<&'static str>,
    personal: Vec<Vec<u8>>,
    created_at: Vec<OffsetDateTime>,
}

/// One statement for the whole batch. A message for a notification already in the outbox
/// replaces it and takes a new `seq`, so it counts as newer; within a batch the last message
/// of a notification wins (one statement may not touch a row twice).
pub(crate) async fn put(store: &PgStore, messages: &[OutboxMessage]) -> StoreResult<()> {
    let last: HashMap<NotificationId, usize> = messages
        .iter()
        .enumerate()
        .map(|(index, message)| (message.notification_id, index))
        .collect();
    let mut columns = Columns::default();
    for (index, message) in messages.iter().enumerate() {
        if last.get(&message.notification_id) != Some(&index) {
            continue;
        }
        columns
            .notification_id
            .push(*message.notification_id.as_uuid());
        columns.service_id.push(*message.service_id.as_uuid());
        columns.kind.push(message.kind.as_str());
        columns.personal.push(seal_content(&store.cipher, message)?);
        columns.created_at.push(truncate(message.created_at));
    }
    if columns.notification_id.is_empty() {
        return Ok(());
    }
    // ORDER BY ord hands out `seq` in batch order.
    sqlx::query(
        "INSERT INTO outbox_messages (notification_id, service_id, kind, personal, created_at) \
         SELECT u.notification_id, u.service_id, u.kind, u.personal, u.created_at \
         FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::bytea[], $5::timestamptz[]) \
             WITH ORDINALITY AS u(notification_id, service_id, kind, personal, created_at, ord) \
         ORDER BY u.ord \
         ON CONFLICT (notification_id) DO UPDATE SET seq = DEFAULT, \
             service_id = EXCLUDED.service_id, kind = EXCLUDED.kind, \
             personal = EXCLUDED.personal, created_at = EXCLUDED.created_at",
    )
    .bind(columns.notification_id)
    .bind(columns.service_id)
    .bind(columns.kind)
    .bind(columns.personal)
    .bind(columns.created_at)
    .execute(&store.pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

const COLUMNS: &str = "notification_id, service_id, kind, personal, created_at";

/// Newest first: by `created_at`, then by `seq`. An unknown `before` yields no messages, as
/// an unknown cursor does for notifications.
pub(crate) async fn page(
    store: &PgStore,
    limit: u32,
    before: Option<NotificationId>,
) -> StoreResult<Vec<OutboxMessage>> {
    let rows = match before {
        None => {
            let sql = format!(
                "SELECT {COLUMNS} FROM outbox_messages ORDER BY created_at DESC, seq DESC LIMIT $1"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(i64::from(limit))
                .fetch_all(&store.pool)
                .await
        }
        Some(before) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM outbox_messages \
                 WHERE (created_at, seq) < (SELECT created_at, seq FROM outbox_messages \
                     WHERE notification_id = $2) \
                 ORDER BY created_at DESC, seq DESC LIMIT $1"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(i64::from(limit))
                .bind(before.as_uuid())
                .fetch_all(&store.pool)
                .await
        }
    }
    .map_err(db_err)?;
    rows.iter().map(|row| decode(store, row)).collect()
}

pub(crate) async fn one(store: &PgStore, id: NotificationId) -> StoreResult<Option<OutboxMessage>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox_messages WHERE notification_id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .fetch_optional(&store.pool)
        .await
        .map_err(db_err)?;
    row.map(|row| decode(store, &row)).transpose()
}

fn decode(store: &PgStore, row: &PgRow) -> StoreResult<OutboxMessage> {
    let sealed: &[u8] = col(row, "personal")?;
    let content = open_content(&store.cipher, sealed)?;
    Ok(OutboxMessage {
        notification_id: NotificationId::from_uuid(col(row, "notification_id")?),
        service_id: ServiceId::from_uuid(col(row, "service_id")?),
        kind: kind(col(row, "kind")?)?,
        to: content.to,
        from: content.from,
        reply_to: content.reply_to,
        subject: content.subject,
        html: content.html,
        text: content.text,
        created_at: col(row, "created_at")?,
    })
}

#[async_trait::async_trait]
impl carillon_store::OutboxStore for PgStore {
    async fn put_outbox(&self, messages: &[OutboxMessage]) -> StoreResult<()> {
        put(self, messages).await
    }

    async fn outbox(
        &self,
        limit: u32,
        before: Option<NotificationId>,
    ) -> StoreResult<Vec<OutboxMessage>> {
        page(self, limit, before).await
    }

    async fn outbox_message(&self, id: NotificationId) -> StoreResult<Option<OutboxMessage>> {
        one(self, id).await
    }
}
