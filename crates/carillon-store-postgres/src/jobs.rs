//! Bulk sends: a job and its rows stored in one transaction (one `UNNEST` insert per batch),
//! counts per status, cancellation before the start (giving back the sending limits its rows
//! took), and the periodic moves between statuses.

use carillon_domain::{
    ApiKeyId, Job, JobId, JobStatus, NewJob, NotificationStatus, ServiceId, TemplateId,
};
use carillon_store::support::decide;
use carillon_store::{
    CounterLimit, InsertOutcome, JobOutcome, JobRows, StoreError, StoreResult, job_counters,
    job_rows_amount,
};
use sqlx::postgres::PgRow;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::{count, kind, opt_truncate, status, to_int, truncate};
use crate::error::{col, corrupt, db_err};
use crate::limits::{lock_counters, save_counters};
use crate::notifications::{Columns, insert_rows, seal};

pub(crate) async fn create(
    store: &PgStore,
    job: &NewJob,
    limits: &[CounterLimit],
    rows: &mut JobRows<'_>,
) -> StoreResult<JobOutcome> {
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    let status = if job.scheduled_for.is_some() {
        JobStatus::Scheduled
    } else {
        JobStatus::Pending
    };
    sqlx::query(
        "INSERT INTO jobs (id, service_id, template_id, template_version, kind, \
         original_file_name, notification_count, status, api_key_id, sender_id, scheduled_for, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(job.id.as_uuid())
    .bind(job.service_id.as_uuid())
    .bind(job.template_id.as_uuid())
    .bind(job.template_version)
    .bind(job.kind.as_str())
    .bind(&job.original_file_name)
    .bind(i32::try_from(job.notification_count).unwrap_or(i32::MAX))
    .bind(status.as_str())
    .bind(job.api_key_id.map(|id| *id.as_uuid()))
    .bind(job.sender_id)
    .bind(opt_truncate(job.scheduled_for))
    .bind(truncate(job.created_at))
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
            let before = lock_counters(&mut tx, &whole).await?;
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
        let sealed = batch
            .iter()
            .map(|row| seal(store, &row.notification))
            .collect::<StoreResult<Vec<_>>>()?;
        let mut columns = Columns::default();
        for (row, sealed) in batch.iter().zip(&sealed) {
            columns.push_job_row(&row.notification, sealed, *job.id.as_uuid(), row.row_number)?;
        }
        insert_rows(&mut tx, &columns).await?;
    }
    tx.commit().await.map_err(db_err)?;
    // The rows' `seq`s were handed out long before this commit: claims must look again.
    store.wake.announce();
    Ok(JobOutcome::Created)
}

const SELECT: &str = "SELECT id, service_id, template_id, template_version, kind, \
     original_file_name, notification_count, status, api_key_id, sender_id, scheduled_for, \
     created_at, updated_at, processing_started, processing_finished, archived FROM jobs";

fn job_from(row: &PgRow) -> StoreResult<Job> {
    let status_text: String = col(row, "status")?;
    Ok(Job {
        id: JobId::from_uuid(col(row, "id")?),
        service_id: ServiceId::from_uuid(col(row, "service_id")?),
        template_id: TemplateId::from_uuid(col(row, "template_id")?),
        template_version: col(row, "template_version")?,
        kind: kind(&col::<String>(row, "kind")?)?,
        original_file_name: col(row, "original_file_name")?,
        notification_count: count(col::<i32>(row, "notification_count")?, "notification_count")?,
        api_key_id: col::<Option<Uuid>>(row, "api_key_id")?.map(ApiKeyId::from_uuid),
        sender_id: col(row, "sender_id")?,
        status: status_text.parse().map_err(corrupt)?,
        scheduled_for: col(row, "scheduled_for")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
        processing_started: col(row, "processing_started")?,
        processing_finished: col(row, "processing_finished")?,
        archived: col(row, "archived")?,
    })
}

pub(crate) async fn get(
    store: &PgStore,
    service: ServiceId,
    id: JobId,
) -> StoreResult<Option<Job>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE service_id = $1 AND id = $2"
    )))
    .bind(service.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&store.pool)
    .await
    .map_err(db_err)?;
    row.as_ref().map(job_from).transpose()
}

