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
    match state.app.store().schema_version().await {
        Ok(version) => (
            StatusCode::OK,
            Json(json!({
                "status": "ok",
                "current_time_utc": format(state.app.clock().now()),
                "commit_sha": state.settings.commit_sha,
                "build_time": env!("CARILLON_BUILD_TIME"),
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

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    use crate::state::ApiSettings;

    #[test]
    fn commit_sha_is_a_commit_not_the_crate_version() {
        let sha = ApiSettings::default().commit_sha;
        assert_ne!(sha, env!("CARGO_PKG_VERSION"));
        assert!(
            sha == "unknown" || (sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit())),
            "{sha}"
        );
    }

    #[test]
    fn build_time_is_rfc3339() {
        let stamp = env!("CARILLON_BUILD_TIME");
        assert!(OffsetDateTime::parse(stamp, &Rfc3339).is_ok(), "{stamp}");
    }
}
