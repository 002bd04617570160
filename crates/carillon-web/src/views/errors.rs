//! Pages for refused and failed requests: 403 (a forged or stale form), 404, 413, 500.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use carillon_domain::Language;

use crate::context::{language, page};
use crate::form::Msg;
use crate::page::Page;
use crate::session::SessionHandle;
use crate::state::WebState;
use crate::views::render;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorView {
    page: Page,
    body: Msg,
}

/// What an error page needs of a request, taken before any await: a borrowed `Request`
/// cannot be held across one (its body is not `Sync`).
#[derive(Debug)]
pub(crate) struct Visitor {
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    session: Option<SessionHandle>,
}

impl Visitor {
    pub(crate) fn of(request: &Request) -> Self {
        Self {
            uri: request.uri().clone(),
            headers: request.headers().clone(),
            session: request.extensions().get::<SessionHandle>().cloned(),
        }
    }
}

/// The page in the visitor's language: `?lang=`, then their session's choice (a refused form
/// is answered before any page handler has read the session), then `Accept-Language`.
async fn error_page(
    state: &WebState,
    visitor: Visitor,
    status: StatusCode,
    heading: Msg,
    body: Msg,
) -> Response {
    let chosen = match &visitor.session {
        Some(session) => session.0.lock().await.language(),
        None => None,
    };
    let lang = language(&visitor.uri, &visitor.headers, chosen);
    let page = page(state, lang, &visitor.uri, heading, Vec::new());
    render(status, &ErrorView { page, body })
}

/// 403: the form came from another site or without this session's token.
pub(crate) async fn forbidden(state: &WebState, visitor: Visitor) -> Response {
    error_page(
        state,
        visitor,
        StatusCode::FORBIDDEN,
        Msg("forbidden-title"),
        Msg("forbidden-body"),
    )
    .await
}

/// 413: a form body over the limit.
pub(crate) async fn too_large(state: &WebState, visitor: Visitor) -> Response {
    error_page(
        state,
        visitor,
        StatusCode::PAYLOAD_TOO_LARGE,
        Msg("forbidden-title"),
        Msg("forbidden-body"),
    )
    .await
}

/// 404, for the web app served alone.
pub(crate) async fn not_found(State(state): State<WebState>, request: Request) -> Response {
    error_page(
        &state,
        Visitor::of(&request),
        StatusCode::NOT_FOUND,
        Msg("not-found-title"),
        Msg("not-found-body"),
    )
    .await
}

/// 500, when there is no request to read a language from: English.
pub(crate) fn server_error(state: &WebState) -> Response {
    let uri = axum::http::Uri::from_static("/");
    let page = page(
        state,
        Language::English,
        &uri,
        Msg("server-error-title"),
        Vec::new(),
    );
    render(
        StatusCode::INTERNAL_SERVER_ERROR,
        &ErrorView {
            page,
            body: Msg("server-error-body"),
        },
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
