//! What the pages behind sign-in share: the signed-in person and their session (opened with
//! the session use cases), the answer when the use case refuses (403, 404), confirmation
//! pages and pages that must not be stored.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::header::CACHE_CONTROL;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use carillon_app::accounts::Session;
use carillon_app::team::TeamError;
use carillon_domain::User;

use crate::context::Ctx;
use crate::form::{Msg, Problem};
use crate::page::Page;
use crate::state::WebState;
use crate::views::common::{Link, MessagePage};
use crate::views::errors::server_error;
use crate::views::{render, see_other};

/// A request from a person who is signed in (both factors) and has agreed to the terms. The
/// session itself is `ctx.session`: lock it around the use cases that change it; the session
/// middleware saves it (and sets the cookie when its id rotated) after the handler.
pub(crate) struct Account {
    pub(crate) ctx: Ctx,
    pub(crate) user: User,
}

impl FromRequestParts<WebState> for Account {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let user = ctx
            .require_user()
            .map_err(|first| see_other(&first))?
            .clone();
        Ok(Self { ctx, user })
    }
}

impl Account {
    /// The layout's context.
    pub(crate) fn page(&self, heading: Msg, problems: Vec<Problem>) -> Page {
        self.ctx.page(heading, problems)
    }

    /// The message `id` with one variable, in the page's language.
    pub(crate) fn t1(&self, id: Msg, name: &str, value: &str) -> String {
        self.ctx
            .state
            .catalog
            .get(self.ctx.lang, id.id(), &[(name, value)])
    }

    /// The session, locked: hold it only around the use cases that read or change it.
    pub(crate) async fn session(&self) -> tokio::sync::MutexGuard<'_, Session> {
        self.ctx.session.0.lock().await
    }

    /// The form token of this session.
    pub(crate) fn csrf(&self) -> String {
        self.ctx.csrf_token.clone()
    }

    /// The page for a refusal of the team use cases: 403, 404, else 500.
    pub(crate) fn refused(&self, error: &TeamError) -> Response {
        match error {
            TeamError::Forbidden => self.message(
                StatusCode::FORBIDDEN,
                Msg("account-forbidden-title"),
                Msg("account-forbidden-body"),
            ),
            TeamError::NotFound => self.message(
                StatusCode::NOT_FOUND,
                Msg("not-found-title"),
                Msg("not-found-body"),
            ),
            _ => {
                tracing::error!(%error, "a team use case failed");
                server_error(&self.ctx.state)
            }
        }
    }

    fn message(&self, status: StatusCode, heading: Msg, body: Msg) -> Response {
        let view = MessagePage::new(self.page(heading, Vec::new()), vec![body])
            .link(Link::new("/services", Msg("nav-your-services")));
        render(status, &view)
    }
}

/// "Are you sure?" before something that cannot be undone.
#[derive(Template)]
#[template(path = "account/confirm.html")]
pub(crate) struct ConfirmView {
    pub(crate) page: Page,
    /// The question, already in the page's language.
    pub(crate) body: String,
    pub(crate) action: String,
    pub(crate) back: String,
    pub(crate) submit: Msg,
    pub(crate) csrf_field: &'static str,
    pub(crate) csrf_token: String,
}

impl ConfirmView {
    pub(crate) fn new(
        account: &Account,
        heading: Msg,
        body: String,
        action: String,
        back: String,
        submit: Msg,
    ) -> Self {
        Self {
            page: account.page(heading, Vec::new()),
            body,
            action,
            back,
            submit,
            csrf_field: crate::security::CSRF_FIELD,
            csrf_token: account.csrf(),
        }
    }
}

/// A page that must not be kept by the browser or a proxy (it shows a secret).
pub(crate) fn no_store(status: StatusCode, template: &impl Template) -> Response {
    let mut response = render(status, template);
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
