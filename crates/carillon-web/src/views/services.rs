//! Your services (A9): the services the signed-in person belongs to, trial ones marked, and
//! the way to add one.

use askama::Template;
use axum::response::Response;
use carillon_domain::Service;

use crate::context::Ctx;
use crate::form::Msg;
use crate::page::Page;
use crate::views::errors::server_error_page;
use crate::views::{page_response, see_other};

#[derive(Template)]
#[template(path = "services/services.html")]
struct ServicesView {
    page: Page,
    services: Vec<Service>,
}

/// The list.
pub(crate) async fn show(ctx: Ctx) -> Response {
    let user = match ctx.require_user() {
        Ok(user) => user,
        Err(first) => return see_other(&first),
    };
    // Memberships come with the team use cases; until they are merged, a platform admin sees
    // every service and anyone else none.
    let services = match user.platform_admin {
        true => match ctx.state.app.services().await {
            Ok(services) => services,
            Err(error) => return server_error_page(&ctx, &error),
        },
        false => Vec::new(),
    };
    let mut page = ctx.page(Msg("services-title"), Vec::new());
    page.nav = "services";
    page_response(false, &ServicesView { page, services })
}
