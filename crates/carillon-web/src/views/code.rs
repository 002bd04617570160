//! The second factor (A2): the code sent by email, sending a new one, and the code from an
//! authenticator app.

use axum::Form;
use axum::response::Response;
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Field, FormView, Msg, Problem};
use crate::views::common::{FormPage, Link};
use crate::views::errors::unavailable;
use crate::views::page_response;

/// Digits in an emailed code (GC Notify's).
const EMAIL_CODE_DIGITS: usize = 5;
/// Digits in an authenticator app's code (RFC 6238's usual).
const TOTP_DIGITS: usize = 6;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CodeInput {
    #[serde(default)]
    code: String,
}

/// The code as typed, without the spaces people put in, when it is `digits` digits.
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

fn email_code_page(ctx: &Ctx, problems: Vec<Problem>) -> FormPage {
    let form = FormView::new(
        "/sign-in/code",
        Msg("code-submit"),
        ctx.visitor.csrf_token(),
    )
    .field(
        Field::code("code", Msg("code-label"))
            .hint(Msg("code-hint"))
            .problems(&problems),
    );
    FormPage::new(ctx.page(Msg("code-title"), problems), form)
        .intro(Msg("code-intro"))
        .link(Link::new("/sign-in/code/resend", Msg("code-not-received")))
}

/// The form for the emailed code.
pub(crate) async fn show_email_code(ctx: Ctx) -> Response {
    page_response(false, &email_code_page(&ctx, Vec::new()))
}

/// Checks the emailed code.
pub(crate) async fn submit_email_code(ctx: Ctx, Form(input): Form<CodeInput>) -> Response {
    match parse_code(&input.code, EMAIL_CODE_DIGITS) {
        Ok(_code) => unavailable(&ctx),
        Err(missing) => {
            let message = match missing {
                true => Msg("code-error-missing"),
                false => Msg("code-error-format"),
            };
            page_response(
                true,
                &email_code_page(&ctx, vec![Problem::new("code", message)]),
            )
        }
    }
}

/// The page offering a new code.
pub(crate) async fn show_resend(ctx: Ctx) -> Response {
    let form = FormView::new(
        "/sign-in/code/resend",
        Msg("resend-submit"),
        ctx.visitor.csrf_token(),
    );
    let view =
        FormPage::new(ctx.page(Msg("resend-title"), Vec::new()), form).intro(Msg("resend-intro"));
    page_response(false, &view)
}

/// Sends a new code, then back to the code form.
pub(crate) async fn submit_resend(ctx: Ctx) -> Response {
    unavailable(&ctx)
}

fn totp_page(ctx: &Ctx, problems: Vec<Problem>) -> FormPage {
    let form = FormView::new(
        "/sign-in/totp",
        Msg("code-submit"),
        ctx.visitor.csrf_token(),
    )
    .field(
        Field::code("code", Msg("totp-label"))
            .hint(Msg("totp-hint"))
            .problems(&problems),
    );
    FormPage::new(ctx.page(Msg("totp-title"), problems), form)
}

/// The form for the authenticator app's code.
pub(crate) async fn show_totp(ctx: Ctx) -> Response {
    page_response(false, &totp_page(&ctx, Vec::new()))
}

/// Checks the authenticator app's code.
pub(crate) async fn submit_totp(ctx: Ctx, Form(input): Form<CodeInput>) -> Response {
    match parse_code(&input.code, TOTP_DIGITS) {
        Ok(_code) => unavailable(&ctx),
        Err(missing) => {
            let message = match missing {
                true => Msg("totp-error-missing"),
                false => Msg("totp-error-format"),
            };
            page_response(true, &totp_page(&ctx, vec![Problem::new("code", message)]))
        }
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
