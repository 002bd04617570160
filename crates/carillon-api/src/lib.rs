//! Carillon's public HTTP API: GC Notify's v2 wire contract (notifications, templates,
//! health), authenticated by JWT or `ApiKey-v1`, answering 201 only once a row is durable.
//!
//! Knows the storage traits, never a concrete backend.

mod auth;
pub mod bulk;
mod datetime;
mod error;
mod failures;
mod headers;
mod json;
mod manage_template;
mod observe;
mod openapi;
mod read;
mod schema;
mod send;
mod state;
mod status;
mod templates;
mod urls;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};

pub use auth::Authenticated;
pub use carillon_app::Writer;
pub use carillon_domain::{Clock, SystemClock};
pub use datetime::format as format_datetime;
pub use error::ApiError;
pub use openapi::{
    OPERATIONS as DOCUMENTED_OPERATIONS, document as openapi_document,
    document_in as openapi_document_in,
};
pub use state::{ApiSettings, AppState};

/// The bulk-send route, whose bodies may be larger than the others'.
pub const BULK_PATH: &str = "/v2/notifications/bulk";

/// The API's routes.
pub fn router(state: AppState) -> Router {
    let body_limit = state.settings.body_limit;
    let headers = headers::Headers::new(state.settings.hsts.as_deref());
    Router::new()
        .route("/", get(status::status))
        .route("/_status", get(status::status).post(status::status))
        .route("/v2/notifications/email", post(send::post_email))
        .route("/v2/notifications/sms", post(send::post_sms))
        .route("/v2/notifications/letter", post(send::post_letter))
        .route(
            BULK_PATH,
            post(bulk::post_bulk).layer(DefaultBodyLimit::max(state.settings.bulk_body_limit)),
        )
        .route(
            "/v2/received-text-messages",
            get(read::received_text_messages),
        )
        .route("/v2/notifications", get(read::list_notifications))
        .route("/v2/notifications/{id}", get(read::get_notification))
        .route("/v2/template/{id}", get(templates::get_template))
        .route(
            "/v2/template/{id}/version/{version}",
            get(templates::get_template_version),
        )
        .route("/v2/template/{id}/preview", post(templates::preview))
        .route("/v2/templates", get(templates::list_templates))
        .route("/v2/manage-template", post(manage_template::create))
        .route(
            "/v2/manage-template/template-categories",
            get(manage_template::categories),
        )
        .route(
            "/v2/manage-template/{id}",
            get(manage_template::get)
                .patch(manage_template::update)
                .delete(manage_template::archive),
        )
        .route("/v2/openapi.json", get(openapi::serve))
        .route("/v2/openapi-en", get(openapi::serve))
        .route("/v2/openapi-fr", get(openapi::serve_french))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn(urls::check_host))
        .layer(middleware::from_fn_with_state(headers, headers::set))
        .layer(middleware::from_fn(observe::log_and_measure))
        .layer(observe::propagate_request_id())
        .layer(observe::set_request_id())
        .with_state(state)
}

/// Request ids, the request log line and HTTP metrics, as the API's own routes have them, for
/// routes served beside the API (the delivery receipts).
pub fn observed(routes: Router) -> Router {
    routes
        .layer(middleware::from_fn_with_state(
            headers::Headers::new(None),
            headers::set,
        ))
        .layer(middleware::from_fn(observe::log_and_measure))
        .layer(observe::propagate_request_id())
        .layer(observe::set_request_id())
}

/// A known path with the wrong method.
async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "The method is not allowed for the requested URL.",
    )
}

/// Unknown routes: GC Notify's legacy 404 body.
async fn not_found() -> impl IntoResponse {
    let mut error = ApiError::legacy_not_found("Not found");
    error.status = StatusCode::NOT_FOUND;
    error
}
