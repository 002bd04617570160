//! Email addresses, checked as GC Notify checks them.
//!
//! After removing obscure whitespace anywhere and ASCII whitespace at both ends, an address
//! is valid when: it is at most 320 characters; it has no `..`; it is one `@` between a
//! non-empty local part of letters `a-z A-Z`, Latin-1 letters `À-ÿ`, digits and
//! ``. ! # $ % & ' * + / = ? ^ _ ` { | } ~ -`` and a host of at least two characters that
//! does not start with `.` and holds no whitespace; and the host, IDNA-encoded, is at most 253
//! characters of at least two labels, each 1–63 characters of letters, digits and single
//! inner hyphens (or an `xn-` label), the last alphabetic (2–63) or an `xn--` label.

use crate::recipient::{OBSCURE_WHITESPACE, RecipientError};

/// Longest address accepted, in characters.
const MAX_LEN: usize = 320;
/// Longest host accepted once IDNA-encoded, in characters.
const MAX_HOST_LEN: usize = 253;
/// Longest host label, in characters.
const MAX_LABEL_LEN: usize = 63;

/// A valid email address, as written (surrounding and invisible whitespace removed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Validates an email address.
    ///
    /// # Errors
    /// [`RecipientError::InvalidEmail`].
    pub fn parse(text: &str) -> Result<Self, RecipientError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !OBSCURE_WHITESPACE.contains(c))
            .collect();
        // Python's `str.strip(string.whitespace)`: ASCII whitespace only.
        let cleaned =
            cleaned.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C'));
        if is_valid(cleaned) {
            Ok(Self(cleaned.to_owned()))
        } else {
            Err(RecipientError::InvalidEmail)
        }
    }

    /// The address as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address compared and sent to: lower case.
    pub fn normalised(&self) -> String {
        self.0.to_lowercase()
    }

    /// The part after the `@`, as written.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || ('\u{C0}'..='\u{FF}').contains(&c)
        || ".!#$%&'*+/=?^_`{|}~-".contains(c)
}

fn is_valid(address: &str) -> bool {
    let Some((local, host)) = address.split_once('@') else {
        return false;
    };
    let shape_ok = !local.is_empty()
        && local.chars().all(is_local_char)
        && host.chars().count() >= 2
        && !host.starts_with('.')
        && !host.contains(|c: char| c == '@' || is_python_space(c));
    if !shape_ok || address.chars().count() > MAX_LEN || address.contains("..") {
        return false;
    }
    let Ok(ascii) = idna::domain_to_ascii(host) else {
        return false;
    };
    let labels: Vec<&str> = ascii.split('.').collect();
    if ascii.len() > MAX_HOST_LEN || labels.len() < 2 {
        return false;
    }
    labels.iter().all(|label| is_host_label(label))
        && labels.last().is_some_and(|tld| is_top_level_label(tld))
}

/// Letters and digits in groups joined by single hyphens (`a1-b2-c3`).
fn is_hyphenated_groups(text: &str) -> bool {
    text.split('-')
        .all(|group| !group.is_empty() && group.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Python's `\s` also matches the ASCII information separators, which `char::is_whitespace`
/// does not.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c)
}

/// One host label, 1–63 characters: letters/digits groups joined by single hyphens, or `xn-`
/// followed by any number of `-group`s (case-insensitive).
fn is_host_label(label: &str) -> bool {
    if label.is_empty() || label.len() > MAX_LABEL_LEN {
        return false;
    }
    if is_hyphenated_groups(label) {
        return true;
    }
    match label.get(..3) {
        Some(start) if start.eq_ignore_ascii_case("xn-") => {
            let rest = &label[3..];
            rest.is_empty() || rest.strip_prefix('-').is_some_and(is_hyphenated_groups)
        }
        _ => false,
    }
}

/// The last label: 2–63 ASCII letters, or `xn--` followed by groups of letters/digits joined
/// by single hyphens.
fn is_top_level_label(label: &str) -> bool {
    if (2..=MAX_LABEL_LEN).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return true;
    }
    match label.get(..4) {
        Some(start) if start.eq_ignore_ascii_case("xn--") => is_hyphenated_groups(&label[4..]),
        _ => false,
    }
}
