//! The local part of a service's sending address, `<local part>@<sending domain>`.
//!
//! GC Notify makes it from the service name with its `email_safe` rule (accents stripped,
//! lower case, only letters, digits, `.`, `-` and `_` kept, no run of dots, no dot at either
//! end), so that is what a local part is here; and SMTP allows at most 64 octets.

use thiserror::Error;

/// Longest local part SMTP allows (RFC 5321 §4.5.3.1.1), in octets (all ASCII here).
const MAX_LEN: usize = 64;

/// Why a sending address's local part was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EmailLocalPartError {
    /// Nothing before the `@`.
    #[error("a sending address cannot be empty")]
    Empty,
    /// More than 64 characters.
    #[error("a sending address is at most 64 characters (this one has {0})")]
    TooLong(usize),
    /// A character other than a lower-case letter, a digit, `.`, `-` or `_`.
    #[error(
        "a sending address holds only lower-case letters, digits, '.', '-' and '_' (not {0:?})"
    )]
    InvalidCharacter(char),
    /// A `.` first, last or next to another.
    #[error("a sending address cannot start or end with '.' or hold '..'")]
    MisplacedDot,
}

/// The local part of a service's From address, as GC Notify's `email_safe` makes it:
/// lower-case ASCII letters, digits, `.`, `-` and `_`; no dot first, last or doubled; 1–64
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailLocalPart(String);

impl EmailLocalPart {
    /// Checks a local part (written without the `@` and the domain).
    ///
    /// # Errors
    /// The first rule the text breaks, as an [`EmailLocalPartError`].
    pub fn parse(text: &str) -> Result<Self, EmailLocalPartError> {
        if text.is_empty() {
            return Err(EmailLocalPartError::Empty);
        }
        if let Some(bad) = text
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(*c)))
        {
            return Err(EmailLocalPartError::InvalidCharacter(bad));
        }
        if text.len() > MAX_LEN {
            return Err(EmailLocalPartError::TooLong(text.len()));
        }
        if text.starts_with('.') || text.ends_with('.') || text.contains("..") {
            return Err(EmailLocalPartError::MisplacedDot);
        }
        Ok(Self(text.to_owned()))
    }

    /// The local part's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_newtype!(EmailLocalPart, EmailLocalPartError);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::EmailAddress;

    #[test]
    fn accepts_what_email_safe_makes() {
        for text in [
            "demo",
            "benefits",
            "test.service",
            "arc.clientele",
            "canada-benefits_2",
            "a",
            "-dash.first_",
            &"x".repeat(64),
            "senders.other.6af522d0-2915-4e52-83a3-3690455a5fe6",
        ] {
            let local = EmailLocalPart::parse(text).unwrap();
            assert_eq!(local.as_str(), text);
            assert_eq!(local.to_string(), text);
        }
    }

    #[test]
    fn refuses_the_rest() {
        use EmailLocalPartError::*;
        let cases = [
            ("", Empty),
            ("Benefits", InvalidCharacter('B')),
            ("my service", InvalidCharacter(' ')),
            ("name@example.gc.ca", InvalidCharacter('@')),
            ("café", InvalidCharacter('é')),
            ("plus+tag", InvalidCharacter('+')),
            (".leading", MisplacedDot),
            ("trailing.", MisplacedDot),
            ("double..dot", MisplacedDot),
            (".", MisplacedDot),
        ];
        for (text, error) in cases {
            assert_eq!(EmailLocalPart::parse(text), Err(error), "{text:?}");
        }
        assert_eq!(EmailLocalPart::parse(&"x".repeat(65)), Err(TooLong(65)));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            EmailLocalPart::parse("Bad").unwrap_err().to_string(),
            "a sending address holds only lower-case letters, digits, '.', '-' and '_' (not 'B')"
        );
    }

    #[test]
    fn serde_is_the_text_and_parses_on_the_way_in() {
        let local = EmailLocalPart::parse("gc.notify").unwrap();
        assert_eq!(serde_json::to_value(&local).unwrap(), "gc.notify");
        let back: EmailLocalPart = serde_json::from_value("gc.notify".into()).unwrap();
        assert_eq!(back, local);
        assert!(serde_json::from_value::<EmailLocalPart>("Bad..".into()).is_err());
    }

    proptest! {
        #[test]
        fn every_safe_text_is_accepted_and_kept(
            text in "[a-z0-9_-]{1,8}(\\.[a-z0-9_-]{1,8}){0,6}"
        ) {
            let local = EmailLocalPart::parse(&text).unwrap();
            prop_assert_eq!(local.as_str(), text.as_str());
            // A valid local part always makes a valid address.
            let address = format!("{local}@notification.canada.ca");
            prop_assert!(EmailAddress::parse(&address).is_ok());
        }

        #[test]
        fn whatever_is_accepted_obeys_the_rules(text in "\\PC{0,70}") {
            if let Ok(local) = EmailLocalPart::parse(&text) {
                let s = local.as_str();
                prop_assert!((1..=MAX_LEN).contains(&s.len()));
                prop_assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)));
                prop_assert!(!s.starts_with('.') && !s.ends_with('.') && !s.contains(".."));
            }
        }

        #[test]
        fn upper_case_is_refused(text in "[a-z]{0,5}[A-Z][a-z]{0,5}") {
            prop_assert!(matches!(
                EmailLocalPart::parse(&text),
                Err(EmailLocalPartError::InvalidCharacter(c)) if c.is_ascii_uppercase()
            ));
        }
    }
}
