//! The built-in outbox: messages as a recipient would get them, one entry per notification,
//! their content sealed like a notification's personal data.

use std::collections::HashMap;

use carillon_domain::{NotificationId, ServiceId};
use carillon_store::support::{open_content, seal_content};
use carillon_store::{OutboxMessage, StoreResult};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::SqliteStore;
use crate::codec::{from_micros, kind, micros};
use crate::error::{col, db_err};
use crate::notifications::statement_rows;

/// A message sealed and converted before the write lock is taken.
struct Sealed<'a> {
    message: &'a OutboxMessage,
    personal: Vec<u8>,
}

fn seal<'a>(store: &SqliteStore, message: &'a OutboxMessage) -> StoreResult<Sealed<'a>> {
    Ok(Sealed {
        message,
        personal: seal_content(&store.cipher, message)?,
    })
}

/// One transaction, a few multi-row statements. A message for a notification already in the
/// outbox replaces it and takes a new `seq`, so it counts as newer; within a batch the last
/// message of a notification wins.
pub(crate) async fn put(store: &SqliteStore, messages: &[OutboxMessage]) -> StoreResult<()> {
    let last: HashMap<NotificationId, usize> = messages
        .iter()
        .enumerate()
        .map(|(index, message)| (message.notification_id, index))
        .collect();
    let sealed = messages
        .iter()
        .enumerate()
        .filter(|(index, message)| last.get(&message.notification_id) == Some(index))
        .map(|(_, message)| seal(store, message))
        .collect::<StoreResult<Vec<_>>>()?;
    if sealed.is_empty() {
        return Ok(());
    }
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let mut rest = sealed.as_slice();
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(statement_rows(rest.len()));
        put_rows(&mut tx, chunk).await?;
        rest = tail;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(())
}

async fn put_rows(conn: &mut SqliteConnection, rows: &[Sealed<'_>]) -> StoreResult<()> {
    let mut query = QueryBuilder::<Sqlite>::new(
        "INSERT OR REPLACE INTO outbox_messages \
         (notification_id, service_id, kind, personal, created_at) ",
    );
    query.push_values(rows, |mut values, row| {
        let message = row.message;
        values
            .push_bind(message.notification_id.as_uuid())
            .push_bind(message.service_id.as_uuid())
            .push_bind(message.kind.as_str())
            .push_bind(row.personal.as_slice())
            .push_bind(micros(message.created_at));
    });
    query.build().execute(conn).await.map_err(db_err)?;
    Ok(())
}

const COLUMNS: &str = "notification_id, service_id, kind, personal, created_at";

/// Newest first: by `created_at`, then by `seq`. An unknown `before` yields no messages, as
/// an unknown cursor does for notifications.
pub(crate) async fn page(
    store: &SqliteStore,
    limit: u32,
    before: Option<NotificationId>,
) -> StoreResult<Vec<OutboxMessage>> {
    let rows = match before {
        None => {
            let sql = format!(
                "SELECT {COLUMNS} FROM outbox_messages ORDER BY created_at DESC, seq DESC LIMIT ?"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(i64::from(limit))
                .fetch_all(&store.readers)
                .await
        }
        Some(before) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM outbox_messages \
                 WHERE (created_at, seq) < (SELECT created_at, seq FROM outbox_messages \
                     WHERE notification_id = ?2) \
                 ORDER BY created_at DESC, seq DESC LIMIT ?1"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(i64::from(limit))
                .bind(before.as_uuid())
                .fetch_all(&store.readers)
                .await
        }
    }
    .map_err(db_err)?;
    rows.iter().map(|row| decode(store, row)).collect()
}

pub(crate) async fn one(
    store: &SqliteStore,
    id: NotificationId,
) -> StoreResult<Option<OutboxMessage>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox_messages WHERE notification_id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .fetch_optional(&store.readers)
        .await
        .map_err(db_err)?;
    row.map(|row| decode(store, &row)).transpose()
}

fn decode(store: &SqliteStore, row: &SqliteRow) -> StoreResult<OutboxMessage> {
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
        created_at: from_micros(col(row, "created_at")?)?,
    })
}

#[async_trait::async_trait]
impl carillon_store::OutboxStore for SqliteStore {
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
