//! The queue of callback notices: claims with a lease (`FOR UPDATE SKIP LOCKED`, so processes
//! share the queue without overlap and never wait for each other) and results recorded in one
//! statement per kind of result.

use carillon_domain::ServiceId;
use carillon_store::support::{QueuedRow, due_callback};
use carillon_store::{CallbackResolution, CallbackResult, DueCallback, StoreResult};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::truncate;
use crate::error::{col, db_err};

/// A claim considers the oldest `WINDOW × limit` due rows.
const WINDOW: u32 = 4;

/// The oldest due rows (a bounded window, through `callback_queue_due`), at most `$5` of each
/// service, then their callback, notification and complaint. The window and ranking only
/// pick candidates; the lock is taken on the rows themselves (window functions and
/// `FOR UPDATE` do not mix), and `due_at` is checked again on the newest row version, so a
/// row another process claimed meanwhile is skipped.
const CLAIM: &str = "WITH head AS (SELECT seq, service_id, due_at FROM callback_queue \
        WHERE due_at <= $1 AND NOT (service_id = ANY($2::uuid[])) \
        ORDER BY due_at, seq LIMIT $4), \
    picked AS (SELECT seq FROM (SELECT seq, due_at, ROW_NUMBER() OVER \
            (PARTITION BY service_id ORDER BY due_at, seq) AS rank FROM head) r \
        WHERE rank <= $5 ORDER BY due_at, seq LIMIT $3) \
    SELECT q.seq, q.service_id, q.kind, q.notification_id, q.complaint_id, \
        q.status, q.provider_response, q.status_at, q.sent_at, q.attempts, c.url, \
        c.bearer_token, c.suspended, n.personal, \
        n.kind AS notification_kind, n.created_at AS notification_created_at, \
        k.complaint_date \
    FROM callback_queue q \
    LEFT JOIN service_callbacks c ON c.service_id = q.service_id AND c.kind = q.kind \
    LEFT JOIN notifications n ON n.id = q.notification_id \
    LEFT JOIN complaints k ON k.id = q.complaint_id \
    WHERE q.seq = ANY(ARRAY(SELECT seq FROM picked)) AND q.due_at <= $1 \
    ORDER BY q.due_at, q.seq \
    FOR UPDATE OF q SKIP LOCKED";

pub(crate) async fn claim(
    store: &PgStore,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: u32,
    per_service: u32,
    skip: &[ServiceId],
) -> StoreResult<Vec<DueCallback>> {
    if limit == 0 || per_service == 0 {
        return Ok(Vec::new());
    }
    let skip: Vec<Uuid> = skip.iter().map(|s| *s.as_uuid()).collect();
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    relaxed(&mut tx).await?;
    let rows = sqlx::query(CLAIM)
        .bind(truncate(now))
        .bind(skip)
        .bind(i64::from(limit))
        .bind(i64::from(limit.saturating_mul(WINDOW)))
        .bind(i64::from(per_service))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
    let rows = rows
        .iter()
        .map(|row| {
            let attempts: i32 = col(row, "attempts")?;
            Ok(QueuedRow {
                seq: col(row, "seq")?,
                service_id: col(row, "service_id")?,
                kind: col(row, "kind")?,
                notification_id: col(row, "notification_id")?,
                complaint_id: col(row, "complaint_id")?,
                status: col(row, "status")?,
                provider_response: col(row, "provider_response")?,
                status_at: col(row, "status_at")?,
                sent_at: col(row, "sent_at")?,
                attempts: i64::from(attempts),
                url: col(row, "url")?,
                bearer_token: col(row, "bearer_token")?,
                suspended: col(row, "suspended")?,
                personal: col(row, "personal")?,
                notification_kind: col(row, "notification_kind")?,
                notification_created_at: col(row, "notification_created_at")?,
                complaint_date: col(row, "complaint_date")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let (sendable, dropped): (Vec<_>, Vec<_>) = rows.into_iter().partition(QueuedRow::sendable);
    if !dropped.is_empty() {
        let seqs: Vec<i64> = dropped.iter().map(|r| r.seq).collect();
        sqlx::query("DELETE FROM callback_queue WHERE seq = ANY($1)")
            .bind(seqs)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    if !sendable.is_empty() {
        let seqs: Vec<i64> = sendable.iter().map(|r| r.seq).collect();
        sqlx::query(
            "UPDATE callback_queue SET attempts = attempts + 1, due_at = $2 \
             WHERE seq = ANY($1)",
        )
        .bind(seqs)
        .bind(truncate(lease_until))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    sendable
        .into_iter()
        .map(|row| due_callback(&store.cipher, row))
        .collect()
}

/// Claims and results commit without waiting for the WAL flush: a crash can lose only the
/// last moments of them, and then a notice is claimed again and sent once more, which
/// callbacks allow anyway (delivery is at least once). Notices themselves are queued by the
/// status change's own, fully durable, transaction.
async fn relaxed(tx: &mut sqlx::PgConnection) -> StoreResult<()> {
    sqlx::query("SET LOCAL synchronous_commit TO OFF")
        .execute(tx)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Results apply only to the claim they are for (`attempts` rechecked on the newest row
/// version); sequence numbers go in sorted so concurrent calls lock rows in the same order.
pub(crate) async fn record(store: &PgStore, results: &[CallbackResult]) -> StoreResult<()> {
    if results.is_empty() {
        return Ok(());
    }
    let mut sorted = results.to_vec();
    sorted.sort_by_key(|r| r.id);
    let (mut done_seq, mut done_attempt) = (Vec::new(), Vec::new());
    let (mut seq, mut attempt, mut due_at, mut give_back) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for result in &sorted {
        let (at, back) = match result.resolution {
            CallbackResolution::Done => {
                done_seq.push(result.id.0);
                done_attempt.push(i64::from(result.attempt));
                continue;
            }
            CallbackResolution::RetryAt(at) => (at, 0_i32),
            CallbackResolution::Release(at) => (at, 1),
        };
        seq.push(result.id.0);
        attempt.push(i64::from(result.attempt));
        due_at.push(truncate(at));
        give_back.push(back);
    }
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    relaxed(&mut tx).await?;
    if !done_seq.is_empty() {
        sqlx::query(
            "DELETE FROM callback_queue q USING UNNEST($1::bigint[], $2::bigint[]) \
                 AS u(seq, attempts) \
             WHERE q.seq = u.seq AND q.attempts = u.attempts",
        )
        .bind(done_seq)
        .bind(done_attempt)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    if !seq.is_empty() {
        sqlx::query(
            "UPDATE callback_queue q SET due_at = u.due_at, attempts = q.attempts - u.give_back \
             FROM UNNEST($1::bigint[], $2::bigint[], $3::timestamptz[], $4::integer[]) \
                 AS u(seq, attempts, due_at, give_back) \
             WHERE q.seq = u.seq AND q.attempts = u.attempts",
        )
        .bind(seq)
        .bind(attempt)
        .bind(due_at)
        .bind(give_back)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(())
}
