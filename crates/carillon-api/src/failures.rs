//! The use cases' errors as GC Notify answers them: status code, exception class and message,
//! in one place.

use axum::http::StatusCode;
use carillon_app::{BulkError, LimitExceeded, PreviewError, RateLimited, SendError, TemplateError};
use carillon_render::RenderError;

use crate::error::ApiError;

fn rate_limited(limited: &RateLimited) -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "RateLimitError",
        limited.to_string(),
    )
}

fn limit_exceeded(exceeded: &LimitExceeded) -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        exceeded.class(),
        exceeded.message(),
    )
}

fn suspended() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "BadRequestError",
        "Service is suspended",
    )
}

impl From<TemplateError> for ApiError {
    fn from(error: TemplateError) -> Self {
        match error {
            TemplateError::Store(error) => error.into(),
            other => Self::bad_request(other.to_string()),
        }
    }
}

impl From<SendError> for ApiError {
    fn from(error: SendError) -> Self {
        match error {
            SendError::PersonalisationTooLarge(error) => Self::validation(vec![error.to_string()]),
            SendError::Suspended => suspended(),
            SendError::RateLimited(limited) => rate_limited(&limited),
            SendError::LimitExceeded(exceeded) => limit_exceeded(&exceeded),
            SendError::Template(error) => error.into(),
            SendError::Store(error) => error.into(),
            other @ (SendError::NotAllowed(_)
            | SendError::MissingPersonalisation { .. }
            | SendError::Render(_)
            | SendError::UnknownSender(_)
            | SendError::RecipientRefused(_)) => Self::bad_request(other.to_string()),
        }
    }
}

impl From<BulkError> for ApiError {
    fn from(error: BulkError) -> Self {
        match error {
            BulkError::Suspended => suspended(),
            BulkError::RateLimited(limited) => rate_limited(&limited),
            BulkError::LimitExceeded(exceeded) => limit_exceeded(&exceeded),
            BulkError::Template(error) => error.into(),
            BulkError::Store(error) => error.into(),
            other @ (BulkError::NotAllowed(_)
            | BulkError::UnknownSender(_)
            | BulkError::Read(_)
            | BulkError::Header(_)
            | BulkError::Problem(_)) => Self::bad_request(other.to_string()),
        }
    }
}

impl From<PreviewError> for ApiError {
    fn from(error: PreviewError) -> Self {
        match error {
            PreviewError::NotFound => {
                Self::new(StatusCode::NOT_FOUND, "NoResultFound", "No result found")
            }
            PreviewError::Render(RenderError::MissingPersonalisation(names)) => {
                Self::bad_request(format!("Missing personalisation: {}", names.join(", ")))
            }
            PreviewError::Store(error) => error.into(),
            other @ (PreviewError::Invalid(_) | PreviewError::Render(_)) => {
                Self::bad_request(other.to_string())
            }
        }
    }
}
