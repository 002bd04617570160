//! Periodic jobs every worker offers to run and exactly one process runs per period (the store's
//! job lock): purging personal data past each service's retention, and timing out
//! notifications no provider confirmed within three days (as GC Notify does), moving bulk
//! jobs through their statuses, and removing web app sessions that have timed out. And the
//! heartbeat that tells the command line a worker runs.

use std::sync::Arc;

use carillon_app::accounts::{DEFAULT_SESSION_ABSOLUTE, DEFAULT_SESSION_IDLE};
use carillon_store::{Store, StoreError};
use time::{Duration, OffsetDateTime};

/// How often each job runs.
const EVERY: Duration = Duration::minutes(10);
/// GC Notify's `SENDING_NOTIFICATIONS_TIMEOUT_PERIOD`.
const TIMEOUT: Duration = Duration::days(3);
/// How often job statuses move on (a scheduled job starts sending at its time whatever this
/// is: its rows become due then; this only updates what the job reports).
const JOBS_EVERY: Duration = Duration::seconds(2);
/// Rows purged per transaction.
const PURGE_BATCH: u32 = 1000;

/// How often a running worker records that it runs (the command line calls a worker gone
/// after several missed beats).
const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// When this worker last recorded its heartbeat.
#[derive(Debug, Default)]
pub(crate) struct Heartbeat {
    last: Option<std::time::Instant>,
}

impl Heartbeat {
    /// Records the heartbeat if it is due; a failure is logged and retried next time.
    /// `now` is the clock's time recorded; how often is measured on the monotonic clock.
    pub(crate) async fn beat(&mut self, store: &Arc<dyn Store>, now: OffsetDateTime) {
        let at = std::time::Instant::now();
        if self
            .last
            .is_some_and(|last| at.saturating_duration_since(last) < HEARTBEAT_EVERY)
        {
            return;
        }
        match store.record_worker_heartbeat(now).await {
            Ok(()) => self.last = Some(at),
            Err(error) => tracing::warn!(%error, "could not record the worker heartbeat"),
        }
    }
}

/// Runs whichever jobs are due and not taken by another process; failures are logged and
/// retried next period.
pub(crate) async fn run_due(store: &Arc<dyn Store>, now: OffsetDateTime) {
    if let Err(error) = run(store, now).await {
        tracing::error!(%error, "housekeeping failed; it will run again next period");
    }
}

pub(crate) async fn run(store: &Arc<dyn Store>, now: OffsetDateTime) -> Result<(), StoreError> {
    if store
        .try_start_job("purge-personal-data", now, EVERY)
        .await?
    {
        let mut purged = 0;
        loop {
            let done = store.purge_personal_data(now, PURGE_BATCH).await?;
            purged += done;
            if done < u64::from(PURGE_BATCH) {
                break;
            }
        }
        if purged > 0 {
            tracing::info!(purged, "purged personal data past retention");
        }
        metrics::counter!("carillon_notifications_purged_total").increment(purged);
    }
    if store.try_start_job("purge-sessions", now, EVERY).await? {
        // Expired sessions are already refused when presented; this only reclaims their rows.
        let idle = Duration::try_from(DEFAULT_SESSION_IDLE).unwrap_or(Duration::MAX);
        let absolute = Duration::try_from(DEFAULT_SESSION_ABSOLUTE).unwrap_or(Duration::MAX);
        let removed = store.purge_sessions(now - idle, now - absolute).await?;
        metrics::counter!("carillon_sessions_purged_total").increment(removed);
    }
    if store.try_start_job("advance-jobs", now, JOBS_EVERY).await? {
        store.advance_jobs(now).await?;
    }
    if store
        .try_start_job("time-out-notifications", now, EVERY)
        .await?
    {
        let timed_out = store.time_out_notifications(now - TIMEOUT, now).await?;
        if !timed_out.is_empty() {
            tracing::info!(
                count = timed_out.len(),
                "timed out notifications after 3 days"
            );
        }
        metrics::counter!("carillon_notifications_timed_out_total")
            .increment(timed_out.len() as u64);
    }
    Ok(())
}
