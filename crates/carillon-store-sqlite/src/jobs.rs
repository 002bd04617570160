//! Bulk sends: a job and its rows stored in one `BEGIN IMMEDIATE` transaction, counts per
//! status, cancellation before the start (giving back the sending limits its rows took), and
//! the periodic moves between statuses.

use carillon_domain::{
    ApiKeyId, Job, JobId, JobStatus, NewJob, NotificationStatus, ServiceId, TemplateId,
};
use carillon_store::support::decide;
use carillon_store::{
    CounterLimit, InsertOutcome, JobOutcome, JobRows, StoreError, StoreResult, job_counters,
    job_rows_amount,
};
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::SqliteStore;
use crate::codec::{count, from_micros, kind, micros, opt_from_micros, opt_micros, status, to_i64};
use crate::error::{col, corrupt, db_err};
use crate::limits::{load_counters, save_counters};
use crate::notifications::{insert_rows, prepare, statement_rows};

pub(crate) async fn create(
    store: &SqliteStore,
    job: &NewJob,
    limits: &[CounterLimit],
    rows: &mut JobRows<'_>,
) -> StoreResult<JobOutcome> {
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let status = if job.scheduled_for.is_some() {
        JobStatus::Scheduled
    } else {
        JobStatus::Pending
    };
    sqlx::query(
        "INSERT INTO jobs (id, service_id, template_id, template_version, kind, \
         original_file_name, notification_count, status, api_key_id, sender_id, scheduled_for, \
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(job.id.as_uuid())
    .bind(job.service_id.as_uuid())
    .bind(job.template_id.as_uuid())
    .bind(job.template_version)
    .bind(job.kind.as_str())
    .bind(&job.original_file_name)
    .bind(i64::from(job.notification_count))
    .bind(status.as_str())
    .bind(job.api_key_id.map(|id| *id.as_uuid()))
    .bind(job.sender_id)
    .bind(opt_micros(job.scheduled_for))
    .bind(micros(job.created_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;

    let mut first = true;
    for batch in rows {
        let batch = batch?;
        let Some(head) = batch.first() else { continue };
        if first && !limits.is_empty() {
            // The whole job's amounts, checked once through the batch rules.
            let whole = [(head.notification.clone(), limits.to_vec())];
            let before = load_counters(&mut tx, &whole).await?;
            let mut after = before.clone();
            if let Some(InsertOutcome::LimitExceeded(index)) =
                decide(&whole, &mut after).first().cloned()
            {
                tx.rollback().await.map_err(db_err)?;
                return Ok(JobOutcome::LimitExceeded(index));
            }
            save_counters(&mut tx, &before, &after).await?;
        }
        first = false;
        let mut prepared = Vec::with_capacity(batch.len());
        for row in &batch {
            let mut one = prepare(store, &row.notification)?;
            one.job = Some((*job.id.as_uuid(), i64::from(row.row_number)));
            prepared.push(one);
        }
        let refs: Vec<_> = prepared.iter().collect();
        let mut rest = refs.as_slice();
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(statement_rows(rest.len()));
            insert_rows(&mut tx, chunk).await?;
            rest = tail;
        }
    }
    tx.commit().await.map_err(db_err)?;
    Ok(JobOutcome::Created)
}

const COLUMNS: &str = "id, service_id, template_id, template_version, kind, original_file_name, \
     notification_count, status, api_key_id, sender_id, scheduled_for, created_at, updated_at, \
     processing_started, processing_finished, archived";

fn job_from(row: &SqliteRow) -> StoreResult<Job> {
    let status_text: String = col(row, "status")?;
    Ok(Job {
        id: JobId::from_uuid(col::<Uuid>(row, "id")?),
        service_id: ServiceId::from_uuid(col::<Uuid>(row, "service_id")?),
        template_id: TemplateId::from_uuid(col::<Uuid>(row, "template_id")?),
        template_version: col(row, "template_version")?,
        kind: kind(&col::<String>(row, "kind")?)?,
        original_file_name: col(row, "original_file_name")?,
        notification_count: count(col(row, "notification_count")?, "notification_count")?,
        api_key_id: col::<Option<Uuid>>(row, "api_key_id")?.map(ApiKeyId::from_uuid),
        sender_id: col(row, "sender_id")?,
        status: status_text.parse().map_err(corrupt)?,
        scheduled_for: opt_from_micros(col(row, "scheduled_for")?)?,
        created_at: from_micros(col(row, "created_at")?)?,
        updated_at: opt_from_micros(col(row, "updated_at")?)?,
        processing_started: opt_from_micros(col(row, "processing_started")?)?,
        processing_finished: opt_from_micros(col(row, "processing_finished")?)?,
        archived: col::<i64>(row, "archived")? != 0,
    })
}

pub(crate) async fn get(
    store: &SqliteStore,
    service: ServiceId,
    id: JobId,
) -> StoreResult<Option<Job>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM jobs WHERE service_id = ? AND id = ?"
    )))
    .bind(service.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&store.readers)
    .await
    .map_err(db_err)?;
    row.as_ref().map(job_from).transpose()
}

pub(crate) async fn list(store: &SqliteStore, service: ServiceId) -> StoreResult<Vec<Job>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM jobs WHERE service_id = ? ORDER BY created_at DESC, id"
    )))
    .bind(service.as_uuid())
    .fetch_all(&store.readers)
    .await
    .map_err(db_err)?;
    rows.iter().map(job_from).collect()
}

