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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use aws_sdk_sesv2::operation::send_email::SendEmailError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    use super::*;

    fn service_error(status: u16, code: &str) -> SdkError<SendEmailError, HttpResponse> {
        let raw = Response::new(StatusCode::try_from(status).unwrap(), SdkBody::empty());
        let error = SendEmailError::generic(
            ErrorMetadata::builder()
                .code(code)
                .message("Address lea@example.ca is blocked")
                .build(),
        );
        SdkError::service_error(error, raw)
    }

    fn is_transient(error: &SdkError<SendEmailError, HttpResponse>) -> bool {
        matches!(
            classify("SES SendEmail", error),
            ProviderError::Transient(_)
        )
    }

    #[test]
    fn throttling_outages_and_credentials_are_transient() {
        assert!(is_transient(&service_error(400, "Throttling")));
        assert!(is_transient(&service_error(
            429,
            "TooManyRequestsException"
        )));
        assert!(is_transient(&service_error(500, "InternalFailure")));
        assert!(is_transient(&service_error(503, "ServiceUnavailable")));
        assert!(is_transient(&service_error(403, "ExpiredToken")));
        assert!(is_transient(&SdkError::timeout_error("slow")));
        assert!(is_transient(&SdkError::construction_failure(
            "no credentials"
        )));
    }

    #[test]
    fn refusals_are_permanent_and_never_repeat_aws_text() {
        for code in [
            "MessageRejected",
            "BadRequestException",
            "InvalidParameterValue",
        ] {
            let ProviderError::Permanent(text) =
                classify("SES SendEmail", &service_error(400, code))
            else {
                panic!("{code} must be permanent");
            };
            assert_eq!(text, format!("SES SendEmail: {code} (HTTP 400)"));
        }
    }
}
