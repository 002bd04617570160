//! The service's dashboard as its team sees it: every member gets the service and what they
//! may do there; the figures (sent, usage, templates used, the per-day series of the charts)
//! need view_activity, as GC Notify's dashboard does.

use carillon_domain::{MemberPermission, Service, ServiceId, User};

use super::TeamError;
use crate::App;
use crate::dashboard::{Dashboard, DashboardError, DayTotals, YearUsage};
use carillon_store::FiscalYear;

/// How many fiscal years back the usage page goes, besides the current one (GC Notify's two).
pub const PAST_YEARS: i32 = 2;

/// The days the dashboard's two charts cover (the month's are the dashboard's own series).
pub const CHART_DAYS: [u16; 2] = [7, crate::dashboard::SERIES_DAYS];

/// What the dashboard shows.
#[derive(Debug, Clone)]
pub struct TeamDashboard {
    pub service: Service,
    pub permissions: Vec<MemberPermission>,
    /// `None` for a member without view_activity.
    pub figures: Option<Figures>,
}

/// The figures and the charts' series, oldest day first.
#[derive(Debug, Clone)]
pub struct Figures {
    pub dashboard: Dashboard,
    pub week: Vec<DayTotals>,
    pub month: Vec<DayTotals>,
}

impl From<DashboardError> for TeamError {
    fn from(error: DashboardError) -> Self {
        match error {
            DashboardError::UnknownService(_) => TeamError::NotFound,
            DashboardError::Store(error) => error.into(),
            other @ DashboardError::BadSeriesLength(_) => TeamError::Figures(other),
        }
    }
}

/// The usage page: a fiscal year's months and the years one may switch to.
#[derive(Debug, Clone)]
pub struct TeamUsage {
    pub service: Service,
    pub usage: YearUsage,
    /// The current fiscal year and the [`PAST_YEARS`] before it, newest first.
    pub years: Vec<FiscalYear>,
}

impl App {
    /// A fiscal year's usage by month (view_activity): `None` is the current year; a year
    /// other than it and the two before is not found.
    pub async fn team_year_usage(
        &self,
        actor: &User,
        service: ServiceId,
        year: Option<i32>,
    ) -> Result<TeamUsage, TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ViewActivity)
            .await?;
        let today = self.clock().now().to_offset(time::UtcOffset::UTC).date();
        let current = FiscalYear::of(today).0;
        let years: Vec<FiscalYear> = (0..=PAST_YEARS)
            .map(|back| FiscalYear(current - back))
            .collect();
        let year = match year {
            None => FiscalYear(current),
            Some(y) if years.contains(&FiscalYear(y)) => FiscalYear(y),
            Some(_) => return Err(TeamError::NotFound),
        };
        Ok(TeamUsage {
            service: found,
            usage: self.year_usage(service, Some(year)).await?,
            years,
        })
    }

    /// The dashboard of `service` for `actor` (any member; figures with view_activity).
    pub async fn team_dashboard(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<TeamDashboard, TeamError> {
        let (found, permissions) = self.access(actor, service).await?;
        let figures = match permissions.contains(&MemberPermission::ViewActivity) {
            true => {
                let dashboard = self.dashboard(service).await?;
                // The week's chart is the last 7 of the 30 days the dashboard read.
                let month = dashboard.last_30_days.clone();
                let week = month[month.len().saturating_sub(usize::from(CHART_DAYS[0]))..].to_vec();
                Some(Figures {
                    dashboard,
                    week,
                    month,
                })
            }
            false => None,
        };
        Ok(TeamDashboard {
            service: found,
            permissions,
            figures,
        })
    }
}
