//! Delivery: claiming due notifications (the row is the job) and recording what happened.
//!
//! A queued notification (status `created`) is ready, with `next_attempt_at` NULL, or waiting
//! until `next_attempt_at`: its scheduled time, its retry time, or the end of the lease of the
//! claim holding it. Each state has a partial index of its own (migration 0002), so a claim
//! never steps over rows that are not due. A claim first makes the waiting rows that have come
//! due ready, then takes ready rows in lane and `seq` order; both statements lock with
//! `FOR UPDATE SKIP LOCKED`, so processes share the queue without overlap and never wait for
//! each other. Ready rows are claimed one lane at a time, each from its floor (`floors.rs`), so
//! an idle poll does not walk the entries that finished rows leave behind until VACUUM.

use std::collections::BTreeMap;
use std::time::Instant;

use carillon_domain::{Notification, NotificationStatus};
use carillon_store::{Claim, Outcome, StoreResult};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::{opt_truncate, truncate};
use crate::error::{col, db_err};
use crate::floors::{LANES, Learned};
use crate::list::{COLUMNS, decode};
use carillon_store::{Receipt, ReceiptOutcome};

/// Waiting rows made ready by one claim, at least: when many come due at once (a scheduled
/// bulk send) a claim does a bounded amount of work and the rest follow, oldest due first.
const PROMOTE_AT_LEAST: u32 = 1_000;

/// Makes waiting rows whose time has come ready (and forgets expired leases), reading the
/// waiting index from `$3` (see `floors.rs`), and answers how many it made ready and the newest
/// `seq` handed out so far (read before the lanes are: see `Floors::learn`).
/// `id = ANY(ARRAY(…))` rather than `id IN (…)`: with the limit a parameter, a generic plan
/// may otherwise join the subquery to a sequential scan of the whole table.
pub(crate) const PROMOTE: &str = "WITH promoted AS (UPDATE notifications \
        SET next_attempt_at = NULL, locked_until = NULL \
        WHERE id = ANY(ARRAY(SELECT id FROM notifications \
            WHERE status = 'created' AND next_attempt_at IS NOT NULL \
                AND next_attempt_at >= $3 AND next_attempt_at <= $1 \
                AND (scheduled_for IS NULL OR scheduled_for <= $1) \
            ORDER BY next_attempt_at, seq LIMIT $2 FOR UPDATE SKIP LOCKED)) \
        RETURNING 1) \
    SELECT (SELECT count(*) FROM promoted) AS promoted, \
        pg_sequence_last_value(pg_get_serial_sequence('notifications', 'seq')::regclass) \
            AS last_seq";

/// Claims ready rows of lane `$4` from `seq` `$5` on: `status = 'created' AND
/// next_attempt_at IS NULL` selects the partial index `notifications_ready`, which is in
/// (priority, seq) order, so the lane and floor bound the index scan. The other conditions
/// always hold for a ready row; they are there for rows a concurrent claim took after this
/// statement's snapshot (rechecked on the newest version). Until the lease ends the row waits
/// (`next_attempt_at`), so a worker that dies leaves it to be claimed again.
pub(crate) fn claim_sql() -> String {
    format!(
        "UPDATE notifications \
         SET locked_until = $2, next_attempt_at = $2, attempts = attempts + 1 \
         WHERE id = ANY(ARRAY(SELECT id FROM notifications \
             WHERE status = 'created' AND next_attempt_at IS NULL \
                 AND priority = $4 AND seq >= $5 \
                 AND (locked_until IS NULL OR locked_until <= $1) \
                 AND (scheduled_for IS NULL OR scheduled_for <= $1) \
             ORDER BY priority, seq LIMIT $3 FOR UPDATE SKIP LOCKED)) \
         RETURNING seq, {COLUMNS}"
    )
}

/// The lowest time PostgreSQL stores: "read waiting rows from the start".
fn earliest() -> OffsetDateTime {
    time::macros::datetime!(-4712-01-01 00:00 UTC)
}

