//! Backend-independent helpers shared by the storage backends; not for other callers.
//!
//! Pure pieces only: the sealed formats of personal data (their short serde keys are what
//! existing databases hold, so they must not change), conversions from stored text and
//! microseconds, and the arithmetic of sending limits. Nothing here touches a database.

use std::collections::BTreeMap;
use std::fmt;

use carillon_crypto::Cipher;
use carillon_domain::{
    KeyType, NewNotification, NotificationStatus, NotificationType, ProcessType,
};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

mod accounts;
mod callbacks;
mod reference;
mod search;

pub use accounts::{
    email_hash, go_live_status, hash32, invitation_status, language, member_permissions,
    open_bytes, open_email, parse_member_permissions, second_factor, session_stage, token_purpose,
    user_state,
};
pub use callbacks::{QueuedRow, due_callback, parse_callback_kind};
pub use reference::{
    CLEAR_REFERENCE_BATCH, ClearReference, SealedNotification, SealedReference, reference_hash,
    seal_clear_reference, seal_notification,
};
pub use search::{recipient_hash, status_group_sql};

use crate::{
    Counter, CounterLimit, InsertOutcome, OutboxMessage, RateLimit, StoreError, StoreResult,
};

/// Stored data that does not decode.
pub fn corrupt(what: impl fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// `at` in UTC with the precision it is stored with (microseconds; the API prints
/// microseconds, so a value read back equals what was printed).
pub fn truncate(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.to_offset(UtcOffset::UTC);
    at.replace_nanosecond(at.nanosecond() / 1000 * 1000)
        .unwrap_or(at)
}

/// Microseconds since the Unix epoch; sub-microsecond digits are dropped.
pub fn micros(at: OffsetDateTime) -> i64 {
    // Every OffsetDateTime (years ±9999) fits in i64 microseconds.
    i64::try_from(at.unix_timestamp_nanos().div_euclid(1000)).unwrap_or(i64::MAX)
}

/// A timestamp given as [`micros`], in UTC.
pub fn from_micros(value: i64) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(value) * 1000)
        .map_err(|_| corrupt(format_args!("timestamp {value} is out of range")))
}

pub fn kind(text: &str) -> StoreResult<NotificationType> {
    NotificationType::parse(text).ok_or_else(|| corrupt(format_args!("unknown channel {text}")))
}

pub fn key_type(text: &str) -> StoreResult<KeyType> {
    KeyType::parse(text).ok_or_else(|| corrupt(format_args!("unknown key type {text}")))
}

pub fn process_type(text: &str) -> StoreResult<ProcessType> {
    ProcessType::parse(text).ok_or_else(|| corrupt(format_args!("unknown process type {text}")))
}

pub fn status(text: &str) -> StoreResult<NotificationStatus> {
    text.parse().map_err(corrupt)
}

/// The personal data of a notification, sealed as one value. Short keys keep rows small.
/// The client reference (`r`) is left out when there is none, and rows sealed before it was
/// included (database version 8 and older) read back without one.
#[derive(Serialize)]
pub struct PersonalRef<'a> {
    #[serde(rename = "t")]
    pub to: &'a str,
    #[serde(rename = "n")]
    pub normalised_to: &'a str,
    #[serde(rename = "p")]
    pub personalisation: &'a Json,
    #[serde(rename = "b")]
    pub body: &'a str,
    #[serde(rename = "s")]
    pub subject: Option<&'a str>,
    #[serde(rename = "r", skip_serializing_if = "Option::is_none")]
    pub reference: Option<&'a str>,
}

/// [`PersonalRef`] read back.
#[derive(Deserialize)]
pub struct Personal {
    #[serde(rename = "t")]
    pub to: String,
    #[serde(rename = "n")]
    pub normalised_to: String,
    #[serde(rename = "p")]
    pub personalisation: Json,
    #[serde(rename = "b")]
    pub body: String,
    #[serde(rename = "s")]
    pub subject: Option<String>,
    #[serde(rename = "r", default)]
    pub reference: Option<String>,
}

// Personal data stays out of logs.
impl fmt::Debug for PersonalRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonalRef").finish_non_exhaustive()
    }
}

impl fmt::Debug for Personal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Personal").finish_non_exhaustive()
    }
}

pub fn seal_personal(cipher: &Cipher, personal: &PersonalRef<'_>) -> StoreResult<Vec<u8>> {
    let json = serde_json::to_vec(personal).map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(cipher.encrypt(&json))
}

pub fn open_personal(cipher: &Cipher, sealed: &[u8]) -> StoreResult<Personal> {
    let json = cipher.decrypt(sealed).map_err(corrupt)?;
    serde_json::from_slice(&json).map_err(corrupt)
}

