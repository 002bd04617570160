//! The service's reply-to addresses (A16): the list, a form to add one, and removing one
//! behind a confirmation page (the default address goes last, as in GC Notify).

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use carillon_app::team::TeamError;
use carillon_domain::{ReplyToId, ServiceId};

use crate::form::{Checkbox, Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::views::member::{Member, confirm_page, failure, field, not_found, service_id};
use crate::views::{page_response, see_other};

struct ReplyRow {
    email: String,
    default: bool,
    remove_href: String,
}

#[derive(Template)]
#[template(path = "reply_to/reply_to.html")]
struct ReplyToView {
    page: Page,
    rows: Vec<ReplyRow>,
    form: FormView,
    back_href: String,
}

async fn reply_to_page(m: &Member, id: ServiceId, typed: &str, problems: Vec<Problem>) -> Response {
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
        rows: rows
            .into_iter()
            .map(|r| ReplyRow {
                remove_href: format!("{base}/{}/remove", r.id),
                email: r.email_address,
                default: r.is_default,
            })
            .collect(),
        form,
        back_href: format!("/services/{id}/settings"),
    };
    page_response(erred, &view)
}

/// The reply-to addresses and a form to add one.
pub(crate) async fn show(m: Member, Path(id): Path<String>) -> Response {
    match service_id(&id) {
        Some(id) => reply_to_page(&m, id, "", Vec::new()).await,
        None => not_found(&m.ctx),
    }
}

/// Adds a reply-to address.
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
            Ok(_) => return see_other(&format!("/services/{id}/settings/reply-to")),
            Err(TeamError::ReplyTo(_) | TeamError::InvalidEmail(_)) => {
                Msg("settings-error-reply-to")
            }
            Err(error) => return failure(&m.ctx, &error),
        },
    };
    reply_to_page(&m, id, email, vec![Problem::new("email", problem)]).await
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
