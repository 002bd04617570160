//! The second factor with a security key (A2): the WebAuthn ceremony (`static/webauthn.js`),
//! and a code by email instead for someone without their key or without JavaScript.

use askama::Template;
use axum::Form;
use axum::http::StatusCode;
use axum::response::Response;
use carillon_app::accounts::{AuthAction, CodeError, KeyAssertion};
use serde::Deserialize;

use crate::assets::webauthn_script_href;
use crate::context::Ctx;
use crate::form::{Msg, Problem};
use crate::page::Page;
use crate::security::CSRF_FIELD;
use crate::views::errors::{server_error_page, too_many};
use crate::views::see_other;
use crate::views::signed_in::no_store;

#[derive(Template)]
#[template(path = "sign_in/security_key.html")]
struct SecurityKeyView {
    page: Page,
    /// The ceremony's options (JSON); `None` when no key can be used (the fallback remains).
    options: Option<String>,
    /// Why there is no ceremony.
    unavailable: Option<Msg>,
    script: String,
    action: String,
    fallback_action: String,
    csrf_field: &'static str,
    csrf_token: String,
}

/// The page with a new ceremony.
async fn page(ctx: &Ctx, problems: Vec<Problem>) -> Response {
    let begun = {
        let mut session = ctx.session.0.lock().await;
        ctx.state.app.begin_security_key_sign_in(&mut session).await
    };
    let (options, unavailable) = match begun {
        Ok(options) => (Some(options), None),
        Err(CodeError::NoSignIn) => return see_other(&ctx.keep_next("/sign-in")),
        Err(CodeError::Locked) => (None, Some(Msg("sign-in-error-locked"))),
        Err(CodeError::NoAuthenticator) => (None, Some(Msg("security-key-none-registered"))),
        Err(CodeError::KeysUnavailable) => (None, Some(Msg("security-keys-unavailable"))),
        Err(error) => return server_error_page(ctx, &error),
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let view = SecurityKeyView {
        page: ctx.page(Msg("security-key-title"), problems),
        options,
        unavailable,
        script: webauthn_script_href(),
        action: ctx.keep_next("/sign-in/security-key"),
        fallback_action: ctx.keep_next("/sign-in/security-key/email"),
        csrf_field: CSRF_FIELD,
        csrf_token: ctx.csrf_token.clone(),
    };
    no_store(status, &view)
}

/// Asks for the key.
pub(crate) async fn show(ctx: Ctx) -> Response {
    if !ctx.awaiting_second_factor {
        return see_other(&ctx.keep_next("/sign-in"));
    }
    page(&ctx, Vec::new()).await
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AssertionInput {
    #[serde(default)]
    credential_id: String,
    #[serde(default)]
    client_data_json: String,
    #[serde(default)]
    authenticator_data: String,
    #[serde(default)]
    signature: String,
}

/// Checks the key's answer; on to "before you continue".
pub(crate) async fn submit(ctx: Ctx, Form(input): Form<AssertionInput>) -> Response {
    if !ctx.allowed(AuthAction::Code) {
        return too_many(&ctx);
    }
    let answer = KeyAssertion {
        credential_id: input.credential_id,
        client_data_json: input.client_data_json,
        authenticator_data: input.authenticator_data,
        signature: input.signature,
    };
    let outcome = {
        let mut session = ctx.session.0.lock().await;
        ctx.state
            .app
            .finish_security_key_sign_in(&mut session, &answer)
            .await
    };
    let message = match outcome {
        Ok(()) => return see_other(&ctx.keep_next("/sign-in/continue")),
        Err(CodeError::NoSignIn) => return see_other(&ctx.keep_next("/sign-in")),
        Err(CodeError::NoKeyResponse) => Msg("security-keys-error-no-javascript"),
        Err(CodeError::Expired) => Msg("security-keys-error-expired"),
        Err(CodeError::Incorrect | CodeError::Used | CodeError::NoAuthenticator) => {
            Msg("security-key-error-refused")
        }
        Err(CodeError::KeysUnavailable) => Msg("security-keys-unavailable"),
        Err(CodeError::Locked) => Msg("sign-in-error-locked"),
        Err(error) => return server_error_page(&ctx, &error),
    };
    page(&ctx, vec![Problem::new("use-key", message)]).await
}

/// Sends a code by email instead, then on to the code's page.
pub(crate) async fn submit_fallback(ctx: Ctx) -> Response {
    if !ctx.allowed(AuthAction::Email) {
        return too_many(&ctx);
    }
    let outcome = {
        let mut session = ctx.session.0.lock().await;
        ctx.state
            .app
            .security_key_fallback_to_email(&mut session)
            .await
    };
    match outcome {
        Ok(()) => see_other(&ctx.keep_next("/sign-in/code")),
        Err(CodeError::NoSignIn | CodeError::Locked) => see_other(&ctx.keep_next("/sign-in")),
        Err(error) => server_error_page(&ctx, &error),
    }
}
