//! Health: `GET /`, `GET|POST /_status` (`?simple=1` skips the database).

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::datetime::format;
use crate::state::AppState;

pub(crate) async fn status(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> (StatusCode, Json<Value>) {
    let simple = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .any(|(key, value)| key == "simple" && !value.is_empty());
    if simple {
        return (StatusCode::OK, Json(json!({"status": "ok"})));
    }
    match state.store.schema_version().await {
        Ok(version) => (
            StatusCode::OK,
            Json(json!({
                "status": "ok",
                "current_time_utc": format(state.clock.now()),
                "commit_sha": state.settings.commit_sha,
                "build_time": env!("CARGO_PKG_VERSION"),
                "db_version": version.to_string(),
            })),
        ),
        Err(error) => {
            tracing::error!(%error, "status check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "error", "message": "database unavailable"})),
            )
        }
    }
}
