//! Housekeeping for periodic jobs: purging personal data past retention, timing out
//! notifications that never finished, and the lock that lets one process run each job per
//! period. Each call is one statement, so one transaction.

use carillon_domain::NotificationId;
use carillon_store::{StoreError, StoreResult};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::PgStore;
use crate::codec::truncate;
use crate::error::{col, db_err};

/// Purges up to `$2` notifications past their service's retention at `$1` (retention counts
/// 24-hour days, whatever the session's time zone), finished, personal data not yet purged:
/// their outbox entries go and `personal` (client reference included) and the reference's
/// lookup hash become NULL. Services (a few rows) drive the loop,
/// so each one's rows are read through `notifications_retention` up to its own cutoff. In no
/// particular order: an order would let the planner read and sort all of a small service's
/// expired rows rather than stop at the limit. Rows are locked `SKIP LOCKED` (a worker
/// recording an outcome holds its rows for a moment; they are purged next time), and the
/// conditions are rechecked on the row locked.
const PURGE: &str = "WITH candidates AS ( \
        SELECT n.id FROM services s CROSS JOIN LATERAL ( \
            SELECT id FROM notifications \
            WHERE service_id = s.id AND personal IS NOT NULL \
                AND created_at < $1 - s.retention_days * interval '24 hours' \
                AND status NOT IN ('created', 'sending', 'pending') \
            LIMIT $2 FOR UPDATE SKIP LOCKED) n \
        LIMIT $2), \
    purged AS ( \
        UPDATE notifications SET personal = NULL, client_reference_hash = NULL, \
            client_reference = NULL, recipient_hash = NULL \
        WHERE id IN (SELECT id FROM candidates) \
        RETURNING id), \
    gone AS ( \
        DELETE FROM outbox_messages WHERE notification_id IN (SELECT id FROM purged)) \
    SELECT count(*) FROM purged";

pub(crate) async fn purge(store: &PgStore, now: OffsetDateTime, batch: u32) -> StoreResult<u64> {
    if batch == 0 {
        return Ok(0);
    }
    let purged: i64 = sqlx::query_scalar(PURGE)
        .bind(truncate(now))
        .bind(i64::from(batch))
        .fetch_one(&store.pool)
        .await
        .map_err(db_err)?;
    Ok(purged.unsigned_abs())
}

/// Times out rows accepted before `$1` (and, if scheduled, due before it) still in flight at
/// `$2`, through `notifications_in_flight`. A `created` row held by an unexpired claim is left
/// to its worker; the conditions are rechecked on the newest version of a row a claim or an
/// outcome changed meanwhile. Leaving `created` also leaves the queue, so the queue's columns
/// are cleared.
const TIME_OUT: &str = "UPDATE notifications SET \
        status = CASE status WHEN 'created' THEN 'technical-failure' \
            ELSE 'temporary-failure' END, \
        updated_at = $2, next_attempt_at = NULL, locked_until = NULL \
    WHERE status IN ('created', 'sending', 'pending') AND created_at < $1 \
        AND (scheduled_for IS NULL OR scheduled_for < $1) \
        AND (status <> 'created' OR locked_until IS NULL OR locked_until <= $2) \
    RETURNING seq, id";

pub(crate) async fn time_out(
    store: &PgStore,
    older_than: OffsetDateTime,
    now: OffsetDateTime,
) -> StoreResult<Vec<NotificationId>> {
    let rows = sqlx::query(TIME_OUT)
        .bind(truncate(older_than))
        .bind(truncate(now))
        .fetch_all(&store.pool)
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

/// The first caller in a period inserts the row or moves `last_started_at`. A concurrent
/// caller waits for that (uniqueness check, then row lock), sees the new start and gets no row.
const START_JOB: &str = "INSERT INTO scheduled_jobs (name, last_started_at) VALUES ($1, $2) \
    ON CONFLICT (name) DO UPDATE SET last_started_at = EXCLUDED.last_started_at \
        WHERE scheduled_jobs.last_started_at <= $3 \
    RETURNING name";

pub(crate) async fn try_start_job(
    store: &PgStore,
    name: &str,
    now: OffsetDateTime,
    every: Duration,
) -> StoreResult<bool> {
    let now = truncate(now);
    let since = now
        .checked_sub(every)
        .ok_or_else(|| StoreError::Other(format!("the period of job {name} is out of range")))?;
    let started: Option<String> = sqlx::query_scalar(START_JOB)
        .bind(name)
        .bind(now)
        .bind(since)
        .fetch_optional(&store.pool)
        .await
        .map_err(db_err)?;
    Ok(started.is_some())
}

#[async_trait::async_trait]
impl carillon_store::HousekeepingStore for PgStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn schema_version(&self) -> StoreResult<i64> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(version.unwrap_or(0))
    }

    async fn maintenance_warning(&self) -> Option<&'static str> {
        crate::autovacuum_warning_for(&self.pool).await
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
            .bind(truncate(now))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn last_worker_heartbeat(&self) -> StoreResult<Option<OffsetDateTime>> {
        sqlx::query_scalar("SELECT last_seen_at FROM worker_heartbeat WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)
    }
}

/// Keeps the latest of the recorded time and `$1`.
const HEARTBEAT: &str = "INSERT INTO worker_heartbeat (id, last_seen_at) VALUES (1, $1) \
    ON CONFLICT (id) DO UPDATE SET last_seen_at = \
        GREATEST(worker_heartbeat.last_seen_at, excluded.last_seen_at)";

#[cfg(test)]
mod tests;
