//! Delivery: claiming due notifications (the row is the job) and recording what happened.
//!
//! A queued notification (status `created`) is ready, with `next_attempt_at` NULL, or waiting
//! until `next_attempt_at`: its scheduled time, its retry time, or the end of the lease of the
//! claim holding it. Each state has a partial index of its own (migration 0002), so a claim
//! never steps over rows that are not due. A claim makes the waiting rows that have come due
//! ready, then takes ready rows in lane and `seq` order, in one `BEGIN IMMEDIATE` transaction
//! on the single writer, so no two claims ever overlap.

use std::collections::BTreeMap;

use carillon_domain::Notification;
use carillon_store::{Claim, Outcome, StoreResult};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::SqliteStore;
use crate::codec::{micros, opt_micros};
use crate::error::{col, db_err};
use crate::list::{COLUMNS, decode};
use crate::notifications::statement_rows;
use carillon_store::{Receipt, ReceiptOutcome};

/// Waiting rows made ready by one claim, at least: when many come due at once (a scheduled
/// bulk send) a claim does a bounded amount of work and the rest follow, oldest due first.
const PROMOTE_AT_LEAST: u32 = 1_000;

/// Makes waiting rows whose time has come ready (and forgets expired leases), through the
/// partial index `notifications_waiting`.
const PROMOTE: &str = "UPDATE notifications SET next_attempt_at = NULL, locked_until = NULL \
    WHERE seq IN (SELECT seq FROM notifications \
        WHERE status = 'created' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?1 \
            AND (scheduled_for IS NULL OR scheduled_for <= ?1) \
        ORDER BY next_attempt_at, seq LIMIT ?2)";

/// Claims ready rows: `status = 'created' AND next_attempt_at IS NULL` selects the partial
/// index `notifications_ready`, which is in (priority, seq) order; the other conditions always
/// hold for a ready row. Until the lease ends the row waits (`next_attempt_at`), so a worker
/// that dies leaves it to be claimed again.
fn claim_sql() -> String {
    format!(
        "UPDATE notifications \
         SET locked_until = ?2, next_attempt_at = ?2, attempts = attempts + 1 \
         WHERE seq IN (SELECT seq FROM notifications \
             WHERE status = 'created' AND next_attempt_at IS NULL \
                 AND (locked_until IS NULL OR locked_until <= ?1) \
                 AND (scheduled_for IS NULL OR scheduled_for <= ?1) \
             ORDER BY priority, seq LIMIT ?3) \
         RETURNING seq, {COLUMNS}"
    )
}

pub(crate) async fn claim(
    store: &SqliteStore,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: u32,
) -> StoreResult<Vec<Notification>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let now = micros(now);
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    sqlx::query(PROMOTE)
        .bind(now)
        .bind(i64::from(limit.max(PROMOTE_AT_LEAST)))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(claim_sql()))
        .bind(now)
        .bind(micros(lease_until))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    // Decrypted after the write lock is released. RETURNING comes in no particular order.
    let mut claimed = rows
        .iter()
        .map(|row| {
            let order: (i64, i64) = (col(row, "priority")?, col(row, "seq")?);
            Ok((order, decode(store, row)?))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    claimed.sort_unstable_by_key(|(order, _)| *order);
    Ok(claimed.into_iter().map(|(_, n)| n).collect())
}

/// An outcome ready to be written.
struct Row<'a> {
    id: Uuid,
    outcome: &'a Outcome,
}

/// One transaction, a few multi-row statements. A notification named twice gets its last
/// outcome.
pub(crate) async fn record(store: &SqliteStore, outcomes: &[Outcome]) -> StoreResult<()> {
    let latest: BTreeMap<Uuid, &Outcome> = outcomes
        .iter()
        .map(|outcome| (*outcome.id.as_uuid(), outcome))
        .collect();
    if latest.is_empty() {
        return Ok(());
    }
    let rows: Vec<Row<'_>> = latest
        .into_iter()
        .map(|(id, outcome)| Row { id, outcome })
        .collect();
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let mut rest = rows.as_slice();
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(statement_rows(rest.len()));
        record_rows(&mut tx, chunk).await?;
        rest = tail;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(())
}

