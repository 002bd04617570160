//! `POST /v2/notifications/bulk`: GC Notify's bulk send. The file is checked whole (header,
//! every row, limits, safelist) in GC Notify's order before anything is stored; then the job
//! and all its rows are stored in one transaction, read a second time in batches.

mod check;
mod job_json;
mod request;
mod rows;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use carillon_bulk::Format;
use serde_json::{Value, json};

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::json::{object_body, read_body};
use crate::limits;
use crate::state::AppState;

pub use check::{BulkFile, Checked, check_bulk, check_permission, submit};
pub use job_json::job_json;

pub(crate) async fn post_bulk(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = read_body(body)?;
    let map = object_body(&headers, &body)?;
    let service = &auth.service;
    if !service.active {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "BadRequestError",
            "Service is suspended",
        ));
    }
    let now = state.clock.now();
    let request = request::bulk_request(&map, state.settings.bulk_max_rows, now)?;
    drop(map);
    let text = request.file.ok_or_else(request::either_rows_or_csv)?;
    let template = check::active_template(&state, service, request.template_id).await?;
    check_permission(service, template.kind)?;
    limits::check_rate(&state, service, auth.key.key_type, now).await?;
    let file = BulkFile {
        name: request.name,
        bytes: text.into_bytes(),
        format: Format::Csv,
        scheduled_for: request.scheduled_for.map(|(_, at)| at),
        reply_to_id: request.reply_to_id,
    };
    let checked = check_bulk(&state, service, auth.key.key_type, &template, &file).await?;
    let job = submit(&state, service, Some(auth.key.id), &file, checked).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"data": job_json(&job, service, Some(&auth.key))})),
    ))
}
