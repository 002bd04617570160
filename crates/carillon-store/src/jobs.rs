//! Bulk sends as the store sees them: a job and its rows, created in one transaction.

use carillon_domain::NewNotification;

use crate::StoreResult;

/// One row of a job: the notification it becomes and its row number in the file (GC
/// Notify's `job_row_number`, 0-based among data rows). A job's row numbers are unique.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    pub row_number: u32,
    pub notification: NewNotification,
}

/// Batches of a job's rows, produced while they are stored (the file is read as it goes, so
/// memory holds one batch). An error stops the job's creation and nothing is stored.
pub type JobRows<'a> = dyn Iterator<Item = StoreResult<Vec<JobRow>>> + Send + 'a;

/// What creating a job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// The job and every row are stored (durable once the call returns).
    Created,
    /// Nothing stored: this limit (index into the `CounterLimit`s given) would be exceeded.
    LimitExceeded(usize),
}
