//! The settings pages (A14–A16): the overview with a "Change" link per row, the service's name
//! and sending address (each confirmed with the person's password), which language comes first
//! in emails. The reply-to addresses are in `reply_to`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use carillon_app::team::TeamError;
use carillon_domain::{EmailLocalPart, Language, MemberPermission, Service, ServiceId};

use crate::form::{Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::views::common::{FormPage, Link};
use crate::views::member::{Member, failure, field, not_found, service_id};
use crate::views::{page_response, see_other};

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    done: Option<String>,
}

fn banner(done: Option<&str>) -> Option<Msg> {
    match done? {
        "saved" => Some(Msg("settings-done-saved")),
        "requested" => Some(Msg("golive-done-requested")),
        _ => None,
    }
}

struct Row {
    label: Msg,
    value: String,
    href: String,
}

#[derive(Template)]
#[template(path = "settings/settings.html")]
struct SettingsView {
    page: Page,
    banner: Option<Msg>,
    service_name: String,
    rows: Vec<Row>,
    live: bool,
    under_review: bool,
    go_live_href: String,
    team_href: String,
}

/// The service, when the person manages it.
async fn managed(m: &Member, id: ServiceId) -> Result<Service, TeamError> {
    m.app()
        .require(&m.user, id, MemberPermission::ManageService)
        .await
}

fn language_name(language: Language) -> Msg {
    match language {
        Language::English => Msg("settings-english-first"),
        Language::French => Msg("settings-french-first"),
    }
}

async fn settings_view(
    m: &Member,
    id: ServiceId,
    done: Option<&str>,
) -> Result<SettingsView, TeamError> {
    let service = managed(m, id).await?;
    let review = m.app().go_live_request(&m.user, id).await?;
    let reply_tos = m.app().service_reply_tos(&m.user, id).await?;
    let base = format!("/services/{id}/settings");
    let domain = &m.app().settings().sending_domain;
    let page = m.ctx.page(Msg("settings-title"), Vec::new());
    let order = page.t(language_name(service.default_language).id());
    let replies: Vec<&str> = reply_tos.iter().map(|r| r.email_address.as_str()).collect();
    let rows = vec![
        Row {
            label: Msg("settings-name"),
            value: service.name.clone(),
            href: format!("{base}/name"),
        },
        Row {
            label: Msg("settings-sending-address"),
            value: format!("{}@{domain}", service.email_from.as_str()),
            href: format!("{base}/sending-address"),
        },
        Row {
            label: Msg("settings-branding"),
            value: order,
            href: format!("{base}/branding"),
        },
        Row {
            label: Msg("settings-reply-to"),
            value: replies.join(", "),
            href: format!("{base}/reply-to"),
        },
    ];
    Ok(SettingsView {
        page,
        banner: banner(done),
        service_name: service.name,
        rows,
        live: !service.restricted,
        under_review: review.is_some_and(|r| r.status.as_str() == "pending"),
        go_live_href: format!("/services/{id}/go-live"),
        team_href: format!("/services/{id}/team"),
    })
}

/// The settings overview.
pub(crate) async fn show(m: Member, Path(id): Path<String>, Query(q): Query<Done>) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    match settings_view(&m, id, q.done.as_deref()).await {
        Ok(view) => page_response(false, &view),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Which of the two password-confirmed settings a form changes.
#[derive(Debug, Clone, Copy)]
enum Confirmed {
    Name,
    SendingAddress,
}

impl Confirmed {
    fn heading(self) -> Msg {
        match self {
            Confirmed::Name => Msg("settings-name-title"),
            Confirmed::SendingAddress => Msg("settings-sending-address-title"),
        }
    }

    fn field(self) -> Field {
        match self {
            Confirmed::Name => Field::text("value", Msg("settings-name"), "off"),
            Confirmed::SendingAddress => {
                Field::text("value", Msg("settings-sending-address"), "off")
                    .hint(Msg("settings-sending-address-hint"))
            }
        }
    }

    fn path(self) -> &'static str {
        match self {
            Confirmed::Name => "name",
            Confirmed::SendingAddress => "sending-address",
        }
    }

    fn current(self, service: &Service) -> String {
        match self {
            Confirmed::Name => service.name.clone(),
            Confirmed::SendingAddress => service.email_from.as_str().to_owned(),
        }
    }
}

fn confirmed_form(
    m: &Member,
    id: ServiceId,
    which: Confirmed,
    value: &str,
    problems: Vec<Problem>,
) -> Response {
    let action = format!("/services/{id}/settings/{}", which.path());
    let form = FormView::new(action, Msg("settings-save"), m.ctx.csrf_token.clone())
        .field(which.field().value(value).problems(&problems))
        .field(
            Field::password("password", Msg("settings-password"), "current-password")
                .hint(Msg("settings-password-hint"))
                .problems(&problems),
        );
    let erred = !problems.is_empty();
    let view = FormPage::new(m.ctx.page(which.heading(), problems), form).link(Link::new(
        format!("/services/{id}/settings"),
        Msg("settings-back"),
    ));
    page_response(erred, &view)
}

