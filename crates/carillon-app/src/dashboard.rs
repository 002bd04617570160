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

use carillon_domain::{NotificationType, ServiceId, TemplateId};
use carillon_store::{FiscalYear, StoreError};
use thiserror::Error;
use time::{Date, Duration, UtcOffset};

use crate::App;

mod figures;

pub use figures::{DayTotals, MonthTotals, PerChannel, Totals, Usage};
use figures::{channel_totals, dense_days, months_of_year, usage};

/// The days of the dashboard's longer chart (the week's are its last 7).
pub const SERIES_DAYS: u16 = 30;

/// How many templates the dashboard lists, most used first (GC Notify shows 10).
pub const TOP_TEMPLATES: usize = 10;

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
    /// The last [`SERIES_DAYS`] days ending today, oldest first, days without sends as zeros.
    pub last_30_days: Vec<DayTotals>,
}

/// The usage page: a fiscal year's months (all twelve, in order) and their sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearUsage {
    pub year: FiscalYear,
    pub months: Vec<MonthTotals>,
    pub total: PerChannel<Totals>,
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
        // One read covers the charts' 30 days, the week and the fiscal year: the 30 days start
        // inside the year, or the year is only days old and starts inside them.
        let series_start = today - Duration::days(i64::from(SERIES_DAYS) - 1);
        let from = series_start.min(year_start);
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
            last_30_days: dense_days(today, SERIES_DAYS, &facts),
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
