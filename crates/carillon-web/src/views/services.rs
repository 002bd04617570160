//! Your services (A9): the services the signed-in person belongs to, trial ones marked, and
//! the way to add one.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use carillon_domain::Service;
use serde::Deserialize;

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
    banner: Option<Msg>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ServicesQuery {
    #[serde(default)]
    created: Option<String>,
}

/// The list.
pub(crate) async fn show(ctx: Ctx, Query(query): Query<ServicesQuery>) -> Response {
    let user = match ctx.require_user() {
        Ok(user) => user,
        Err(first) => return see_other(&first),
    };
    let services = match ctx.state.app.user_services(user).await {
        Ok(services) => services,
        Err(error) => return server_error_page(&ctx, &error),
    };
    let mut page = ctx.page(Msg("services-title"), Vec::new());
    page.nav = "services";
    let banner = query.created.map(|_| Msg("services-created"));
    page_response(
        false,
        &ServicesView {
            page,
            services,
            banner,
        },
    )
}
