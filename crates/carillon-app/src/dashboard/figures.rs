//! The figures a dashboard is made of, and how facts add up to them: per channel, per day and
//! per month, with usage against a limit.

use carillon_domain::{NotificationStatus, NotificationType};
use carillon_store::{DailyFact, FiscalYear, MonthlyFact, StoreError};
use time::{Date, Duration, OffsetDateTime, Time};

/// GC Notify warns when more than this percentage of a channel's messages failed.
const FAILURE_WARNING_PERCENT: u64 = 3;

/// Requested, delivered and failed notifications of one channel, with their billable units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub requested: u64,
    pub delivered: u64,
    pub failed: u64,
    /// Text message parts (one per email).
    pub billable_units: u64,
}

impl Totals {
    pub(super) fn add(&mut self, status: NotificationStatus, notifications: u64, units: u64) {
        // GC Notify's dashboard leaves cancelled notifications out altogether.
        if status == NotificationStatus::Cancelled {
            return;
        }
        self.requested += notifications;
        self.billable_units += units;
        if matches!(
            status,
            NotificationStatus::Delivered | NotificationStatus::Sent
        ) {
            self.delivered += notifications;
        } else if NotificationStatus::FAILURES.contains(&status) {
            self.failed += notifications;
        }
    }

    /// Adds `other`'s figures to these (two channels, two days, …).
    pub fn absorb(&mut self, other: &Totals) {
        self.requested += other.requested;
        self.delivered += other.delivered;
        self.failed += other.failed;
        self.billable_units += other.billable_units;
    }

    /// The share of requested notifications that failed, in percent; `None` when nothing
    /// was requested.
    pub fn failure_percent(&self) -> Option<f64> {
        (self.requested > 0).then(|| self.failed as f64 * 100.0 / self.requested as f64)
    }

    /// Whether more than 3 % failed: GC Notify then shows the figure as a warning.
    pub fn failing_too_often(&self) -> bool {
        self.failed * 100 > self.requested * FAILURE_WARNING_PERCENT
    }
}

/// A figure per channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PerChannel<T> {
    pub email: T,
    pub sms: T,
}

impl<T> PerChannel<T> {
    pub fn get_mut(&mut self, kind: NotificationType) -> &mut T {
        match kind {
            NotificationType::Email => &mut self.email,
            NotificationType::Sms => &mut self.sms,
        }
    }
}

/// Usage against a limit: emails count one each, texts their billable units, as the limits
/// themselves count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub used: u64,
    pub limit: u64,
    pub remaining: u64,
    /// When the count starts again from zero.
    pub resets_at: OffsetDateTime,
}

/// One day's totals per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayTotals {
    pub day: Date,
    pub totals: PerChannel<Totals>,
}

/// One month's totals per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthTotals {
    /// The first day of the month.
    pub month: Date,
    pub totals: PerChannel<Totals>,
}

/// Sums `facts` per channel.
pub(super) fn channel_totals<'a>(
    facts: impl IntoIterator<Item = &'a DailyFact>,
) -> PerChannel<Totals> {
    let mut totals = PerChannel::<Totals>::default();
    for fact in facts {
        totals
            .get_mut(fact.kind)
            .add(fact.status, fact.notifications, fact.billable_units);
    }
    totals
}

/// What a limit counts of `totals`.
fn counted(kind: NotificationType, totals: &Totals) -> u64 {
    match kind {
        NotificationType::Email => totals.requested,
        NotificationType::Sms => totals.billable_units,
    }
}

pub(super) fn usage(kind: NotificationType, totals: &Totals, limit: u64, resets_at: Date) -> Usage {
    let used = counted(kind, totals);
    Usage {
        used,
        limit,
        remaining: limit.saturating_sub(used),
        resets_at: resets_at.with_time(Time::MIDNIGHT).assume_utc(),
    }
}

/// `days` days ending with `last`, each with its totals (zeros when nothing was sent).
pub(super) fn dense_days(last: Date, days: u16, facts: &[DailyFact]) -> Vec<DayTotals> {
    (0..i64::from(days))
        .rev()
        .map(|back| {
            let day = last - Duration::days(back);
            DayTotals {
                day,
                totals: channel_totals(facts.iter().filter(|f| f.day == day)),
            }
        })
        .collect()
}

pub(super) fn months_of_year(
    year: FiscalYear,
    facts: &[MonthlyFact],
) -> Result<Vec<MonthTotals>, StoreError> {
    let mut month = year.first_day()?;
    let mut months = Vec::with_capacity(12);
    for _ in 0..12 {
        let mut totals = PerChannel::<Totals>::default();
        for fact in facts.iter().filter(|f| f.month == month) {
            totals
                .get_mut(fact.kind)
                .add(fact.status, fact.notifications, fact.billable_units);
        }
        months.push(MonthTotals { month, totals });
        // The 1st plus 31 days is always in the next month.
        month = (month + Duration::days(31))
            .replace_day(1)
            .map_err(|_| StoreError::Other("a month has no first day".to_owned()))?;
    }
    Ok(months)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn fact(day: Date, kind: NotificationType, status: NotificationStatus, n: u64) -> DailyFact {
        DailyFact {
            day,
            kind,
            status,
            notifications: n,
            billable_units: 2 * n,
        }
    }

    #[test]
    fn statuses_count_as_delivered_failed_or_neither() {
        let day = date!(2026 - 12 - 04);
        let sms = NotificationType::Sms;
        let totals = channel_totals(&[
            fact(day, sms, NotificationStatus::Delivered, 1),
            fact(day, sms, NotificationStatus::Sent, 2),
            fact(day, sms, NotificationStatus::PermanentFailure, 4),
            fact(day, sms, NotificationStatus::ValidationFailed, 8),
            fact(day, sms, NotificationStatus::Sending, 16),
            fact(day, sms, NotificationStatus::Cancelled, 32),
        ]);
        assert_eq!(totals.email, Totals::default());
        assert_eq!(
            totals.sms,
            Totals {
                requested: 31,
                delivered: 3,
                failed: 12,
                billable_units: 62
            }
        );
    }

    #[test]
    fn more_than_three_percent_failed_is_a_warning() {
        let at = |failed| Totals {
            requested: 100,
            failed,
            ..Totals::default()
        };
        assert!(!at(3).failing_too_often());
        assert!(at(4).failing_too_often());
        assert!(!Totals::default().failing_too_often());
    }

    #[test]
    fn series_have_every_day_and_years_every_month() {
        let email = NotificationType::Email;
        let facts = [fact(
            date!(2026 - 12 - 02),
            email,
            NotificationStatus::Delivered,
            5,
        )];
        let days = dense_days(date!(2026 - 12 - 04), 4, &facts);
        let sent: Vec<_> = days
            .iter()
            .map(|d| (d.day, d.totals.email.requested))
            .collect();
        assert_eq!(
            sent,
            [
                (date!(2026 - 12 - 01), 0),
                (date!(2026 - 12 - 02), 5),
                (date!(2026 - 12 - 03), 0),
                (date!(2026 - 12 - 04), 0)
            ]
        );
        let months = months_of_year(FiscalYear(2026), &[]).unwrap();
        let firsts: Vec<_> = months.iter().map(|m| m.month).collect();
        assert_eq!(firsts.len(), 12);
        assert_eq!(firsts[8], date!(2026 - 12 - 01));
        assert_eq!(firsts[9], date!(2027 - 01 - 01));
        assert_eq!(firsts[10], date!(2027 - 02 - 01));
        assert_eq!(firsts[11], date!(2027 - 03 - 01));
    }
}
