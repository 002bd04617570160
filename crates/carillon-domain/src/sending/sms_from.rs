//! The sender text of a service's text messages: a name or a phone number.
//!
//! GC Notify's rule for sender names: 4–11 characters, letters, digits or full stops, not
//! starting `00` (new services get "CANADA.CA"). Dedicated long-code numbers are written in
//! E.164 form with a `+`.

use thiserror::Error;

/// Shortest and longest sender name, in characters.
const NAME_LEN: std::ops::RangeInclusive<usize> = 4..=11;
/// Fewest and most digits of a sender number: E.164 allows at most 15.
const NUMBER_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;

/// Why an SMS sender was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SmsFromError {
    /// A name shorter than 4 or longer than 11 characters.
    #[error("an SMS sender name is 4 to 11 characters (this one has {0})")]
    Length(usize),
    /// A name character other than an ASCII letter, a digit or a full stop.
    #[error("an SMS sender name holds only letters, digits and full stops (not {0:?})")]
    InvalidCharacter(char),
    /// A name starting `00`, which reads as an international dialling prefix.
    #[error("an SMS sender name cannot start with 00")]
    StartsWithDoubleZero,
    /// Text starting `+` that is not 8 to 15 digits after it.
    #[error("an SMS sender number is a + followed by 8 to 15 digits, e.g. +16135550123")]
    InvalidNumber,
}

/// What a text message shows as its sender: a name of 4–11 letters, digits or full stops
/// not starting `00` (e.g. `CANADA.CA`), or a phone number in E.164 form (e.g.
/// `+16135550123`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SmsFrom(String);

impl SmsFrom {
    /// Checks a sender name or number.
    ///
    /// # Errors
    /// The first rule the text breaks, as an [`SmsFromError`].
    pub fn parse(text: &str) -> Result<Self, SmsFromError> {
        if let Some(digits) = text.strip_prefix('+') {
            if NUMBER_DIGITS.contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                return Ok(Self(text.to_owned()));
            }
            return Err(SmsFromError::InvalidNumber);
        }
        if let Some(bad) = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '.'))
        {
            return Err(SmsFromError::InvalidCharacter(bad));
        }
        if !NAME_LEN.contains(&text.len()) {
            return Err(SmsFromError::Length(text.len()));
        }
        if text.starts_with("00") {
            return Err(SmsFromError::StartsWithDoubleZero);
        }
        Ok(Self(text.to_owned()))
    }

    /// The sender's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a phone number (a dedicated long code) rather than a name.
    pub fn is_number(&self) -> bool {
        self.0.starts_with('+')
    }
}

text_newtype!(SmsFrom, SmsFromError);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn accepts_names_and_numbers_in_use() {
        for text in [
            "CANADA.CA",
            "CARILLON",
            "GCBENEFITS",
            "GCNotify",
            "Other",
            "Third",
            "ABCD",
            "12345678901",
            "+16135550123",
            "+33612345678",
            "+12345678",
            "+123456789012345",
        ] {
            let sender = SmsFrom::parse(text).unwrap();
            assert_eq!(sender.as_str(), text);
            assert_eq!(sender.to_string(), text);
            assert_eq!(sender.is_number(), text.starts_with('+'));
        }
    }

    #[test]
    fn refuses_the_rest() {
        use SmsFromError::*;
        let cases = [
            ("", Length(0)),
            ("no", Length(2)),
            ("ABC", Length(3)),
            ("TWELVECHARSX", Length(12)),
            ("GC NOTIFY", InvalidCharacter(' ')),
            ("GC-NOTIFY", InvalidCharacter('-')),
            ("CANADÁ", InvalidCharacter('Á')),
            ("0012345", StartsWithDoubleZero),
            ("+", InvalidNumber),
            ("+1234567", InvalidNumber),
            ("+1234567890123456", InvalidNumber),
            ("+1 613 555 0123", InvalidNumber),
            ("+CANADA", InvalidNumber),
        ];
        for (text, error) in cases {
            assert_eq!(SmsFrom::parse(text), Err(error), "{text:?}");
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            SmsFrom::parse("no").unwrap_err().to_string(),
            "an SMS sender name is 4 to 11 characters (this one has 2)"
        );
    }

    #[test]
    fn serde_is_the_text_and_parses_on_the_way_in() {
        let sender = SmsFrom::parse("CANADA.CA").unwrap();
        assert_eq!(serde_json::to_value(&sender).unwrap(), "CANADA.CA");
        let back: SmsFrom = serde_json::from_value("CANADA.CA".into()).unwrap();
        assert_eq!(back, sender);
        assert!(serde_json::from_value::<SmsFrom>("no".into()).is_err());
    }

    proptest! {
        #[test]
        fn every_valid_name_is_accepted(text in "[A-Za-z1-9.][A-Za-z0-9.]{3,10}") {
            let sender = SmsFrom::parse(&text).unwrap();
            prop_assert_eq!(sender.as_str(), text.as_str());
        }

        #[test]
        fn every_e164_number_is_accepted(text in "\\+[1-9][0-9]{7,14}") {
            let sender = SmsFrom::parse(&text).unwrap();
            prop_assert!(sender.is_number());
        }

        #[test]
        fn whatever_is_accepted_obeys_the_rules(text in "\\+?[A-Za-z0-9. +-]{0,18}|\\PC{0,14}") {
            if let Ok(sender) = SmsFrom::parse(&text) {
                let s = sender.as_str();
                let number = s.strip_prefix('+').is_some_and(|d| {
                    (8..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit())
                });
                let name = (4..=11).contains(&s.len())
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
                    && !s.starts_with("00");
                prop_assert!(number || name, "{s:?}");
            }
        }
    }
}
