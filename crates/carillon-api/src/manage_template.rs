//! `/v2/manage-template`: create, read, change and archive templates, and list the categories,
//! for keys with GC Notify's `manage_templates` permission. Every route calls the template use
//! cases the pages and the CLI call.

mod request;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use carillon_app::template_admin::{CreateTemplate, TemplateAdminError, TemplateChanges};
use carillon_domain::{
    ApiKeyPermission, NotificationType, Permission, Template, TemplateCategory, TemplateId,
};
use serde_json::{Value, json};

use crate::auth::Authenticated;
use crate::datetime::format;
use crate::error::ApiError;
use crate::json::{object_body, read_body, refuse_unstorable};
use crate::state::AppState;
use request::Refused;

fn require_permission(auth: &Authenticated) -> Result<(), ApiError> {
    if auth.key.permissions.has(ApiKeyPermission::ManageTemplates) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "ForbiddenError",
        "This API key does not have permission to manage templates.",
    ))
}

fn template_id(text: &str) -> Result<TemplateId, ApiError> {
    TemplateId::parse(text)
        .map_err(|_| ApiError::validation(vec!["template_id is not a valid UUID".to_owned()]))
}

fn invalid_request(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "InvalidRequest", message)
}

/// A category error, with the visible categories GC Notify lists alongside.
async fn category_error(state: &AppState, kind: &'static str, message: String) -> ApiError {
    let categories = state
        .app
        .template_categories(false)
        .await
        .unwrap_or_default();
    ApiError {
        template_categories: Some(categories_json(&categories)),
        ..ApiError::new(StatusCode::BAD_REQUEST, kind, message)
    }
}

fn categories_json(categories: &[TemplateCategory]) -> Value {
    let list: Vec<Value> = categories
        .iter()
        .map(|c| json!({"template_category_id": c.id.to_string(), "name": c.name_en}))
        .collect();
    Value::Array(list)
}

impl From<TemplateAdminError> for ApiError {
    fn from(error: TemplateAdminError) -> Self {
        match error {
            TemplateAdminError::NotFound(_) | TemplateAdminError::VersionNotFound { .. } => {
                Self::new(StatusCode::NOT_FOUND, "NoResultFound", "No result found")
            }
            TemplateAdminError::Store(error) => error.into(),
            TemplateAdminError::Service(error) => {
                tracing::error!(error = %error, "service lookup failed");
                Self::internal()
            }
            error @ (TemplateAdminError::NameTooLong
            | TemplateAdminError::ContentTooLong { .. }
            | TemplateAdminError::CategoryNotFound(_)) => invalid_request(error.to_string()),
            other => Self::bad_request(other.to_string()),
        }
    }
}

/// GC Notify's extended template object.
async fn template_json(state: &AppState, template: &Template) -> Result<Value, ApiError> {
    let category = state.app.template_category(template.category_id).await?;
    Ok(json!({
        "id": template.id.to_string(),
        "name": template.name,
        "type": template.kind.as_str(),
        "created_at": format(template.created_at),
        "updated_at": template.updated_at.map(format),
        "created_by": template.created_by,
        "version": template.version,
        "body": template.content,
        "subject": template.subject,
        "postage": Value::Null,
        "template_category_id": category.id.to_string(),
        "template_category_name": category.name_en,
        "folder_id": Value::Null,
        "archived": template.archived,
    }))
}

fn channel_allowed(auth: &Authenticated, kind: NotificationType) -> Result<(), ApiError> {
    let (permission, words) = match kind {
        NotificationType::Email => (Permission::Email, "email"),
        NotificationType::Sms => (Permission::Sms, "text message"),
    };
    if auth.service.permissions.contains(&permission) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "InvalidRequest",
        format!("Creating {words} templates is not allowed"),
    ))
}

/// Schema problems; those about the category come with the list of categories.
async fn refused(state: &AppState, refused: Refused, category_kind: &'static str) -> ApiError {
    if refused.about_category {
        let first = refused.messages.into_iter().next().unwrap_or_default();
        return category_error(state, category_kind, first).await;
    }
    ApiError::validation(refused.messages)
}

/// A category that does not exist, answered with the list as GC Notify does.
async fn unknown_category(state: &AppState, error: ApiError, kind: &'static str) -> ApiError {
    if error.messages == ["template_category_id not found"] {
        return category_error(state, kind, "template_category_id not found".to_owned()).await;
    }
    error
}

pub(crate) async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    require_permission(&auth)?;
    let map = object_body(&headers, &read_body(body)?)?;
    refuse_unstorable(&map)?;
    let body = match request::create_body(&map) {
        Ok(body) => body,
        Err(problem) => return Err(refused(&state, problem, "ValidationError").await),
    };
    if body.parent_folder.is_some() {
        return Err(invalid_request("parent_folder_id not found"));
    }
    channel_allowed(&auth, body.kind)?;
    let new = CreateTemplate {
        name: body.name,
        kind: body.kind,
        // GC Notify keeps a text message's subject but never shows it; it is dropped here.
        subject: body
            .subject
            .filter(|_| body.kind == NotificationType::Email),
        content: body.content,
        category_id: body.category,
        process_type_override: None,
        created_by: None,
    };
    let created = match state.app.create_template(auth.service.id, new).await {
        Ok(created) => created,
        Err(error) => return Err(unknown_category(&state, error.into(), "InvalidRequest").await),
    };
    Ok((
        StatusCode::CREATED,
        Json(template_json(&state, &created).await?),
    ))
}

pub(crate) async fn get(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    require_permission(&auth)?;
    let id = template_id(&id)?;
    let template = state.app.template(auth.service.id, id, None).await?;
    Ok(Json(template_json(&state, &template).await?))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    require_permission(&auth)?;
    let id = template_id(&id)?;
    let map = object_body(&headers, &read_body(body)?)?;
    refuse_unstorable(&map)?;
    let body = match request::patch_body(&map) {
        Ok(body) => body,
        Err(problem) => {
            return Err(refused(&state, problem, "TemplateCategoryValidationError").await);
        }
    };
    let current = state.app.template(auth.service.id, id, None).await?;
    if let Some(Some(_)) = body.parent_folder {
        return Err(ApiError::bad_request("parent_folder_id not found"));
    }
    let changes = TemplateChanges {
        name: body.name,
        subject: body
            .subject
            .filter(|_| current.kind == NotificationType::Email),
        content: body.content,
        category_id: body.category,
        ..TemplateChanges::default()
    };
    let updated = match state
        .app
        .update_template(auth.service.id, id, changes)
        .await
    {
        Ok(updated) => updated,
        Err(error) => {
            let kind = "TemplateCategoryNotFoundError";
            return Err(unknown_category(&state, error.into(), kind).await);
        }
    };
    Ok(Json(template_json(&state, &updated).await?))
}

pub(crate) async fn archive(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    require_permission(&auth)?;
    let id = template_id(&id)?;
    let archived = state.app.archive_template(auth.service.id, id).await?;
    Ok(Json(template_json(&state, &archived).await?))
}

pub(crate) async fn categories(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Value>, ApiError> {
    require_permission(&auth)?;
    let categories = state.app.template_categories(false).await?;
    Ok(Json(
        json!({"template_categories": categories_json(&categories)}),
    ))
}
