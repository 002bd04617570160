//! "Before you continue" (A3): once per session after the second factor, the account's sign-ins
//! before this one (so a person notices one that was not theirs) and the terms to agree to.

use askama::Template;
use axum::Form;
use axum::response::Response;
use carillon_domain::SecondFactor;
use carillon_i18n::format_date_time;
use serde::Deserialize;

use crate::context::{Ctx, TERMS_AGREED};
use crate::form::{Checkbox, FormView, Msg, Problem};
use crate::page::Page;
use crate::views::errors::server_error_page;
use crate::views::{page_response, see_other};

/// Sign-ins shown (GC Notify shows the last three).
const SHOWN: u32 = 3;

/// One past sign-in, as shown.
#[derive(Debug)]
struct SignInRow {
    when: String,
    factor: Msg,
}

#[derive(Template)]
#[template(path = "before_continue/before_continue.html")]
struct ContinueView {
    page: Page,
    sign_ins: Vec<SignInRow>,
    form: FormView,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ContinueInput {
    #[serde(default)]
    terms: Option<String>,
}

fn factor(factor: SecondFactor) -> Msg {
    match factor {
        SecondFactor::EmailCode => Msg("factor-email-code"),
        SecondFactor::Totp => Msg("factor-totp"),
        SecondFactor::SecurityKey => Msg("factor-security-key"),
    }
}

async fn render(ctx: &Ctx, problems: Vec<Problem>) -> Response {
    if ctx.user.is_none() {
        return see_other(&ctx.keep_next("/sign-in"));
    }
    let previous = {
        let session = ctx.session.0.lock().await;
        ctx.state.app.previous_sign_ins(&session, SHOWN).await
    };
    let events = match previous {
        Ok(events) => events,
        Err(error) => return server_error_page(ctx, &error),
    };
    let zone = ctx.state.settings.zone;
    let sign_ins = events
        .into_iter()
        .map(|event| SignInRow {
            when: format_date_time(ctx.lang, zone, event.at),
            factor: factor(event.second_factor),
        })
        .collect();
    let checkbox =
        Checkbox::new("terms", Msg("continue-terms-agree"), false, &problems).terms_link();
    let form = FormView::new(
        ctx.keep_next("/sign-in/continue"),
        Msg("continue-submit"),
        ctx.csrf_token.clone(),
    )
    .checkbox(checkbox);
    let erred = !problems.is_empty();
    let view = ContinueView {
        page: ctx.page(Msg("continue-title"), problems),
        sign_ins,
        form,
    };
    page_response(erred, &view)
}

/// The sign-ins and the terms.
pub(crate) async fn show(ctx: Ctx) -> Response {
    render(&ctx, Vec::new()).await
}

/// Agreeing: remembered for the session, then on to `next` or the services.
pub(crate) async fn submit(ctx: Ctx, Form(input): Form<ContinueInput>) -> Response {
    if ctx.user.is_none() {
        return see_other(&ctx.keep_next("/sign-in"));
    }
    if input.terms.is_none() {
        return render(
            &ctx,
            vec![Problem::new("terms", Msg("continue-error-terms"))],
        )
        .await;
    }
    ctx.session
        .0
        .lock()
        .await
        .set_data(TERMS_AGREED, serde_json::Value::Bool(true));
    see_other(&ctx.next().unwrap_or_else(|| "/services".to_owned()))
}
