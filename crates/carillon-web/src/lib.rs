//! Carillon's web app: server-rendered, bilingual (English and French) pages for the people who
//! run services. Every page works without JavaScript: plain forms, POST-redirect-GET, an error
//! summary linked to the fields. Handlers parse the request, call one use case of
//! `carillon-app` and render an askama template; they never touch the store.

mod assets;
mod chart;
mod client;
mod context;
mod form;
mod observe;
mod page;
mod security;
mod session;
mod state;
mod views;

use axum::Router;
use axum::middleware;
use axum::routing::get;

pub use client::TrustedProxies;
pub use state::{CookieMode, WebError, WebSettings, WebState};

/// The web app's routes, to be merged beside the API's: pages live at paths the API does not
/// use (`/sign-in`, `/services/…`, `/static/…`). No fallback, so the API's stays in charge of
/// unknown paths when both are served together.
pub fn router(state: WebState) -> Router {
    build(state, false)
}

/// The web app alone (the `web` role): its routes and an HTML "page not found" for the rest.
pub fn standalone(state: WebState) -> Router {
    build(state, true)
}

fn build(state: WebState, fallback: bool) -> Router {
    let pages = views::routes()
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::check_csrf,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::attach,
        ));
    let mut routes = Router::new()
        .merge(pages)
        .route(assets::STATIC_ROUTE, get(assets::static_file));
    if fallback {
        routes = routes.fallback(views::errors::not_found);
    }
    // Outermost, so every answer has the headers, the fallback's and refusals' included.
    routes
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(middleware::from_fn(observe::measure))
        .with_state(state)
}

#[cfg(test)]
mod tests;
