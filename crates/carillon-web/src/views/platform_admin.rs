//! The platform admin's pages: find services, one service's page (limits, make live, suspend
//! behind a confirmation, resume) and the requests to go live (approve, reject). Every use
//! case checks that the person is a platform admin; others get the 403 page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use carillon_app::team::{Limits, TeamError};
use carillon_domain::{Service, ServiceId, User};
use serde::Deserialize;

use crate::form::{Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::views::member::{Member, confirm_page, failure, field, not_found, service_id};
use crate::views::{page_response, see_other};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Search {
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: Option<String>,
}

fn banner(done: Option<&str>) -> Option<Msg> {
    match done? {
        "saved" => Some(Msg("settings-done-saved")),
        "approved" => Some(Msg("admin-done-approved")),
        "rejected" => Some(Msg("admin-done-rejected")),
        _ => None,
    }
}

/// How a service stands, as a short tag.
fn status(service: &Service) -> Msg {
    match (service.active, service.restricted) {
        (false, _) => Msg("admin-status-suspended"),
        (true, true) => Msg("admin-status-trial"),
        (true, false) => Msg("admin-status-live"),
    }
}

struct ServiceRow {
    name: String,
    href: String,
    status: Msg,
}

#[derive(Template)]
#[template(path = "platform_admin/services.html")]
struct ServicesView {
    page: Page,
    query: String,
    rows: Vec<ServiceRow>,
}

/// Every service, or those matching `?q=`.
pub(crate) async fn services(m: Member, Query(search): Query<Search>) -> Response {
    match m.app().find_services(&m.user, &search.q).await {
        Ok(found) => page_response(
            false,
            &ServicesView {
                page: {
                    let mut page = m.ctx.page(Msg("admin-services-title"), Vec::new());
                    page.nav = "admin";
                    page
                },
                query: search.q,
                rows: found
                    .iter()
                    .map(|s| ServiceRow {
                        name: s.name.clone(),
                        href: format!("/admin/services/{}", s.id),
                        status: status(s),
                    })
                    .collect(),
            },
        ),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// The service `id`, for a platform admin.
async fn service_for(
    app: &carillon_app::App,
    user: &User,
    id: ServiceId,
) -> Result<Service, TeamError> {
    let found = app.find_services(user, &id.to_string()).await?;
    found
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(TeamError::NotFound)
}

#[derive(Template)]
#[template(path = "platform_admin/service.html")]
struct ServiceView {
    page: Page,
    banner: Option<Msg>,
    name: String,
    status: Msg,
    base: String,
    trial: bool,
    suspended: bool,
    form: FormView,
}

/// The limit fields: (field id, label, current value).
fn limit_fields(service: &Service) -> [(&'static str, Msg, String); 5] {
    [
        (
            "email_daily",
            Msg("admin-limit-email-daily"),
            service.email_daily_limit.to_string(),
        ),
        (
            "sms_daily",
            Msg("admin-limit-sms-daily"),
            service.sms_daily_limit.to_string(),
        ),
        (
            "email_annual",
            Msg("admin-limit-email-annual"),
            service.email_annual_limit.to_string(),
        ),
        (
            "sms_annual",
            Msg("admin-limit-sms-annual"),
            service.sms_annual_limit.to_string(),
        ),
        (
            "rate",
            Msg("admin-limit-rate"),
            service.rate_limit.to_string(),
        ),
    ]
}

fn service_page(
    m: &Member,
    service: &Service,
    typed: Option<&[(String, String)]>,
    problems: Vec<Problem>,
    done: Option<&str>,
) -> Response {
    let base = format!("/admin/services/{}", service.id);
    let mut form = FormView::new(
        format!("{base}/limits"),
        Msg("admin-limits-submit"),
        m.ctx.csrf_token.clone(),
    );
    for (id, label, current) in limit_fields(service) {
        let value = typed.map_or(current, |f| field(f, id).to_owned());
        let mut input = Field::text(id, label, "off")
            .value(&value)
            .problems(&problems);
        input.inputmode = Some("numeric");
        form = form.field(input);
    }
    let erred = !problems.is_empty();
    let view = ServiceView {
        page: m.ctx.page(Msg("admin-service-title"), problems),
        banner: banner(done),
        name: service.name.clone(),
        status: status(service),
        base,
        trial: service.restricted,
        suspended: !service.active,
        form,
    };
    page_response(erred, &view)
}

/// One service's page.
pub(crate) async fn service(
    m: Member,
    Path(id): Path<String>,
    Query(search): Query<Search>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    match service_for(m.app(), &m.user, id).await {
        Ok(service) => service_page(&m, &service, None, Vec::new(), search.done.as_deref()),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// The submitted limits, or the first field that is not a whole number.
fn parse_limits(fields: &[(String, String)]) -> Result<Limits, &'static str> {
    fn number<T: std::str::FromStr>(
        fields: &[(String, String)],
        id: &'static str,
    ) -> Result<Option<T>, &'static str> {
        let text: String = field(fields, id)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ',')
            .collect();
        match text.is_empty() {
            true => Ok(None),
            false => text.parse().map(Some).map_err(|_| id),
        }
    }
    Ok(Limits {
        email_daily: number(fields, "email_daily")?,
        sms_daily: number(fields, "sms_daily")?,
        email_annual: number(fields, "email_annual")?,
        sms_annual: number(fields, "sms_annual")?,
        rate: number(fields, "rate")?,
    })
}

/// Which field a zero limit came from.
fn zero_field(what: &str) -> &'static str {
    match what {
        "daily email limit" => "email_daily",
        "daily SMS limit" => "sms_daily",
        "annual email limit" => "email_annual",
        "annual SMS limit" => "sms_annual",
        _ => "rate",
    }
}

/// Saves the limits.
pub(crate) async fn submit_limits(
    m: Member,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    let outcome = match parse_limits(&f) {
        Ok(limits) => m
            .app()
            .set_limits(&m.user, id, limits)
            .await
            .map_err(|e| match e {
                TeamError::ZeroLimit(what) => Ok(Problem::new(
                    zero_field(what),
                    Msg("admin-error-limit-zero"),
                )),
                other => Err(other),
            }),
        Err(field) => Err(Ok(Problem::new(field, Msg("admin-error-limit-number")))),
    };
    match outcome {
        Ok(_) => see_other(&format!("/admin/services/{id}?done=saved")),
        Err(Ok(problem)) => match service_for(m.app(), &m.user, id).await {
            Ok(service) => service_page(&m, &service, Some(&f), vec![problem], None),
            Err(error) => failure(&m.ctx, &error),
        },
        Err(Err(error)) => failure(&m.ctx, &error),
    }
}

/// What a status button does.
#[derive(Debug, Clone, Copy)]
enum Change {
    Live,
    Suspend,
    Resume,
}

async fn change(m: &Member, id: &str, what: Change) -> Response {
    let Some(id) = service_id(id) else {
        return not_found(&m.ctx);
    };
    let app = m.app();
    let outcome = match what {
        Change::Live => app.make_live(&m.user, id).await,
        Change::Suspend => app.suspend_service(&m.user, id).await,
        Change::Resume => app.resume_service(&m.user, id).await,
    };
    match outcome {
        Ok(_) => see_other(&format!("/admin/services/{id}?done=saved")),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Makes the service live (GC Notify's live limits).
pub(crate) async fn make_live(m: Member, Path(id): Path<String>) -> Response {
    change(&m, &id, Change::Live).await
}

/// "Are you sure?" before suspending a service.
pub(crate) async fn show_suspend(m: Member, Path(id): Path<String>) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    match service_for(m.app(), &m.user, id).await {
        Ok(service) => {
            let texts = [
                Msg("admin-suspend-title"),
                Msg("admin-suspend-body"),
                Msg("admin-suspend-submit"),
            ];
            let base = format!("/admin/services/{id}");
            confirm_page(
                &m.ctx,
                texts,
                Some(service.name),
                format!("{base}/suspend"),
                base,
                Vec::new(),
            )
        }
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Suspends the service: it cannot send until resumed.
pub(crate) async fn submit_suspend(m: Member, Path(id): Path<String>) -> Response {
    change(&m, &id, Change::Suspend).await
}

/// Resumes a suspended service.
pub(crate) async fn resume(m: Member, Path(id): Path<String>) -> Response {
    change(&m, &id, Change::Resume).await
}

struct RequestRow {
    name: String,
    requested: String,
    approve: String,
    reject: String,
}

#[derive(Template)]
#[template(path = "platform_admin/go_live.html")]
struct RequestsView {
    page: Page,
    banner: Option<Msg>,
    rows: Vec<RequestRow>,
}

/// The requests to go live waiting for a decision.
pub(crate) async fn requests(m: Member, Query(search): Query<Search>) -> Response {
    let app = m.app();
    let found = match app.go_live_requests(&m.user).await {
        Ok(pending) => app
            .find_services(&m.user, "")
            .await
            .map(|all| (pending, all)),
        Err(error) => Err(error),
    };
    let (pending, all) = match found {
        Ok(found) => found,
        Err(error) => return failure(&m.ctx, &error),
    };
    let zone = m.ctx.state.settings.zone;
    let rows = pending
        .into_iter()
        .map(|r| RequestRow {
            name: all
                .iter()
                .find(|s| s.id == r.service)
                .map_or_else(String::new, |s| s.name.clone()),
            requested: carillon_i18n::format_date_time(m.ctx.lang, zone, r.requested_at),
            approve: format!("/admin/go-live/{}/approve", r.service),
            reject: format!("/admin/go-live/{}/reject", r.service),
        })
        .collect();
    let view = RequestsView {
        page: m.ctx.page(Msg("admin-go-live-title"), Vec::new()),
        banner: banner(search.done.as_deref()),
        rows,
    };
    page_response(false, &view)
}

async fn decide(m: &Member, id: &str, approve: bool) -> Response {
    let Some(id) = service_id(id) else {
        return not_found(&m.ctx);
    };
    let outcome = match approve {
        true => m.app().approve_go_live(&m.user, id).await,
        false => m.app().reject_go_live(&m.user, id).await,
    };
    match (outcome, approve) {
        (Ok(_), true) => see_other("/admin/go-live?done=approved"),
        (Ok(_), false) => see_other("/admin/go-live?done=rejected"),
        (Err(TeamError::NoPendingRequest), _) => not_found(&m.ctx),
        (Err(error), _) => failure(&m.ctx, &error),
    }
}

/// Approves a request: the service goes live with the live limits.
pub(crate) async fn approve(m: Member, Path(id): Path<String>) -> Response {
    decide(&m, &id, true).await
}

/// Rejects a request: the service stays in trial mode.
pub(crate) async fn reject(m: Member, Path(id): Path<String>) -> Response {
    decide(&m, &id, false).await
}
