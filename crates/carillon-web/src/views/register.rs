//! Creating an account (A4), "check your email" (A5) and the verification link's landing.

use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use carillon_app::accounts::{AuthAction, RegisterError, Registration, ResetError};
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Checkbox, Field, FormView, Msg, Problem};
use crate::views::common::{FormPage, Link, MessagePage};
use crate::views::errors::{server_error_page, too_many};
use crate::views::password::{password_problem, problem_message};
use crate::views::{page_response, render, see_other};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RegisterInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Present (`yes`) when the box is ticked.
    #[serde(default)]
    terms: Option<String>,
}

fn register_page(ctx: &Ctx, input: &RegisterInput, problems: Vec<Problem>) -> FormPage {
    let form = FormView::new("/register", Msg("register-submit"), ctx.csrf_token.clone())
        .field(
            Field::text("name", Msg("register-name"), "name")
                .value(&input.name)
                .problems(&problems),
        )
        .field(
            Field::email("email", Msg("register-email"))
                .hint(Msg("register-email-hint"))
                .value(&input.email)
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
    FormPage::new(ctx.page(Msg("register-title"), problems), form)
}

/// The registration form.
pub(crate) async fn show(ctx: Ctx) -> Response {
    page_response(
        false,
        &register_page(&ctx, &RegisterInput::default(), Vec::new()),
    )
}

/// Checks the form, then creates the account (or, for an address already registered, sends
/// it a notice): either way "check your email", so the page tells nothing about accounts.
pub(crate) async fn submit(ctx: Ctx, Form(input): Form<RegisterInput>) -> Response {
    let mut problems = check(&input);
    if problems.is_empty() {
        if !ctx.allowed(AuthAction::Email) {
            return too_many(&ctx);
        }
        let registration = Registration {
            name: input.name.trim().to_owned(),
            email: input.email.trim().to_owned(),
            password: input.password.clone(),
            terms_agreed: input.terms.is_some(),
            language: ctx.lang,
        };
        let problem = match ctx.state.app.register(registration).await {
            Ok(()) => return see_other("/register/check-email"),
            Err(RegisterError::NameMissing) => {
                Problem::new("name", Msg("register-error-name-missing"))
            }
            Err(RegisterError::InvalidEmail) => {
                Problem::new("email", Msg("register-error-email-invalid"))
            }
            Err(RegisterError::NotGovernmentEmail) => {
                Problem::new("email", Msg("register-error-email-not-government"))
            }
            Err(RegisterError::Password(problem)) => {
                Problem::new("password", problem_message(&problem))
            }
            Err(RegisterError::TermsNotAgreed) => {
                Problem::new("terms", Msg("register-error-terms"))
            }
            Err(RegisterError::Failed(error)) => return server_error_page(&ctx, &error),
        };
        problems.push(problem);
    }
    page_response(true, &register_page(&ctx, &input, problems))
}

/// What can be told from the form alone, in the order of the fields.
fn check(input: &RegisterInput) -> Vec<Problem> {
    let mut problems = Vec::new();
    if input.name.trim().is_empty() {
        problems.push(Problem::new("name", Msg("register-error-name-missing")));
    }
    let email = input.email.trim();
    if email.is_empty() {
        problems.push(Problem::new("email", Msg("register-error-email-missing")));
    } else if carillon_domain::EmailAddress::parse(email).is_err() {
        problems.push(Problem::new("email", Msg("register-error-email-invalid")));
    }
    if let Some(message) = password_problem(&input.password) {
        problems.push(Problem::new("password", message));
    }
    if input.terms.is_none() {
        problems.push(Problem::new("terms", Msg("register-error-terms")));
    }
    problems
}

/// "Check your email", whether the address was new or already registered.
pub(crate) async fn check_email(ctx: Ctx) -> Response {
    let view = MessagePage::new(
        ctx.page(Msg("check-email-title"), Vec::new()),
        vec![Msg("check-email-body"), Msg("check-email-junk")],
    )
    .link(Link::new("/sign-in", Msg("sign-in-title")));
    page_response(false, &view)
}

/// The link in the verification email: activates the account, then invites to sign in.
pub(crate) async fn verify_email(ctx: Ctx, Path(token): Path<String>) -> Response {
    let (status, heading, body) = match ctx.state.app.verify_email(&token).await {
        Ok(_) => (StatusCode::OK, Msg("verify-title"), Msg("verify-body")),
        Err(ResetError::InvalidLink | ResetError::Password(_)) => (
            StatusCode::NOT_FOUND,
            Msg("verify-failed-title"),
            Msg("verify-failed-body"),
        ),
        Err(ResetError::Failed(error)) => return server_error_page(&ctx, &error),
    };
    let view = MessagePage::new(ctx.page(heading, Vec::new()), vec![body])
        .link(Link::new("/sign-in", Msg("sign-in-title")));
    render(status, &view)
}
