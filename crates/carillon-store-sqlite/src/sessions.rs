//! Browser sessions, stored by the hash of their cookie's id with their data sealed.

use carillon_domain::UserId;
use carillon_store::support::{hash32, session_stage};
use carillon_store::{SessionRecord, StoreResult};
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use crate::SqliteStore;
use crate::codec::{from_micros, micros, open_text};
use crate::error::{col, db_err};

async fn put(store: &SqliteStore, session: &SessionRecord) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, stage, data, created_at, last_seen_at) \
         VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id_hash) DO UPDATE SET user_id = excluded.user_id, \
         stage = excluded.stage, data = excluded.data, created_at = excluded.created_at, \
         last_seen_at = excluded.last_seen_at",
    )
    .bind(session.id_hash.as_slice())
    .bind(session.user.as_ref().map(UserId::as_uuid))
    .bind(session.stage.as_str())
    .bind(store.cipher.encrypt_str(&session.data))
    .bind(micros(session.created_at))
    .bind(micros(session.last_seen_at))
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The columns [`decode`] reads, for queries on `sessions` aliased `s`.
pub(crate) const COLUMNS: &str = "s.id_hash, s.user_id, s.stage, s.data, \
    s.created_at AS session_created_at, s.last_seen_at";

async fn get(store: &SqliteStore, id_hash: &[u8; 32]) -> StoreResult<Option<SessionRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM sessions s WHERE s.id_hash = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id_hash.as_slice())
        .fetch_optional(&store.readers)
        .await
        .map_err(db_err)?;
    row.map(|row| decode(store, &row)).transpose()
}

/// A session from a row holding [`COLUMNS`].
pub(crate) fn decode(store: &SqliteStore, row: &SqliteRow) -> StoreResult<SessionRecord> {
    let user: Option<uuid::Uuid> = col(row, "user_id")?;
    Ok(SessionRecord {
        id_hash: hash32(&col::<Vec<u8>>(row, "id_hash")?, "session id hash")?,
        user: user.map(UserId::from_uuid),
        stage: session_stage(&col::<String>(row, "stage")?)?,
        data: open_text(&store.cipher, &col::<Vec<u8>>(row, "data")?)?,
        created_at: from_micros(col(row, "session_created_at")?)?,
        last_seen_at: from_micros(col(row, "last_seen_at")?)?,
    })
}

/// Runs a statement that changes sessions, and says how many it changed.
async fn change(
    store: &SqliteStore,
    query: sqlx::query::Query<'_, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
) -> StoreResult<u64> {
    let done = query.execute(&store.writer).await.map_err(db_err)?;
    Ok(done.rows_affected())
}

#[async_trait::async_trait]
impl carillon_store::SessionStore for SqliteStore {
    async fn put_session(&self, session: &SessionRecord) -> StoreResult<()> {
        put(self, session).await
    }

    async fn session(&self, id_hash: &[u8; 32]) -> StoreResult<Option<SessionRecord>> {
        get(self, id_hash).await
    }

    async fn session_with_user(
        &self,
        id_hash: &[u8; 32],
    ) -> StoreResult<Option<(SessionRecord, Option<carillon_domain::User>)>> {
        crate::joined::session_with_user(self, id_hash).await
    }

    async fn touch_session(&self, id_hash: &[u8; 32], now: OffsetDateTime) -> StoreResult<()> {
        // A session removed meanwhile (signed out in another tab) stays removed.
        let query = sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?")
            .bind(micros(now))
            .bind(id_hash.as_slice());
        change(self, query).await.map(drop)
    }

    async fn remove_session(&self, id_hash: &[u8; 32]) -> StoreResult<()> {
        let query = sqlx::query("DELETE FROM sessions WHERE id_hash = ?").bind(id_hash.as_slice());
        change(self, query).await.map(drop)
    }

    async fn remove_user_sessions(&self, user: UserId) -> StoreResult<u64> {
        let query = sqlx::query("DELETE FROM sessions WHERE user_id = ?").bind(user.as_uuid());
        change(self, query).await
    }

    async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> StoreResult<u64> {
        let query = sqlx::query("DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?")
            .bind(micros(idle_before))
            .bind(micros(created_before));
        change(self, query).await
    }
}
