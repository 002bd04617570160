//! What the service pages share: the signed-in person they act for (read from the session
//! the sign-in use cases keep), the answer to a use case's refusal (403, 404), the labels of
//! GC Notify's five member permissions.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use carillon_app::App;
use carillon_app::team::TeamError;
use carillon_domain::{MemberPermission, ServiceId, User};

use crate::context::Ctx;
use crate::form::{Msg, Problem};
use crate::page::Page;
use crate::security::CSRF_FIELD;
use crate::session::cookie_name;
use crate::state::WebState;
use crate::views::common::{Link, MessagePage};
use crate::views::errors::server_error;
use crate::views::{page_response, render, see_other};

/// A page request from whoever is visiting: the signed-in person, if any.
pub(crate) struct Viewer {
    pub(crate) ctx: Ctx,
    pub(crate) user: Option<User>,
}

impl FromRequestParts<WebState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let cookie = read_cookie(&parts.headers, cookie_name(state.settings.cookies));
        match state.app.open_session(cookie).await {
            Ok(session) => Ok(Self {
                ctx,
                user: session.user().cloned(),
            }),
            Err(error) => {
                tracing::error!(%error, "the session could not be opened");
                Err(server_error(state))
            }
        }
    }
}

/// A page request from a signed-in person; anyone else is sent to sign in and back.
pub(crate) struct Member {
    pub(crate) ctx: Ctx,
    pub(crate) user: User,
}

impl FromRequestParts<WebState> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        match viewer.user {
            Some(user) => Ok(Self {
                ctx: viewer.ctx,
                user,
            }),
            None => Err(sign_in_first(&viewer.ctx)),
        }
    }
}

impl Member {
    pub(crate) fn app(&self) -> &App {
        &self.ctx.state.app
    }
}

/// To the sign-in page, coming back here afterwards.
pub(crate) fn sign_in_first(ctx: &Ctx) -> Response {
    let here = ctx
        .uri
        .path_and_query()
        .map_or_else(|| ctx.uri.path().to_owned(), |p| p.as_str().to_owned());
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    see_other(&format!("/sign-in?next={next}"))
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// The service id in a path; `None` answers 404.
pub(crate) fn service_id(text: &str) -> Option<ServiceId> {
    ServiceId::parse(text).ok()
}

/// A page that only says something, with `status`.
pub(crate) fn message(ctx: &Ctx, status: StatusCode, heading: Msg, body: Msg) -> Response {
    let view = MessagePage::new(ctx.page(heading, Vec::new()), vec![body])
        .link(Link::new("/services", Msg("nav-your-services")));
    render(status, &view)
}

/// 404 in the visitor's language.
pub(crate) fn not_found(ctx: &Ctx) -> Response {
    message(
        ctx,
        StatusCode::NOT_FOUND,
        Msg("not-found-title"),
        Msg("not-found-body"),
    )
}

/// The answer to a refusal no form field explains: 403 for a missing permission, 404 for
/// something that is not there, 500 (logged without personal data) for the rest.
pub(crate) fn failure(ctx: &Ctx, error: &TeamError) -> Response {
    match error {
        TeamError::Forbidden => message(
            ctx,
            StatusCode::FORBIDDEN,
            Msg("team-forbidden-title"),
            Msg("team-forbidden-body"),
        ),
        TeamError::NotFound => not_found(ctx),
        other => {
            tracing::error!(error = %other, "a service page failed");
            message(
                ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                Msg("server-error-title"),
                Msg("server-error-body"),
            )
        }
    }
}

/// The label of a permission checkbox.
pub(crate) fn permission_label(permission: MemberPermission) -> Msg {
    match permission {
        MemberPermission::ViewActivity => Msg("team-permission-view-activity"),
        MemberPermission::ManageTemplates => Msg("team-permission-manage-templates"),
        MemberPermission::SendMessages => Msg("team-permission-send-messages"),
        MemberPermission::ManageService => Msg("team-permission-manage-service"),
        MemberPermission::ManageApiKeys => Msg("team-permission-manage-api-keys"),
    }
}

/// One permission checkbox as a form shows it.
#[derive(Debug, Clone)]
pub(crate) struct PermissionBox {
    pub(crate) name: &'static str,
    pub(crate) label: Msg,
    pub(crate) checked: bool,
}

/// The five checkboxes, with `held` checked.
pub(crate) fn permission_boxes(held: &[MemberPermission]) -> Vec<PermissionBox> {
    MemberPermission::ALL
        .into_iter()
        .map(|permission| PermissionBox {
            name: permission.as_str(),
            label: permission_label(permission),
            checked: held.contains(&permission),
        })
        .collect()
}

/// The permissions ticked in a submitted form (each checkbox is submitted under its name).
pub(crate) fn ticked(fields: &[(String, String)]) -> Vec<MemberPermission> {
    MemberPermission::ALL
        .into_iter()
        .filter(|p| fields.iter().any(|(name, _)| name == p.as_str()))
        .collect()
}

/// The value of field `name` in a submitted form, or empty.
pub(crate) fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

#[derive(Template)]
#[template(path = "team/confirm.html")]
struct ConfirmView {
    page: Page,
    /// Whom or what the action is about, when it is not the visitor.
    who: Option<String>,
    body: Msg,
    action: String,
    submit: Msg,
    back_href: String,
    csrf_field: &'static str,
}

/// "Are you sure?" before a destructive action: `texts` are the heading, the explanation and
/// the button; the form posts to `action`; `problems` (why it was refused) answer 400.
pub(crate) fn confirm_page(
    ctx: &Ctx,
    texts: [Msg; 3],
    who: Option<String>,
    action: String,
    back_href: String,
    problems: Vec<Problem>,
) -> Response {
    let erred = !problems.is_empty();
    let [heading, body, submit] = texts;
    let view = ConfirmView {
        page: ctx.page(heading, problems),
        who,
        body,
        action,
        submit,
        back_href,
        csrf_field: CSRF_FIELD,
    };
    page_response(erred, &view)
}