pub(crate) async fn claim(
    store: &PgStore,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: u32,
) -> StoreResult<Vec<Notification>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let now = truncate(now);
    let (epoch, heard_all) = store.wake.epoch();
    let mut plan = store.floors.plan(epoch, heard_all, now, Instant::now());
    // Each statement commits on its own: promotion is idempotent, and a row made ready is
    // claimable by any process.
    let promote_limit = limit.max(PROMOTE_AT_LEAST);
    let (promoted, last_seq): (i64, Option<i64>) = sqlx::query_as(PROMOTE)
        .bind(now)
        .bind(i64::from(promote_limit))
        .bind(plan.due_from.unwrap_or_else(earliest))
        .fetch_one(&store.pool)
        .await
        .map_err(db_err)?;
    if promoted > 0 {
        // Promoted rows keep their old `seq`, below the floors: this claim reads the lanes
        // whole, and what it learns is dropped.
        store.wake.changed();
        plan.lanes = [0; LANES];
    }
    let mut rows = Vec::new();
    let mut lanes_exhausted = [false; LANES];
    for (lane, floor) in plan.lanes.iter().enumerate() {
        let wanted = i64::from(limit) - i64::try_from(rows.len()).unwrap_or(i64::MAX);
        if wanted <= 0 {
            break;
        }
        let claimed = sqlx::query(sqlx::AssertSqlSafe(claim_sql()))
            .bind(now)
            .bind(truncate(lease_until))
            .bind(wanted)
            .bind(i16::try_from(lane).unwrap_or(i16::MAX))
            .bind(*floor)
            .fetch_all(&store.pool)
            .await
            .map_err(db_err)?;
        lanes_exhausted[lane] = i64::try_from(claimed.len()).unwrap_or(i64::MAX) < wanted;
        rows.extend(claimed);
    }
    let learned = Learned {
        lanes_exhausted,
        due_exhausted: promoted < i64::from(promote_limit),
        last_seq,
        now,
    };
    store
        .floors
        .learn(&plan, learned, store.wake.epoch().0, Instant::now());
    // RETURNING comes in no particular order.
    let mut claimed = rows
        .iter()
        .map(|row| {
            let order: (i16, i64) = (col(row, "priority")?, col(row, "seq")?);
            Ok((order, decode(store, row)?))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    claimed.sort_unstable_by_key(|(order, _)| *order);
    Ok(claimed.into_iter().map(|(_, n)| n).collect())
}

/// The batch's columns, one array each, for `UNNEST`.
#[derive(Default)]
struct Columns<'a> {
    id: Vec<Uuid>,
    attempt: Vec<i64>,
    status: Vec<&'a str>,
    provider_reference: Vec<Option<&'a str>>,
    provider_response: Vec<Option<&'a str>>,
    sent_at: Vec<Option<OffsetDateTime>>,
    retry_at: Vec<Option<OffsetDateTime>>,
    updated_at: Vec<OffsetDateTime>,
}

