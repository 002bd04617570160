//! Sending limits as the store sees them: named counters with ceilings, and request rates.

use carillon_domain::{NotificationType, ServiceId};
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// A counter of sends, per service, channel and period.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Counter {
    pub service_id: ServiceId,
    pub kind: NotificationType,
    pub period: Period,
}

/// The period a counter covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// A UTC day (GC Notify resets daily limits at 00:00 UTC).
    Day(Date),
    /// A fiscal year, 1 April to 31 March, named by the year it starts in.
    FiscalYear(i32),
}

impl Period {
    /// The UTC day `at` falls in.
    pub fn day_of(at: OffsetDateTime) -> Self {
        Period::Day(at.to_offset(UtcOffset::UTC).date())
    }

    /// The fiscal year `at` (in UTC) falls in.
    pub fn fiscal_year_of(at: OffsetDateTime) -> Self {
        let at = at.to_offset(UtcOffset::UTC);
        Period::FiscalYear(if at.month() >= Month::April {
            at.year()
        } else {
            at.year() - 1
        })
    }

    /// The key stored in the database: `day:2026-11-22` or `year:2026`.
    pub fn key(&self) -> String {
        match self {
            Period::Day(date) => format!("day:{date}"),
            Period::FiscalYear(year) => format!("year:{year}"),
        }
    }
}

/// Add `amount` to `counter` unless that takes it over `ceiling`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterLimit {
    pub counter: Counter,
    pub amount: u64,
    pub ceiling: u64,
}

/// What happened to one notification of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored (and durable once the call returns).
    Inserted,
    /// Not stored: this limit (the index into its `CounterLimit`s) would be exceeded.
    LimitExceeded(usize),
}

/// A request rate: `limit` requests per `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u32,
    pub window_seconds: u32,
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::Period;

    #[test]
    fn fiscal_years_start_in_april() {
        let year = Period::fiscal_year_of;
        assert_eq!(
            year(datetime!(2026-03-31 23:59 UTC)),
            Period::FiscalYear(2025)
        );
        assert_eq!(
            year(datetime!(2026-04-01 00:00 UTC)),
            Period::FiscalYear(2026)
        );
        // 20:00 on 31 March in Ottawa is already April in UTC.
        assert_eq!(
            year(datetime!(2026-03-31 20:00 -4)),
            Period::FiscalYear(2026)
        );
    }

    #[test]
    fn days_are_utc_days() {
        let day = Period::day_of(datetime!(2026-11-22 20:00 -5));
        assert_eq!(day, Period::Day(date!(2026 - 11 - 23)));
    }
}
