//! The service's reply-to addresses (A16): the list (each verified, or waiting for someone to
//! open the link emailed to it, which can be sent again), a form to add one, removing one
//! behind a confirmation page (the default address goes last, as in GC Notify), and the
//! verification link's landing, which needs no sign-in.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use carillon_app::team::TeamError;
use carillon_domain::{ReplyToId, ServiceId};
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Checkbox, Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::security::CSRF_FIELD;
use crate::views::member::{Member, confirm_page, failure, field, message, not_found, service_id};
use crate::views::{page_response, see_other};

struct ReplyRow {
    email: String,
    default: bool,
    verified: bool,
    remove_href: String,
    resend_action: String,
}

#[derive(Template)]
#[template(path = "reply_to/reply_to.html")]
struct ReplyToView {
    page: Page,
    banner: Option<Msg>,
    /// Whether the banner tells of a success (else of a problem to act on).
    banner_success: bool,
    csrf_field: &'static str,
    rows: Vec<ReplyRow>,
    /// Whether an address waits for verification (the page then says how that ends).
    waiting: bool,
    form: FormView,
    back_href: String,
}

/// What the last step did, shown once above the list: `?sent` (a link went out) or
/// `?unsent` (the address was added, the email could not be sent).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Outcome {
    #[serde(default)]
    sent: Option<String>,
    #[serde(default)]
    unsent: Option<String>,
}

impl Outcome {
    fn banner(&self) -> Option<Msg> {
        match (&self.sent, &self.unsent) {
            (_, Some(_)) => Some(Msg("settings-reply-to-unsent-banner")),
            (Some(_), None) => Some(Msg("settings-reply-to-sent-banner")),
            (None, None) => None,
        }
    }
}

async fn reply_to_page(
    m: &Member,
    id: ServiceId,
    typed: &str,
    problems: Vec<Problem>,
    banner: Option<Msg>,
) -> Response {
    let base = format!("/services/{id}/settings/reply-to");
    let rows = match m.app().service_reply_tos(&m.user, id).await {
        Ok(rows) => rows,
        Err(error) => return failure(&m.ctx, &error),
    };
    let form = FormView::new(
        base.clone(),
        Msg("settings-reply-to-add"),
        m.ctx.csrf_token.clone(),
    )
    .field(
        Field::email("email", Msg("settings-reply-to-email"))
            .value(typed)
            .problems(&problems),
    )
    .checkbox(Checkbox::new(
        "default",
        Msg("settings-reply-to-default"),
        false,
        &problems,
    ));
    let erred = !problems.is_empty();
    let view = ReplyToView {
        page: m.ctx.page(Msg("settings-reply-to-title"), problems),
        banner_success: banner == Some(Msg("settings-reply-to-sent-banner")),
        banner,
        csrf_field: CSRF_FIELD,
        waiting: rows.iter().any(|r| !r.verified),
        rows: rows
            .into_iter()
            .map(|r| ReplyRow {
                remove_href: format!("{base}/{}/remove", r.id),
                resend_action: format!("{base}/{}/resend", r.id),
                email: r.email_address,
                default: r.is_default,
                verified: r.verified,
            })
            .collect(),
        form,
        back_href: format!("/services/{id}/settings"),
    };
    page_response(erred, &view)
}

/// The reply-to addresses and a form to add one.
pub(crate) async fn show(
    m: Member,
    Path(id): Path<String>,
    Query(outcome): Query<Outcome>,
) -> Response {
    match service_id(&id) {
        Some(id) => reply_to_page(&m, id, "", Vec::new(), outcome.banner()).await,
        None => not_found(&m.ctx),
    }
}