/// Unknown ids match nothing. An outcome applies only to the claim it is for: once the lease
/// has passed and the row was claimed again, `attempts` has moved on and the late outcome
/// matches nothing, so it can neither overwrite the newer claim's result nor release it.
/// Purged rows are history: no outcome brings them back. Without a retry time the row is
/// ready at once if its status is still `created`.
async fn record_rows(conn: &mut SqliteConnection, rows: &[Row<'_>]) -> StoreResult<()> {
    let mut query = QueryBuilder::<Sqlite>::new(
        "WITH u (id, attempt, status, provider_reference, provider_response, sent_at, \
             retry_at, updated_at) AS (",
    );
    query.push_values(rows, |mut values, row| {
        let outcome = row.outcome;
        values
            .push_bind(row.id)
            .push_bind(i64::from(outcome.attempt))
            .push_bind(outcome.status.as_str())
            .push_bind(outcome.provider_reference.as_deref())
            .push_bind(outcome.provider_response.as_deref())
            .push_bind(opt_micros(outcome.sent_at))
            .push_bind(opt_micros(outcome.retry_at))
            .push_bind(micros(outcome.updated_at));
    });
    query.push(
        ") UPDATE notifications SET status = u.status, \
             provider_reference = COALESCE(u.provider_reference, notifications.provider_reference), \
             provider_response = u.provider_response, \
             sent_at = COALESCE(u.sent_at, notifications.sent_at), \
             updated_at = u.updated_at, locked_until = NULL, next_attempt_at = u.retry_at \
         FROM u WHERE notifications.id = u.id AND notifications.attempts = u.attempt \
             AND notifications.personal IS NOT NULL",
    );
    query.build().execute(conn).await.map_err(db_err)?;
    Ok(())
}

/// Moves the lease of the rows still held by the claims to `c.at`. A row another claim took
/// since has moved its `attempts` on and is left alone.
const RENEW: &str = "locked_until = c.at, next_attempt_at = c.at";

/// Gives back the rows still held by the claims, due again at `c.at` (now).
const RELEASE: &str =
    "attempts = notifications.attempts - 1, locked_until = NULL, next_attempt_at = c.at";

/// Applies `set` to the rows the claims still hold, with `at` as `c.at`, in one transaction;
/// returns how many rows it changed.
async fn update_claims(
    store: &SqliteStore,
    set: &str,
    claims: &[Claim],
    at: OffsetDateTime,
) -> StoreResult<u64> {
    if claims.is_empty() {
        return Ok(0);
    }
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let mut changed = 0;
    let mut rest = claims;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(statement_rows(rest.len()));
        let mut query = QueryBuilder::<Sqlite>::new("WITH c (id, attempt, at) AS (");
        query.push_values(chunk, |mut values, claim| {
            values
                .push_bind(*claim.id.as_uuid())
                .push_bind(i64::from(claim.attempt))
                .push_bind(micros(at));
        });
        query.push(") UPDATE notifications SET ");
        // `set` is one of the constants above, never input.
        query.push(set);
        query.push(
            " FROM c WHERE notifications.id = c.id AND notifications.attempts = c.attempt \
                 AND notifications.status = 'created'",
        );
        changed += query
            .build()
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        rest = tail;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(changed)
}

#[async_trait::async_trait]
impl carillon_store::DeliveryStore for SqliteStore {
    async fn claim_notifications(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<Notification>> {
        claim(self, now, lease_until, limit).await
    }

    async fn record_outcomes(&self, outcomes: &[Outcome]) -> StoreResult<()> {
        record(self, outcomes).await
    }

    async fn renew_claims(
        &self,
        claims: &[Claim],
        lease_until: OffsetDateTime,
    ) -> StoreResult<u64> {
        update_claims(self, RENEW, claims, lease_until).await
    }

    async fn release_claims(&self, claims: &[Claim], now: OffsetDateTime) -> StoreResult<u64> {
        update_claims(self, RELEASE, claims, now).await
    }

    async fn apply_receipts(&self, receipts: &[Receipt]) -> StoreResult<Vec<ReceiptOutcome>> {
        crate::receipts::apply(self, receipts).await
    }
}

#[cfg(test)]
mod tests;
