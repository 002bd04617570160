//! A service's home page, its dashboard: its name, whether it is in trial, the figures for a
//! member who may see them (`views::dashboard`), and links to the pages the person may use.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use carillon_app::team::TeamError;
use carillon_domain::{MemberPermission, ServiceId};

use crate::form::Msg;
use crate::page::Page;
use crate::views::common::Link;
use crate::views::dashboard::DashboardView;
use crate::views::member::{Member, failure, not_found, service_id};
use crate::views::page_response;

#[derive(Template)]
#[template(path = "service_home/service_home.html")]
struct HomeView {
    page: Page,
    name: String,
    trial: bool,
    links: Vec<Link>,
    dashboard: Option<DashboardView>,
}

async fn home(m: &Member, id: ServiceId) -> Result<HomeView, TeamError> {
    let found = m.app().team_dashboard(&m.user, id).await?;
    let (service, held) = (found.service, found.permissions);
    let mut links = vec![
        Link::new(format!("/services/{id}/templates"), Msg("templates-title")),
        Link::new(format!("/services/{id}/team"), Msg("team-title")),
    ];
    if held.contains(&MemberPermission::ManageService) {
        links.push(Link::new(
            format!("/services/{id}/settings"),
            Msg("settings-title"),
        ));
        if service.restricted {
            links.push(Link::new(
                format!("/services/{id}/go-live"),
                Msg("golive-title"),
            ));
        }
    }
    let sees_sent = [
        MemberPermission::ViewActivity,
        MemberPermission::SendMessages,
    ];
    if sees_sent.iter().any(|p| held.contains(p)) {
        links.push(Link::new(
            format!("/services/{id}/notifications"),
            Msg("sent-title"),
        ));
    }
    if held.contains(&MemberPermission::ViewActivity) {
        links.push(Link::new(
            format!("/services/{id}/usage"),
            Msg("usage-title"),
        ));
    }
    // API keys, safelist and callbacks were reachable only by typing their address.
    if held.contains(&MemberPermission::ManageApiKeys) {
        links.push(Link::new(
            format!("/services/{id}/api"),
            Msg("api-hub-title"),
        ));
    }
    let page = m.ctx.page(Msg("home-title"), Vec::new());
    Ok(HomeView {
        dashboard: found.figures.as_ref().map(|f| DashboardView::new(&page, f)),
        page,
        name: service.name,
        trial: service.restricted,
        links,
    })
}

/// The service's home page (any member).
pub(crate) async fn show(m: Member, Path(id): Path<String>) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    match home(&m, id).await {
        Ok(view) => page_response(false, &view),
        Err(error) => failure(&m.ctx, &error),
    }
}
