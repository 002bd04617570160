//! `POST /v2/notifications/bulk`: GC Notify's bulk send. The body is read here (wire format);
//! checking the file and storing the job are the bulk use cases'.

mod job_json;
mod request;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use carillon_app::BulkFile;
use carillon_app::bulk::check_active;
use carillon_bulk::Format;
use serde_json::{Value, json};

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::json::{object_body, read_body, refuse_unstorable};
use crate::state::AppState;

pub use job_json::job_json;

pub(crate) async fn post_bulk(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = read_body(body)?;
    let map = object_body(&headers, &body)?;
    refuse_unstorable(&map)?;
    let service = &auth.service;
    check_active(service)?;
    let app = &state.app;
    let now = state.app.clock().now();
    let request = request::bulk_request(&map, app.settings().bulk_max_rows, now)?;
    drop(map);
    let text = request.file.ok_or_else(request::either_rows_or_csv)?;
    let template = app.bulk_template(service, request.template_id).await?;
    app.check_rate(service, auth.key.key_type, now)
        .await
        .map_err(carillon_app::BulkError::from)?;
    let file = BulkFile {
        name: request.name,
        bytes: text.into_bytes(),
        format: Format::Csv,
        scheduled_for: request.scheduled_for.map(|(_, at)| at),
        reply_to_id: request.reply_to_id,
    };
    let checked = app
        .check_bulk(service, auth.key.key_type, &template, &file)
        .await?;
    let job = app
        .submit_bulk(service, Some(auth.key.id), &file, checked)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"data": job_json(&job, service, Some(&auth.key))})),
    ))
}
