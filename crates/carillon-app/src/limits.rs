//! Rate, daily and annual limits. Counters live in the database and are checked in the insert
//! transaction, so limits hold across processes; what a refusal carries is what GC Notify's
//! 429 answers say.

use carillon_domain::{KeyType, NotificationType, Service};
use carillon_store::{Counter, CounterLimit, Period, RateLimit, StoreError};
use thiserror::Error;
use time::OffsetDateTime;

use crate::App;

/// GC Notify's rate window.
pub const RATE_WINDOW_SECONDS: u32 = 60;

/// The service has used its requests for this key type in the current window.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "Exceeded rate limit for key type {} of {limit} requests per {window_seconds} seconds",
    key_type.rate_limit_name()
)]
pub struct RateLimited {
    pub key_type: KeyType,
    /// Requests allowed per window.
    pub limit: u32,
    pub window_seconds: u32,
}

/// Which counter would pass its ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitPeriod {
    Daily,
    Annual,
}

/// A send would take the service past its daily or annual limit.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}", self.message())]
pub struct LimitExceeded {
    pub kind: NotificationType,
    pub period: LimitPeriod,
    /// The limit passed (messages, or SMS fragments for the daily SMS limit).
    pub limit: u64,
    /// A trial service (GC Notify names its errors `TrialService…`, else `LiveService…`).
    pub trial: bool,
}

impl LimitExceeded {
    fn of(service: &Service, kind: NotificationType, period: Option<Period>) -> Self {
        let period = match period {
            Some(Period::FiscalYear(_)) => LimitPeriod::Annual,
            _ => LimitPeriod::Daily,
        };
        let limit = match (kind, period) {
            (NotificationType::Email, LimitPeriod::Annual) => service.email_annual_limit,
            (NotificationType::Sms, LimitPeriod::Annual) => service.sms_annual_limit,
            (NotificationType::Email, LimitPeriod::Daily) => u64::from(service.email_daily_limit),
            (NotificationType::Sms, LimitPeriod::Daily) => u64::from(service.sms_daily_limit),
        };
        Self {
            kind,
            period,
            limit,
            trial: service.restricted,
        }
    }

    /// GC Notify's message.
    pub fn message(&self) -> String {
        let limit = self.limit;
        match (self.kind, self.period) {
            (NotificationType::Email, LimitPeriod::Annual) => {
                format!("Exceeded annual email sending limit of {limit} messages")
            }
            (NotificationType::Sms, LimitPeriod::Annual) => {
                format!("Exceeded annual SMS sending limit of {limit} messages")
            }
            (NotificationType::Email, LimitPeriod::Daily) => {
                format!("Exceeded email daily sending limit of {limit} messages")
            }
            (NotificationType::Sms, LimitPeriod::Daily) => {
                format!("Exceeded SMS daily sending limit of {limit} fragments")
            }
        }
    }

    /// GC Notify's exception class: the tier plus the kind.
    pub fn class(&self) -> &'static str {
        match (self.trial, self.kind, self.period) {
            (true, NotificationType::Email, LimitPeriod::Annual) => {
                "TrialServiceRequestExceedsEmailAnnualLimitError"
            }
            (true, NotificationType::Sms, LimitPeriod::Annual) => {
                "TrialServiceRequestExceedsSMSAnnualLimitError"
            }
            (true, NotificationType::Email, LimitPeriod::Daily) => {
                "TrialServiceTooManyEmailRequestsError"
            }
            (true, NotificationType::Sms, LimitPeriod::Daily) => {
                "TrialServiceTooManySMSRequestsError"
            }
            (false, NotificationType::Email, LimitPeriod::Annual) => {
                "LiveServiceRequestExceedsEmailAnnualLimitError"
            }
            (false, NotificationType::Sms, LimitPeriod::Annual) => {
                "LiveServiceRequestExceedsSMSAnnualLimitError"
            }
            (false, NotificationType::Email, LimitPeriod::Daily) => {
                "LiveServiceTooManyEmailRequestsError"
            }
            (false, NotificationType::Sms, LimitPeriod::Daily) => {
                "LiveServiceTooManySMSRequestsError"
            }
        }
    }
}

/// Why the rate check could not let a request through.
#[derive(Debug, Error)]
pub enum RateError {
    #[error(transparent)]
    Limited(#[from] RateLimited),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl App {
    /// Takes one request from the service's allowance for this key type.
    ///
    /// # Errors
    /// [`RateError::Limited`] when the window's allowance is used up.
    pub async fn check_rate(
        &self,
        service: &Service,
        key_type: KeyType,
        now: OffsetDateTime,
    ) -> Result<(), RateError> {
        let rate = RateLimit {
            limit: service.rate_limit,
            window_seconds: RATE_WINDOW_SECONDS,
        };
        if !crate::rate::take_one(self, service.id, key_type, rate, now).await? {
            return Err(RateError::Limited(RateLimited {
                key_type,
                limit: service.rate_limit,
                window_seconds: RATE_WINDOW_SECONDS,
            }));
        }
        Ok(())
    }
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

/// The refusal when the counter at `index` of `counters` would pass its ceiling.
pub(crate) fn exceeded(
    service: &Service,
    kind: NotificationType,
    counters: &[CounterLimit],
    index: usize,
) -> LimitExceeded {
    LimitExceeded::of(service, kind, counters.get(index).map(|c| c.counter.period))
}
