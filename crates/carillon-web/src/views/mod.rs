//! The pages, one module per page or page group, each with its templates in
//! `templates/<module>/`.

mod add_service;
mod before_continue;
mod code;
mod common;
pub(crate) mod errors;
mod password;
mod register;
mod services;
mod sign_in;
mod sign_out;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::state::WebState;

/// Every page's route.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/sign-in", get(sign_in::show).post(sign_in::submit))
        .route(
            "/sign-in/code",
            get(code::show_email_code).post(code::submit_email_code),
        )
        .route(
            "/sign-in/code/resend",
            get(code::show_resend).post(code::submit_resend),
        )
        .route(
            "/sign-in/totp",
            get(code::show_totp).post(code::submit_totp),
        )
        .route(
            "/sign-in/continue",
            get(before_continue::show).post(before_continue::submit),
        )
        .route("/sign-out", post(sign_out::submit))
        .route("/services", get(services::show))
        .route(
            "/add-service",
            get(add_service::show).post(add_service::submit),
        )
        .route("/register", get(register::show).post(register::submit))
        .route("/register/check-email", get(register::check_email))
        .route("/verify-email/{token}", get(register::verify_email))
        .route(
            "/forgot-password",
            get(password::show_forgot).post(password::submit_forgot),
        )
        .route("/forgot-password/check-email", get(password::check_email))
        .route(
            "/new-password/{token}",
            get(password::show_new_password).post(password::submit_new_password),
        )
}

/// A rendered template with `status`; a failure to render (a bug) is logged and answered 500.
pub(crate) fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A page: 200, or 400 when it shows problems with what was submitted (so tools and tests
/// can tell an error state from success without reading the page).
pub(crate) fn page_response(erred: bool, template: &impl Template) -> Response {
    let status = match erred {
        true => StatusCode::BAD_REQUEST,
        false => StatusCode::OK,
    };
    render(status, template)
}

/// The POST-redirect-GET step: 303 so the browser GETs the next page.
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}
