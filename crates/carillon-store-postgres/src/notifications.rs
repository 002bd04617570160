//! Storing notifications: a batch goes in as one multi-row INSERT (group commit) with its
//! counters checked and moved atomically — in one statement when the batch is clear of its
//! limits, else in a transaction that decides row by row.

use carillon_domain::NewNotification;
use std::collections::BTreeMap;

use carillon_store::support::{CounterKey, counter_key, decide};
use carillon_store::{CounterLimit, InsertOutcome, StoreResult};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::{opt_truncate, priority, seal_notification, to_int, truncate};
use crate::error::db_err;
use crate::limits::{lock_counters, save_counters};
use carillon_domain::{KeyType, Notification, NotificationFilter, NotificationId, ServiceId};
use carillon_store::support::SealedNotification;
use carillon_store::{Counter, RateLimit};

/// The batch's columns, one array each, for `UNNEST`: one statement text whatever the batch
/// size, so it is prepared once per connection.
#[derive(Default)]
pub(crate) struct Columns<'a> {
    id: Vec<Uuid>,
    service_id: Vec<Uuid>,
    template_id: Vec<Uuid>,
    template_version: Vec<i32>,
    api_key_id: Vec<Option<Uuid>>,
    key_type: Vec<&'a str>,
    kind: Vec<&'a str>,
    priority: Vec<i16>,
    billable_units: Vec<i32>,
    client_reference_hash: Vec<Option<&'a [u8]>>,
    recipient_hash: Vec<&'a [u8]>,
    sender: Vec<Option<&'a str>>,
    personal: Vec<&'a [u8]>,
    created_at: Vec<OffsetDateTime>,
    scheduled_for: Vec<Option<OffsetDateTime>>,
    job_id: Vec<Option<Uuid>>,
    job_row_number: Vec<Option<i32>>,
}

impl<'a> Columns<'a> {
    /// Adds a row of a bulk send.
    pub(crate) fn push_job_row(
        &mut self,
        new: &'a NewNotification,
        sealed: &'a SealedNotification,
        job: Uuid,
        row_number: u32,
    ) -> StoreResult<()> {
        self.push(new, sealed)?;
        if let (Some(id), Some(number)) = (self.job_id.last_mut(), self.job_row_number.last_mut()) {
            *id = Some(job);
            *number = Some(to_int(row_number, "job_row_number")?);
        }
        Ok(())
    }

    fn push(
        &mut self,
        new: &'a NewNotification,
        sealed: &'a SealedNotification,
    ) -> StoreResult<()> {
        let created_at = truncate(new.created_at);
        self.id.push(*new.id.as_uuid());
        self.service_id.push(*new.service_id.as_uuid());
        self.template_id.push(*new.template_id.as_uuid());
        self.template_version.push(new.template_version);
        self.api_key_id.push(new.api_key_id.map(|id| *id.as_uuid()));
        self.key_type.push(new.key_type.as_str());
        self.kind.push(new.kind.as_str());
        self.priority.push(priority(new.process_type));
        self.billable_units
            .push(to_int(new.billable_units, "billable_units")?);
        self.client_reference_hash
            .push(sealed.reference_hash.as_ref().map(<[u8; 32]>::as_slice));
        self.recipient_hash.push(sealed.recipient_hash.as_slice());
        self.sender.push(new.sender.as_deref());
        self.personal.push(&sealed.personal);
        self.created_at.push(created_at);
        self.scheduled_for.push(opt_truncate(new.scheduled_for));
        self.job_id.push(None);
        self.job_row_number.push(None);
        Ok(())
    }
}

