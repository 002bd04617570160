//! Signing out: a POST (from the header's form, never a link a page could make a browser
//! follow), then the sign-in page saying so.

use axum::response::Response;

use crate::context::Ctx;
use crate::views::see_other;

/// Ends the session, then back to the sign-in page.
pub(crate) async fn submit(_ctx: Ctx) -> Response {
    see_other("/sign-in?signed_out=1")
}
