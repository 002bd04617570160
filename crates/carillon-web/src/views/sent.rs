//! Sent messages (B17): the service's notifications newest first in pages of 50, filtered by
//! channel and status group with plain links, searched by recipient with a GET form (an
//! address or number that is not one gets an error summary), and downloaded as CSV with the
//! headers in the page's language.

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use carillon_app::sent::{CsvHeaders, SearchError, SentQuery, parse_search};
use carillon_domain::{
    Language, MemberPermission, NotificationId, NotificationStatus, NotificationType, StatusGroup,
};
use carillon_i18n::{Catalog, DisplayZone, format_date_time};
use serde::Deserialize;

use crate::context::encode;
use crate::form::{Msg, Problem};
use crate::page::Page;
use crate::views::member::{Member, failure, not_found, service_id};
use crate::views::page_response;

/// What the address bar selects; every part is optional.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct SentParams {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    older_than: Option<String>,
}

/// The recipient the search box names, if any, or its problem.
fn search(params: &SentParams) -> Result<Option<carillon_domain::Recipient>, Problem> {
    match params.to.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => parse_search(text).map(Some).map_err(|error| {
            let message = match error {
                SearchError::Email(_) => Msg("sent-error-email"),
                SearchError::Phone(_) | SearchError::Empty => Msg("sent-error-phone"),
            };
            Problem::new("to", message)
        }),
    }
}

/// What the channel and status links select (unknown values select everything).
fn filtered(params: &SentParams) -> SentQuery {
    SentQuery {
        kind: params.kind.as_deref().and_then(NotificationType::parse),
        status_group: params.status.as_deref().and_then(StatusGroup::parse),
        ..SentQuery::default()
    }
}

/// The status as the page reads it, for a channel (GC Notify's descriptions, in both languages).
pub(crate) fn status_label(status: NotificationStatus, kind: NotificationType) -> Msg {
    use NotificationStatus as S;
    let email = kind == NotificationType::Email;
    match status {
        S::Created | S::Sending | S::Pending | S::PendingVirusCheck => Msg("status-in-transit"),
        S::Delivered => Msg("status-delivered"),
        S::Sent if email => Msg("status-delivered"),
        S::Sent => Msg("status-sent"),
        S::PermanentFailure | S::ProviderFailure if email => Msg("status-no-such-address"),
        S::PermanentFailure | S::ProviderFailure => Msg("status-no-such-number"),
        S::TemporaryFailure if email => Msg("status-inbox-issue"),
        S::TemporaryFailure => Msg("status-carrier-issue"),
        S::TechnicalFailure => Msg("status-tech-issue"),
        S::VirusScanFailed => Msg("status-virus"),
        S::PiiCheckFailed => Msg("status-pii"),
        S::Failed => Msg("status-failed"),
        S::Cancelled => Msg("status-cancelled"),
        S::ValidationFailed => Msg("status-validation-failed"),
    }
}

struct Row {
    to: String,
    template: String,
    status: Msg,
    created: String,
}

struct Filter {
    href: String,
    label: Msg,
    current: bool,
}

#[derive(Template)]
#[template(path = "sent/sent.html")]
struct SentView {
    page: Page,
    service_name: String,
    action: String,
    to: String,
    to_error: Option<Msg>,
    kinds: Vec<Filter>,
    statuses: Vec<Filter>,
    rows: Vec<Row>,
    next_href: Option<String>,
    first_href: Option<String>,
    csv_href: Option<String>,
}

/// The parameters as a query string (without the cursor), `kind` and `status` replaced.
fn params_text(kind: Option<&str>, status: Option<&str>, to: &str) -> String {
    let mut parts = Vec::new();
    if let Some(kind) = kind {
        parts.push(format!("kind={kind}"));
    }
    if let Some(status) = status {
        parts.push(format!("status={status}"));
    }
    if !to.trim().is_empty() {
        parts.push(format!("to={}", encode(to.trim())));
    }
    parts.join("&")
}

fn with_query(base: &str, query: &str) -> String {
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{query}")
    }
}

