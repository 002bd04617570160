//! Rate, daily and annual limits with GC Notify's 429 answers. Counters live in the database
//! and are checked in the insert transaction, so limits hold across API processes.

use axum::http::StatusCode;
use carillon_domain::{KeyType, NotificationType, Service};
use carillon_store::{Counter, CounterLimit, Period, RateLimit};
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::state::AppState;

/// GC Notify's rate window.
const RATE_WINDOW_SECONDS: u32 = 60;

/// Takes one request from the service's allowance for this key type.
pub(crate) async fn check_rate(
    state: &AppState,
    service: &Service,
    key_type: KeyType,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let rate = RateLimit {
        limit: service.rate_limit,
        window_seconds: RATE_WINDOW_SECONDS,
    };
    if !crate::rate::take_one(state, service.id, key_type, rate, now).await? {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RateLimitError",
            format!(
                "Exceeded rate limit for key type {} of {} requests per {} seconds",
                key_type.rate_limit_name(),
                service.rate_limit,
                RATE_WINDOW_SECONDS
            ),
        ));
    }
    Ok(())
}

/// The counters one send adds to, annual first (GC Notify checks the annual limit first).
pub(crate) fn counters(
    service: &Service,
    kind: NotificationType,
    units: u32,
    now: OffsetDateTime,
) -> Vec<CounterLimit> {
    let (annual, daily) = match kind {
        NotificationType::Email => (
            service.email_annual_limit,
            u64::from(service.email_daily_limit),
        ),
        NotificationType::Sms => (service.sms_annual_limit, u64::from(service.sms_daily_limit)),
    };
    let counter = |period| Counter {
        service_id: service.id,
        kind,
        period,
    };
    vec![
        CounterLimit {
            counter: counter(Period::fiscal_year_of(now)),
            amount: u64::from(units),
            ceiling: annual,
        },
        CounterLimit {
            counter: counter(Period::day_of(now)),
            amount: u64::from(units),
            ceiling: daily,
        },
    ]
}

/// GC Notify's answer when a counter would pass its ceiling.
pub(crate) fn exceeded(
    service: &Service,
    kind: NotificationType,
    period: Option<Period>,
) -> ApiError {
    let tier = if service.restricted {
        "TrialService"
    } else {
        "LiveService"
    };
    let (kind_name, message) = match (kind, period) {
        (NotificationType::Email, Some(Period::FiscalYear(_))) => (
            "RequestExceedsEmailAnnualLimitError",
            format!(
                "Exceeded annual email sending limit of {} messages",
                service.email_annual_limit
            ),
        ),
        (NotificationType::Sms, Some(Period::FiscalYear(_))) => (
            "RequestExceedsSMSAnnualLimitError",
            format!(
                "Exceeded annual SMS sending limit of {} messages",
                service.sms_annual_limit
            ),
        ),
        (NotificationType::Email, _) => (
            "TooManyEmailRequestsError",
            format!(
                "Exceeded email daily sending limit of {} messages",
                service.email_daily_limit
            ),
        ),
        (NotificationType::Sms, _) => (
            "TooManySMSRequestsError",
            format!(
                "Exceeded SMS daily sending limit of {} fragments",
                service.sms_daily_limit
            ),
        ),
    };
    // The class name is the tier plus the kind, as GC Notify's exception classes are.
    let kind_name: &'static str = match (tier, kind_name) {
        ("TrialService", "RequestExceedsEmailAnnualLimitError") => {
            "TrialServiceRequestExceedsEmailAnnualLimitError"
        }
        ("TrialService", "RequestExceedsSMSAnnualLimitError") => {
            "TrialServiceRequestExceedsSMSAnnualLimitError"
        }
        ("TrialService", "TooManyEmailRequestsError") => "TrialServiceTooManyEmailRequestsError",
        ("TrialService", _) => "TrialServiceTooManySMSRequestsError",
        (_, "RequestExceedsEmailAnnualLimitError") => {
            "LiveServiceRequestExceedsEmailAnnualLimitError"
        }
        (_, "RequestExceedsSMSAnnualLimitError") => "LiveServiceRequestExceedsSMSAnnualLimitError",
        (_, "TooManyEmailRequestsError") => "LiveServiceTooManyEmailRequestsError",
        _ => "LiveServiceTooManySMSRequestsError",
    };
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, kind_name, message)
}
