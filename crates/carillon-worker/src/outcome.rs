//! The outcome a worker records for each message of a batch: simulated, failed before it was
//! sent, or what the provider answered (a transient failure is retried later, with backoff).

use carillon_domain::{Notification, NotificationStatus, NotificationType};
use carillon_providers::{Accepted, ProviderError};
use carillon_store::Outcome;
use time::OffsetDateTime;

use crate::retry;

pub(crate) fn finished(
    notification: &Notification,
    status: NotificationStatus,
    reference: Option<String>,
    now: OffsetDateTime,
) -> Outcome {
    Outcome {
        id: notification.id,
        attempt: notification.attempts,
        status,
        provider_reference: reference,
        provider_response: None,
        sent_at: Some(now),
        retry_at: None,
        updated_at: now,
    }
}

pub(crate) fn failed(notification: &Notification, reason: &str, now: OffsetDateTime) -> Outcome {
    Outcome {
        id: notification.id,
        attempt: notification.attempts,
        status: NotificationStatus::TechnicalFailure,
        provider_reference: None,
        provider_response: Some(reason.to_owned()),
        sent_at: None,
        retry_at: None,
        updated_at: now,
    }
}

/// A jitter fraction derived from the notification, so retries of one outage spread out.
fn jitter(notification: &Notification) -> f64 {
    let bits = notification.id.as_uuid().as_u128() ^ u128::from(notification.attempts);
    (bits % 1000) as f64 / 1000.0
}

pub(crate) fn after_provider(
    notification: &Notification,
    result: Result<Accepted, ProviderError>,
    now: OffsetDateTime,
) -> Outcome {
    match result {
        Ok(accepted) => {
            let status = match (accepted.delivered, notification.kind) {
                (true, _) => NotificationStatus::Delivered,
                (false, NotificationType::Email) => NotificationStatus::Sending,
                (false, NotificationType::Sms) => NotificationStatus::Sent,
            };
            finished(notification, status, Some(accepted.reference), now)
        }
        Err(ProviderError::Permanent(reason)) => failed(notification, &reason, now),
        Err(ProviderError::Transient(reason)) => {
            match retry::backoff(
                notification.attempts,
                notification.process_type,
                jitter(notification),
            ) {
                Some(wait) => Outcome {
                    id: notification.id,
                    attempt: notification.attempts,
                    status: NotificationStatus::Created,
                    provider_reference: None,
                    provider_response: Some(reason),
                    sent_at: None,
                    retry_at: Some(now + wait),
                    updated_at: now,
                },
                None => failed(notification, &reason, now),
            }
        }
    }
}
