//! Errors in GC Notify's v2 wire format (`{"status_code": …, "errors": [{"error", "message"}]}`),
//! the same bodies the API answers with, so SNS and operators see one format.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use carillon_store::StoreError;
use serde_json::json;

/// An error answer. `kind` is GC Notify's exception class name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {kind}: {message}")]
pub struct ReceiptError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
}

impl ReceiptError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
        }
    }

    /// 400 `BadRequestError`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequestError", message)
    }

    /// 403 `AuthError`: not a genuine SNS message.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "AuthError", message)
    }

    /// 503 `ServiceUnavailable`: SNS delivers the message again later.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            message,
        )
    }
}

impl From<StoreError> for ReceiptError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => {
                Self::new(StatusCode::NOT_FOUND, "NoResultFound", "No result found")
            }
            StoreError::Unavailable(_) => {
                tracing::error!(error = %error, "database unavailable");
                Self::unavailable("The service is temporarily unavailable; try again shortly")
            }
            other => {
                tracing::error!(error = %other, "database error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalServerError",
                    "Internal server error",
                )
            }
        }
    }
}

impl IntoResponse for ReceiptError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(
                status = self.status.as_u16(),
                kind = self.kind,
                "request failed"
            );
        }
        let body = json!({
            "status_code": self.status.as_u16(),
            "errors": [{"error": self.kind, "message": self.message}],
        });
        (self.status, Json(body)).into_response()
    }
}

/// The body, or 413/400 in GC Notify's format when it is too large or unreadable.
pub(crate) fn read_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ReceiptError> {
    body.map_err(|rejection| {
        ReceiptError::new(
            rejection.status(),
            "BadRequestError",
            "Request body is too large or could not be read",
        )
    })
}

/// A receipts path with the wrong method.
pub(crate) async fn method_not_allowed() -> ReceiptError {
    ReceiptError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "The method is not allowed for the requested URL.",
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use axum::body::to_bytes;
    use serde_json::Value;

    use super::*;

    async fn render(error: ReceiptError) -> (StatusCode, Value) {
        let response = error.into_response();
        let status = response.status();
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    /// The API's v2 error body, byte for byte in shape.
    #[tokio::test]
    async fn renders_gc_notify_v2_errors() {
        let (status, body) = render(ReceiptError::forbidden("not genuine")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            body,
            json!({"status_code": 403, "errors": [{"error": "AuthError", "message": "not genuine"}]})
        );
        let (status, body) = render(StoreError::Unavailable("down".to_owned()).into()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["errors"][0]["error"], "ServiceUnavailable");
    }
}
