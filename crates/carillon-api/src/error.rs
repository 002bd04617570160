//! API errors in GC Notify's v2 wire format: `{"status_code": …, "errors": [{"error", "message"}]}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use carillon_store::StoreError;
use serde_json::{Value, json};

/// An error answer. `kind` is GC Notify's exception class name, which clients match on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub messages: Vec<String>,
    /// GC Notify's legacy `{"result": "error", "message": …}` body, kept where the official
    /// clients expect it (an unknown notification id).
    pub legacy: bool,
    /// GC Notify's list of categories, added at the top level of manage-template's category
    /// errors so the client can pick a valid one.
    pub template_categories: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            messages: vec![message.into()],
            legacy: false,
            template_categories: None,
        }
    }

    /// 400 `BadRequestError`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequestError", message)
    }

    /// 400 `ValidationError` with every message at once, duplicates dropped.
    pub fn validation(messages: Vec<String>) -> Self {
        let mut unique: Vec<String> = Vec::with_capacity(messages.len());
        for message in messages {
            if !unique.contains(&message) {
                unique.push(message);
            }
        }
        Self {
            status: StatusCode::BAD_REQUEST,
            kind: "ValidationError",
            messages: unique,
            legacy: false,
            template_categories: None,
        }
    }

    /// 403 `AuthError`.
    pub fn auth(status: StatusCode, message: impl Into<String>) -> Self {
        Self::new(status, "AuthError", message)
    }

    /// 404 with GC Notify's legacy body.
    pub fn legacy_not_found(message: &str) -> Self {
        Self {
            legacy: true,
            ..Self::new(StatusCode::NOT_FOUND, "NoResultFound", message)
        }
    }

    /// 500 that says nothing about the cause (which is logged).
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "Internal server error",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => {
                Self::new(StatusCode::NOT_FOUND, "NoResultFound", "No result found")
            }
            StoreError::Unavailable(_) => {
                tracing::error!(error = %error, "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ServiceUnavailable",
                    "The service is temporarily unavailable; try again shortly",
                )
            }
            other => {
                tracing::error!(error = %other, "database error");
                Self::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(
                status = self.status.as_u16(),
                kind = self.kind,
                "request failed"
            );
        }
        let body = if self.legacy {
            json!({"result": "error", "message": self.messages.first().cloned().unwrap_or_default()})
        } else {
            let errors: Vec<_> = self
                .messages
                .iter()
                .map(|message| json!({"error": self.kind, "message": message}))
                .collect();
            let mut body = json!({"status_code": self.status.as_u16(), "errors": errors});
            if let Some(categories) = self.template_categories {
                body["template_categories"] = categories;
            }
            body
        };
        (self.status, Json(body)).into_response()
    }
}
