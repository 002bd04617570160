//! Signing out: a POST (from the header's form, never a link a page could make a browser
//! follow), then the sign-in page saying so.

use axum::response::Response;

use crate::context::Ctx;
use crate::views::errors::server_error_page;
use crate::views::see_other;

/// Ends the session (the language choice is kept), then back to the sign-in page.
pub(crate) async fn submit(ctx: Ctx) -> Response {
    let outcome = {
        let mut session = ctx.session.0.lock().await;
        ctx.state.app.sign_out(&mut session).await
    };
    match outcome {
        Ok(()) => see_other("/sign-in?signed_out=1"),
        Err(error) => server_error_page(&ctx, &error),
    }
}
