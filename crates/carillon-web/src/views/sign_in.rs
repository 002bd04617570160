//! Sign in (A1): email address and password; one vague error for a wrong address, a wrong
//! password or a locked account, `?next=` carried to the page after sign-in.

use askama::Template;
use axum::Form;
use axum::extract::Query;
use axum::response::Response;
use carillon_app::accounts::{AuthAction, SignInError, SignInNext};
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::views::errors::{server_error_page, too_many};
use crate::views::{page_response, see_other};

#[derive(Template)]
#[template(path = "sign_in/sign_in.html")]
struct SignInView {
    page: Page,
    form: FormView,
    banner: Option<Msg>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SignInQuery {
    #[serde(default)]
    signed_out: Option<String>,
    #[serde(default)]
    password_changed: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SignInInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn view(ctx: &Ctx, email: &str, problems: Vec<Problem>, banner: Option<Msg>) -> SignInView {
    let form = FormView::new(
        ctx.keep_next("/sign-in"),
        Msg("sign-in-submit"),
        ctx.csrf_token.clone(),
    )
    .field(
        Field::email("email", Msg("sign-in-email"))
            .value(email)
            .problems(&problems),
    )
    .field(
        Field::password("password", Msg("sign-in-password"), "current-password")
            .problems(&problems),
    );
    SignInView {
        page: ctx.page(Msg("sign-in-title"), problems),
        form,
        banner,
    }
}

/// The sign-in form; a signed-in visitor goes on to their services.
pub(crate) async fn show(ctx: Ctx, Query(query): Query<SignInQuery>) -> Response {
    if ctx.user.is_some() {
        return see_other(&ctx.next().unwrap_or_else(|| "/services".to_owned()));
    }
    let banner = match (query.signed_out, query.password_changed) {
        (Some(_), _) => Some(Msg("sign-in-signed-out")),
        (None, Some(_)) => Some(Msg("new-password-done")),
        (None, None) => None,
    };
    page_response(false, &view(&ctx, "", Vec::new(), banner))
}

/// Checks the form, then the password; on to the second factor's page.
pub(crate) async fn submit(ctx: Ctx, Form(input): Form<SignInInput>) -> Response {
    let mut problems = check(&input);
    if problems.is_empty() {
        if !ctx.allowed(AuthAction::SignIn) {
            return too_many(&ctx);
        }
        let outcome = {
            let mut session = ctx.session.0.lock().await;
            ctx.state
                .app
                .sign_in(&mut session, input.email.trim(), &input.password)
                .await
        };
        let message = match outcome {
            Ok(SignInNext::EmailCode) => return see_other(&ctx.keep_next("/sign-in/code")),
            Ok(SignInNext::Totp) => return see_other(&ctx.keep_next("/sign-in/totp")),
            Ok(SignInNext::SecurityKey) => {
                return see_other(&ctx.keep_next("/sign-in/security-key"));
            }
            // A locked account gets the answer an unknown address gets: telling it apart would
            // confirm to whoever guessed ten passwords that the account exists. Its owner learns
            // of the lock by resetting the password, which unlocks it.
            Err(SignInError::Incorrect | SignInError::Locked) => Msg("sign-in-error-incorrect"),
            Err(SignInError::NotVerified) => Msg("sign-in-error-not-verified"),
            Err(SignInError::Failed(error)) => return server_error_page(&ctx, &error),
        };
        problems.push(Problem::new("email", message));
    }
    page_response(true, &view(&ctx, &input.email, problems, None))
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
