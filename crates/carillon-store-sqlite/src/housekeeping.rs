//! Housekeeping for periodic jobs: purging personal data past retention, timing out
//! notifications that never finished, and the lock that lets one process run each job per
//! period. Every write goes through the single writer; each call is one transaction.

use carillon_domain::NotificationId;
use carillon_store::{StoreError, StoreResult};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::SqliteStore;
use crate::codec::micros;
use crate::error::{col, db_err};

/// Up to `?2` rows past their service's retention at `?1` (microseconds; retention counts
/// 24-hour days), finished, personal data not yet purged. Services (a few rows) drive the
/// loop, so each one's rows are read through `notifications_retention` up to its own cutoff,
/// and the scan stops at the limit.
const PURGEABLE: &str = "SELECT n.seq FROM services s CROSS JOIN notifications n \
    WHERE n.service_id = s.id AND n.personal IS NOT NULL \
        AND n.created_at < ?1 - s.retention_days * 86400000000 \
        AND n.status NOT IN ('created', 'sending', 'pending') \
    LIMIT ?2";

/// The outbox entries of the rows in the JSON array `?1` of `seq`s.
const DELETE_OUTBOX: &str = "DELETE FROM outbox_messages WHERE notification_id IN \
    (SELECT id FROM notifications WHERE seq IN (SELECT value FROM json_each(?1)))";

/// Drops the personal data of the rows in the JSON array `?1` of `seq`s, the client
/// reference (sealed in `personal`) and the lookup hashes of reference and recipient
/// included.
const PURGE: &str = "UPDATE notifications SET personal = NULL, client_reference_hash = NULL, \
        client_reference = NULL, recipient_hash = NULL \
    WHERE seq IN (SELECT value FROM json_each(?1))";

/// Purges up to `batch` notifications: their outbox entries, then their personal data, in one
/// `BEGIN IMMEDIATE` transaction (nothing else writes in between, so both statements see the
/// same rows).
pub(crate) async fn purge(
    store: &SqliteStore,
    now: OffsetDateTime,
    batch: u32,
) -> StoreResult<u64> {
    if batch == 0 {
        return Ok(0);
    }
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let seqs: Vec<i64> = sqlx::query_scalar(PURGEABLE)
        .bind(micros(now))
        .bind(i64::from(batch))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
    if seqs.is_empty() {
        return Ok(0);
    }
    let seqs = serde_json::to_string(&seqs).map_err(|e| StoreError::Other(e.to_string()))?;
    sqlx::query(DELETE_OUTBOX)
        .bind(seqs.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let purged = sqlx::query(PURGE)
        .bind(seqs.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
    tx.commit().await.map_err(db_err)?;
    Ok(purged)
}

/// Times out rows accepted before `?1` (and, if scheduled, due before it) still in flight at
/// `?2`, through `notifications_in_flight`. A `created` row held by an unexpired claim is left
/// to its worker. Leaving `created` also leaves the queue, so the queue's columns are cleared.
const TIME_OUT: &str = "UPDATE notifications SET \
        status = CASE status WHEN 'created' THEN 'technical-failure' \
            ELSE 'temporary-failure' END, \
        updated_at = ?2, next_attempt_at = NULL, locked_until = NULL \
    WHERE status IN ('created', 'sending', 'pending') AND created_at < ?1 \
        AND (scheduled_for IS NULL OR scheduled_for < ?1) \
        AND (status <> 'created' OR locked_until IS NULL OR locked_until <= ?2) \
    RETURNING seq, id";

pub(crate) async fn time_out(
    store: &SqliteStore,
    older_than: OffsetDateTime,
    now: OffsetDateTime,
) -> StoreResult<Vec<NotificationId>> {
    let rows = sqlx::query(TIME_OUT)
        .bind(micros(older_than))
        .bind(micros(now))
        .fetch_all(&store.writer)
        .await
        .map_err(db_err)?;
    // RETURNING comes in no particular order: report them in the order they were stored.
    let mut changed = rows
        .iter()
        .map(|row| Ok((col::<i64>(row, "seq")?, col::<Uuid>(row, "id")?)))
        .collect::<StoreResult<Vec<_>>>()?;
    changed.sort_unstable_by_key(|(seq, _)| *seq);
    Ok(changed
        .into_iter()
        .map(|(_, id)| NotificationId::from_uuid(id))
        .collect())
}

/// One statement on the single writer, so callers are served one at a time: the first in a
/// period inserts or moves `last_started_at`, the others find it too recent and get no row.
const START_JOB: &str = "INSERT INTO scheduled_jobs (name, last_started_at) VALUES (?1, ?2) \
    ON CONFLICT (name) DO UPDATE SET last_started_at = excluded.last_started_at \
        WHERE scheduled_jobs.last_started_at <= ?3 \
    RETURNING name";

pub(crate) async fn try_start_job(
    store: &SqliteStore,
    name: &str,
    now: OffsetDateTime,
    every: Duration,
) -> StoreResult<bool> {
    let since = now
        .checked_sub(every)
        .ok_or_else(|| StoreError::Other(format!("the period of job {name} is out of range")))?;
    let started: Option<String> = sqlx::query_scalar(START_JOB)
        .bind(name)
        .bind(micros(now))
        .bind(micros(since))
        .fetch_optional(&store.writer)
        .await
        .map_err(db_err)?;
    Ok(started.is_some())
}

#[async_trait::async_trait]
impl carillon_store::HousekeepingStore for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn schema_version(&self) -> StoreResult<i64> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.readers)
                .await
                .map_err(db_err)?;
        Ok(version.unwrap_or(0))
    }

    async fn purge_personal_data(&self, now: OffsetDateTime, batch: u32) -> StoreResult<u64> {
        purge(self, now, batch).await
    }

    async fn time_out_notifications(
        &self,
        older_than: OffsetDateTime,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<NotificationId>> {
        time_out(self, older_than, now).await
    }

    async fn try_start_job(
        &self,
        name: &str,
        now: OffsetDateTime,
        every: Duration,
    ) -> StoreResult<bool> {
        try_start_job(self, name, now, every).await
    }

    async fn record_worker_heartbeat(&self, now: OffsetDateTime) -> StoreResult<()> {
        sqlx::query(HEARTBEAT)
            .bind(micros(now))
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn last_worker_heartbeat(&self) -> StoreResult<Option<OffsetDateTime>> {
        let seen: Option<i64> =
            sqlx::query_scalar("SELECT last_seen_at FROM worker_heartbeat WHERE id = 1")
                .fetch_optional(&self.readers)
                .await
                .map_err(db_err)?;
        seen.map(crate::codec::from_micros).transpose()
    }
}

/// Keeps the latest of the recorded time and `?1`.
const HEARTBEAT: &str = "INSERT INTO worker_heartbeat (id, last_seen_at) VALUES (1, ?1) \
    ON CONFLICT (id) DO UPDATE SET last_seen_at = MAX(last_seen_at, excluded.last_seen_at)";

#[cfg(test)]
mod tests;
