//! Carillon's storage traits: what the API and the workers need from a database, in domain
//! types. One crate per backend implements them; none of the callers knows which one runs.
//!
//! Backends must pass the conformance suite (feature `conformance`).

mod accounts;
mod callbacks;
#[cfg(feature = "conformance")]
pub mod conformance;
mod delivery;
mod facts;
mod jobs;
mod limits;
mod security_keys;
mod senders;
#[doc(hidden)]
pub mod support;
mod traits;

use thiserror::Error;

pub use accounts::{
    AccountStore, AuditEvent, AuditStore, GoLiveRequest, GoLiveStatus, OneTimeToken, SessionRecord,
    SessionStage, SessionStore, SignInEvent, TeamStore, TokenPurpose,
};
pub use callbacks::{
    BearerToken, CallbackConfig, CallbackId, CallbackKind, CallbackResolution, CallbackResult,
    Complaint, ComplaintNotice, DueCallback, NewComplaint, Notice, StatusNotice,
};
pub use delivery::{Claim, OutboxMessage, Outcome, Receipt, ReceiptOutcome};
pub use facts::{
    DailyFact, FactStore, FiscalYear, MonthlyFact, TemplateFact, months_of, sort_daily,
    sort_monthly,
};
pub use jobs::{JobOutcome, JobRow, JobRows, job_counters, job_rows_amount};
pub use limits::{Counter, CounterLimit, InsertOutcome, Period, RateLimit};
pub use security_keys::{SecurityKeyRecord, SecurityKeyStore};
pub use senders::ReplyToVerification;
pub use traits::{
    CallbackStore, DeliveryStore, HousekeepingStore, JobStore, KeyStore, NotificationStore,
    OutboxStore, SenderStore, ServiceStore, TemplateStore,
};

/// The area traits, for `use carillon_store::prelude::*` where a [`Store`] is called.
pub mod prelude {
    pub use crate::{
        AccountStore, AuditStore, CallbackStore, DeliveryStore, FactStore, HousekeepingStore,
        JobStore, KeyStore, NotificationStore, OutboxStore, SecurityKeyStore, SenderStore,
        ServiceStore, SessionStore, Store, TeamStore, TemplateStore,
    };
}

/// Why a storage call failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The record to change does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken (e.g. a duplicate name).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database could not be reached or timed out; worth retrying.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Stored data could not be read back (bad ciphertext, unknown enum value).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// Anything else the database reported.
    #[error("database error: {0}")]
    Other(String),
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything Carillon stores, one trait per area; callers hold one `Arc<dyn Store>` and
/// bring the area traits into scope with `use carillon_store::prelude::*`. Personal data
/// (recipients, personalisation, rendered bodies) and API key secrets are encrypted by the
/// backend before they reach the database.
pub trait Store:
    ServiceStore
    + KeyStore
    + TemplateStore
    + SenderStore
    + NotificationStore
    + JobStore
    + DeliveryStore
    + OutboxStore
    + HousekeepingStore
    + CallbackStore
    + AccountStore
    + SessionStore
    + SecurityKeyStore
    + TeamStore
    + AuditStore
    + FactStore
    + std::fmt::Debug
    + 'static
{
}

impl<T> Store for T where
    T: ServiceStore
        + KeyStore
        + TemplateStore
        + SenderStore
        + NotificationStore
        + JobStore
        + DeliveryStore
        + OutboxStore
        + HousekeepingStore
        + CallbackStore
        + AccountStore
        + SessionStore
        + SecurityKeyStore
        + TeamStore
        + AuditStore
        + FactStore
        + std::fmt::Debug
        + 'static
{
}
