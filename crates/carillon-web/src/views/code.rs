//! The second factor (A2): the code sent by email, sending a new one, and the code from an
//! authenticator app. Only for a session whose password was accepted.

use axum::Form;
use axum::extract::Query;
use axum::response::Response;
use carillon_app::accounts::{AuthAction, CodeError};
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Field, FormView, Msg, Problem};
use crate::views::common::{FormPage, Link};
use crate::views::errors::{server_error_page, too_many};
use crate::views::{page_response, see_other};

/// Digits in an emailed code (GC Notify's).
const EMAIL_CODE_DIGITS: usize = 5;
/// Digits in an authenticator app's code (RFC 6238's usual).
const TOTP_DIGITS: usize = 6;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CodeInput {
    #[serde(default)]
    code: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CodeQuery {
    #[serde(default)]
    resent: Option<String>,
}

/// Which code a page asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Email,
    Totp,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Email => "/sign-in/code",
            Kind::Totp => "/sign-in/totp",
        }
    }

    fn digits(self) -> usize {
        match self {
            Kind::Email => EMAIL_CODE_DIGITS,
            Kind::Totp => TOTP_DIGITS,
        }
    }

    /// Messages for: missing, wrong format, refused.
    fn errors(self) -> [Msg; 3] {
        match self {
            Kind::Email => [
                Msg("code-error-missing"),
                Msg("code-error-format"),
                Msg("code-error-wrong"),
            ],
            Kind::Totp => [
                Msg("totp-error-missing"),
                Msg("totp-error-format"),
                Msg("totp-error-wrong"),
            ],
        }
    }
}

/// The code as typed, without the spaces people put in, when it is `digits` digits; else
/// whether it was missing (`true`) or malformed.
fn parse_code(input: &str, digits: usize) -> Result<String, bool> {
    let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() {
        return Err(true);
    }
    match code.len() == digits && code.bytes().all(|b| b.is_ascii_digit()) {
        true => Ok(code),
        false => Err(false),
    }
}

fn code_page(ctx: &Ctx, kind: Kind, problems: Vec<Problem>, banner: Option<Msg>) -> FormPage {
    let (title, label, hint) = match kind {
        Kind::Email => (Msg("code-title"), Msg("code-label"), Msg("code-hint")),
        Kind::Totp => (Msg("totp-title"), Msg("totp-label"), Msg("totp-hint")),
    };
    let form = FormView::new(
        ctx.keep_next(kind.path()),
        Msg("code-submit"),
        ctx.csrf_token.clone(),
    )
    .field(Field::code("code", label).hint(hint).problems(&problems));
    let view = FormPage::new(ctx.page(title, problems), form).banner(banner);
    match kind {
        Kind::Email => view.intro(Msg("code-intro")).link(Link::new(
            ctx.keep_next("/sign-in/code/resend"),
            Msg("code-not-received"),
        )),
        Kind::Totp => view,
    }
}

fn show(ctx: &Ctx, kind: Kind, banner: Option<Msg>) -> Response {
    if !ctx.awaiting_second_factor {
        return see_other(&ctx.keep_next("/sign-in"));
    }
    page_response(false, &code_page(ctx, kind, Vec::new(), banner))
}

async fn submit(ctx: &Ctx, kind: Kind, input: &CodeInput) -> Response {
    let [missing, malformed, refused] = kind.errors();
    let code = match parse_code(&input.code, kind.digits()) {
        Ok(code) => code,
        Err(true) => {
            return page_response(
                true,
                &code_page(ctx, kind, vec![Problem::new("code", missing)], None),
            );
        }
        Err(false) => {
            return page_response(
                true,
                &code_page(ctx, kind, vec![Problem::new("code", malformed)], None),
            );
        }
    };
    if !ctx.allowed(AuthAction::Code) {
        return too_many(ctx);
    }
    let outcome = {
        let mut session = ctx.session.0.lock().await;
        match kind {
            Kind::Email => ctx.state.app.verify_email_code(&mut session, &code).await,
            Kind::Totp => ctx.state.app.verify_totp(&mut session, &code).await,
        }
    };
    let message = match outcome {
        Ok(()) => return see_other(&ctx.keep_next("/sign-in/continue")),
        Err(CodeError::NoSignIn) => return see_other(&ctx.keep_next("/sign-in")),
        Err(
            CodeError::Incorrect
            | CodeError::Expired
            | CodeError::Used
            | CodeError::NoAuthenticator
            | CodeError::NoKeyResponse
            | CodeError::KeysUnavailable,
        ) => refused,
        Err(CodeError::Locked) => Msg("sign-in-error-locked"),
        Err(CodeError::Failed(error)) => return server_error_page(ctx, &error),
    };
    page_response(
        true,
        &code_page(ctx, kind, vec![Problem::new("code", message)], None),
    )
}

/// The form for the emailed code.
pub(crate) async fn show_email_code(ctx: Ctx, Query(query): Query<CodeQuery>) -> Response {
    show(&ctx, Kind::Email, query.resent.map(|_| Msg("resend-sent")))
}

/// Checks the emailed code.
pub(crate) async fn submit_email_code(ctx: Ctx, Form(input): Form<CodeInput>) -> Response {
    submit(&ctx, Kind::Email, &input).await
}

/// The form for the authenticator app's code.
pub(crate) async fn show_totp(ctx: Ctx) -> Response {
    show(&ctx, Kind::Totp, None)
}

/// Checks the authenticator app's code.
pub(crate) async fn submit_totp(ctx: Ctx, Form(input): Form<CodeInput>) -> Response {
    submit(&ctx, Kind::Totp, &input).await
}

/// The page offering a new code.
pub(crate) async fn show_resend(ctx: Ctx) -> Response {
    if !ctx.awaiting_second_factor {
        return see_other(&ctx.keep_next("/sign-in"));
    }
    let form = FormView::new(
        ctx.keep_next("/sign-in/code/resend"),
        Msg("resend-submit"),
        ctx.csrf_token.clone(),
    );
    let view =
        FormPage::new(ctx.page(Msg("resend-title"), Vec::new()), form).intro(Msg("resend-intro"));
    page_response(false, &view)
}

/// Sends a new code, then back to the code form saying so.
pub(crate) async fn submit_resend(ctx: Ctx) -> Response {
    if !ctx.allowed(AuthAction::Email) {
        return too_many(&ctx);
    }
    let outcome = {
        let session = ctx.session.0.lock().await;
        if session.pending_user().is_none() {
            return see_other(&ctx.keep_next("/sign-in"));
        }
        ctx.state.app.resend_code(&session).await
    };
    match outcome {
        Ok(()) => {
            let back = ctx.keep_next("/sign-in/code");
            let separator = if back.contains('?') { '&' } else { '?' };
            see_other(&format!("{back}{separator}resent=1"))
        }
        Err(error) => server_error_page(&ctx, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_digits_of_the_right_length_spaces_aside() {
        assert_eq!(parse_code(" 123 45 ", 5), Ok("12345".to_owned()));
        assert_eq!(parse_code("", 5), Err(true));
        assert_eq!(parse_code("   ", 5), Err(true));
        assert_eq!(parse_code("1234", 5), Err(false));
        assert_eq!(parse_code("123456", 5), Err(false));
        assert_eq!(parse_code("12a45", 5), Err(false));
        assert_eq!(parse_code("１２３４５", 5), Err(false));
        assert_eq!(parse_code("123456", 6), Ok("123456".to_owned()));
    }
}