pub(crate) async fn list(store: &PgStore, service: ServiceId) -> StoreResult<Vec<Job>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE service_id = $1 ORDER BY created_at DESC, id"
    )))
    .bind(service.as_uuid())
    .fetch_all(&store.pool)
    .await
    .map_err(db_err)?;
    rows.iter().map(job_from).collect()
}

pub(crate) async fn counts(
    store: &PgStore,
    service: ServiceId,
    id: JobId,
) -> StoreResult<Vec<(NotificationStatus, u64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM notifications \
         WHERE job_id = $1 AND service_id = $2 GROUP BY status ORDER BY status",
    )
    .bind(id.as_uuid())
    .bind(service.as_uuid())
    .fetch_all(&store.pool)
    .await
    .map_err(db_err)?;
    rows.into_iter()
        .map(|(name, n)| Ok((status(&name)?, count(n, "count")?)))
        .collect()
}

pub(crate) async fn cancel(
    store: &PgStore,
    service: ServiceId,
    id: JobId,
    now: OffsetDateTime,
) -> StoreResult<Job> {
    let now = truncate(now);
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    let changed = sqlx::query(
        "UPDATE jobs SET status = 'cancelled', updated_at = $3 \
         WHERE service_id = $1 AND id = $2 AND status = 'scheduled' AND scheduled_for > $3",
    )
    .bind(service.as_uuid())
    .bind(id.as_uuid())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    if changed == 1 {
        give_back(&mut tx, id).await?;
        sqlx::query("DELETE FROM notifications WHERE job_id = $1 AND status = 'created'")
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
/// in the cancelling transaction, before the rows are deleted. Counters are updated one by
/// one in the order `lock_counters` locks them, so this cannot deadlock with an insert.
async fn give_back(tx: &mut sqlx::PgConnection, id: JobId) -> StoreResult<()> {
    let (service, kind_text, created_at): (Uuid, String, OffsetDateTime) =
        sqlx::query_as("SELECT service_id, kind, created_at FROM jobs WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
    let (rows, units, counted): (i64, i64, bool) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(billable_units), 0)::bigint, \
             COALESCE(bool_or(key_type <> 'test'), false) \
         FROM notifications WHERE job_id = $1 AND status = 'created'",
    )
    .bind(id.as_uuid())
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    if !counted {
        return Ok(());
    }
    let kind = kind(&kind_text)?;
    let amount = job_rows_amount(kind, count(rows, "rows")?, count(units, "billable_units")?);
    let service = ServiceId::from_uuid(service);
    for counter in job_counters(service, kind, created_at) {
        sqlx::query(
            "UPDATE counters SET value = GREATEST(value - $4, 0) \
             WHERE service_id = $1 AND kind = $2 AND period = $3",
        )
        .bind(counter.service_id.as_uuid())
        .bind(counter.kind.as_str())
        .bind(counter.period.key())
        .bind(to_int::<i64, _>(amount, "amount")?)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

pub(crate) async fn advance(store: &PgStore, now: OffsetDateTime) -> StoreResult<u64> {
    let now = truncate(now);
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    let started = sqlx::query(
        "UPDATE jobs SET status = 'in progress', processing_started = $1, updated_at = $1 \
         WHERE status = 'pending' OR (status = 'scheduled' AND scheduled_for <= $1)",
    )
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    let finished = sqlx::query(
        "UPDATE jobs SET status = 'finished', processing_finished = $1, updated_at = $1 \
         WHERE status = 'in progress' AND NOT EXISTS (SELECT 1 FROM notifications n \
             WHERE n.job_id = jobs.id AND n.status = 'created')",
    )
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    let archived = sqlx::query(
        "UPDATE jobs SET archived = true, updated_at = $1 FROM services s \
         WHERE s.id = jobs.service_id AND NOT jobs.archived \
           AND jobs.status IN ('finished', 'cancelled', 'sending limits exceeded', 'error') \
           AND jobs.created_at < $1 - make_interval(days => s.retention_days)",
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
impl carillon_store::JobStore for PgStore {
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
