//! Sign in (A1): email address and password; a vague error for wrong credentials, a message
//! for a locked account, `?next=` kept for after the second factor.

use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::views::page_response;

#[derive(Template)]
#[template(path = "sign_in/sign_in.html")]
struct SignInView {
    page: Page,
    form: FormView,
    signed_out: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SignInQuery {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    signed_out: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SignInInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn view(ctx: &Ctx, input: &SignInInput, next: Option<&str>, problems: Vec<Problem>) -> SignInView {
    let action = match next.and_then(local_path) {
        Some(next) => format!("/sign-in?next={}", encode(next)),
        None => "/sign-in".to_owned(),
    };
    let form = FormView::new(action, Msg("sign-in-submit"), ctx.visitor.csrf_token())
        .field(
            Field::email("email", Msg("sign-in-email"))
                .value(&input.email)
                .problems(&problems),
        )
        .field(
            Field::password("password", Msg("sign-in-password"), "current-password")
                .problems(&problems),
        );
    SignInView {
        page: ctx.page(Msg("sign-in-title"), problems),
        form,
        signed_out: false,
    }
}

/// The sign-in form.
pub(crate) async fn show(ctx: Ctx, Query(query): Query<SignInQuery>) -> Response {
    let mut view = view(
        &ctx,
        &SignInInput::default(),
        query.next.as_deref(),
        Vec::new(),
    );
    view.signed_out = query.signed_out.is_some();
    page_response(false, &view)
}

/// Checks the form, then signs in.
pub(crate) async fn submit(
    ctx: Ctx,
    Query(query): Query<SignInQuery>,
    Form(input): Form<SignInInput>,
) -> Response {
    let problems = check(&input);
    let erred = !problems.is_empty();
    page_response(erred, &view(&ctx, &input, query.next.as_deref(), problems))
}

/// What is wrong with the form before asking whether the account exists.
fn check(input: &SignInInput) -> Vec<Problem> {
    let mut problems = Vec::new();
    let email = input.email.trim();
    if email.is_empty() {
        problems.push(Problem::new("email", Msg("sign-in-error-email-missing")));
    } else if carillon_domain::EmailAddress::parse(email).is_err() {
        problems.push(Problem::new("email", Msg("sign-in-error-email-invalid")));
    }
    if input.password.is_empty() {
        problems.push(Problem::new(
            "password",
            Msg("sign-in-error-password-missing"),
        ));
    }
    problems
}

/// `next` when it is a path on this site: `/…` but not `//…` (another host) nor `/\…`
/// (which some browsers read as `//`), so a link cannot send someone elsewhere after signing in.
pub(crate) fn local_path(next: &str) -> Option<&str> {
    let safe = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(char::is_control);
    safe.then_some(next)
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
