//! Errors the template crate reports, worded as GC Notify words them so the API can pass them on.

use thiserror::Error;

/// GC Notify's limit on an SMS after personalisation and prefix, in GSM units (4 × 153).
pub const SMS_CHAR_COUNT_LIMIT: usize = 612;
/// GC Notify's limit on email content after personalisation, in characters.
pub const EMAIL_CHAR_COUNT_LIMIT: usize = 50_000;
/// GC Notify's limit on the concatenated personalisation values, in characters.
pub const PERSONALISATION_SIZE_LIMIT: usize = 51_200;

/// A template that cannot be parsed at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TemplateError {
    /// More placeholders and reserved characters than the parser can address.
    #[error("Template has more than {limit} placeholders")]
    TooManyPlaceholders {
        /// The most the parser accepts.
        limit: usize,
    },
}

/// Why one message could not be rendered for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RenderError {
    /// Placeholders with no value, by name, in template order (subject first).
    #[error("Missing personalisation: {}", .0.join(", "))]
    MissingPersonalisation(Vec<String>),
    /// A list value whose items are all empty: GC Notify silently leaves `((name))` in the
    /// message; Carillon refuses to send it.
    #[error("Personalisation for {placeholder} is an empty list: give at least one item")]
    EmptyList {
        /// The placeholder as written in the template.
        placeholder: String,
    },
    /// The message is longer than the channel allows once personalised.
    #[error("Content for template has a character count greater than the limit of {limit}")]
    ContentTooLong {
        /// The limit that was exceeded (612 for SMS, 50,000 for email).
        limit: usize,
        /// The length that was measured.
        actual: usize,
    },
    /// Nothing would be sent.
    #[error("Message is empty or just whitespace")]
    EmptyMessage,
    /// The personalisation values together are larger than GC Notify allows.
    #[error(
        "Personalisation variables size of {size} bytes is greater than allowed limit of {limit} bytes."
    )]
    PersonalisationTooLarge {
        /// Characters in all values together.
        size: usize,
        /// The limit.
        limit: usize,
    },
}
