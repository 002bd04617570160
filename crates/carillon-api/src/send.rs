//! `POST /v2/notifications/email` and `/sms`: validate in GC Notify's order, render, store
//! durably (group commit), answer 201.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use carillon_domain::{KeyType, NewNotification, NotificationId, NotificationType, Permission};
use carillon_render::{EmailTemplate, Personalisation, RenderError, SmsTemplate};
use carillon_store::InsertOutcome;
use serde_json::{Value, json};

use crate::auth::Authenticated;
use crate::cache::Parsed;
use crate::error::ApiError;
use crate::json::{object_body, read_body};
use crate::limits;
use crate::recipients;
use crate::schema::{SendRequest, send_request};
use crate::state::AppState;
use crate::templates::load_template;
use crate::urls::root_url;

pub(crate) async fn post_email(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    send(
        &state,
        &auth,
        NotificationType::Email,
        &headers,
        &read_body(body)?,
    )
    .await
}

pub(crate) async fn post_sms(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    send(
        &state,
        &auth,
        NotificationType::Sms,
        &headers,
        &read_body(body)?,
    )
    .await
}

/// Letters are GOV.UK Notify's; GC Notify services never hold the permission, and neither do
/// Carillon's.
pub(crate) async fn post_letter(_auth: Authenticated) -> ApiError {
    ApiError::bad_request("Service is not allowed to send letters")
}

/// What rendering produced for the response and the stored row.
struct Rendered {
    body: String,
    subject: Option<String>,
    billable_units: u32,
}

fn render_error(template_id: &str, error: RenderError) -> ApiError {
    match error {
        RenderError::MissingPersonalisation(names) => ApiError::bad_request(format!(
            "Missing personalisation for template ID {template_id}: {}",
            names.join(", ")
        )),
        RenderError::PersonalisationTooLarge { .. } => {
            ApiError::validation(vec![error.to_string()])
        }
        other => ApiError::bad_request(other.to_string()),
    }
}

async fn send(
    state: &AppState,
    auth: &Authenticated,
    kind: NotificationType,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let now = state.clock.now();
    let map = object_body(headers, body)?;
    let request = send_request(kind, &map, now)?;
    let personalisation = Personalisation::from_json(&request.personalisation);
    personalisation
        .check_size()
        .map_err(|e| ApiError::validation(vec![e.to_string()]))?;

    let service = &auth.service;
    if !service.active {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "BadRequestError",
            "Service is suspended",
        ));
    }
    let (permission, plural) = match kind {
        NotificationType::Email => (Permission::Email, "emails"),
        NotificationType::Sms => (Permission::Sms, "text messages"),
    };
    if !service.can(permission) {
        return Err(ApiError::bad_request(format!(
            "Service is not allowed to send {plural}"
        )));
    }
    limits::check_rate(state, service, auth.key.key_type, now).await?;

    let template = load_template(state, service.id, request.template_id, kind).await?;
    let template_id = template.id.to_string();
    let parsed = parse_cached(state, &template).await?;
    let rendered = match parsed {
        Parsed::Email(email) => {
            let email = email
                .render(&personalisation)
                .map_err(|e| render_error(&template_id, e))?;
            Rendered {
                body: email.body,
                subject: Some(email.subject),
                billable_units: 1,
            }
        }
        Parsed::Sms(sms) => {
            let prefix = service.prefix_sms.then_some(service.name.as_str());
            let sms = sms
                .render(&personalisation, prefix)
                .map_err(|e| render_error(&template_id, e))?;
            Rendered {
                body: sms.body,
                subject: None,
                billable_units: u32::try_from(sms.fragments).unwrap_or(u32::MAX),
            }
        }
    };

    let simulated = recipients::is_simulated(&request.recipient);
    let counted = auth.key.key_type != KeyType::Test && !simulated;
    let sender = recipients::sender(state, service, kind, request.sender_id).await?;
    recipients::check_allowed(state, service, auth.key.key_type, &request.recipient).await?;

    let id = NotificationId::new();
    let response = response_body(
        state,
        headers,
        service,
        kind,
        &request,
        &template,
        &rendered,
        sender.as_deref(),
        id,
    );
    if simulated {
        // GC Notify's smoke-test recipients: validated and answered, never stored or sent.
        return Ok((StatusCode::CREATED, Json(response)));
    }
    let notification = NewNotification {
        id,
        service_id: service.id,
        template_id: template.id,
        template_version: template.version,
        api_key_id: Some(auth.key.id),
        key_type: auth.key.key_type,
        kind,
        to: request.to.clone(),
        normalised_to: request.recipient.normalised(),
        personalisation: Value::Object(request.personalisation.clone()),
        body: rendered.body,
        subject: rendered.subject,
        client_reference: request.reference.clone(),
        sender,
        process_type: template.process_type,
        billable_units: rendered.billable_units,
        scheduled_for: request.scheduled_for.as_ref().map(|(_, at)| *at),
        created_at: now,
    };
    let counters = if counted {
        limits::counters(service, kind, rendered.billable_units, now)
    } else {
        Vec::new()
    };
    record_key_use(state, auth);
    match state.writer.insert(notification, counters.clone()).await? {
        InsertOutcome::Inserted => {
            metrics::counter!("carillon_notifications_accepted_total", "type" => kind.as_str())
                .increment(1);
            state.accepted.notify_one();
            Ok((StatusCode::CREATED, Json(response)))
        }
        InsertOutcome::LimitExceeded(index) => Err(limits::exceeded(
            service,
            kind,
            counters.get(index).map(|c| c.counter.period),
        )),
    }
}

