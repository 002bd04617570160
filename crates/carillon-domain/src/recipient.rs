//! Recipients: email addresses and phone numbers, validated as GC Notify validates them.

use thiserror::Error;

use crate::status::NotificationType;

/// Why a recipient was refused; messages are GC Notify's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecipientError {
    #[error("Not a valid email address")]
    InvalidEmail,
    #[error("Not a valid international number")]
    InvalidPhone,
}

/// A valid email address, as written (surrounding and invisible whitespace removed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Validates an email address.
    ///
    /// # Errors
    /// [`RecipientError::InvalidEmail`].
    pub fn parse(text: &str) -> Result<Self, RecipientError> {
        let trimmed = text.trim();
        let (local, domain) = trimmed.rsplit_once('@').ok_or(RecipientError::InvalidEmail)?;
        if local.is_empty() || domain.split('.').count() < 2 || trimmed.len() > 320 {
            return Err(RecipientError::InvalidEmail);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The address as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address compared and sent to: lower case.
    pub fn normalised(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A valid phone number in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    e164: String,
    international: bool,
}

impl PhoneNumber {
    /// Validates a phone number; numbers without a country code are North American.
    ///
    /// # Errors
    /// [`RecipientError::InvalidPhone`].
    pub fn parse(text: &str) -> Result<Self, RecipientError> {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let e164 = match (text.trim_start().starts_with('+'), digits.len()) {
            (false, 10) => format!("+1{digits}"),
            (_, 11) if digits.starts_with('1') => format!("+{digits}"),
            (true, 8..=15) => format!("+{digits}"),
            _ => return Err(RecipientError::InvalidPhone),
        };
        let international = !e164.starts_with("+1");
        Ok(Self { e164, international })
    }

    /// The number in E.164 form (`+16135550123`).
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// Whether the number is outside the North American numbering plan.
    pub fn is_international(&self) -> bool {
        self.international
    }
}

/// A validated recipient of either channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Recipient {
    Email(EmailAddress),
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
