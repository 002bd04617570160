//! The dashboard's blocks (B1), made from the team dashboard use case: sent in the last 7
//! days per channel with the failure rate, daily and annual usage against the limits with
//! when they reset, the templates used, and two charts of sent / delivered / failed per day
//! (7 and 30 days), each followed by the same figures in a table.

use carillon_app::dashboard::{DayTotals, PerChannel, Totals, Usage};
use carillon_app::team::Figures;
use carillon_domain::{Language, NotificationType};
use carillon_i18n::{DisplayZone, format_date_time, format_day, format_day_month, format_number};

use crate::chart::{BarChart, Fill, Series};
use crate::form::Msg;
use crate::page::Page;
use crate::views::templates::kind_label;

/// A number as the page's language writes it.
fn number(lang: Language, n: u64) -> String {
    format_number(lang, i64::try_from(n).unwrap_or(i64::MAX))
}

/// One channel's last 7 days.
pub(crate) struct SentBlock {
    pub(crate) label: Msg,
    pub(crate) requested: String,
    pub(crate) failed: String,
    /// `12.5 %` (French) or `12.5%`, when anything was requested.
    pub(crate) failure_rate: Option<String>,
    pub(crate) warning: bool,
}

/// One channel's usage against a limit.
pub(crate) struct UsageRow {
    pub(crate) label: Msg,
    pub(crate) used: String,
    pub(crate) remaining: String,
    pub(crate) limit: String,
}

pub(crate) struct TemplateRow {
    pub(crate) name: String,
    pub(crate) kind: Msg,
    pub(crate) requested: String,
}

pub(crate) struct DayRow {
    pub(crate) day: String,
    pub(crate) requested: String,
    pub(crate) delivered: String,
    pub(crate) failed: String,
}

/// A chart and its table.
pub(crate) struct ChartBlock {
    pub(crate) heading: Msg,
    /// Whether its table starts shown (the week's) or folded (the month's, 30 rows long).
    pub(crate) open: bool,
    pub(crate) svg: String,
    pub(crate) rows: Vec<DayRow>,
}

/// Everything the dashboard shows beyond the links.
pub(crate) struct DashboardView {
    pub(crate) sent: Vec<SentBlock>,
    pub(crate) daily: Vec<UsageRow>,
    pub(crate) daily_resets: String,
    pub(crate) annual: Vec<UsageRow>,
    pub(crate) annual_resets: String,
    pub(crate) templates: Vec<TemplateRow>,
    pub(crate) charts: Vec<ChartBlock>,
}

fn channel_label(kind: NotificationType) -> Msg {
    match kind {
        NotificationType::Email => Msg("dashboard-emails"),
        NotificationType::Sms => Msg("dashboard-texts"),
    }
}

fn sent(lang: Language, kind: NotificationType, totals: &Totals) -> SentBlock {
    let failure_rate = totals.failure_percent().map(|percent| {
        let rounded = format!("{percent:.1}");
        match lang {
            Language::English => format!("{rounded}%"),
            // French writes a decimal comma and a no-break space before the sign.
            Language::French => format!("{}\u{a0}%", rounded.replace('.', ",")),
        }
    });
    SentBlock {
        label: channel_label(kind),
        requested: number(lang, totals.requested),
        failed: number(lang, totals.failed),
        failure_rate,
        warning: totals.failing_too_often(),
    }
}

fn usage_rows(lang: Language, usage: &PerChannel<Usage>) -> Vec<UsageRow> {
    [
        (NotificationType::Email, usage.email),
        (NotificationType::Sms, usage.sms),
    ]
    .into_iter()
    .map(|(kind, u)| UsageRow {
        label: channel_label(kind),
        used: number(lang, u.used),
        remaining: number(lang, u.remaining),
        limit: number(lang, u.limit),
    })
    .collect()
}

/// Both channels of a day added up.
fn both(day: &DayTotals) -> Totals {
    let mut sum = day.totals.email;
    sum.absorb(&day.totals.sms);
    sum
}

fn chart(page: &Page, id: &str, heading: Msg, days: &[DayTotals], open: bool) -> ChartBlock {
    let lang = page.lang;
    let sums: Vec<Totals> = days.iter().map(both).collect();
    let series = |label: Msg, fill: Fill, pick: fn(&Totals) -> u64| Series {
        label: page.t(label.id()),
        fill,
        values: sums.iter().map(pick).collect(),
    };
    let chart = BarChart {
        id: id.to_owned(),
        title: page.t(heading.id()),
        description: page.t("dashboard-chart-description"),
        categories: days.iter().map(|d| format_day_month(lang, d.day)).collect(),
        series: vec![
            series(Msg("dashboard-sent"), Fill::Solid, |t| t.requested),
            series(Msg("dashboard-delivered"), Fill::Hatched, |t| t.delivered),
            series(Msg("dashboard-failed"), Fill::Dotted, |t| t.failed),
        ],
        language: lang,
    };
    ChartBlock {
        heading,
        open,
        svg: chart.to_svg(),
        rows: days
            .iter()
            .zip(&sums)
            .map(|(day, sum)| DayRow {
                day: format_day(lang, day.day),
                requested: number(lang, sum.requested),
                delivered: number(lang, sum.delivered),
                failed: number(lang, sum.failed),
            })
            .collect(),
    }
}

impl DashboardView {
    pub(crate) fn new(page: &Page, figures: &Figures) -> Self {
        let lang = page.lang;
        let d = &figures.dashboard;
        let zone = DisplayZone::default();
        Self {
            sent: vec![
                sent(lang, NotificationType::Email, &d.last_7_days.email),
                sent(lang, NotificationType::Sms, &d.last_7_days.sms),
            ],
            daily: usage_rows(lang, &d.today),
            daily_resets: format_date_time(lang, zone, d.today.email.resets_at),
            annual: usage_rows(lang, &d.fiscal_year),
            annual_resets: format_date_time(lang, zone, d.fiscal_year.email.resets_at),
            templates: d
                .templates
                .iter()
                .map(|t| TemplateRow {
                    name: t
                        .name
                        .clone()
                        .unwrap_or_else(|| page.t("dashboard-template-gone")),
                    kind: kind_label(t.kind),
                    requested: number(lang, t.totals.requested),
                })
                .collect(),
            charts: vec![
                chart(
                    page,
                    "chart-week",
                    Msg("dashboard-chart-week"),
                    &figures.week,
                    true,
                ),
                chart(
                    page,
                    "chart-month",
                    Msg("dashboard-chart-month"),
                    &figures.month,
                    false,
                ),
            ],
        }
    }
}