/// One statement for the whole batch. A notification named twice gets its last outcome; ids
/// go in sorted, so two batches naming the same rows lock them in the same order.
pub(crate) async fn record(store: &PgStore, outcomes: &[Outcome]) -> StoreResult<()> {
    let latest: BTreeMap<Uuid, &Outcome> = outcomes
        .iter()
        .map(|outcome| (*outcome.id.as_uuid(), outcome))
        .collect();
    if latest.is_empty() {
        return Ok(());
    }
    let requeued = latest
        .values()
        .any(|outcome| outcome.status == NotificationStatus::Created);
    let mut columns = Columns::default();
    for (id, outcome) in latest {
        columns.id.push(id);
        columns.attempt.push(i64::from(outcome.attempt));
        columns.status.push(outcome.status.as_str());
        columns
            .provider_reference
            .push(outcome.provider_reference.as_deref());
        columns
            .provider_response
            .push(outcome.provider_response.as_deref());
        columns.sent_at.push(opt_truncate(outcome.sent_at));
        columns.retry_at.push(opt_truncate(outcome.retry_at));
        columns.updated_at.push(truncate(outcome.updated_at));
    }
    // Unknown ids match nothing. An outcome applies only to the claim it is for: once the
    // lease has passed and the row was claimed again, `attempts` has moved on and the late
    // outcome matches nothing (the condition is rechecked on the newest row version), so it can
    // neither overwrite the newer claim's result nor release it. Purged rows are history: no
    // outcome brings them back. Without a retry time the row is ready at once if its status is
    // still `created`.
    sqlx::query(
        "UPDATE notifications SET status = u.status, \
             provider_reference = COALESCE(u.provider_reference, notifications.provider_reference), \
             provider_response = u.provider_response, \
             sent_at = COALESCE(u.sent_at, notifications.sent_at), \
             updated_at = u.updated_at, locked_until = NULL, next_attempt_at = u.retry_at \
         FROM UNNEST($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], \
             $6::timestamptz[], $7::timestamptz[], $8::timestamptz[]) \
             AS u(id, attempt, status, provider_reference, provider_response, sent_at, \
                 retry_at, updated_at) \
         WHERE notifications.id = u.id AND notifications.attempts = u.attempt \
             AND notifications.personal IS NOT NULL",
    )
    .bind(columns.id)
    .bind(columns.attempt)
    .bind(columns.status)
    .bind(columns.provider_reference)
    .bind(columns.provider_response)
    .bind(columns.sent_at)
    .bind(columns.retry_at)
    .bind(columns.updated_at)
    .execute(&store.pool)
    .await
    .map_err(db_err)?;
    if requeued {
        // Back in the queue with its old `seq` or due time, perhaps below a floor.
        store.wake.changed();
    }
    Ok(())
}

/// The claims' columns, ids sorted (the order `record` locks rows in, so the two never
/// deadlock).
fn claim_columns(claims: &[Claim]) -> (Vec<Uuid>, Vec<i64>) {
    let sorted: BTreeMap<Uuid, u32> = claims
        .iter()
        .map(|claim| (*claim.id.as_uuid(), claim.attempt))
        .collect();
    sorted
        .into_iter()
        .map(|(id, attempt)| (id, i64::from(attempt)))
        .unzip()
}

/// Moves the lease of the rows still held by the claims. As in `record`, the conditions are
/// rechecked on the newest row version: a claim that took a row meanwhile has moved its
/// `attempts` on, and the row is no longer renewed.
const RENEW: &str = "UPDATE notifications SET locked_until = $3, next_attempt_at = $3 \
    FROM UNNEST($1::uuid[], $2::bigint[]) AS c(id, attempt) \
    WHERE notifications.id = c.id AND notifications.attempts = c.attempt \
        AND notifications.status = 'created'";

/// Gives back the rows still held by the claims. They wait until `$3` rather than going
/// straight to the ready index: their `seq` may be below another process's floor, but every
/// claim reads waiting rows that came due (`floors.rs`).
const RELEASE: &str = "UPDATE notifications \
    SET attempts = notifications.attempts - 1, locked_until = NULL, next_attempt_at = $3 \
    FROM UNNEST($1::uuid[], $2::bigint[]) AS c(id, attempt) \
    WHERE notifications.id = c.id AND notifications.attempts = c.attempt \
        AND notifications.status = 'created'";

async fn update_claims(
    store: &PgStore,
    statement: &'static str,
    claims: &[Claim],
    at: OffsetDateTime,
) -> StoreResult<u64> {
    if claims.is_empty() {
        return Ok(0);
    }
    let (ids, attempts) = claim_columns(claims);
    let done = sqlx::query(statement)
        .bind(ids)
        .bind(attempts)
        .bind(truncate(at))
        .execute(&store.pool)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected())
}

#[async_trait::async_trait]
impl carillon_store::DeliveryStore for PgStore {
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
        let released = update_claims(self, RELEASE, claims, now).await?;
        if released > 0 {
            self.wake.changed();
        }
        Ok(released)
    }

    async fn apply_receipts(&self, receipts: &[Receipt]) -> StoreResult<Vec<ReceiptOutcome>> {
        crate::receipts::apply(self, receipts).await
    }

    async fn queued_elsewhere(&self) {
        self.wake.heard().await;
    }
}

#[cfg(test)]
mod tests;