#[allow(clippy::too_many_arguments)]
fn response_body(
    state: &AppState,
    headers: &HeaderMap,
    service: &carillon_domain::Service,
    kind: NotificationType,
    request: &SendRequest,
    template: &carillon_domain::Template,
    rendered: &Rendered,
    sender: Option<&str>,
    id: NotificationId,
) -> Value {
    let root = root_url(state, headers);
    let content = match kind {
        NotificationType::Email => json!({
            "body": rendered.body,
            "subject": rendered.subject,
            "from_email": format!("{}@{}", service.email_from, state.settings.sending_domain),
        }),
        NotificationType::Sms => json!({"body": rendered.body, "from_number": sender}),
    };
    json!({
        "id": id.to_string(),
        "reference": request.reference,
        "uri": format!("{root}v2/notifications/{id}"),
        "template": {
            "id": template.id.to_string(),
            "version": template.version,
            "uri": format!("{root}services/{}/templates/{}", service.id, template.id),
        },
        "content": content,
        "scheduled_for": request.scheduled_for.as_ref().map(|(text, _)| text.clone()),
    })
}

/// Notes that the key was used (GC Notify's `last_used_timestamp`), without making the request
/// wait for it: a missed write only makes "last used" slightly older.
fn record_key_use(state: &AppState, auth: &Authenticated) {
    if !state
        .rate_leases
        .key_use_due(auth.key.id, std::time::Instant::now())
    {
        return;
    }
    let store = std::sync::Arc::clone(&state.store);
    let (key, now) = (auth.key.id, state.clock.now());
    tokio::spawn(async move {
        if let Err(error) = store.record_api_key_use(key, now).await {
            tracing::warn!(%error, "could not record an API key's last use");
        }
    });
}

/// The template version parsed, from this process's cache (versions never change).
pub(crate) async fn parse_cached(
    state: &AppState,
    template: &carillon_domain::Template,
) -> Result<Parsed, ApiError> {
    let key = (template.id, template.version);
    state
        .caches
        .parsed
        .get_or_load(&key, async || match template.kind {
            NotificationType::Email => {
                EmailTemplate::parse(template.subject.as_deref().unwrap_or(""), &template.content)
                    .map(|t| Parsed::Email(std::sync::Arc::new(t)))
                    .map_err(|e| ApiError::bad_request(e.to_string()))
            }
            NotificationType::Sms => SmsTemplate::parse(&template.content)
                .map(|t| Parsed::Sms(std::sync::Arc::new(t)))
                .map_err(|e| ApiError::bad_request(e.to_string())),
        })
        .await
}
