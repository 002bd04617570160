//! Turning a claimed `callback_queue` row, joined with its callback and notification, into a
//! notice ready to send: the same rules on both backends.

use carillon_crypto::Cipher;
use carillon_domain::{NotificationId, ServiceId};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{corrupt, kind, open_personal, open_text, status};
use crate::{
    BearerToken, CallbackId, CallbackKind, ComplaintNotice, DueCallback, Notice, StatusNotice,
    StoreResult,
};

pub fn parse_callback_kind(text: &str) -> StoreResult<CallbackKind> {
    CallbackKind::parse(text).ok_or_else(|| corrupt(format_args!("unknown callback kind {text}")))
}

/// A queue row as read, joined with its callback (`url` … `suspended`, absent when removed),
/// its notification (absent or without `personal` once purged) and its complaint.
#[derive(Debug, Clone)]
pub struct QueuedRow {
    pub seq: i64,
    pub service_id: Uuid,
    pub kind: String,
    pub notification_id: Uuid,
    pub complaint_id: Option<Uuid>,
    pub status: Option<String>,
    pub provider_response: Option<String>,
    pub status_at: Option<OffsetDateTime>,
    pub sent_at: Option<OffsetDateTime>,
    pub attempts: i64,
    pub url: Option<String>,
    pub bearer_token: Option<Vec<u8>>,
    pub suspended: Option<bool>,
    /// Sealed: the recipient and the client reference are read from it.
    pub personal: Option<Vec<u8>>,
    pub notification_kind: Option<String>,
    pub notification_created_at: Option<OffsetDateTime>,
    pub complaint_date: Option<OffsetDateTime>,
}

impl QueuedRow {
    /// Whether the notice can still be sent: its callback exists and is active and the
    /// notification still has its personal data (and, for a complaint, the complaint exists).
    pub fn sendable(&self) -> bool {
        self.url.is_some()
            && self.bearer_token.is_some()
            && self.suspended == Some(false)
            && self.personal.is_some()
            && (self.kind != CallbackKind::Complaint.as_str() || self.complaint_date.is_some())
    }
}

/// The notice for a [`QueuedRow::sendable`] row claimed once more (its `attempts` as read,
/// before the claim).
///
/// # Errors
/// Stored data that does not decode.
pub fn due_callback(cipher: &Cipher, row: QueuedRow) -> StoreResult<DueCallback> {
    let missing = |what: &str| corrupt(format_args!("callback {} has no {what}", row.seq));
    let url = row.url.clone().ok_or_else(|| missing("url"))?;
    let token = row
        .bearer_token
        .as_deref()
        .ok_or_else(|| missing("token"))?;
    let bearer_token = BearerToken::new(open_text(cipher, token)?);
    let personal = row
        .personal
        .as_deref()
        .ok_or_else(|| missing("recipient"))?;
    let personal = open_personal(cipher, personal)?;
    let (to, reference) = (personal.to, personal.reference);
    let notification_id = NotificationId::from_uuid(row.notification_id);
    let notice = match parse_callback_kind(&row.kind)? {
        CallbackKind::DeliveryStatus => Notice::Status(StatusNotice {
            notification_id,
            reference,
            to,
            status: status(row.status.as_deref().ok_or_else(|| missing("status"))?)?,
            kind: kind(
                row.notification_kind
                    .as_deref()
                    .ok_or_else(|| missing("channel"))?,
            )?,
            provider_response: row.provider_response,
            created_at: row
                .notification_created_at
                .ok_or_else(|| missing("created_at"))?,
            updated_at: row.status_at,
            sent_at: row.sent_at,
        }),
        CallbackKind::Complaint => Notice::Complaint(ComplaintNotice {
            notification_id,
            complaint_id: row.complaint_id.ok_or_else(|| missing("complaint"))?,
            reference,
            to,
            complaint_date: row
                .complaint_date
                .ok_or_else(|| missing("complaint date"))?,
        }),
    };
    Ok(DueCallback {
        id: CallbackId(row.seq),
        attempt: u32::try_from(row.attempts + 1)
            .map_err(|_| corrupt(format_args!("callback {} attempts", row.seq)))?,
        service_id: ServiceId::from_uuid(row.service_id),
        url,
        bearer_token,
        notice,
    })
}
