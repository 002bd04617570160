//! GC Notify's API key strings: `gcntfy-<key_name>-<service_id>-<secret>`.
//!
//! The admin shows a key once, as the prefix, the key's name made safe, the service id and
//! the 36-character secret, joined by hyphens. Clients and the API read it from the end: the
//! secret is the last 36 characters and the service id the 36 characters before the hyphen
//! that precedes the secret, so whatever the name contains never matters. Lengths here are
//! counted in characters, as GC Notify (Python) counts them.

use std::fmt;

use thiserror::Error;
use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::is_combining_mark;

/// What every key string starts with (lets secret scanners recognise leaked keys).
pub const PREFIX: &str = "gcntfy-";

/// Length of the secret and of the service id, in characters (hyphenated UUIDs).
pub const PART_LEN: usize = 36;

/// The shortest key string GC Notify accepts, in characters: the prefix and two parts.
pub const MIN_KEY_LEN: usize = 79;

/// Why a key string was refused. Both map to GC Notify's 403
/// "Invalid token: Enter your full API key".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum KeyFormatError {
    /// The string does not start with [`PREFIX`].
    #[error("Invalid token: Enter your full API key")]
    MissingPrefix,
    /// The string is shorter than [`MIN_KEY_LEN`] characters.
    #[error("Invalid token: Enter your full API key")]
    TooShort,
}

/// The parts of a key string that matter: whose key it is and its secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedKey {
    /// The service id written in the key (not checked to be a UUID).
    pub service_id: String,
    /// The 36-character secret.
    pub secret: String,
}

impl fmt::Debug for ParsedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedKey")
            .field("service_id", &self.service_id)
            .field("secret", &"..")
            .finish()
    }
}

/// A key's name as the admin writes it into the key string (GC Notify's `email_safe` with
/// `_` for whitespace): accents and other combining marks removed, surrounding whitespace
/// trimmed, each run of whitespace made one `_`, letters and digits lower-cased and kept,
/// `-` and `_` kept, everything else (including `.`) dropped, then each run of `-`/`_`
/// reduced to its last character.
///
/// `"Clé de test"` becomes `"cle_de_test"`.
pub fn sanitise_key_name(name: &str) -> String {
    let mut spaced = String::with_capacity(name.len());
    let mut in_whitespace = false;
    for c in name.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            in_whitespace = true;
            continue;
        }
        if in_whitespace && !spaced.is_empty() {
            spaced.push('_');
        }
        in_whitespace = false;
        spaced.push(c);
    }
    let mut safe = String::with_capacity(spaced.len());
    for c in spaced.chars() {
        if c.is_alphanumeric() {
            safe.extend(c.to_lowercase());
        } else if c == '-' || c == '_' {
            // A run of separators keeps only its last one.
            if safe.ends_with(['-', '_']) {
                safe.pop();
            }
            safe.push(c);
        }
    }
    safe
}

/// The key string shown once to the user: `gcntfy-<safe name>-<service_id>-<secret>`.
pub fn format_key(name: &str, service_id: &str, secret: &str) -> String {
    format!("{PREFIX}{}-{service_id}-{secret}", sanitise_key_name(name))
}

/// The byte offset where the last `n` characters of `text` start (0 when it is shorter).
fn start_of_last_chars(text: &str, n: usize) -> usize {
    if n == 0 {
        return text.len();
    }
    text.char_indices()
        .rev()
        .nth(n - 1)
        .map_or(0, |(index, _)| index)
}

/// The last 36 characters of a key string, where its secret is (the whole string when it is
/// shorter). GC Notify looks this up before checking the rest of the string, so an unknown
/// secret in a truncated key gets "API key not found" rather than "Enter your full API key";
/// use this to keep that order.
pub fn secret_part(full: &str) -> &str {
    &full[start_of_last_chars(full, PART_LEN)..]
}

/// Splits a key string GC Notify's way: it must start with [`PREFIX`] and be at least
/// [`MIN_KEY_LEN`] characters; the secret is the last 36 characters and the service id the 36
/// characters that end 37 characters from the end.
///
/// # Errors
/// [`KeyFormatError::MissingPrefix`] or [`KeyFormatError::TooShort`].
pub fn parse_key(full: &str) -> Result<ParsedKey, KeyFormatError> {
    if !full.starts_with(PREFIX) {
        return Err(KeyFormatError::MissingPrefix);
    }
    if full.chars().count() < MIN_KEY_LEN {
        return Err(KeyFormatError::TooShort);
    }
    let secret_start = start_of_last_chars(full, PART_LEN);
    let service_end = start_of_last_chars(full, PART_LEN + 1);
    let service_start = start_of_last_chars(full, 2 * PART_LEN + 1);
    Ok(ParsedKey {
        service_id: full[service_start..service_end].to_owned(),
        secret: full[secret_start..].to_owned(),
    })
}

/// A new key secret: a random (version 4) UUID in hyphenated form, 36 characters.
///
/// # Panics
/// When the operating system cannot provide randomness (see `Uuid::new_v4`).
pub fn generate_secret() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}
