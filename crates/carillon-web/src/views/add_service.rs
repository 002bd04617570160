//! Adding a service (A10): which official language comes first, the name and the sending
//! address, on one page; the service starts in trial with its creator as manager.

use askama::Template;
use axum::Form;
use axum::response::Response;
use carillon_app::team::{CreateService, TeamError};
use carillon_domain::{EmailLocalPart, Language};
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::views::errors::server_error_page;
use crate::views::{page_response, see_other};

#[derive(Template)]
#[template(path = "services/add_service.html")]
struct AddServiceView {
    page: Page,
    form: FormView,
    /// The language chosen, if any (`en`/`fr`).
    chosen: String,
    language_error: Option<Msg>,
    domain: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AddServiceInput {
    #[serde(default)]
    language: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email_from: String,
}

fn view(ctx: &Ctx, input: &AddServiceInput, problems: Vec<Problem>) -> AddServiceView {
    let form = FormView::new(
        "/add-service",
        Msg("add-service-submit"),
        ctx.csrf_token.clone(),
    )
    .field(
        Field::text("name", Msg("add-service-name"), "off")
            .value(&input.name)
            .problems(&problems),
    )
    .field(
        Field::text("email_from", Msg("add-service-email-from"), "off")
            .hint(Msg("add-service-email-from-hint"))
            .value(&input.email_from)
            .problems(&problems),
    );
    let language_error = problems
        .iter()
        .find(|p| p.field == "language-en")
        .map(|p| p.message);
    AddServiceView {
        page: ctx.page(Msg("add-service-title"), problems),
        form,
        chosen: input.language.clone(),
        language_error,
        domain: ctx.state.app.settings().sending_domain.clone(),
    }
}

/// The form.
pub(crate) async fn show(ctx: Ctx) -> Response {
    if let Err(first) = ctx.require_user() {
        return see_other(&first);
    }
    page_response(false, &view(&ctx, &AddServiceInput::default(), Vec::new()))
}

/// Creates the service, then back to the list.
pub(crate) async fn submit(ctx: Ctx, Form(input): Form<AddServiceInput>) -> Response {
    let user = match ctx.require_user() {
        Ok(user) => user,
        Err(first) => return see_other(&first),
    };
    let mut problems = Vec::new();
    let language = Language::parse(&input.language);
    if language.is_none() {
        problems.push(Problem::new(
            "language-en",
            Msg("add-service-error-language"),
        ));
    }
    if input.name.trim().is_empty() {
        problems.push(Problem::new("name", Msg("add-service-error-name-missing")));
    }
    let email_from = EmailLocalPart::parse(input.email_from.trim());
    if email_from.is_err() {
        problems.push(Problem::new(
            "email_from",
            Msg("add-service-error-email-from-invalid"),
        ));
    }
    if let (Some(language), Ok(email_from), true) = (language, email_from, problems.is_empty()) {
        let new = CreateService {
            name: input.name.clone(),
            email_from,
            language,
        };
        let problem = match ctx.state.app.create_service_for(user, new).await {
            Ok(_) => return see_other("/services?created=1"),
            Err(TeamError::InvalidName) => {
                Problem::new("name", Msg("add-service-error-name-missing"))
            }
            Err(TeamError::DuplicateName) => {
                Problem::new("name", Msg("add-service-error-name-taken"))
            }
            Err(TeamError::DuplicateSendingAddress) => {
                Problem::new("email_from", Msg("add-service-error-email-from-taken"))
            }
            Err(error) => return server_error_page(&ctx, &error),
        };
        problems.push(problem);
    }
    page_response(true, &view(&ctx, &input, problems))
}
