//! The daily fact table behind dashboards: how many notifications each service sent per UTC
//! day, template, channel and status, with their billable units (text message parts).
//!
//! Backends keep the facts in the same transaction as every change to `notifications` (an
//! insert, a status move, a cancelled scheduled row), so a dashboard reads a few hundred fact
//! rows instead of scanning millions of notifications. Purging personal data past retention
//! keeps the facts: the row stays, only its personal columns go.
//!
//! A notification counts on the UTC day it was created, whatever day its status last moved,
//! as GC Notify's fact table does; UTC because daily limits reset at midnight UTC too. Rows sent
//! with a test key are never counted: nothing was delivered and GC Notify leaves them out.

use carillon_domain::{NotificationStatus, NotificationType, ServiceId, TemplateId};
use time::{Date, Month};

use crate::{StoreError, StoreResult};

/// The notifications of one UTC day, channel and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyFact {
    pub day: Date,
    pub kind: NotificationType,
    pub status: NotificationStatus,
    pub notifications: u64,
    /// Text message parts (1 per email).
    pub billable_units: u64,
}

/// The notifications of one template, channel and status over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateFact {
    pub template: TemplateId,
    pub kind: NotificationType,
    pub status: NotificationStatus,
    pub notifications: u64,
    pub billable_units: u64,
}

/// The notifications of one calendar month, channel and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthlyFact {
    /// The first day of the month.
    pub month: Date,
    pub kind: NotificationType,
    pub status: NotificationStatus,
    pub notifications: u64,
    pub billable_units: u64,
}

/// A fiscal year, April 1 to March 31, named by the calendar year it starts in (GC Notify's
/// "2026 to 2027" is `FiscalYear(2026)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FiscalYear(pub i32);

impl FiscalYear {
    /// The fiscal year `day` falls in.
    pub fn of(day: Date) -> Self {
        if day.month() >= Month::April {
            FiscalYear(day.year())
        } else {
            FiscalYear(day.year() - 1)
        }
    }

    /// April 1.
    ///
    /// # Errors
    /// [`StoreError::Other`] for a year out of `time`'s range.
    pub fn first_day(self) -> StoreResult<Date> {
        Date::from_calendar_date(self.0, Month::April, 1)
            .map_err(|_| StoreError::Other(format!("fiscal year {} is out of range", self.0)))
    }

    /// March 31 of the next calendar year.
    ///
    /// # Errors
    /// [`StoreError::Other`] for a year out of `time`'s range.
    pub fn last_day(self) -> StoreResult<Date> {
        Date::from_calendar_date(self.0 + 1, Month::March, 31)
            .map_err(|_| StoreError::Other(format!("fiscal year {} is out of range", self.0)))
    }
}

/// Reading the facts. Ranges are of UTC days, both ends included; a range ending before it
/// starts is empty. Only combinations with at least one notification are returned.
#[async_trait::async_trait]
pub trait FactStore: Send + Sync {
    /// Per day, channel and status, ordered by day, channel, status.
    async fn daily_facts(
        &self,
        service: ServiceId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<DailyFact>>;

    /// Per template, channel and status over the range, in no particular order.
    async fn template_facts(
        &self,
        service: ServiceId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<TemplateFact>>;

    /// Per month, channel and status over the fiscal year, ordered by month, channel, status.
    /// A year is at most a few thousand daily facts, so the months are summed here rather
    /// than in each backend's SQL.
    async fn monthly_facts(
        &self,
        service: ServiceId,
        year: FiscalYear,
    ) -> StoreResult<Vec<MonthlyFact>> {
        let days = self
            .daily_facts(service, year.first_day()?, year.last_day()?)
            .await?;
        Ok(months_of(&days))
    }
}

/// Sums daily facts into months, ordered like [`FactStore::monthly_facts`].
pub fn months_of(days: &[DailyFact]) -> Vec<MonthlyFact> {
    let mut months: Vec<MonthlyFact> = Vec::new();
    for fact in days {
        let month = fact.day.replace_day(1).unwrap_or(fact.day);
        let existing = months
            .iter_mut()
            .find(|m| m.month == month && m.kind == fact.kind && m.status == fact.status);
        match existing {
            Some(m) => {
                m.notifications += fact.notifications;
                m.billable_units += fact.billable_units;
            }
            None => months.push(MonthlyFact {
                month,
                kind: fact.kind,
                status: fact.status,
                notifications: fact.notifications,
                billable_units: fact.billable_units,
            }),
        }
    }
    sort_monthly(&mut months);
    months
}

/// Sorts facts the way [`FactStore::daily_facts`] returns them; backends use it after decoding
/// because the database orders statuses by their text, not GC Notify's order.
pub fn sort_daily(facts: &mut [DailyFact]) {
    facts.sort_by_key(|f| (f.day, f.kind.as_str(), status_rank(f.status)));
}

/// Sorts monthly facts like [`sort_daily`].
pub fn sort_monthly(facts: &mut [MonthlyFact]) {
    facts.sort_by_key(|f| (f.month, f.kind.as_str(), status_rank(f.status)));
}

fn status_rank(status: NotificationStatus) -> usize {
    NotificationStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn fiscal_years_start_on_april_first() {
        assert_eq!(FiscalYear::of(date!(2026 - 03 - 31)), FiscalYear(2025));
        assert_eq!(FiscalYear::of(date!(2026 - 04 - 01)), FiscalYear(2026));
        assert_eq!(FiscalYear::of(date!(2026 - 12 - 31)), FiscalYear(2026));
        assert_eq!(FiscalYear(2026).first_day().unwrap(), date!(2026 - 04 - 01));
        assert_eq!(FiscalYear(2026).last_day().unwrap(), date!(2027 - 03 - 31));
    }

    #[test]
    fn months_sum_their_days_per_channel_and_status() {
        let fact = |day, kind, status, n| DailyFact {
            day,
            kind,
            status,
            notifications: n,
            billable_units: 2 * n,
        };
        let (email, sms) = (NotificationType::Email, NotificationType::Sms);
        let (delivered, created) = (NotificationStatus::Delivered, NotificationStatus::Created);
        let months = months_of(&[
            fact(date!(2026 - 04 - 02), email, delivered, 3),
            fact(date!(2026 - 05 - 01), sms, delivered, 1),
            fact(date!(2026 - 04 - 30), email, delivered, 4),
            fact(date!(2026 - 04 - 30), email, created, 5),
        ]);
        let summary: Vec<_> = months
            .iter()
            .map(|m| (m.month, m.kind, m.status, m.notifications, m.billable_units))
            .collect();
        assert_eq!(
            summary,
            [
                (date!(2026 - 04 - 01), email, created, 5, 10),
                (date!(2026 - 04 - 01), email, delivered, 7, 14),
                (date!(2026 - 05 - 01), sms, delivered, 1, 2),
            ]
        );
    }
}