/// The multi-row INSERT of a batch's columns (`$1`–`$17`). ORDER BY ord hands out `seq` in
/// batch order. A scheduled notification waits for its time (next_attempt_at); the others are
/// ready at once (NULL). A macro so that `concat!` can embed it in a larger statement.
macro_rules! insert_rows_sql {
    () => {
        "INSERT INTO notifications (id, service_id, template_id, template_version, api_key_id, \
             key_type, kind, priority, billable_units, client_reference_hash, sender, personal, \
             created_at, scheduled_for, next_attempt_at, status, attempts, job_id, \
             job_row_number, recipient_hash) \
         SELECT u.id, u.service_id, u.template_id, u.template_version, u.api_key_id, \
             u.key_type, u.kind, u.priority, u.billable_units, u.client_reference_hash, \
             u.sender, u.personal, u.created_at, u.scheduled_for, u.scheduled_for, 'created', 0, \
             u.job_id, u.job_row_number, u.recipient_hash \
         FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::int4[], $5::uuid[], $6::text[], \
             $7::text[], $8::int2[], $9::int4[], $10::bytea[], $11::text[], $12::bytea[], \
             $13::timestamptz[], $14::timestamptz[], $15::uuid[], $16::int4[], $17::bytea[]) \
             WITH ORDINALITY \
             AS u(id, service_id, template_id, template_version, api_key_id, key_type, kind, \
                 priority, billable_units, client_reference_hash, sender, personal, created_at, \
                 scheduled_for, job_id, job_row_number, recipient_hash, ord) \
         ORDER BY u.ord"
    };
}

pub(crate) fn seal(store: &PgStore, new: &NewNotification) -> StoreResult<SealedNotification> {
    seal_notification(&store.cipher, new)
}

pub(crate) async fn insert(
    store: &PgStore,
    batch: &[(NewNotification, Vec<CounterLimit>)],
) -> StoreResult<Vec<InsertOutcome>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    // Sealing is the CPU-heavy part: done before anything touches the database.
    let sealed = batch
        .iter()
        .map(|(new, _)| seal(store, new))
        .collect::<StoreResult<Vec<_>>>()?;
    let outcomes = if insert_within_limits(store, batch, &sealed).await? {
        vec![InsertOutcome::Inserted; batch.len()]
    } else {
        insert_exact(store, batch, &sealed).await?
    };
    if outcomes.contains(&InsertOutcome::Inserted) {
        store.wake.announce();
    }
    Ok(outcomes)
}

/// The common case, in one statement and so one round trip with no explicit transaction:
/// every row is inserted and every counter moved by the batch's total, and the statement
/// fails (undoing both) if any counter would pass the smallest ceiling the batch gives it.
/// Returns false when it failed that way; the exact path then decides row by row.
async fn insert_within_limits(
    store: &PgStore,
    batch: &[(NewNotification, Vec<CounterLimit>)],
    sealed: &[SealedNotification],
) -> StoreResult<bool> {
    let mut columns = Columns::default();
    for ((new, _), sealed) in batch.iter().zip(sealed) {
        columns.push(new, sealed)?;
    }
    let totals = batch_totals(batch);
    let services: Vec<Uuid> = totals.keys().map(|k| k.0).collect();
    let kinds: Vec<&str> = totals.keys().map(|k| k.1).collect();
    let periods: Vec<&str> = totals.keys().map(|k| k.2.as_str()).collect();
    let amounts: Vec<i64> = totals.values().map(|t| clamp(t.0)).collect();
    let ceilings: Vec<i64> = totals.values().map(|t| clamp(t.1)).collect();
    // Counter rows are locked in key order (sorted, as in the exact path), so concurrent
    // batches cannot deadlock. `1 / 0` is how a statement fails on a condition.
    let result = bind_rows(
        sqlx::query(concat!(
            "WITH ins AS (",
            insert_rows_sql!(),
            "), cnt AS (\
                 INSERT INTO counters (service_id, kind, period, value) \
                 SELECT c.service_id, c.kind, c.period, c.amount \
                 FROM UNNEST($18::uuid[], $19::text[], $20::text[], $21::int8[]) \
                     WITH ORDINALITY AS c(service_id, kind, period, amount, ord) \
                 ORDER BY c.ord \
                 ON CONFLICT (service_id, kind, period) \
                     DO UPDATE SET value = counters.value + EXCLUDED.value \
                 RETURNING service_id, kind, period, value) \
             SELECT 1 / bool_and(cnt.value <= l.ceiling)::int4 \
             FROM cnt JOIN UNNEST($18::uuid[], $19::text[], $20::text[], $22::int8[]) \
                 AS l(service_id, kind, period, ceiling) USING (service_id, kind, period)",
        )),
        &columns,
    )
    .bind(services)
    .bind(kinds)
    .bind(periods)
    .bind(amounts)
    .bind(ceilings)
    .execute(&store.pool)
    .await;
    match result {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(DIVISION_BY_ZERO) => Ok(false),
        Err(e) => Err(db_err(e)),
    }
}

