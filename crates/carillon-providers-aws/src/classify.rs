//! Turns the SDK's errors into transient or permanent provider errors.

use aws_sdk_sesv2::config::http::HttpResponse;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use carillon_providers::ProviderError;

/// Error codes worth retrying whatever their HTTP status.
const TRANSIENT_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "LimitExceededException",
    "RequestLimitExceeded",
    "ServiceUnavailable",
    "InternalFailure",
    "InternalError",
    "RequestTimeout",
    "RequestTimeoutException",
    "SendingPausedException",
    // Credentials: an operator fixes them, and the messages should go out then.
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "AccessDeniedException",
    "AuthorizationError",
];

/// Classifies a failed call; `operation` names it in the message.
pub(crate) fn classify<E>(operation: &str, error: &SdkError<E, HttpResponse>) -> ProviderError
where
    E: ProvideErrorMetadata,
{
    match error {
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            let code = context.err().code().unwrap_or("unknown error");
            let text = format!("{operation}: {code} (HTTP {status})");
            if status >= 500 || status == 429 || TRANSIENT_CODES.contains(&code) {
                ProviderError::Transient(text)
            } else {
                ProviderError::Permanent(text)
            }
        }
        SdkError::TimeoutError(_) => ProviderError::Transient(format!("{operation}: timed out")),
        SdkError::DispatchFailure(failure) => {
            // No request left: a missing region or credentials is configuration, fixed by an
            // operator; a connection failure passes by itself. Either way, try again later.
            let kind = if failure.is_timeout() {
                "timed out"
            } else if failure.is_io() {
                "connection failed"
            } else {
                "could not send the request"
            };
            ProviderError::Transient(format!("{operation}: {kind}"))
        }
        SdkError::ResponseError(_) => {
            ProviderError::Transient(format!("{operation}: unreadable response"))
        }
        SdkError::ConstructionFailure(_) => {
            // Credentials that could not be loaded end up here too: transient, as above.
            ProviderError::Transient(format!("{operation}: could not build the request"))
        }
        _ => ProviderError::Transient(format!("{operation}: failed")),
    }
}
