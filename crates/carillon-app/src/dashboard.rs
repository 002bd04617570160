//! What a service's dashboard and usage pages show: sent, delivered and failed per channel
//! over the last 7 days, today's and this fiscal year's usage against the limits, the
//! templates used, per-day series and the monthly usage table.
//!
//! Every figure comes from the daily fact table ([`carillon_store::FactStore`]), never from
//! scanning notifications, so a dashboard costs a few index reads however much a service
//! sends. Days are UTC days, like the daily limits, which reset at midnight UTC; fiscal years
//! run April 1 to March 31, like the annual limits. As on GC Notify's dashboard, "sent" counts
//! every notification requested, "delivered" counts `delivered` and `sent` (handed to the
//! carrier, the last news a text gets without a receipt) and "failed" every failure status;
//! cancelled notifications are left out.

use carillon_domain::{NotificationStatus, NotificationType, ServiceId, TemplateId};
use carillon_store::{DailyFact, FiscalYear, MonthlyFact, StoreError};
use thiserror::Error;
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};

use crate::App;

/// How many templates the dashboard lists, most used first (GC Notify shows 10).
pub const TOP_TEMPLATES: usize = 10;

/// GC Notify warns when more than this percentage of a channel's messages failed.
const FAILURE_WARNING_PERCENT: u64 = 3;

/// Why a dashboard use case failed.
#[derive(Debug, Error)]
pub enum DashboardError {
    #[error("no service {0}")]
    UnknownService(ServiceId),
    #[error("a series covers 1 to 366 days, not {0}")]
    BadSeriesLength(u16),
    #[error(transparent)]
    Store(#[from] StoreError),
}

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
    fn add(&mut self, status: NotificationStatus, notifications: u64, units: u64) {
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

    fn absorb(&mut self, other: &Totals) {
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

/// A template's use over the last 7 days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateUse {
    pub template: TemplateId,
    /// The template's name now; `None` if it is gone.
    pub name: Option<String>,
    pub kind: NotificationType,
    pub totals: Totals,
}

/// The dashboard's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// Today and the 6 days before.
    pub last_7_days: PerChannel<Totals>,
    pub today: PerChannel<Usage>,
    pub fiscal_year: PerChannel<Usage>,
    /// At most [`TOP_TEMPLATES`], most requested first.
    pub templates: Vec<TemplateUse>,
}

/// The usage page: a fiscal year's months (all twelve, in order) and their sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearUsage {
    pub year: FiscalYear,
    pub months: Vec<MonthTotals>,
    pub total: PerChannel<Totals>,
}

/// Sums `facts` per channel.
fn channel_totals<'a>(facts: impl IntoIterator<Item = &'a DailyFact>) -> PerChannel<Totals> {
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

fn usage(kind: NotificationType, totals: &Totals, limit: u64, resets_at: Date) -> Usage {
    let used = counted(kind, totals);
    Usage {
        used,
        limit,
        remaining: limit.saturating_sub(used),
        resets_at: resets_at.with_time(Time::MIDNIGHT).assume_utc(),
    }
}

/// `days` days ending with `last`, each with its totals (zeros when nothing was sent).
fn dense_days(last: Date, days: u16, facts: &[DailyFact]) -> Vec<DayTotals> {
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

fn months_of_year(year: FiscalYear, facts: &[MonthlyFact]) -> Result<Vec<MonthTotals>, StoreError> {
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

impl App {
    fn today(&self) -> Date {
        self.clock.now().to_offset(UtcOffset::UTC).date()
    }

    /// The dashboard of `service` now.
    pub async fn dashboard(&self, service: ServiceId) -> Result<Dashboard, DashboardError> {
        let found = self
            .cached_service(service)
            .await?
            .ok_or(DashboardError::UnknownService(service))?;
        let today = self.today();
        let week_start = today - Duration::days(6);
        let year = FiscalYear::of(today);
        let year_start = year.first_day()?;
        // One read covers the week and the fiscal year: the week starts inside the year,
        // or the year is only days old and starts inside the week.
        let from = week_start.min(year_start);
        let facts = self.store.daily_facts(service, from, today).await?;
        let last_7_days = channel_totals(facts.iter().filter(|f| f.day >= week_start));
        let today_totals = channel_totals(facts.iter().filter(|f| f.day == today));
        let year_totals = channel_totals(facts.iter().filter(|f| f.day >= year_start));
        let tomorrow = today + Duration::days(1);
        let next_year = FiscalYear(year.0 + 1).first_day()?;
        let (email, sms) = (NotificationType::Email, NotificationType::Sms);
        let daily = PerChannel {
            email: usage(
                email,
                &today_totals.email,
                u64::from(found.email_daily_limit),
                tomorrow,
            ),
            sms: usage(
                sms,
                &today_totals.sms,
                u64::from(found.sms_daily_limit),
                tomorrow,
            ),
        };
        let fiscal_year = PerChannel {
            email: usage(
                email,
                &year_totals.email,
                found.email_annual_limit,
                next_year,
            ),
            sms: usage(sms, &year_totals.sms, found.sms_annual_limit, next_year),
        };
        Ok(Dashboard {
            last_7_days,
            today: daily,
            fiscal_year,
            templates: self.templates_used(service, week_start, today).await?,
        })
    }

    /// The templates used from `from` to `to`, most requested first.
    async fn templates_used(
        &self,
        service: ServiceId,
        from: Date,
        to: Date,
    ) -> Result<Vec<TemplateUse>, DashboardError> {
        let mut uses: Vec<TemplateUse> = Vec::new();
        for fact in self.store.template_facts(service, from, to).await? {
            let index = match uses.iter().position(|u| u.template == fact.template) {
                Some(index) => index,
                None => {
                    uses.push(TemplateUse {
                        template: fact.template,
                        name: None,
                        kind: fact.kind,
                        totals: Totals::default(),
                    });
                    uses.len() - 1
                }
            };
            uses[index]
                .totals
                .add(fact.status, fact.notifications, fact.billable_units);
        }
        uses.sort_by(|a, b| {
            (b.totals.requested, a.template).cmp(&(a.totals.requested, b.template))
        });
        uses.truncate(TOP_TEMPLATES);
        for used in &mut uses {
            used.name = self
                .cached_template(service, used.template)
                .await?
                .map(|template| template.name);
        }
        Ok(uses)
    }

    /// Totals per day for the `days` days ending today (7 and 30 on the dashboard's charts),
    /// oldest first, days with nothing sent as zeros.
    pub async fn daily_series(
        &self,
        service: ServiceId,
        days: u16,
    ) -> Result<Vec<DayTotals>, DashboardError> {
        if !(1..=366).contains(&days) {
            return Err(DashboardError::BadSeriesLength(days));
        }
        let today = self.today();
        let first = today - Duration::days(i64::from(days) - 1);
        let facts = self.store.daily_facts(service, first, today).await?;
        Ok(dense_days(today, days, &facts))
    }

    /// The monthly usage table of a fiscal year (`None`: the current one), today included.
    pub async fn year_usage(
        &self,
        service: ServiceId,
        year: Option<FiscalYear>,
    ) -> Result<YearUsage, DashboardError> {
        let year = year.unwrap_or_else(|| FiscalYear::of(self.today()));
        let facts = self.store.monthly_facts(service, year).await?;
        let months = months_of_year(year, &facts)?;
        let mut total = PerChannel::<Totals>::default();
        for month in &months {
            total.email.absorb(&month.totals.email);
            total.sms.absorb(&month.totals.sms);
        }
        Ok(YearUsage {
            year,
            months,
            total,
        })
    }
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
