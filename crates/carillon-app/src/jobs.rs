//! Jobs (bulk sends once stored): list a service's jobs with their counts, follow one, cancel
//! a scheduled one, move jobs on, and tell whether a delivery worker is running.

use carillon_domain::{Job, JobId, NotificationStatus, ServiceId};
use carillon_store::StoreError;
use thiserror::Error;

use crate::App;

/// A worker seen more recently than this is taken to be running (workers beat every 5 s).
pub const WORKER_GONE_AFTER: time::Duration = time::Duration::seconds(30);

/// How many of a job's notifications are in each status (statuses with none left out).
pub type JobCounts = Vec<(NotificationStatus, u64)>;

/// Why a job use case failed.
#[derive(Debug, Error)]
pub enum JobError {
    #[error("no job {0}")]
    NotFound(JobId),
    /// Only a scheduled job whose time has not come can be cancelled.
    #[error("job {0} cannot be cancelled: only a scheduled job that has not started can")]
    NotCancellable(JobId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl App {
    /// The service's jobs, newest first, each with its notification counts.
    pub async fn jobs_with_counts(
        &self,
        service: ServiceId,
    ) -> Result<Vec<(Job, JobCounts)>, JobError> {
        let mut listed = Vec::new();
        for job in self.store.jobs(service).await? {
            let counts = self.store.job_counts(service, job.id).await?;
            listed.push((job, counts));
        }
        Ok(listed)
    }

    /// One job of the service with its notification counts.
    pub async fn job_with_counts(
        &self,
        service: ServiceId,
        id: JobId,
    ) -> Result<(Job, JobCounts), JobError> {
        let job = self
            .store
            .job(service, id)
            .await?
            .ok_or(JobError::NotFound(id))?;
        let counts = self.job_counts(service, id).await?;
        Ok((job, counts))
    }

    /// How many of the job's notifications are in each status.
    pub async fn job_counts(&self, service: ServiceId, id: JobId) -> Result<JobCounts, JobError> {
        Ok(self.store.job_counts(service, id).await?)
    }

    /// Cancels a scheduled job before it starts (its rows are deleted unsent and the limits
    /// get back what they took).
    pub async fn cancel_job(&self, service: ServiceId, id: JobId) -> Result<Job, JobError> {
        self.store
            .cancel_job(service, id, self.clock.now())
            .await
            .map_err(|error| match error {
                StoreError::NotFound => JobError::NotFound(id),
                StoreError::Conflict(_) => JobError::NotCancellable(id),
                other => JobError::Store(other),
            })
    }

    /// Moves jobs on at the clock's now (see `JobStore::advance_jobs`); returns how many
    /// changed. Bookkeeping only: nothing is sent from here.
    pub async fn advance_jobs(&self) -> Result<u64, JobError> {
        Ok(self.store.advance_jobs(self.clock.now()).await?)
    }

    /// Whether a delivery worker has recorded its heartbeat within [`WORKER_GONE_AFTER`].
    pub async fn worker_running(&self) -> Result<bool, JobError> {
        let now = self.clock.now();
        Ok(self
            .store
            .last_worker_heartbeat()
            .await?
            .is_some_and(|seen| now - seen < WORKER_GONE_AFTER))
    }
}
