//! `GET /v2/notifications/{id}` and `GET /v2/notifications` (filters, `older_than` cursor).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use carillon_domain::{
    Notification, NotificationFilter, NotificationId, NotificationStatus, NotificationType,
};
use serde_json::{Value, json};

use crate::auth::Authenticated;
use crate::datetime::format;
use crate::error::ApiError;
use crate::json::{cannot_store, unstorable};
use crate::state::AppState;
use crate::urls::root_url;

/// GC Notify's page size.
const PAGE_SIZE: u32 = 250;

/// GC Notify's notification object.
pub(crate) fn notification_json(n: &Notification, root: &str) -> Value {
    let (email, phone) = match n.kind {
        NotificationType::Email => (Some(n.to.as_str()), None),
        NotificationType::Sms => (None, Some(n.to.as_str())),
    };
    let completed = n
        .status
        .is_completed()
        .then(|| n.updated_at.unwrap_or(n.created_at));
    json!({
        "id": n.id.to_string(),
        "reference": n.client_reference,
        "email_address": email,
        "phone_number": phone,
        "line_1": null, "line_2": null, "line_3": null, "line_4": null, "line_5": null,
        "line_6": null, "postcode": null,
        "type": n.kind.as_str(),
        "status": n.status.as_str(),
        "status_description": n.status.description(n.kind),
        "provider_response": n.provider_response,
        "template": {
            "id": n.template_id.to_string(),
            "version": n.template_version,
            "uri": format!("{root}v2/template/{}/version/{}", n.template_id, n.template_version),
        },
        "body": n.body,
        "subject": n.subject,
        "created_at": format(n.created_at),
        "created_by_name": n.created_by_name,
        "sent_at": n.sent_at.map(format),
        "completed_at": completed.map(format),
        "scheduled_for": n.scheduled_for.map(format),
        "postage": null,
    })
}

pub(crate) async fn get_notification(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let id = NotificationId::parse(&id).map_err(|_| {
        ApiError::validation(vec!["notification_id is not a valid UUID".to_owned()])
    })?;
    let notification = state
        .app
        .store()
        .notification(auth.service.id, id)
        .await?
        .ok_or_else(|| ApiError::legacy_not_found("Notification not found in database"))?;
    Ok(Json(notification_json(
        &notification,
        &root_url(&state, &headers),
    )))
}

fn status_list() -> String {
    let mut names: Vec<&str> = NotificationStatus::ALL.iter().map(|s| s.as_str()).collect();
    names.push("returned-letter");
    names.sort_unstable();
    names.join(", ")
}

/// Reads the query string of `GET /v2/notifications`; repeated keys accumulate.
fn filter(
    query: &str,
    key_type: carillon_domain::KeyType,
) -> Result<(NotificationFilter, Vec<(String, String)>), ApiError> {
    let mut letters = false;
    let mut filter = NotificationFilter {
        key_type: Some(key_type),
        limit: PAGE_SIZE,
        ..NotificationFilter::default()
    };
    let mut kept = Vec::new();
    let mut errors = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let (key, value) = (key.into_owned(), value.into_owned());
        match key.as_str() {
            "template_type" => match NotificationType::parse(&value) {
                Some(kind) => filter.kinds.push(kind),
                None if value == "letter" => letters = true,
                None => errors.push(format!(
                    "template_type {value} is not one of [sms, letter, email]"
                )),
            },
            "status" => {
                if value == "failed" {
                    filter
                        .statuses
                        .extend_from_slice(NotificationStatus::FAILURES);
                } else {
                    match value.parse::<NotificationStatus>() {
                        Ok(status) => filter.statuses.push(status),
                        Err(_) => {
                            errors.push(format!("status {value} is not one of [{}]", status_list()))
                        }
                    }
                }
            }
            // PostgreSQL cannot compare with a NUL; refused on both backends alike.
            "reference" if unstorable(&value) => errors.push(cannot_store("reference")),
            "reference" => filter.client_reference = Some(value.clone()),
            "older_than" => match NotificationId::parse(&value) {
                Ok(id) => filter.older_than = Some(id),
                Err(_) => errors.push("older_than is not a valid UUID".to_owned()),
            },
            "include_jobs" => match value.as_str() {
                "true" | "True" => filter.include_jobs = true,
                "false" | "False" => filter.include_jobs = false,
                _ => errors.push(format!(
                    "include_jobs {value} is not one of [true, True, false, False]"
                )),
            },
            _ => errors.push(format!(
                "Additional properties are not allowed ({key} was unexpected)"
            )),
        }
        if key != "older_than" {
            kept.push((key, value));
        }
    }
    // Carillon sends no letters: a filter asking only for letters matches nothing.
    if letters && filter.kinds.is_empty() {
        filter.limit = 0;
    }
    if errors.is_empty() {
        Ok((filter, kept))
    } else {
        Err(ApiError::validation(errors))
    }
}

fn link(root: &str, params: &[(String, String)], older_than: Option<NotificationId>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in params {
        query.append_pair(key, value);
    }
    if let Some(id) = older_than {
        query.append_pair("older_than", &id.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        format!("{root}v2/notifications")
    } else {
        format!("{root}v2/notifications?{query}")
    }
}

pub(crate) async fn list_notifications(
    State(state): State<AppState>,
    auth: Authenticated,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let (filter, params) = filter(query.as_deref().unwrap_or(""), auth.key.key_type)?;
    let notifications = if filter.limit == 0 {
        Vec::new()
    } else {
        state
            .app
            .store()
            .notifications(auth.service.id, &filter)
            .await?
    };
    let root = root_url(&state, &headers);
    let mut links = json!({"current": link(&root, &params, filter.older_than)});
    if let Some(last) = notifications.last() {
        links["next"] = Value::String(link(&root, &params, Some(last.id)));
    }
    Ok(Json(json!({
        "notifications": notifications.iter().map(|n| notification_json(n, &root)).collect::<Vec<_>>(),
        "links": links,
    })))
}

/// `GET /v2/received-text-messages`: GC Notify has no inbound SMS provider and always answers
/// with an empty page; so does Carillon.
pub(crate) async fn received_text_messages(
    State(state): State<AppState>,
    _auth: Authenticated,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let mut errors = Vec::new();
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "older_than" if NotificationId::parse(&value).is_err() => {
                errors.push("older_than is not a valid UUID".to_owned());
            }
            "older_than" => {}
            other => errors.push(format!(
                "Additional properties are not allowed ({other} was unexpected)"
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let root = root_url(&state, &headers);
    Ok(Json(json!({
        "received_text_messages": [],
        "links": {"current": format!("{root}v2/received-text-messages")},
    })))
}
