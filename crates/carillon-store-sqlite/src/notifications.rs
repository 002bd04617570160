//! Storing notifications: a batch goes in as one `BEGIN IMMEDIATE` transaction (group
//! commit), with its counters checked and moved in the same transaction.

use carillon_domain::NewNotification;
use carillon_store::support::decide;
use carillon_store::{CounterLimit, InsertOutcome, StoreResult};
use sqlx::{QueryBuilder, Sqlite};

use crate::SqliteStore;
use crate::codec::{micros, opt_micros, priority, seal_notification, to_i64};
use crate::error::db_err;
use crate::limits::{load_counters, save_counters};
use carillon_domain::{KeyType, Notification, NotificationFilter, NotificationId, ServiceId};
use carillon_store::{Counter, RateLimit};
use time::OffsetDateTime;

/// Rows per multi-row statement at most. Smaller statements are powers of two, so a handful of
/// statement texts cover every batch size and stay in the statement cache.
const ROWS_PER_STATEMENT: usize = 64;

/// How many of `remaining` rows the next multi-row statement takes: [`ROWS_PER_STATEMENT`],
/// or the largest power of two that fits.
pub(crate) fn statement_rows(remaining: usize) -> usize {
    if remaining >= ROWS_PER_STATEMENT {
        ROWS_PER_STATEMENT
    } else {
        1 << remaining.max(1).ilog2()
    }
}

/// A notification ready to be written: sealed and converted before the write lock is taken.
pub(crate) struct Prepared<'a> {
    new: &'a NewNotification,
    /// The job and row number, for a row of a bulk send.
    pub(crate) job: Option<(uuid::Uuid, i64)>,
    /// Sealed personal data, client reference included.
    personal: Vec<u8>,
    reference_hash: Option<[u8; 32]>,
    recipient_hash: [u8; 32],
    billable_units: i64,
    created_at: i64,
    scheduled_for: Option<i64>,
}

pub(crate) fn prepare<'a>(
    store: &SqliteStore,
    new: &'a NewNotification,
) -> StoreResult<Prepared<'a>> {
    let sealed = seal_notification(&store.cipher, new)?;
    Ok(Prepared {
        new,
        job: None,
        personal: sealed.personal,
        reference_hash: sealed.reference_hash,
        recipient_hash: sealed.recipient_hash,
        billable_units: to_i64(new.billable_units, "billable_units")?,
        created_at: micros(new.created_at),
        scheduled_for: opt_micros(new.scheduled_for),
    })
}

pub(crate) async fn insert(
    store: &SqliteStore,
    batch: &[(NewNotification, Vec<CounterLimit>)],
) -> StoreResult<Vec<InsertOutcome>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let prepared = batch
        .iter()
        .map(|(new, _)| prepare(store, new))
        .collect::<StoreResult<Vec<_>>>()?;

    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let before = load_counters(&mut tx, batch).await?;
    let mut after = before.clone();
    let outcomes = decide(batch, &mut after);
    let accepted: Vec<&Prepared<'_>> = prepared
        .iter()
        .zip(&outcomes)
        .filter(|(_, outcome)| **outcome == InsertOutcome::Inserted)
        .map(|(row, _)| row)
        .collect();

    let mut rest = accepted.as_slice();
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(statement_rows(rest.len()));
        insert_rows(&mut tx, chunk).await?;
        rest = tail;
    }
    save_counters(&mut tx, &before, &after).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(outcomes)
}

pub(crate) async fn insert_rows(
    conn: &mut sqlx::SqliteConnection,
    rows: &[&Prepared<'_>],
) -> StoreResult<()> {
    let mut query = QueryBuilder::<Sqlite>::new(
        "INSERT INTO notifications (id, service_id, template_id, template_version, api_key_id, \
         key_type, kind, priority, billable_units, client_reference_hash, sender, personal, \
         created_at, scheduled_for, next_attempt_at, status, attempts, job_id, job_row_number, \
         recipient_hash) ",
    );
    query.push_values(rows, |mut values, row| {
        let new = row.new;
        values
            .push_bind(new.id.as_uuid())
            .push_bind(new.service_id.as_uuid())
            .push_bind(new.template_id.as_uuid())
            .push_bind(new.template_version)
            .push_bind(new.api_key_id.map(|id| *id.as_uuid()))
            .push_bind(new.key_type.as_str())
            .push_bind(new.kind.as_str())
            .push_bind(priority(new.process_type))
            .push_bind(row.billable_units)
            .push_bind(row.reference_hash.as_ref().map(<[u8; 32]>::as_slice))
            .push_bind(new.sender.as_deref())
            .push_bind(row.personal.as_slice())
            .push_bind(row.created_at)
            .push_bind(row.scheduled_for)
            // A scheduled notification waits for its time; the others are ready at once.
            .push_bind(row.scheduled_for)
            .push("'created'")
            .push("0")
            .push_bind(row.job.map(|(job, _)| job))
            .push_bind(row.job.map(|(_, number)| number))
            .push_bind(row.recipient_hash.as_slice());
    });
    query.build().execute(conn).await.map_err(db_err)?;
    Ok(())
}

#[async_trait::async_trait]
impl carillon_store::NotificationStore for SqliteStore {
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
