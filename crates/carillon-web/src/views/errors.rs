//! Pages for refused and failed requests: 403 (a forged or stale form), 404, 413, 500.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::context::{language, page};
use crate::form::Msg;
use crate::page::Page;
use crate::state::WebState;
use crate::views::render;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorView {
    page: Page,
    body: Msg,
}

fn error_page(
    state: &WebState,
    request: &Request,
    status: StatusCode,
    heading: Msg,
    body: Msg,
) -> Response {
    let lang = language(request.uri(), request.headers(), None);
    let page = page(state, lang, request.uri(), heading, Vec::new());
    render(status, &ErrorView { page, body })
}

/// 403: the form came from another site or without this session's token.
pub(crate) fn forbidden(state: &WebState, request: &Request) -> Response {
    error_page(
        state,
        request,
        StatusCode::FORBIDDEN,
        Msg("forbidden-title"),
        Msg("forbidden-body"),
    )
}

/// 413: a form body over the limit.
pub(crate) fn too_large(state: &WebState, request: &Request) -> Response {
    error_page(
        state,
        request,
        StatusCode::PAYLOAD_TOO_LARGE,
        Msg("forbidden-title"),
        Msg("forbidden-body"),
    )
}

/// 404, for the web app served alone.
pub(crate) async fn not_found(State(state): State<WebState>, request: Request) -> Response {
    error_page(
        &state,
        &request,
        StatusCode::NOT_FOUND,
        Msg("not-found-title"),
        Msg("not-found-body"),
    )
}

/// 500, when there is no request to read a language from: English.
pub(crate) fn server_error(state: &WebState) -> Response {
    let request = Request::new(axum::body::Body::empty());
    error_page(
        state,
        &request,
        StatusCode::INTERNAL_SERVER_ERROR,
        Msg("server-error-title"),
        Msg("server-error-body"),
    )
}

/// 500 for a page whose use case failed: the cause is logged (it holds no personal data:
/// the use cases' errors are store and delivery failures), the visitor gets an apology.
pub(crate) fn server_error_page(
    ctx: &crate::context::Ctx,
    error: &dyn std::error::Error,
) -> Response {
    tracing::error!(%error, path = ctx.uri.path(), "a page's use case failed");
    let page = ctx.page(Msg("server-error-title"), Vec::new());
    render(
        StatusCode::INTERNAL_SERVER_ERROR,
        &ErrorView {
            page,
            body: Msg("server-error-body"),
        },
    )
}

/// 429: too many attempts from this client; try again later.
pub(crate) fn too_many(ctx: &crate::context::Ctx) -> Response {
    let page = ctx.page(Msg("too-many-title"), Vec::new());
    render(
        StatusCode::TOO_MANY_REQUESTS,
        &ErrorView {
            page,
            body: Msg("too-many-body"),
        },
    )
}
