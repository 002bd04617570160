//! Storing notifications: a batch goes in as one transaction (group commit) and one
//! multi-row INSERT, with its counters locked, checked and moved in the same transaction.

use carillon_domain::NewNotification;
use carillon_store::support::decide;
use carillon_store::{CounterLimit, InsertOutcome, StoreResult};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::{PersonalRef, opt_truncate, priority, seal_personal, to_int, truncate};
use crate::error::db_err;
use crate::limits::{lock_counters, save_counters};

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
    client_reference: Vec<Option<&'a str>>,
    sender: Vec<Option<&'a str>>,
    personal: Vec<Vec<u8>>,
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
        personal: Vec<u8>,
        job: Uuid,
        row_number: u32,
    ) -> StoreResult<()> {
        self.push(new, personal)?;
        if let (Some(id), Some(number)) = (self.job_id.last_mut(), self.job_row_number.last_mut()) {
            *id = Some(job);
            *number = Some(to_int(row_number, "job_row_number")?);
        }
        Ok(())
    }

    fn push(&mut self, new: &'a NewNotification, personal: Vec<u8>) -> StoreResult<()> {
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
        self.client_reference.push(new.client_reference.as_deref());
        self.sender.push(new.sender.as_deref());
        self.personal.push(personal);
        self.created_at.push(created_at);
        self.scheduled_for.push(opt_truncate(new.scheduled_for));
        self.job_id.push(None);
        self.job_row_number.push(None);
        Ok(())
    }
}

pub(crate) fn seal(store: &PgStore, new: &NewNotification) -> StoreResult<Vec<u8>> {
    seal_personal(
        &store.cipher,
        &PersonalRef {
            to: &new.to,
            normalised_to: &new.normalised_to,
            personalisation: &new.personalisation,
            body: &new.body,
            subject: new.subject.as_deref(),
        },
    )
}

pub(crate) async fn insert(
    store: &PgStore,
    batch: &[(NewNotification, Vec<CounterLimit>)],
) -> StoreResult<Vec<InsertOutcome>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    // Sealing is the CPU-heavy part: done before any lock is taken.
    let mut sealed = batch
        .iter()
        .map(|(new, _)| seal(store, new).map(Some))
        .collect::<StoreResult<Vec<_>>>()?;

    let mut tx = store.pool.begin().await.map_err(db_err)?;
    let before = lock_counters(&mut tx, batch).await?;
    let mut after = before.clone();
    let outcomes = decide(batch, &mut after);
    let mut columns = Columns::default();
    for (((new, _), outcome), personal) in batch.iter().zip(&outcomes).zip(&mut sealed) {
        if let (InsertOutcome::Inserted, Some(personal)) = (outcome, personal.take()) {
            columns.push(new, personal)?;
        }
    }
    if !columns.id.is_empty() {
        insert_rows(&mut tx, columns).await?;
    }
    save_counters(&mut tx, &before, &after).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(outcomes)
}

pub(crate) async fn insert_rows(
    conn: &mut sqlx::PgConnection,
    columns: Columns<'_>,
) -> StoreResult<()> {
    // ORDER BY ord hands out `seq` in batch order. A scheduled notification waits for its
    // time (next_attempt_at); the others are ready at once (NULL).
    sqlx::query(
        "INSERT INTO notifications (id, service_id, template_id, template_version, api_key_id, \
             key_type, kind, priority, billable_units, client_reference, sender, personal, \
             created_at, scheduled_for, next_attempt_at, status, attempts, job_id, \
             job_row_number) \
         SELECT u.id, u.service_id, u.template_id, u.template_version, u.api_key_id, \
             u.key_type, u.kind, u.priority, u.billable_units, u.client_reference, u.sender, \
             u.personal, u.created_at, u.scheduled_for, u.scheduled_for, 'created', 0, \
             u.job_id, u.job_row_number \
         FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::int4[], $5::uuid[], $6::text[], \
             $7::text[], $8::int2[], $9::int4[], $10::text[], $11::text[], $12::bytea[], \
             $13::timestamptz[], $14::timestamptz[], $15::uuid[], $16::int4[]) WITH ORDINALITY \
             AS u(id, service_id, template_id, template_version, api_key_id, key_type, kind, \
                 priority, billable_units, client_reference, sender, personal, created_at, \
                 scheduled_for, job_id, job_row_number, ord) \
         ORDER BY u.ord",
    )
    .bind(columns.id)
    .bind(columns.service_id)
    .bind(columns.template_id)
    .bind(columns.template_version)
    .bind(columns.api_key_id)
    .bind(columns.key_type)
    .bind(columns.kind)
    .bind(columns.priority)
    .bind(columns.billable_units)
    .bind(columns.client_reference)
    .bind(columns.sender)
    .bind(columns.personal)
    .bind(columns.created_at)
    .bind(columns.scheduled_for)
    .bind(columns.job_id)
    .bind(columns.job_row_number)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}
