//! `POST /v2/notifications/email` and `/sms`: the body checked for shape, then the send use
//! case (GC Notify's rules in its order, one durable insert), answered 201.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use carillon_app::{Accepted, SendInput};
use carillon_domain::NotificationType;
use serde_json::{Map, Value, json};

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::json::{object_body, read_body, refuse_unstorable};
use crate::schema::{SendRequest, send_request};
use crate::state::AppState;
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

async fn send(
    state: &AppState,
    auth: &Authenticated,
    kind: NotificationType,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let now = state.app.clock().now();
    let map = object_body(headers, body)?;
    refuse_unstorable(&map)?;
    let request = send_request(kind, &map, now)?;
    drop(map);
    let SendRequest {
        recipient,
        to,
        template_id,
        personalisation,
        reference,
        scheduled_for,
        sender_id,
    } = request;
    let (scheduled_text, scheduled_for) = scheduled_for.unzip();
    let accepted = state
        .app
        .send(SendInput {
            service: &auth.service,
            key_id: auth.key.id,
            key_type: auth.key.key_type,
            kind,
            template_id,
            recipient,
            to,
            personalisation,
            reference,
            scheduled_for,
            sender_id,
        })
        .await?;
    let response = response_body(
        state,
        headers,
        &auth.service,
        kind,
        accepted,
        scheduled_text.as_deref(),
    );
    Ok((StatusCode::CREATED, Json(response)))
}

/// GC Notify's answer, made of the accepted notification's own strings (moved, not copied).
fn response_body(
    state: &AppState,
    headers: &HeaderMap,
    service: &carillon_domain::Service,
    kind: NotificationType,
    accepted: Accepted,
    scheduled_for: Option<&str>,
) -> Value {
    let root = root_url(state, headers);
    let mut content = Map::with_capacity(3);
    content.insert("body".to_owned(), Value::String(accepted.body));
    match kind {
        NotificationType::Email => {
            content.insert("subject".to_owned(), accepted.subject.into());
            content.insert(
                "from_email".to_owned(),
                Value::String(format!(
                    "{}@{}",
                    service.email_from,
                    state.app.settings().sending_domain
                )),
            );
        }
        NotificationType::Sms => {
            content.insert("from_number".to_owned(), accepted.sender.into());
        }
    }
    let content = Value::Object(content);
    let (id, template) = (accepted.id, &accepted.template);
    json!({
        "id": id.to_string(),
        "reference": accepted.reference,
        "uri": format!("{root}v2/notifications/{id}"),
        "template": {
            "id": template.id.to_string(),
            "version": template.version,
            "uri": format!("{root}services/{}/templates/{}", service.id, template.id),
        },
        "content": content,
        "scheduled_for": scheduled_for,
    })
}
