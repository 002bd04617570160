//! What the service pages share: the signed-in person they act for (read from the session
//! the sign-in use cases keep), the answer to a use case's refusal (403, 404), the labels of
//! GC Notify's five member permissions.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use carillon_app::App;
use carillon_app::team::TeamError;
use carillon_domain::{MemberPermission, ServiceId, User};

use crate::context::Ctx;
use crate::form::{Msg, Problem};
use crate::page::Page;
use crate::security::CSRF_FIELD;
use crate::state::WebState;
use crate::views::common::{Link, MessagePage};
use crate::views::{page_response, render, see_other};

/// A page request from a signed-in person who agreed to the terms; anyone else is sent to
/// sign in (or to "before you continue") and back.
pub(crate) struct Member {
    pub(crate) ctx: Ctx,
    pub(crate) user: User,
}

impl FromRequestParts<WebState> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        match ctx.require_user() {
            Ok(user) => Ok(Self {
                user: user.clone(),
                ctx,
            }),
            Err(first) => Err(see_other(&first)),
        }
    }
}

impl Member {
    pub(crate) fn app(&self) -> &App {
        &self.ctx.state.app
    }
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
            // Only the store's errors are logged in full: the others can quote what was typed
            // (an address), which stays out of logs.
            match other {
                TeamError::Store(error) => tracing::error!(%error, "a service page failed"),
                _ => tracing::error!("a service page got a refusal it has no message for"),
            }
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