/// Adds a reply-to address waiting for verification, and emails it the link.
pub(crate) async fn submit(
    m: Member,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    let email = field(&f, "email").trim();
    let default = !field(&f, "default").is_empty();
    let problem = match email.is_empty() {
        true => Msg("settings-error-reply-to-missing"),
        false => match m
            .app()
            .add_service_reply_to(&m.user, id, email, default)
            .await
        {
            Ok(_) => return see_other(&format!("/services/{id}/settings/reply-to?sent")),
            Err(TeamError::ReplyToLinkNotSent) => {
                return see_other(&format!("/services/{id}/settings/reply-to?unsent"));
            }
            Err(TeamError::ReplyTo(_) | TeamError::InvalidEmail(_)) => {
                Msg("settings-error-reply-to")
            }
            Err(TeamError::ReplyToDomainNotAllowed) => Msg("settings-error-reply-to-domain"),
            Err(error) => return failure(&m.ctx, &error),
        },
    };
    let problems = vec![Problem::new("email", problem)];
    reply_to_page(&m, id, email, problems, None).await
}

/// Sends a new verification link to an address still waiting.
pub(crate) async fn resend(m: Member, Path((id, reply)): Path<(String, String)>) -> Response {
    let Some((id, reply)) = parse_reply(&id, &reply) else {
        return not_found(&m.ctx);
    };
    let base = format!("/services/{id}/settings/reply-to");
    match m
        .app()
        .resend_reply_to_verification(&m.user, id, reply)
        .await
    {
        Ok(_) => see_other(&format!("{base}?sent")),
        Err(TeamError::ReplyToLinkNotSent) => see_other(&format!("{base}?unsent")),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// The verification link's landing: whoever opens it verifies the address (it reached the
/// mailbox, which is what GC Notify's delivered test email proves). No sign-in needed.
pub(crate) async fn verify(ctx: Ctx, Path(token): Path<String>) -> Response {
    let (status, heading, body) = match ctx.state.app.verify_reply_to(&token).await {
        Ok(_) => (
            StatusCode::OK,
            Msg("reply-to-verified-title"),
            Msg("reply-to-verified-body"),
        ),
        Err(TeamError::ReplyToLinkInvalid) => (
            StatusCode::NOT_FOUND,
            Msg("reply-to-verify-failed-title"),
            Msg("reply-to-verify-failed-body"),
        ),
        Err(error) => return failure(&ctx, &error),
    };
    message(&ctx, status, heading, body)
}

fn parse_reply(id: &str, reply: &str) -> Option<(ServiceId, ReplyToId)> {
    Some((service_id(id)?, ReplyToId::parse(reply).ok()?))
}

/// "Are you sure?" before removing a reply-to address.
pub(crate) async fn show_remove(m: Member, Path((id, reply)): Path<(String, String)>) -> Response {
    let Some((id, reply)) = parse_reply(&id, &reply) else {
        return not_found(&m.ctx);
    };
    let found = match m.app().service_reply_tos(&m.user, id).await {
        Ok(rows) => rows.into_iter().find(|r| r.id == reply),
        Err(error) => return failure(&m.ctx, &error),
    };
    let Some(found) = found else {
        return not_found(&m.ctx);
    };
    let base = format!("/services/{id}/settings/reply-to");
    let texts = [
        Msg("settings-reply-to-remove-title"),
        Msg("settings-reply-to-remove-body"),
        Msg("settings-reply-to-remove-submit"),
    ];
    confirm_page(
        &m.ctx,
        texts,
        Some(found.email_address),
        format!("{base}/{reply}/remove"),
        base,
        Vec::new(),
    )
}

/// Removes a reply-to address (the default one goes last).
pub(crate) async fn submit_remove(
    m: Member,
    Path((id, reply)): Path<(String, String)>,
) -> Response {
    let Some((id, reply)) = parse_reply(&id, &reply) else {
        return not_found(&m.ctx);
    };
    let base = format!("/services/{id}/settings/reply-to");
    match m.app().remove_service_reply_to(&m.user, id, reply).await {
        Ok(()) => see_other(&base),
        Err(TeamError::ReplyTo(_)) => {
            let texts = [
                Msg("settings-reply-to-remove-title"),
                Msg("settings-reply-to-remove-body"),
                Msg("settings-reply-to-remove-submit"),
            ];
            let problem = Problem::new("confirm", Msg("settings-error-reply-to-default"));
            confirm_page(
                &m.ctx,
                texts,
                None,
                format!("{base}/{reply}/remove"),
                base,
                vec![problem],
            )
        }
        Err(error) => failure(&m.ctx, &error),
    }
}
