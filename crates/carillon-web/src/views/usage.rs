//! Usage by fiscal year (B18): the months of a fiscal year (April to March) with the emails,
//! text messages and text message parts sent, the year's totals, and links to the current
//! year and the two before (`?year=`), as GC Notify's usage report.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use carillon_app::dashboard::{PerChannel, Totals};
use carillon_domain::Language;
use carillon_i18n::{format_month, format_number};
use serde::Deserialize;

use crate::form::Msg;
use crate::page::Page;
use crate::views::member::{Member, failure, not_found, service_id};
use crate::views::page_response;

struct Row {
    month: String,
    emails: String,
    texts: String,
    parts: String,
    failed: String,
}

struct YearLink {
    href: String,
    /// `2026 to 2027`.
    label: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "usage/usage.html")]
struct UsageView {
    page: Page,
    service_name: String,
    heading_year: String,
    years: Vec<YearLink>,
    rows: Vec<Row>,
    total: Row,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct UsageQuery {
    #[serde(default)]
    year: Option<String>,
}

fn row(lang: Language, month: String, totals: &PerChannel<Totals>) -> Row {
    let n = |v: u64| format_number(lang, i64::try_from(v).unwrap_or(i64::MAX));
    Row {
        month,
        emails: n(totals.email.requested),
        texts: n(totals.sms.requested),
        parts: n(totals.sms.billable_units),
        failed: n(totals.email.failed + totals.sms.failed),
    }
}

/// The usage page (view_activity).
pub(crate) async fn show(
    m: Member,
    Path(id): Path<String>,
    Query(q): Query<UsageQuery>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    let year = match q.year.as_deref().map(str::parse::<i32>) {
        None => None,
        Some(Ok(year)) => Some(year),
        Some(Err(_)) => return not_found(&m.ctx),
    };
    let found = match m.app().team_year_usage(&m.user, id, year).await {
        Ok(found) => found,
        Err(error) => return failure(&m.ctx, &error),
    };
    let lang = m.ctx.lang;
    let page = m.ctx.page(Msg("usage-title"), Vec::new());
    let span = |y: i32| {
        let (start, end) = (y.to_string(), (y + 1).to_string());
        page.t2(Msg("usage-year").id(), "start", &start, "end", &end)
    };
    let shown = found.usage.year;
    let view = UsageView {
        service_name: found.service.name,
        heading_year: span(shown.0),
        years: found
            .years
            .iter()
            .map(|y| YearLink {
                href: format!("/services/{id}/usage?year={}", y.0),
                label: span(y.0),
                current: *y == shown,
            })
            .collect(),
        rows: found
            .usage
            .months
            .iter()
            .map(|m| row(lang, format_month(lang, m.month), &m.totals))
            .collect(),
        total: row(lang, page.t("usage-total"), &found.usage.total),
        page,
    };
    page_response(false, &view)
}
