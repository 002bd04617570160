//! Conversions between domain values and their stored SQLite form: microsecond timestamps,
//! enum names and counts. The backend-independent ones (and the sealed personal data of a
//! notification) live in [`carillon_store::support`].

use carillon_domain::{EmailLocalPart, Permission, ProcessType, SmsFrom};
use carillon_store::{StoreError, StoreResult};
use time::OffsetDateTime;

pub(crate) use carillon_store::support::{
    from_micros, key_type, kind, micros, open_personal, open_text, process_type, reference_hash,
    seal_notification, status, truncate,
};

use crate::error::corrupt;

pub(crate) fn opt_micros(at: Option<OffsetDateTime>) -> Option<i64> {
    at.map(micros)
}

pub(crate) fn opt_from_micros(value: Option<i64>) -> StoreResult<Option<OffsetDateTime>> {
    value.map(from_micros).transpose()
}

/// The queue order of a process type: lower goes first.
pub(crate) fn priority(process_type: ProcessType) -> i64 {
    match process_type {
        ProcessType::Priority => 0,
        ProcessType::Normal => 1,
        ProcessType::Bulk => 2,
    }
}

pub(crate) fn from_priority(value: i64) -> StoreResult<ProcessType> {
    match value {
        0 => Ok(ProcessType::Priority),
        1 => Ok(ProcessType::Normal),
        2 => Ok(ProcessType::Bulk),
        other => Err(corrupt(format_args!("unknown priority {other}"))),
    }
}

/// Permissions as stored: names joined by commas.
pub(crate) fn permissions(permissions: &[Permission]) -> String {
    permissions
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn parse_permissions(text: &str) -> StoreResult<Vec<Permission>> {
    text.split(',')
        .filter(|name| !name.is_empty())
        .map(|name| {
            Permission::parse(name)
                .ok_or_else(|| corrupt(format_args!("unknown permission {name}")))
        })
        .collect()
}

/// A stored count that must fit the domain's unsigned type.
pub(crate) fn count<T: TryFrom<i64>>(value: i64, column: &str) -> StoreResult<T> {
    T::try_from(value).map_err(|_| corrupt(format_args!("{column} {value} is out of range")))
}

/// A domain count as SQLite's INTEGER (i64).
pub(crate) fn to_i64<T: TryInto<i64>>(value: T, what: &str) -> StoreResult<i64> {
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
