//! Recipients: email addresses and phone numbers, validated as GC Notify validates them
//! (`notifications_utils/recipients.py`), with GC Notify's error messages.
//!
//! The API writes a refusal as `<field> <message>`, e.g. `phone_number Not a valid
//! international number`, so [`RecipientError`]'s `Display` is exactly GC Notify's message.

mod email;
mod phone;
#[cfg(test)]
mod tests;

use thiserror::Error;

pub use email::EmailAddress;
pub use phone::PhoneNumber;

use crate::status::NotificationType;

/// Why a recipient was refused; messages are GC Notify's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecipientError {
    /// Any invalid email address.
    #[error("Not a valid email address")]
    InvalidEmail,
    /// A phone number that is neither a valid North American number nor a valid number with
    /// a `+` and another country code.
    #[error("Not a valid international number")]
    InvalidPhone,
    /// A phone number containing `;` (checked before anything else).
    #[error("Not a valid number")]
    InvalidNumber,
    /// Not a valid North American number, when only those are allowed
    /// ([`PhoneNumber::parse_local`]).
    #[error("Not a valid local number")]
    InvalidLocalPhone,
    /// A valid international number whose E.164 form is shorter than 8 characters.
    #[error("Not enough digits")]
    NotEnoughDigits,
    /// A valid international number in a country GC Notify does not send to.
    #[error("Country code {0} is not supported")]
    UnsupportedCountryCode(u16),
}

/// A validated recipient of either channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Recipient {
    /// An email recipient.
    Email(EmailAddress),
    /// A text message recipient.
    Phone(PhoneNumber),
}

impl Recipient {
    /// Validates a recipient for a channel.
    ///
    /// # Errors
    /// The channel's [`RecipientError`].
    pub fn parse(kind: NotificationType, text: &str) -> Result<Self, RecipientError> {
        match kind {
            NotificationType::Email => EmailAddress::parse(text).map(Recipient::Email),
            NotificationType::Sms => PhoneNumber::parse(text).map(Recipient::Phone),
        }
    }

    /// The form recipients are compared and sent in.
    pub fn normalised(&self) -> String {
        match self {
            Recipient::Email(email) => email.normalised(),
            Recipient::Phone(phone) => phone.e164().to_owned(),
        }
    }
}

/// GC Notify's "obscure whitespace", removed from recipients wherever it appears: Mongolian
/// vowel separator, zero-width space, zero-width non-joiner, zero-width joiner, word joiner and
/// zero-width no-break space (byte order mark).
pub(crate) const OBSCURE_WHITESPACE: [char; 6] = [
    '\u{180E}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}',
];
