//! The platform admin's account pages: find an account by its email address, see how it
//! stands, suspend it (its sessions end at once) or resume it, each behind a confirmation
//! page. Every use case checks that the person is a platform admin; others get the 403 page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use carillon_app::team::TeamError;
use carillon_domain::{UserId, UserState};
use serde::Deserialize;

use crate::form::{Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::views::common::{FormPage, Link};
use crate::views::member::{Member, confirm_page, failure, not_found};
use crate::views::{page_response, see_other};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct FindInput {
    #[serde(default)]
    email: String,
}

/// The page's layout, with the admin navigation item current.
fn admin_page(m: &Member, heading: Msg, problems: Vec<Problem>) -> Page {
    let mut page = m.ctx.page(heading, problems);
    page.nav = "admin";
    page
}

fn find_page(m: &Member, email: &str, problems: Vec<Problem>) -> Response {
    let erred = !problems.is_empty();
    let form = FormView::new(
        "/admin/users",
        Msg("admin-users-find-submit"),
        m.ctx.csrf_token.clone(),
    )
    .field(
        Field::email("email", Msg("admin-users-find-label"))
            .value(email)
            .problems(&problems),
    );
    let view = FormPage::new(admin_page(m, Msg("admin-users-title"), problems), form)
        .link(Link::new("/admin/services", Msg("admin-back")));
    page_response(erred, &view)
}

/// The form to find an account. The address is posted, not put in the URL, so it stays out
/// of browser history and access logs.
pub(crate) async fn show_find(m: Member) -> Response {
    match m.app().find_user(&m.user, "").await {
        Ok(_) => find_page(&m, "", Vec::new()),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Finds the account and goes to its page; an error state when there is none.
pub(crate) async fn submit_find(m: Member, Form(input): Form<FindInput>) -> Response {
    let message = match m.app().find_user(&m.user, &input.email).await {
        Ok(Some(user)) => return see_other(&format!("/admin/users/{}", user.id)),
        Ok(None) if input.email.trim().is_empty() => Msg("admin-users-error-missing"),
        Ok(None) => Msg("admin-users-error-none"),
        Err(TeamError::InvalidEmail(_)) => Msg("admin-users-error-invalid"),
        Err(error) => return failure(&m.ctx, &error),
    };
    find_page(&m, &input.email, vec![Problem::new("email", message)])
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "platform_admin/user.html")]
struct UserView {
    page: Page,
    banner: Option<Msg>,
    name: String,
    email: String,
    status: Msg,
    suspended: bool,
    base: String,
}

fn user_id(text: &str) -> Option<UserId> {
    UserId::parse(text).ok()
}

/// One account: its name, address and state, and the action its state allows.
pub(crate) async fn show_user(
    m: Member,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Response {
    let Some(id) = user_id(&id) else {
        return not_found(&m.ctx);
    };
    let user = match m.app().user_for_admin(&m.user, id).await {
        Ok(user) => user,
        Err(error) => return failure(&m.ctx, &error),
    };
    let status = match user.state {
        UserState::Active => Msg("admin-user-status-active"),
        UserState::Pending => Msg("admin-user-status-pending"),
        UserState::Suspended => Msg("admin-status-suspended"),
    };
    let banner = match q.done.as_deref() {
        Some("suspended") => Some(Msg("admin-user-done-suspended")),
        Some("resumed") => Some(Msg("admin-user-done-resumed")),
        _ => None,
    };
    let view = UserView {
        page: admin_page(&m, Msg("admin-user-title"), Vec::new()),
        banner,
        name: user.name,
        email: user.email.as_str().to_owned(),
        status,
        suspended: user.state == UserState::Suspended,
        base: format!("/admin/users/{id}"),
    };
    page_response(false, &view)
}

/// "Are you sure?" before suspending (`true`) or resuming an account.
async fn confirm(m: &Member, id: &str, suspend: bool) -> Response {
    let Some(id) = user_id(id) else {
        return not_found(&m.ctx);
    };
    let user = match m.app().user_for_admin(&m.user, id).await {
        Ok(user) => user,
        Err(error) => return failure(&m.ctx, &error),
    };
    let (texts, action) = match suspend {
        true => (
            [
                Msg("admin-user-suspend-title"),
                Msg("admin-user-suspend-body"),
                Msg("admin-suspend-submit"),
            ],
            "suspend",
        ),
        false => (
            [
                Msg("admin-user-resume-title"),
                Msg("admin-user-resume-body"),
                Msg("admin-user-resume-submit"),
            ],
            "resume",
        ),
    };
    let base = format!("/admin/users/{id}");
    let who = format!("{} ({})", user.name, user.email.as_str());
    confirm_page(
        &m.ctx,
        texts,
        Some(who),
        format!("{base}/{action}"),
        base,
        Vec::new(),
    )
}

/// Suspends or resumes the account, then back to its page saying so.
async fn change(m: &Member, id: &str, suspend: bool) -> Response {
    let Some(id) = user_id(id) else {
        return not_found(&m.ctx);
    };
    match m.app().admin_set_user_suspended(&m.user, id, suspend).await {
        Ok(_) if suspend => see_other(&format!("/admin/users/{id}?done=suspended")),
        Ok(_) => see_other(&format!("/admin/users/{id}?done=resumed")),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// "Are you sure?" before suspending an account.
pub(crate) async fn show_suspend(m: Member, Path(id): Path<String>) -> Response {
    confirm(&m, &id, true).await
}

/// Suspends the account: signed out everywhere, and no sign-in until resumed.
pub(crate) async fn submit_suspend(m: Member, Path(id): Path<String>) -> Response {
    change(&m, &id, true).await
}

/// "Are you sure?" before resuming an account.
pub(crate) async fn show_resume(m: Member, Path(id): Path<String>) -> Response {
    confirm(&m, &id, false).await
}

/// Makes the account active again.
pub(crate) async fn submit_resume(m: Member, Path(id): Path<String>) -> Response {
    change(&m, &id, false).await
}
