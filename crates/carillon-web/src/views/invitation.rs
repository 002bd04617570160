//! The invitation link's landing (A8): a signed-in invitee joins at once; someone with an
//! account signs in first and comes back; someone without one registers with the invited
//! address (fixed), verifies it, signs in and follows the link again.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use carillon_app::accounts::{RegisterError, Registration};
use carillon_app::team::{AcceptOutcome, InvitationView, TeamError};
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Checkbox, Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::views::errors::server_error_page;
use crate::views::member::{failure, message};
use crate::views::password::{password_problem, problem_message};
use crate::views::{page_response, see_other};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RegisterInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    terms: Option<String>,
}

#[derive(Template)]
#[template(path = "invitation/register.html")]
struct RegisterView {
    page: Page,
    service_name: String,
    email: String,
    form: FormView,
}

/// The refusal of a link that no longer works, or is someone else's.
fn refused(ctx: &Ctx, error: &TeamError) -> Response {
    let (status, heading, body) = match error {
        TeamError::InvitationExpired => (
            StatusCode::GONE,
            Msg("invitation-expired-title"),
            Msg("invitation-expired-body"),
        ),
        TeamError::InvitationCancelled => (
            StatusCode::GONE,
            Msg("invitation-cancelled-title"),
            Msg("invitation-expired-body"),
        ),
        TeamError::InvitationUsed => (
            StatusCode::GONE,
            Msg("invitation-used-title"),
            Msg("invitation-used-body"),
        ),
        TeamError::Forbidden => (
            StatusCode::FORBIDDEN,
            Msg("invitation-other-title"),
            Msg("invitation-other-body"),
        ),
        other => return failure(ctx, other),
    };
    message(ctx, status, heading, body)
}

fn register_page(
    ctx: &Ctx,
    token: &str,
    view: &InvitationView,
    input: &RegisterInput,
    problems: Vec<Problem>,
) -> Response {
    let form = FormView::new(
        format!("/invitation/{token}/register"),
        Msg("register-submit"),
        ctx.csrf_token.clone(),
    )
    .field(
        Field::text("name", Msg("register-name"), "name")
            .value(&input.name)
            .problems(&problems),
    )
    .field(
        Field::password("password", Msg("register-password"), "new-password")
            .hint(Msg("register-password-hint"))
            .problems(&problems),
    )
    .checkbox(
        Checkbox::new(
            "terms",
            Msg("register-terms"),
            input.terms.is_some(),
            &problems,
        )
        .terms_link(),
    );
    let erred = !problems.is_empty();
    let page = RegisterView {
        page: ctx.page(Msg("invitation-register-title"), problems),
        service_name: view.service_name.clone(),
        email: view.email.as_str().to_owned(),
        form,
    };
    page_response(erred, &page)
}

/// Follows the link.
pub(crate) async fn land(ctx: Ctx, Path(token): Path<String>) -> Response {
    match ctx
        .state
        .app
        .accept_invitation(&token, ctx.user.as_ref())
        .await
    {
        Ok(AcceptOutcome::Joined(service)) => {
            see_other(&format!("/services/{}/team?done=joined", service.id))
        }
        Ok(AcceptOutcome::SignIn(_)) => {
            let next: String =
                form_urlencoded::byte_serialize(format!("/invitation/{token}").as_bytes())
                    .collect();
            see_other(&format!("/sign-in?next={next}"))
        }
        Ok(AcceptOutcome::Register(view)) => {
            register_page(&ctx, &token, &view, &RegisterInput::default(), Vec::new())
        }
        Err(error) => refused(&ctx, &error),
    }
}

/// Creates the account for the invited address; after verifying it and signing in, the
/// person follows the link again and joins.
pub(crate) async fn register(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(input): Form<RegisterInput>,
) -> Response {
    let view = match ctx.state.app.invitation_for_registration(&token).await {
        Ok(view) => view,
        Err(error) => return refused(&ctx, &error),
    };
    if let Some(problem) = local_problem(&input) {
        return register_page(&ctx, &token, &view, &input, vec![problem]);
    }
    let registration = Registration {
        name: input.name.trim().to_owned(),
        email: view.email.as_str().to_owned(),
        password: input.password.clone(),
        terms_agreed: input.terms.is_some(),
        language: ctx.lang,
    };
    let problem = match ctx.state.app.register(registration).await {
        Ok(()) => return see_other("/register/check-email"),
        Err(RegisterError::NameMissing) => Problem::new("name", Msg("register-error-name-missing")),
        Err(RegisterError::Password(problem)) => {
            Problem::new("password", problem_message(&problem))
        }
        Err(RegisterError::TermsNotAgreed) => Problem::new("terms", Msg("register-error-terms")),
        Err(RegisterError::InvalidEmail | RegisterError::NotGovernmentEmail) => {
            Problem::new("name", Msg("register-error-email-not-government"))
        }
        Err(RegisterError::Failed(error)) => return server_error_page(&ctx, &error),
    };
    register_page(&ctx, &token, &view, &input, vec![problem])
}

/// The first problem the form shows without asking the use cases.
fn local_problem(input: &RegisterInput) -> Option<Problem> {
    if input.name.trim().is_empty() {
        return Some(Problem::new("name", Msg("register-error-name-missing")));
    }
    if let Some(message) = password_problem(&input.password) {
        return Some(Problem::new("password", message));
    }
    input
        .terms
        .is_none()
        .then(|| Problem::new("terms", Msg("register-error-terms")))
}
