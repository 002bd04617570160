//! A service's reply-to addresses, SMS senders and safelist.

use crate::ids::{ReplyToId, SafelistId, ServiceId, SmsSenderId};
use crate::sending::SmsFrom;
use crate::status::NotificationType;

/// An email reply-to address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTo {
    pub id: ReplyToId,
    pub service_id: ServiceId,
    pub email_address: String,
    pub is_default: bool,
    pub archived: bool,
    /// Whether someone opened the verification link sent to the address. Only a verified
    /// address can be the default or be used when sending.
    pub verified: bool,
}

/// An SMS sender name or number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsSender {
    pub id: SmsSenderId,
    pub service_id: ServiceId,
    pub sms_sender: SmsFrom,
    pub is_default: bool,
    pub archived: bool,
}

/// A recipient a team key or a trial service may send to. `recipient` is normalised
/// (lower-case email address or E.164 number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafelistEntry {
    pub id: SafelistId,
    pub service_id: ServiceId,
    pub kind: NotificationType,
    pub recipient: String,
    /// Team members are listed here too: they receive from team keys like the safelist.
    pub team_member: bool,
}