fn filters(base: &str, params: &SentParams) -> (Vec<Filter>, Vec<Filter>) {
    let kind = params.kind.as_deref().and_then(NotificationType::parse);
    let status = params.status.as_deref().and_then(StatusGroup::parse);
    let to = params.to.as_deref().unwrap_or("");
    let kinds = [
        (None, Msg("sent-kind-all")),
        (Some(NotificationType::Email), Msg("sent-kind-email")),
        (Some(NotificationType::Sms), Msg("sent-kind-sms")),
    ]
    .into_iter()
    .map(|(k, label)| Filter {
        href: with_query(
            base,
            &params_text(
                k.map(NotificationType::as_str),
                status.map(StatusGroup::as_str),
                to,
            ),
        ),
        label,
        current: k == kind,
    })
    .collect();
    let statuses = [
        (None, Msg("sent-status-all")),
        (Some(StatusGroup::Sending), Msg("sent-status-sending")),
        (Some(StatusGroup::Delivered), Msg("sent-status-delivered")),
        (Some(StatusGroup::Failed), Msg("sent-status-failed")),
    ]
    .into_iter()
    .map(|(s, label)| Filter {
        href: with_query(
            base,
            &params_text(
                kind.map(NotificationType::as_str),
                s.map(StatusGroup::as_str),
                to,
            ),
        ),
        label,
        current: s == status,
    })
    .collect();
    (kinds, statuses)
}

/// The sent messages page (view_activity or send_messages).
pub(crate) async fn show(
    m: Member,
    Path(id): Path<String>,
    Query(params): Query<SentParams>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    let base = format!("/services/{id}/notifications");
    // A search that is not an address or number shows its error above what the links select.
    let (recipient, problems) = match search(&params) {
        Ok(recipient) => (recipient, Vec::new()),
        Err(problem) => (None, vec![problem]),
    };
    let selected = SentQuery {
        recipient,
        ..filtered(&params)
    };
    let older_than = params
        .older_than
        .as_deref()
        .and_then(|t| NotificationId::parse(t).ok());
    let found = match m
        .app()
        .team_sent_messages(&m.user, id, &selected, older_than)
        .await
    {
        Ok(found) => found,
        Err(error) => return failure(&m.ctx, &error),
    };
    let lang = m.ctx.lang;
    let to_text = params.to.clone().unwrap_or_default();
    let current = params_text(params.kind.as_deref(), params.status.as_deref(), &to_text);
    let (kinds, statuses) = filters(&base, &params);
    let erred = !problems.is_empty();
    let to_error = problems.first().map(|p| p.message);
    let view = SentView {
        service_name: found.service.name,
        action: base.clone(),
        to_error,
        kinds,
        statuses,
        rows: found
            .rows
            .into_iter()
            .map(|r| Row {
                status: status_label(r.notification.status, r.notification.kind),
                created: format_date_time(lang, DisplayZone::default(), r.notification.created_at),
                template: r.template_name.unwrap_or_default(),
                to: r.notification.to,
            })
            .collect(),
        next_href: found.next.map(|next| {
            let sep = if current.is_empty() { "" } else { "&" };
            format!("{base}?{current}{sep}older_than={next}")
        }),
        first_href: older_than.map(|_| with_query(&base, &current)),
        csv_href: (found.permissions.contains(&MemberPermission::ViewActivity) && !erred)
            .then(|| with_query(&format!("{base}.csv"), &current)),
        to: to_text,
        page: m.ctx.page(Msg("sent-title"), problems),
    };
    page_response(erred, &view)
}

/// The selection as a CSV download, streamed, headers in the page's language (view_activity).
pub(crate) async fn csv(
    m: Member,
    Path(id): Path<String>,
    Query(params): Query<SentParams>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    let Ok(recipient) = search(&params) else {
        return not_found(&m.ctx);
    };
    let selected = SentQuery {
        recipient,
        ..filtered(&params)
    };
    // Refusals answer as pages, before the download starts.
    if let Err(error) = m
        .app()
        .require(&m.user, id, MemberPermission::ViewActivity)
        .await
    {
        return failure(&m.ctx, &error);
    }
    let lang = m.ctx.lang;
    let catalog = std::sync::Arc::clone(&m.ctx.state.catalog);
    let headers = csv_headers(&catalog, lang);
    let (sink, mut chunks) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let app = m.app().clone();
    let user = m.user.clone();
    tokio::spawn(async move {
        let label = move |status, kind| catalog.get(lang, status_label(status, kind).id(), &[]);
        if let Err(error) = app
            .team_export_sent_csv(&user, id, &selected, &headers, &label, &sink)
            .await
        {
            // The download ends short; the person sees an incomplete file, never someone's data in a log.
            tracing::error!(%error, "a sent-messages export stopped");
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        chunks.poll_recv(cx).map(|c| c.map(Ok::<_, std::io::Error>))
    });
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"sent-messages.csv\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn csv_headers(catalog: &Catalog, lang: Language) -> CsvHeaders {
    let t = |id: Msg| catalog.get(lang, id.id(), &[]);
    CsvHeaders {
        recipient: t(Msg("sent-csv-recipient")),
        template: t(Msg("sent-csv-template")),
        status: t(Msg("sent-csv-status")),
        created_at: t(Msg("sent-csv-created")),
        updated_at: t(Msg("sent-csv-updated")),
    }
}
