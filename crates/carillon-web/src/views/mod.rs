//! The pages, one module per page or page group, each with its templates in
//! `templates/<module>/`.

mod add_service;
mod admin_users;
mod api_keys;
mod authenticator;
mod before_continue;
mod callbacks;
mod code;
mod common;
mod dashboard;
pub(crate) mod errors;
mod go_live;
mod invitation;
mod member;
mod password;
mod platform_admin;
mod profile;
mod register;
mod reply_to;
mod safelist;
mod security_key;
mod security_keys;
mod sent;
mod service_home;
mod services;
mod settings;
mod sign_in;
mod sign_out;
mod signed_in;
mod team;
mod template_form;
mod templates;
mod terms;
mod usage;

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
            "/sign-in/security-key",
            get(security_key::show).post(security_key::submit),
        )
        .route(
            "/sign-in/security-key/email",
            post(security_key::submit_fallback),
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
        .route("/terms", get(terms::show))
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
        .merge(api_routes())
        .merge(profile::routes())
        .merge(security_keys::routes())
        .merge(service_routes())
}

/// API integration: keys, safelist, callbacks.
fn api_routes() -> Router<WebState> {
    Router::new()
        .route("/services/{id}/api", get(api_keys::hub))
        .route("/services/{id}/api/keys", get(api_keys::list))
        .route(
            "/services/{id}/api/keys/create",
            get(api_keys::show_create).post(api_keys::submit_create),
        )
        .route("/services/{id}/api/keys/created", get(api_keys::created))
        .route(
            "/services/{id}/api/keys/{key}/revoke",
            get(api_keys::show_revoke).post(api_keys::submit_revoke),
        )
        .route(
            "/services/{id}/api/safelist",
            get(safelist::show).post(safelist::submit),
        )
        .merge(callbacks::routes())
}

/// The service pages: team, settings, going live, and the platform admin's.
/// A service's templates: list, one, versions, writing, archiving.
fn template_routes() -> Router<WebState> {
    let base = "/services/{id}/templates";
    Router::new()
        .route(base, get(templates::list))
        .route(
            &format!("{base}/create"),
            get(template_form::show_choose).post(template_form::submit_choose),
        )
        .route(
            &format!("{base}/new/{{kind}}"),
            get(template_form::show_new).post(template_form::submit_new),
        )
        .route(&format!("{base}/{{template}}"), get(templates::show))
        .route(
            &format!("{base}/{{template}}/edit"),
            get(template_form::show_edit).post(template_form::submit_edit),
        )
        .route(
            &format!("{base}/{{template}}/versions"),
            get(templates::versions),
        )
        .route(
            &format!("{base}/{{template}}/versions/{{version}}"),
            get(templates::version),
        )
        .route(
            &format!("{base}/{{template}}/archive"),
            get(template_form::show_archive).post(template_form::submit_archive),
        )
}

fn service_routes() -> Router<WebState> {
    Router::new()
        .route("/services/{id}", get(service_home::show))
        .merge(template_routes())
        .route("/services/{id}/usage", get(usage::show))
        .route("/services/{id}/notifications", get(sent::show))
        .route("/services/{id}/notifications.csv", get(sent::csv))
        .route("/services/{id}/team", get(team::show))
        .route(
            "/services/{id}/team/invite",
            get(team::show_invite).post(team::submit_invite),
        )
        .route(
            "/services/{id}/team/invitations/{invitation}/cancel",
            post(team::cancel_invitation),
        )
        .route(
            "/services/{id}/team/members/{user}",
            get(team::show_edit).post(team::submit_edit),
        )
        .route(
            "/services/{id}/team/members/{user}/remove",
            get(team::show_remove).post(team::submit_remove),
        )
        .route(
            "/services/{id}/team/leave",
            get(team::show_leave).post(team::submit_leave),
        )
        .route("/services/{id}/settings", get(settings::show))
        .route(
            "/services/{id}/settings/name",
            get(settings::show_name).post(settings::submit_name),
        )
        .route(
            "/services/{id}/settings/sending-address",
            get(settings::show_sending_address).post(settings::submit_sending_address),
        )
        .route(
            "/services/{id}/settings/branding",
            get(settings::show_branding).post(settings::submit_branding),
        )
        .route(
            "/services/{id}/settings/reply-to",
            get(reply_to::show).post(reply_to::submit),
        )
        .route(
            "/services/{id}/settings/reply-to/{reply}/remove",
            get(reply_to::show_remove).post(reply_to::submit_remove),
        )
        .route(
            "/services/{id}/settings/reply-to/{reply}/resend",
            post(reply_to::resend),
        )
        .route("/reply-to/verify/{token}", get(reply_to::verify))
        .route(
            "/services/{id}/go-live",
            get(go_live::show).post(go_live::submit),
        )
        .route("/invitation/{token}", get(invitation::land))
        .route("/invitation/{token}/register", post(invitation::register))
        .merge(admin_routes())
}

/// The platform admin's pages.
fn admin_routes() -> Router<WebState> {
    Router::new()
        .route("/admin/services", get(platform_admin::services))
        .route("/admin/services/{id}", get(platform_admin::service))
        .route(
            "/admin/services/{id}/limits",
            post(platform_admin::submit_limits),
        )
        .route("/admin/services/{id}/live", post(platform_admin::make_live))
        .route(
            "/admin/services/{id}/suspend",
            get(platform_admin::show_suspend).post(platform_admin::submit_suspend),
        )
        .route("/admin/services/{id}/resume", post(platform_admin::resume))
        .route(
            "/admin/users",
            get(admin_users::show_find).post(admin_users::submit_find),
        )
        .route("/admin/users/{id}", get(admin_users::show_user))
        .route(
            "/admin/users/{id}/suspend",
            get(admin_users::show_suspend).post(admin_users::submit_suspend),
        )
        .route(
            "/admin/users/{id}/resume",
            get(admin_users::show_resume).post(admin_users::submit_resume),
        )
        .route("/admin/go-live", get(platform_admin::requests))
        .route("/admin/go-live/{id}/approve", post(platform_admin::approve))
        .route("/admin/go-live/{id}/reject", post(platform_admin::reject))
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
