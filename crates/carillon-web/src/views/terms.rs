//! The terms of use (`/terms`): what registering, signing in and going live agree to, readable
//! without an account. The text is the Fluent keys `terms-*`, which an operator replaces with
//! their organisation's own terms (see docs/accounts.md).

use axum::response::Response;

use crate::context::Ctx;
use crate::form::Msg;
use crate::views::common::MessagePage;
use crate::views::page_response;

/// The terms' paragraphs, in order.
const PARAGRAPHS: [Msg; 7] = [
    Msg("terms-intro"),
    Msg("terms-account"),
    Msg("terms-purpose"),
    Msg("terms-information"),
    Msg("terms-records"),
    Msg("terms-delivery"),
    Msg("terms-suspension"),
];

/// The terms of use, for anyone.
pub(crate) async fn show(ctx: Ctx) -> Response {
    let view = MessagePage::new(
        ctx.page(Msg("terms-title"), Vec::new()),
        PARAGRAPHS.to_vec(),
    );
    page_response(false, &view)
}
