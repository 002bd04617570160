//! Bulk sends as the store sees them: a job and its rows, created in one transaction.

use carillon_domain::{NewNotification, NotificationType, ServiceId};
use time::OffsetDateTime;

use crate::{Counter, Period, StoreResult};

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

/// The counters a job's rows were counted in: its channel's for the UTC day and the fiscal
/// year of its `created_at`, which is what the API names in `create_job`'s limits. Day first,
/// the order in which backends lock counters.
pub fn job_counters(
    service_id: ServiceId,
    kind: NotificationType,
    created_at: OffsetDateTime,
) -> [Counter; 2] {
    let counter = |period| Counter {
        service_id,
        kind,
        period,
    };
    [
        counter(Period::day_of(created_at)),
        counter(Period::fiscal_year_of(created_at)),
    ]
}

/// What unsent rows give back to those counters: one per email, an SMS's billable units
/// (fragments) each, as the API counts them.
pub fn job_rows_amount(kind: NotificationType, rows: u64, billable_units: u64) -> u64 {
    match kind {
        NotificationType::Email => rows,
        NotificationType::Sms => billable_units,
    }
}