const DIVISION_BY_ZERO: &str = "22012";

/// Per counter: what the whole batch adds, and the smallest ceiling any of its rows gives.
fn batch_totals(
    batch: &[(NewNotification, Vec<CounterLimit>)],
) -> BTreeMap<CounterKey, (u64, u64)> {
    let mut totals: BTreeMap<CounterKey, (u64, u64)> = BTreeMap::new();
    for limit in batch.iter().flat_map(|(_, limits)| limits) {
        let total = totals
            .entry(counter_key(&limit.counter))
            .or_insert((0, u64::MAX));
        total.0 = total.0.saturating_add(limit.amount);
        total.1 = total.1.min(limit.ceiling);
    }
    totals
}

/// Counters are `bigint`; no real limit comes near the top of its range.
fn clamp(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Near a limit: the batch's counters locked, each row decided in order (some may be refused),
/// and the accepted rows inserted, in one transaction.
async fn insert_exact(
    store: &PgStore,
    batch: &[(NewNotification, Vec<CounterLimit>)],
    sealed: &[SealedNotification],
) -> StoreResult<Vec<InsertOutcome>> {
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    let before = lock_counters(&mut tx, batch).await?;
    let mut after = before.clone();
    let outcomes = decide(batch, &mut after);
    let mut columns = Columns::default();
    for (((new, _), outcome), sealed) in batch.iter().zip(&outcomes).zip(sealed) {
        if *outcome == InsertOutcome::Inserted {
            columns.push(new, sealed)?;
        }
    }
    if !columns.id.is_empty() {
        bind_rows(sqlx::query(insert_rows_sql!()), &columns)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    save_counters(&mut tx, &before, &after).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(outcomes)
}

/// Binds a batch's columns as `$1`–`$17` of [`insert_rows_sql`].
fn bind_rows<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    columns: &'q Columns<'q>,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    query
        .bind(&columns.id)
        .bind(&columns.service_id)
        .bind(&columns.template_id)
        .bind(&columns.template_version)
        .bind(&columns.api_key_id)
        .bind(&columns.key_type)
        .bind(&columns.kind)
        .bind(&columns.priority)
        .bind(&columns.billable_units)
        .bind(&columns.client_reference_hash)
        .bind(&columns.sender)
        .bind(&columns.personal)
        .bind(&columns.created_at)
        .bind(&columns.scheduled_for)
        .bind(&columns.job_id)
        .bind(&columns.job_row_number)
        .bind(&columns.recipient_hash)
}

/// Inserts a batch's rows in the caller's transaction (a bulk job's rows).
pub(crate) async fn insert_rows(
    conn: &mut sqlx::PgConnection,
    columns: &Columns<'_>,
) -> StoreResult<()> {
    bind_rows(sqlx::query(insert_rows_sql!()), columns)
        .execute(conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

#[async_trait::async_trait]
impl carillon_store::NotificationStore for PgStore {
    async fn insert_notifications(
        &self,
        batch: &[(NewNotification, Vec<CounterLimit>)],
    ) -> StoreResult<Vec<InsertOutcome>> {
        insert(self, batch).await
    }

    async fn notification(
        &self,
        service: ServiceId,
        id: NotificationId,
    ) -> StoreResult<Option<Notification>> {
        crate::list::one(self, service, id).await
    }

    async fn notifications(
        &self,
        service: ServiceId,
        filter: &NotificationFilter,
    ) -> StoreResult<Vec<Notification>> {
        crate::list::filtered(self, service, filter).await
    }

    async fn counter(&self, counter: &Counter) -> StoreResult<u64> {
        crate::limits::counter(self, counter).await
    }

    async fn take_rate(
        &self,
        service: ServiceId,
        key_type: KeyType,
        requested: u32,
        rate: RateLimit,
        now: OffsetDateTime,
    ) -> StoreResult<u32> {
        crate::limits::take_rate(self, service, key_type, requested, rate, now).await
    }
}