async fn show_confirmed(m: Member, id: &str, which: Confirmed) -> Response {
    let Some(id) = service_id(id) else {
        return not_found(&m.ctx);
    };
    match managed(&m, id).await {
        Ok(service) => confirmed_form(&m, id, which, &which.current(&service), Vec::new()),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Applies a confirmed change; the problem to show when refused for something fixable.
async fn apply(
    m: &Member,
    id: ServiceId,
    which: Confirmed,
    value: &str,
    password: &str,
) -> Result<(), Result<Problem, TeamError>> {
    let local = match which {
        Confirmed::SendingAddress => match EmailLocalPart::parse(value) {
            Ok(local) => Some(local),
            Err(_) => {
                return Err(Ok(Problem::new(
                    "value",
                    Msg("settings-error-sending-address"),
                )));
            }
        },
        Confirmed::Name => None,
    };
    if password.is_empty() {
        return Err(Ok(Problem::new(
            "password",
            Msg("settings-error-password-missing"),
        )));
    }
    let app = m.app();
    let outcome = match app.confirm_password(&m.user, password).await {
        Ok(confirmed) => match local {
            Some(local) => {
                app.change_sending_address(&m.user, id, local, confirmed)
                    .await
            }
            None => app.rename_service(&m.user, id, value, confirmed).await,
        },
        Err(error) => Err(error),
    };
    match outcome {
        Ok(_) => Ok(()),
        Err(TeamError::IncorrectPassword) => {
            Err(Ok(Problem::new("password", Msg("settings-error-password"))))
        }
        Err(TeamError::InvalidName) => Err(Ok(Problem::new("value", Msg("settings-error-name")))),
        Err(TeamError::DuplicateName) => {
            Err(Ok(Problem::new("value", Msg("settings-error-name-taken"))))
        }
        Err(TeamError::DuplicateSendingAddress) => Err(Ok(Problem::new(
            "value",
            Msg("settings-error-address-taken"),
        ))),
        Err(error) => Err(Err(error)),
    }
}

async fn submit_confirmed(
    m: Member,
    id: &str,
    which: Confirmed,
    fields: &[(String, String)],
) -> Response {
    let Some(id) = service_id(id) else {
        return not_found(&m.ctx);
    };
    let value = field(fields, "value").trim();
    match apply(&m, id, which, value, field(fields, "password")).await {
        Ok(()) => see_other(&format!("/services/{id}/settings?done=saved")),
        Err(Ok(problem)) => confirmed_form(&m, id, which, value, vec![problem]),
        Err(Err(error)) => failure(&m.ctx, &error),
    }
}

/// The form to rename the service.
pub(crate) async fn show_name(m: Member, Path(id): Path<String>) -> Response {
    show_confirmed(m, &id, Confirmed::Name).await
}

/// Renames the service.
pub(crate) async fn submit_name(
    m: Member,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    submit_confirmed(m, &id, Confirmed::Name, &f).await
}

/// The form to change the sending address.
pub(crate) async fn show_sending_address(m: Member, Path(id): Path<String>) -> Response {
    show_confirmed(m, &id, Confirmed::SendingAddress).await
}

/// Changes the sending address.
pub(crate) async fn submit_sending_address(
    m: Member,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    submit_confirmed(m, &id, Confirmed::SendingAddress, &f).await
}

#[derive(Template)]
#[template(path = "settings/branding.html")]
struct BrandingView {
    page: Page,
    action: String,
    french_first: bool,
    back_href: String,
}

/// Which language comes first in the service's emails.
pub(crate) async fn show_branding(m: Member, Path(id): Path<String>) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    match managed(&m, id).await {
        Ok(service) => page_response(
            false,
            &BrandingView {
                page: m.ctx.page(Msg("settings-branding-title"), Vec::new()),
                action: format!("/services/{id}/settings/branding"),
                french_first: service.default_language == Language::French,
                back_href: format!("/services/{id}/settings"),
            },
        ),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Saves the language order.
pub(crate) async fn submit_branding(
    m: Member,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    let language = Language::parse(field(&f, "language")).unwrap_or(Language::English);
    match m
        .app()
        .set_email_branding_order(&m.user, id, language)
        .await
    {
        Ok(_) => see_other(&format!("/services/{id}/settings?done=saved")),
        Err(error) => failure(&m.ctx, &error),
    }
}
