//! Conversions between domain values and their stored PostgreSQL form: timestamps at
//! microsecond precision, enum names and counts. The backend-independent ones (and the sealed
//! personal data of a notification) live in [`carillon_store::support`].

use carillon_domain::{EmailLocalPart, Permission, ProcessType, SmsFrom};
use carillon_store::{StoreError, StoreResult};
use time::OffsetDateTime;

pub(crate) use carillon_store::support::{
    from_micros, key_type, kind, micros, open_personal, open_text, process_type, reference_hash,
    seal_notification, status, truncate,
};

use crate::error::corrupt;

pub(crate) fn opt_truncate(at: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
    at.map(truncate)
}

/// The queue order of a process type: lower goes first.
pub(crate) fn priority(process_type: ProcessType) -> i16 {
    match process_type {
        ProcessType::Priority => 0,
        ProcessType::Normal => 1,
        ProcessType::Bulk => 2,
    }
}

pub(crate) fn from_priority(value: i16) -> StoreResult<ProcessType> {
    match value {
        0 => Ok(ProcessType::Priority),
        1 => Ok(ProcessType::Normal),
        2 => Ok(ProcessType::Bulk),
        other => Err(corrupt(format_args!("unknown priority {other}"))),
    }
}

pub(crate) fn permissions(permissions: &[Permission]) -> Vec<&'static str> {
    permissions.iter().map(|p| p.as_str()).collect()
}

pub(crate) fn parse_permissions(names: &[String]) -> StoreResult<Vec<Permission>> {
    names
        .iter()
        .map(|name| {
            Permission::parse(name)
                .ok_or_else(|| corrupt(format_args!("unknown permission {name}")))
        })
        .collect()
}

/// A stored count that must fit the domain's unsigned type.
pub(crate) fn count<T: TryFrom<i64>>(value: impl Into<i64>, column: &str) -> StoreResult<T> {
    let value = value.into();
    T::try_from(value).map_err(|_| corrupt(format_args!("{column} {value} is out of range")))
}

/// A domain count as a PostgreSQL integer type.
pub(crate) fn to_int<T, U: TryInto<T>>(value: U, what: &str) -> StoreResult<T> {
    value
        .try_into()
        .map_err(|_| StoreError::Other(format!("{what} is too large to store")))
}

/// A service's sending address (local part) as stored; text the rules refuse is corrupt.
pub(crate) fn email_from(text: &str) -> StoreResult<EmailLocalPart> {
    EmailLocalPart::parse(text)
        .map_err(|error| corrupt(format_args!("email_from {text:?}: {error}")))
}

/// An SMS sender as stored; text the rules refuse is corrupt.
pub(crate) fn sms_from(text: &str) -> StoreResult<SmsFrom> {
    SmsFrom::parse(text).map_err(|error| corrupt(format_args!("sms_sender {text:?}: {error}")))
}
