//! Conversions between domain values and their stored PostgreSQL form: timestamps at
//! microsecond precision, enum names, counts, and the sealed personal data of a notification.

use carillon_crypto::Cipher;
use carillon_domain::{KeyType, NotificationStatus, NotificationType, Permission, ProcessType};
use carillon_store::{StoreError, StoreResult};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use time::{OffsetDateTime, UtcOffset};

use crate::error::corrupt;

/// `at` in UTC with the precision it is stored with (timestamptz keeps microseconds; the API
/// prints microseconds, so a value read back equals what was printed).
pub(crate) fn truncate(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.to_offset(UtcOffset::UTC);
    at.replace_nanosecond(at.nanosecond() / 1000 * 1000)
        .unwrap_or(at)
}

pub(crate) fn opt_truncate(at: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
    at.map(truncate)
}

/// Microseconds since the Unix epoch, for rate arithmetic.
pub(crate) fn micros(at: OffsetDateTime) -> i64 {
    // Every OffsetDateTime (years ±9999) fits in i64 microseconds.
    i64::try_from(at.unix_timestamp_nanos().div_euclid(1000)).unwrap_or(i64::MAX)
}

pub(crate) fn from_micros(value: i64) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(value) * 1000)
        .map_err(|_| corrupt(format_args!("timestamp {value} is out of range")))
}

pub(crate) fn kind(text: &str) -> StoreResult<NotificationType> {
    NotificationType::parse(text).ok_or_else(|| corrupt(format_args!("unknown channel {text}")))
}

pub(crate) fn key_type(text: &str) -> StoreResult<KeyType> {
    KeyType::parse(text).ok_or_else(|| corrupt(format_args!("unknown key type {text}")))
}

pub(crate) fn process_type(text: &str) -> StoreResult<ProcessType> {
    ProcessType::parse(text).ok_or_else(|| corrupt(format_args!("unknown process type {text}")))
}

pub(crate) fn status(text: &str) -> StoreResult<NotificationStatus> {
    text.parse().map_err(corrupt)
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

/// The personal data of a notification, sealed as one value. Short keys keep rows small.
#[derive(Serialize)]
pub(crate) struct PersonalRef<'a> {
    #[serde(rename = "t")]
    pub(crate) to: &'a str,
    #[serde(rename = "n")]
    pub(crate) normalised_to: &'a str,
    #[serde(rename = "p")]
    pub(crate) personalisation: &'a Json,
    #[serde(rename = "b")]
    pub(crate) body: &'a str,
    #[serde(rename = "s")]
    pub(crate) subject: Option<&'a str>,
}

/// [`PersonalRef`] read back.
#[derive(Deserialize)]
pub(crate) struct Personal {
    #[serde(rename = "t")]
    pub(crate) to: String,
    #[serde(rename = "n")]
    pub(crate) normalised_to: String,
    #[serde(rename = "p")]
    pub(crate) personalisation: Json,
    #[serde(rename = "b")]
    pub(crate) body: String,
    #[serde(rename = "s")]
    pub(crate) subject: Option<String>,
}

pub(crate) fn seal_personal(cipher: &Cipher, personal: &PersonalRef<'_>) -> StoreResult<Vec<u8>> {
    let json = serde_json::to_vec(personal).map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(cipher.encrypt(&json))
}

pub(crate) fn open_personal(cipher: &Cipher, sealed: &[u8]) -> StoreResult<Personal> {
    let json = cipher.decrypt(sealed).map_err(corrupt)?;
    serde_json::from_slice(&json).map_err(corrupt)
}

/// A sealed text value (an API key secret, a safelisted recipient).
pub(crate) fn open_text(cipher: &Cipher, sealed: &[u8]) -> StoreResult<String> {
    let plain = cipher.decrypt(sealed).map_err(corrupt)?;
    String::from_utf8(plain).map_err(corrupt)
}