pub(crate) async fn counts(
    store: &SqliteStore,
    service: ServiceId,
    id: JobId,
) -> StoreResult<Vec<(NotificationStatus, u64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM notifications \
         WHERE job_id = ? AND service_id = ? GROUP BY status ORDER BY status",
    )
    .bind(id.as_uuid())
    .bind(service.as_uuid())
    .fetch_all(&store.readers)
    .await
    .map_err(db_err)?;
    rows.into_iter()
        .map(|(name, n)| Ok((status(&name)?, count(n, "count")?)))
        .collect()
}

pub(crate) async fn cancel(
    store: &SqliteStore,
    service: ServiceId,
    id: JobId,
    now: OffsetDateTime,
) -> StoreResult<Job> {
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let changed = sqlx::query(
        "UPDATE jobs SET status = 'cancelled', updated_at = ? \
         WHERE service_id = ? AND id = ? AND status = 'scheduled' AND scheduled_for > ?",
    )
    .bind(micros(now))
    .bind(service.as_uuid())
    .bind(id.as_uuid())
    .bind(micros(now))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    if changed == 1 {
        give_back(&mut tx, id).await?;
        sqlx::query("DELETE FROM notifications WHERE job_id = ? AND status = 'created'")
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    let job = get(store, service, id).await?.ok_or(StoreError::NotFound)?;
    if changed == 1 {
        Ok(job)
    } else {
        Err(StoreError::Conflict(format!(
            "job {id} is {}, not scheduled",
            job.status.as_str()
        )))
    }
}

/// Gives the sending limits back what the job's unsent rows took (see `Store::cancel_job`),
/// in the cancelling transaction, before the rows are deleted.
async fn give_back(tx: &mut sqlx::SqliteConnection, id: JobId) -> StoreResult<()> {
    let (service, kind_text, created_at): (Uuid, String, i64) =
        sqlx::query_as("SELECT service_id, kind, created_at FROM jobs WHERE id = ?")
            .bind(id.as_uuid())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
    let (rows, units, counted): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(billable_units), 0), \
             COALESCE(SUM(key_type <> 'test'), 0) \
         FROM notifications WHERE job_id = ? AND status = 'created'",
    )
    .bind(id.as_uuid())
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    if counted == 0 {
        return Ok(());
    }
    let kind = kind(&kind_text)?;
    let amount = job_rows_amount(kind, count(rows, "rows")?, count(units, "billable_units")?);
    let service = ServiceId::from_uuid(service);
    for counter in job_counters(service, kind, from_micros(created_at)?) {
        sqlx::query(
            "UPDATE counters SET value = MAX(value - ?, 0) \
             WHERE service_id = ? AND kind = ? AND period = ?",
        )
        .bind(to_i64(amount, "amount")?)
        .bind(counter.service_id.as_uuid())
        .bind(counter.kind.as_str())
        .bind(counter.period.key())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

pub(crate) async fn advance(store: &SqliteStore, now: OffsetDateTime) -> StoreResult<u64> {
    let now = micros(now);
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let started = sqlx::query(
        "UPDATE jobs SET status = 'in progress', processing_started = ?1, updated_at = ?1 \
         WHERE status = 'pending' OR (status = 'scheduled' AND scheduled_for <= ?1)",
    )
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    let finished = sqlx::query(
        "UPDATE jobs SET status = 'finished', processing_finished = ?1, updated_at = ?1 \
         WHERE status = 'in progress' AND NOT EXISTS (SELECT 1 FROM notifications n \
             WHERE n.job_id = jobs.id AND n.status = 'created')",
    )
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    let archived = sqlx::query(
        "UPDATE jobs SET archived = 1, updated_at = ?1 \
         WHERE archived = 0 AND status IN ('finished', 'cancelled', 'sending limits exceeded', \
             'error') \
           AND created_at < ?1 - (SELECT retention_days FROM services s \
               WHERE s.id = jobs.service_id) * 86400000000",
    )
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    tx.commit().await.map_err(db_err)?;
    Ok(started + finished + archived)
}

#[async_trait::async_trait]
impl carillon_store::JobStore for SqliteStore {
    async fn create_job(
        &self,
        job: &NewJob,
        limits: &[CounterLimit],
        rows: &mut JobRows<'_>,
    ) -> StoreResult<JobOutcome> {
        create(self, job, limits, rows).await
    }

    async fn job(&self, service: ServiceId, id: JobId) -> StoreResult<Option<Job>> {
        get(self, service, id).await
    }

    async fn jobs(&self, service: ServiceId) -> StoreResult<Vec<Job>> {
        list(self, service).await
    }

    async fn job_counts(
        &self,
        service: ServiceId,
        id: JobId,
    ) -> StoreResult<Vec<(NotificationStatus, u64)>> {
        counts(self, service, id).await
    }

    async fn cancel_job(
        &self,
        service: ServiceId,
        id: JobId,
        now: OffsetDateTime,
    ) -> StoreResult<Job> {
        cancel(self, service, id, now).await
    }

    async fn advance_jobs(&self, now: OffsetDateTime) -> StoreResult<u64> {
        advance(self, now).await
    }
}
