//! Forgotten passwords (A6) and choosing a new one from the emailed link (A7).

use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use carillon_app::accounts::{AuthAction, PasswordProblem, ResetError, check_password};
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Field, FormView, Msg, Problem};
use crate::views::common::{FormPage, Link, MessagePage};
use crate::views::errors::{server_error_page, too_many};
use crate::views::{page_response, render, see_other};

/// What is wrong with a new password (length, or on the common-passwords list): the use
/// cases' own rule, asked first so every problem of a form shows at once.
pub(crate) fn password_problem(password: &str) -> Option<Msg> {
    check_password(password)
        .err()
        .map(|problem| problem_message(&problem))
}

/// The message for a password the use cases refused.
pub(crate) fn problem_message(problem: &PasswordProblem) -> Msg {
    match problem {
        PasswordProblem::TooShort => Msg("register-error-password-short"),
        PasswordProblem::TooLong => Msg("register-error-password-long"),
        PasswordProblem::TooCommon => Msg("register-error-password-common"),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ForgotInput {
    #[serde(default)]
    email: String,
}

fn forgot_page(ctx: &Ctx, input: &ForgotInput, problems: Vec<Problem>) -> FormPage {
    let form = FormView::new(
        "/forgot-password",
        Msg("forgot-submit"),
        ctx.csrf_token.clone(),
    )
    .field(
        Field::email("email", Msg("sign-in-email"))
            .value(&input.email)
            .problems(&problems),
    );
    FormPage::new(ctx.page(Msg("forgot-title"), problems), form).intro(Msg("forgot-intro"))
}

/// The form asking for the address.
pub(crate) async fn show_forgot(ctx: Ctx) -> Response {
    page_response(
        false,
        &forgot_page(&ctx, &ForgotInput::default(), Vec::new()),
    )
}

/// Sends the link (whether or not the account exists), then "check your email".
pub(crate) async fn submit_forgot(ctx: Ctx, Form(input): Form<ForgotInput>) -> Response {
    let email = input.email.trim();
    let problem = if email.is_empty() {
        Some(Msg("sign-in-error-email-missing"))
    } else if carillon_domain::EmailAddress::parse(email).is_err() {
        Some(Msg("sign-in-error-email-invalid"))
    } else {
        None
    };
    if let Some(message) = problem {
        let problems = vec![Problem::new("email", message)];
        return page_response(true, &forgot_page(&ctx, &input, problems));
    }
    if !ctx.allowed(AuthAction::Email) {
        return too_many(&ctx);
    }
    match ctx.state.app.forgot_password(email).await {
        Ok(()) => see_other("/forgot-password/check-email"),
        Err(error) => server_error_page(&ctx, &error),
    }
}

/// "Check your email" after asking for a link.
pub(crate) async fn check_email(ctx: Ctx) -> Response {
    let view = MessagePage::new(
        ctx.page(Msg("check-email-title"), Vec::new()),
        vec![Msg("check-email-body"), Msg("check-email-junk")],
    )
    .link(Link::new("/sign-in", Msg("sign-in-title")));
    page_response(false, &view)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NewPasswordInput {
    #[serde(default)]
    password: String,
}

fn new_password_page(ctx: &Ctx, token: &str, problems: Vec<Problem>) -> FormPage {
    let action = format!(
        "/new-password/{}",
        form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
    );
    let form = FormView::new(action, Msg("new-password-submit"), ctx.csrf_token.clone()).field(
        Field::password("password", Msg("new-password-label"), "new-password")
            .hint(Msg("register-password-hint"))
            .problems(&problems),
    );
    FormPage::new(ctx.page(Msg("new-password-title"), problems), form)
}

/// The form for the new password.
pub(crate) async fn show_new_password(ctx: Ctx, Path(token): Path<String>) -> Response {
    page_response(false, &new_password_page(&ctx, &token, Vec::new()))
}

/// Checks the password, then sets it with the link's token.
pub(crate) async fn submit_new_password(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(input): Form<NewPasswordInput>,
) -> Response {
    let message = match password_problem(&input.password) {
        Some(message) => message,
        None => match ctx.state.app.reset_password(&token, &input.password).await {
            Ok(()) => return see_other("/sign-in?password_changed=1"),
            Err(ResetError::Password(problem)) => problem_message(&problem),
            Err(ResetError::InvalidLink) => return link_failed(&ctx),
            Err(ResetError::Failed(error)) => return server_error_page(&ctx, &error),
        },
    };
    page_response(
        true,
        &new_password_page(&ctx, &token, vec![Problem::new("password", message)]),
    )
}

/// The link was unknown, used or expired.
fn link_failed(ctx: &Ctx) -> Response {
    let view = MessagePage::new(
        ctx.page(Msg("verify-failed-title"), Vec::new()),
        vec![Msg("verify-failed-body")],
    )
    .link(Link::new("/forgot-password", Msg("forgot-title")));
    render(StatusCode::NOT_FOUND, &view)
}
