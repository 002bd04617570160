//! The receipts router's answers that need no SNS: GC Notify's error bodies for a wrong method,
//! a body over the limit (even merged into a router allowing more) and a body that is not an
//! SNS message.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::DefaultBodyLimit;
use axum::http::{Request, StatusCode};
use carillon_crypto::{Cipher, MasterKey};
use carillon_receipts::{BODY_LIMIT, ReceiptsSettings, ReceiptsState, SystemClock, router};
use carillon_store_sqlite::SqliteStore;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn app(dir: &tempfile::TempDir) -> Router {
    let cipher = Cipher::from_master_key(&MasterKey::generate());
    let store = SqliteStore::open(&dir.path().join("carillon.db"), cipher)
        .await
        .unwrap();
    let state = ReceiptsState::new(
        Arc::new(store),
        Arc::new(SystemClock),
        ReceiptsSettings::default(),
    );
    // Even under a router that allows larger bodies, the receipts keep their own limit.
    Router::new()
        .merge(router(state))
        .layer(DefaultBodyLimit::max(4 * BODY_LIMIT))
}

async fn call(app: &Router, method: &str, path: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "text/plain; charset=UTF-8")
        .body(Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn errors_keep_gc_notify_v2_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir).await;
    for path in ["/receipts/ses", "/receipts/sns-sms"] {
        let (status, body) = call(&app, "GET", path, Vec::new()).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(
            body,
            json!({"status_code": 405, "errors": [{"error": "MethodNotAllowed",
                "message": "The method is not allowed for the requested URL."}]})
        );

        let oversized = json!({"Message": "x".repeat(BODY_LIMIT)}).to_string();
        let (status, body) = call(&app, "POST", path, oversized.into_bytes()).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            body,
            json!({"status_code": 413, "errors": [{"error": "BadRequestError",
                "message": "Request body is too large or could not be read"}]})
        );

        let (status, body) = call(&app, "POST", path, b"\"not SNS\"".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["status_code"], 400);
        assert_eq!(body["errors"][0]["error"], "BadRequestError");
    }
}
