//! `GET /v2/template/{id}[/version/{n}]`, `GET /v2/templates`, `POST /v2/template/{id}/preview`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use carillon_app::{ParsedTemplate, Preview};
use carillon_domain::{NotificationType, Template, TemplateId};
use serde_json::{Map, Value, json};

use crate::auth::Authenticated;
use crate::datetime::format;
use crate::error::ApiError;
use crate::json::{object_body, read_body, refuse_unstorable, repr};

fn template_id(text: &str) -> Result<TemplateId, ApiError> {
    TemplateId::parse(text)
        .map_err(|_| ApiError::validation(vec!["template_id is not a valid UUID".to_owned()]))
}

fn not_found() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "NoResultFound",
        "No result found",
    )
}

/// The placeholders a template needs, as GC Notify lists them.
fn personalisation_map(template: &Template) -> Value {
    let names = ParsedTemplate::parse(template)
        .map(|parsed| parsed.placeholder_names())
        .unwrap_or_default();
    let map: Map<String, Value> = names
        .into_iter()
        .map(|n| (n, json!({"required": true})))
        .collect();
    Value::Object(map)
}

/// GC Notify's template object.
pub(crate) fn template_json(template: &Template) -> Value {
    json!({
        "id": template.id.to_string(),
        "type": template.kind.as_str(),
        "created_at": format(template.created_at),
        "updated_at": template.updated_at.map(format),
        "created_by": template.created_by,
        "version": template.version,
        "body": template.content,
        "subject": template.subject,
        "name": template.name,
        "personalisation": personalisation_map(template),
        "postage": Value::Null,
    })
}

pub(crate) async fn get_template(
    State(state): State<crate::state::AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = template_id(&id)?;
    let template = state
        .app
        .store()
        .template(auth.service.id, id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(template_json(&template)))
}

pub(crate) async fn get_template_version(
    State(state): State<crate::state::AppState>,
    auth: Authenticated,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let id = template_id(&id)?;
    // GC Notify's route only matches digits (anything else is an unknown route), and version 0
    // means the current version.
    let version: i32 = match version.parse::<u32>() {
        Ok(v) => i32::try_from(v).map_err(|_| not_found())?,
        Err(_) => return Err(ApiError::legacy_not_found("Not found")),
    };
    let template = if version == 0 {
        state.app.store().template(auth.service.id, id).await?
    } else {
        state
            .app
            .store()
            .template_version(auth.service.id, id, version)
            .await?
    }
    .ok_or_else(not_found)?;
    Ok(Json(template_json(&template)))
}

pub(crate) async fn list_templates(
    State(state): State<crate::state::AppState>,
    auth: Authenticated,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let mut kind = None;
    let mut letters = false;
    let mut errors = Vec::new();
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "type" => match NotificationType::parse(&value) {
                Some(k) => kind = Some(k),
                None if value == "letter" => letters = true,
                None => errors.push(format!("type {value} is not one of [sms, email, letter]")),
            },
            other => errors.push(format!(
                "Additional properties are not allowed ({other} was unexpected)"
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    // Carillon has no letter templates.
    let templates = if letters && kind.is_none() {
        Vec::new()
    } else {
        state.app.store().templates(auth.service.id, kind).await?
    };
    Ok(Json(
        json!({"templates": templates.iter().map(template_json).collect::<Vec<_>>()}),
    ))
}

pub(crate) async fn preview(
    State(state): State<crate::state::AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = template_id(&id)?;
    let map = object_body(&headers, &read_body(body)?)?;
    // Nothing is stored, but what a send would refuse, its preview refuses too.
    refuse_unstorable(&map)?;
    let personalisation = match map.get("personalisation") {
        None => Map::new(),
        Some(Value::Object(p)) => p.clone(),
        Some(other) => {
            return Err(ApiError::validation(vec![format!(
                "personalisation {} is not of type object",
                repr(other)
            )]));
        }
    };
    let Preview {
        template,
        body,
        html,
        subject,
    } = state
        .app
        .preview(auth.service.id, id, &personalisation)
        .await?;
    Ok(Json(json!({
        "id": template.id.to_string(),
        "type": template.kind.as_str(),
        "version": template.version,
        "body": body,
        "html": html,
        "subject": subject,
        "postage": Value::Null,
    })))
}
