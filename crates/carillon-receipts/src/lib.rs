//! Delivery receipts from AWS, posted by Amazon SNS (HTTP(S) subscriptions, no API key), served
//! by their own [`router`] beside the API's:
//! `POST /receipts/ses` takes SES events (an SES configuration set's event destination or an
//! identity's notifications, through an SNS topic), `POST /receipts/sns-sms` takes SNS SMS
//! delivery statuses forwarded to an SNS topic.
//!
//! Every message's signature is checked against its signing certificate, fetched only from
//! `https://sns.<region>.amazonaws.com` (or an origin the operator trusts) and cached; a
//! message that is not genuine gets 403, never 500. Subscriptions are confirmed by fetching
//! their `SubscribeURL` from the same hosts. When topics are configured, other topics are
//! refused.
//!
//! A receipt for a reference no notification has (yet: it can overtake the worker's record
//! of the hand-over) gets 503, so SNS delivers it again later (SNS retries 5xx answers, by
//! its delivery policy); late and duplicate receipts get 200 and change nothing.
//!
//! SES complaints are stored against their notification (which keeps its status, except
//! for GC Notify's suppression-list subtype) and sent to the service's complaint callback.

mod certs;
mod error;
mod ses;
mod sms;
mod sns;
mod state;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::post;
use axum::{Json, Router};
use carillon_domain::{NotificationStatus, NotificationType};
use carillon_store::{NewComplaint, Receipt, ReceiptOutcome};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use error::read_body;
use sns::{MessageType, SnsError, SnsMessage};

pub use carillon_domain::{Clock, SystemClock};
pub use error::ReceiptError;
pub use state::{ReceiptsSettings, ReceiptsState};

/// SNS messages are at most 256 KiB, plus the envelope.
pub const BODY_LIMIT: usize = 512 * 1024;

/// `POST /receipts/ses` and `POST /receipts/sns-sms`, each with its own body limit (whatever
/// router they are merged into), and GC Notify's error body for a wrong method.
pub fn router(state: ReceiptsState) -> Router {
    Router::new()
        .route(
            "/receipts/ses",
            post(post_ses).layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .route(
            "/receipts/sns-sms",
            post(post_sns_sms).layer(DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .method_not_allowed_fallback(error::method_not_allowed)
        .with_state(state)
}

/// `POST /receipts/ses`.
async fn post_ses(
    State(state): State<ReceiptsState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ReceiptError> {
    let body = read_body(body)?;
    let Some(message) = notification(&state, &body).await? else {
        return Ok(ok());
    };
    let event = ses::parse(&message.message).map_err(ReceiptError::bad_request)?;
    if let Some(complaint) = &event.complaint {
        record_complaint(&state, complaint).await?;
    }
    let Some(change) = event.change else {
        tracing::debug!(event_type = %event.event_type, "SES event without a status change");
        return Ok(ok());
    };
    apply(
        &state,
        &message,
        event.reference,
        NotificationType::Email,
        change.status,
        change.provider_response.map(str::to_owned),
    )
    .await
}

/// `POST /receipts/sns-sms`.
async fn post_sns_sms(
    State(state): State<ReceiptsState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ReceiptError> {
    let body = read_body(body)?;
    let Some(message) = notification(&state, &body).await? else {
        return Ok(ok());
    };
    let status = sms::parse(&message.message).map_err(ReceiptError::bad_request)?;
    apply(
        &state,
        &message,
        status.reference,
        NotificationType::Sms,
        status.status,
        status.provider_response,
    )
    .await
}

/// Stores an SES complaint; the database queues the service's complaint callback with it.
async fn record_complaint(
    state: &ReceiptsState,
    complaint: &ses::Complaint,
) -> Result<(), ReceiptError> {
    let now = state.clock.now();
    let complaint_date = complaint
        .timestamp
        .as_deref()
        .and_then(|at| OffsetDateTime::parse(at, &Rfc3339).ok())
        .unwrap_or(now);
    let stored = state
        .store
        .record_complaints(&[NewComplaint {
            provider_reference: complaint.reference.clone(),
            feedback_type: complaint.complaint_type.clone(),
            feedback_subtype: complaint.complaint_sub_type.clone(),
            complaint_date,
            created_at: now,
        }])
        .await?;
    match stored.first() {
        Some(Some(stored)) => {
            tracing::info!(notification = %stored.notification_id, "SES complaint recorded");
        }
        // Complaints come days after delivery, long after the row was recorded: an unknown
        // reference is a purged or foreign message, not one to wait for.
        _ => {
            tracing::info!(reference = %complaint.reference, "SES complaint for an unknown reference ignored")
        }
    }
    Ok(())
}

fn ok() -> Json<Value> {
    Json(json!({"result": "success"}))
}

/// Verifies the SNS message; confirms subscriptions and acknowledges unsubscriptions
/// (`None`), or returns a notification to act on.
async fn notification(
    state: &ReceiptsState,
    body: &[u8],
) -> Result<Option<SnsMessage>, ReceiptError> {
    let now = state.clock.now();
    let message = state.sns.verify(body, now).await.map_err(|e| refused(&e))?;
    match message.kind {
        MessageType::Notification => Ok(Some(message)),
        MessageType::SubscriptionConfirmation => {
            state.sns.confirm(&message).await.map_err(|e| refused(&e))?;
            tracing::info!(topic = %message.topic_arn, "confirmed the SNS subscription");
            Ok(None)
        }
        MessageType::UnsubscribeConfirmation => {
            tracing::warn!(topic = %message.topic_arn, "SNS unsubscribed this endpoint");
            Ok(None)
        }
    }
}

/// Not genuine: 403 (400 when not even SNS's shape); a certificate that could not be fetched:
/// 503, so SNS tries again.
fn refused(error: &SnsError) -> ReceiptError {
    tracing::warn!(error = %error, "SNS message refused");
    match error {
        SnsError::Malformed(_) => ReceiptError::bad_request(error.to_string()),
        SnsError::CertificateUnavailable(_) => ReceiptError::unavailable(error.to_string()),
        _ => ReceiptError::forbidden(error.to_string()),
    }
}

async fn apply(
    state: &ReceiptsState,
    message: &SnsMessage,
    reference: String,
    kind: NotificationType,
    status: NotificationStatus,
    provider_response: Option<String>,
) -> Result<Json<Value>, ReceiptError> {
    let receipt = Receipt {
        reference,
        kind,
        status,
        provider_response,
        received_at: state.clock.now(),
    };
    let outcome = state
        .store
        .apply_receipts(std::slice::from_ref(&receipt))
        .await?;
    match outcome.first() {
        Some(ReceiptOutcome::Applied(id)) => {
            tracing::debug!(notification = %id, status = status.as_str(), "receipt applied");
            Ok(ok())
        }
        Some(ReceiptOutcome::Ignored(id)) => {
            tracing::info!(notification = %id, status = status.as_str(), "late or duplicate receipt ignored");
            Ok(ok())
        }
        Some(ReceiptOutcome::Unknown) | None => {
            tracing::info!(
                reference = %receipt.reference,
                sns_message = %message.message_id,
                "receipt for an unknown reference: SNS will deliver it again"
            );
            Err(ReceiptError::unavailable(
                "No notification has this provider reference yet; deliver the receipt again later",
            ))
        }
    }
}
