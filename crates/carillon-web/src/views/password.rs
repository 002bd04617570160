//! Forgotten passwords (A6) and choosing a new one from the emailed link (A7).

use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Field, FormView, Msg, Problem};
use crate::views::common::{FormPage, Link, MessagePage};
use crate::views::errors::unavailable;
use crate::views::page_response;

/// Shortest and longest passwords accepted (GC Notify's bounds).
const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=255;

/// What is wrong with a new password that can be told without the common-password list.
pub(crate) fn password_problem(password: &str) -> Option<Msg> {
    let chars = password.chars().count();
    if chars < *PASSWORD_CHARS.start() {
        Some(Msg("register-error-password-short"))
    } else if chars > *PASSWORD_CHARS.end() {
        Some(Msg("register-error-password-long"))
    } else {
        None
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
        ctx.visitor.csrf_token(),
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
    match problem {
        Some(message) => page_response(
            true,
            &forgot_page(&ctx, &input, vec![Problem::new("email", message)]),
        ),
        None => unavailable(&ctx),
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
    let form = FormView::new(action, Msg("new-password-submit"), ctx.visitor.csrf_token()).field(
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
    match password_problem(&input.password) {
        Some(message) => page_response(
            true,
            &new_password_page(&ctx, &token, vec![Problem::new("password", message)]),
        ),
        None => unavailable(&ctx),
    }
}