/// A sealed text value (an API key secret, a safelisted recipient).
pub fn open_text(cipher: &Cipher, sealed: &[u8]) -> StoreResult<String> {
    let plain = cipher.decrypt(sealed).map_err(corrupt)?;
    String::from_utf8(plain).map_err(corrupt)
}

/// The content of an outbox message, sealed as one value. Short keys keep rows small.
#[derive(Serialize)]
struct ContentRef<'a> {
    #[serde(rename = "t")]
    to: &'a str,
    #[serde(rename = "f")]
    from: &'a str,
    #[serde(rename = "r")]
    reply_to: Option<&'a str>,
    #[serde(rename = "s")]
    subject: Option<&'a str>,
    #[serde(rename = "h")]
    html: Option<&'a str>,
    #[serde(rename = "x")]
    text: &'a str,
}

/// The sealed content of an outbox message, read back.
#[derive(Deserialize)]
pub struct Content {
    #[serde(rename = "t")]
    pub to: String,
    #[serde(rename = "f")]
    pub from: String,
    #[serde(rename = "r")]
    pub reply_to: Option<String>,
    #[serde(rename = "s")]
    pub subject: Option<String>,
    #[serde(rename = "h")]
    pub html: Option<String>,
    #[serde(rename = "x")]
    pub text: String,
}

impl fmt::Debug for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Content").finish_non_exhaustive()
    }
}

/// Seals the content of `message` (everything a recipient would see).
pub fn seal_content(cipher: &Cipher, message: &OutboxMessage) -> StoreResult<Vec<u8>> {
    let content = ContentRef {
        to: &message.to,
        from: &message.from,
        reply_to: message.reply_to.as_deref(),
        subject: message.subject.as_deref(),
        html: message.html.as_deref(),
        text: &message.text,
    };
    let json = serde_json::to_vec(&content).map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(cipher.encrypt(&json))
}

pub fn open_content(cipher: &Cipher, sealed: &[u8]) -> StoreResult<Content> {
    let json = cipher.decrypt(sealed).map_err(corrupt)?;
    serde_json::from_slice(&json).map_err(corrupt)
}

/// A counter's primary key. Batches take counters in this type's order, so two batches
/// naming the same counters always queue and never deadlock.
pub type CounterKey = (Uuid, &'static str, String);

pub fn counter_key(counter: &Counter) -> CounterKey {
    (
        *counter.service_id.as_uuid(),
        counter.kind.as_str(),
        counter.period.key(),
    )
}

/// Decides which notifications of a batch fit their limits, given the counters' values
/// before the batch, and moves `values` to what they are after it. A notification over any
/// limit changes no counter.
pub fn decide(
    batch: &[(NewNotification, Vec<CounterLimit>)],
    values: &mut BTreeMap<CounterKey, u64>,
) -> Vec<InsertOutcome> {
    batch
        .iter()
        .map(|(_, limits)| {
            let mut tentative: Vec<(CounterKey, u64)> = Vec::with_capacity(limits.len());
            for (index, limit) in limits.iter().enumerate() {
                let key = counter_key(&limit.counter);
                // A counter named twice by one notification counts both amounts.
                let before = tentative
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| *v)
                    .or_else(|| values.get(&key).copied())
                    .unwrap_or(0);
                match before.checked_add(limit.amount) {
                    Some(after) if after <= limit.ceiling => tentative.push((key, after)),
                    _ => return InsertOutcome::LimitExceeded(index),
                }
            }
            values.extend(tentative);
            InsertOutcome::Inserted
        })
        .collect()
}

/// How many of `requested` cells the GCRA grants at `now` (microseconds), and the theoretical
/// arrival time after granting them. A full allowance is `limit` cells; one cell comes back
/// every `window / limit`.
pub fn gcra(tat: Option<i64>, now: i64, requested: u32, rate: RateLimit) -> (u32, i64) {
    let tat = tat.map_or(now, |tat| tat.max(now));
    if rate.limit == 0 || requested == 0 {
        return (0, tat);
    }
    let limit = i64::from(rate.limit);
    let window = i64::from(rate.window_seconds) * 1_000_000;
    // Rounded up so `limit` cells never take less than the window to come back.
    let interval = ((window + limit - 1) / limit).max(1);
    let room = (now + interval * limit - tat).max(0) / interval;
    let granted = room.min(i64::from(requested));
    (
        u32::try_from(granted).unwrap_or(0),
        tat + granted * interval,
    )
}

#[cfg(test)]
mod tests;
