//! Time-based one-time passwords (RFC 6238) as authenticator apps compute them: HMAC-SHA1,
//! six digits, 30-second steps from the Unix epoch.
//!
//! Verification accepts the current step and one either side (clock drift between the phone
//! and the server) and returns the step that matched, so the caller can refuse a step it has
//! already accepted (a replayed code).

use crate::master_key::os_random;
use crate::token::constant_time_eq;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Seconds per time step.
pub const STEP_SECONDS: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;
/// Bytes in a generated secret (160 bits, RFC 4226's recommendation).
pub const SECRET_LEN: usize = 20;

/// A fresh random secret for a new authenticator.
pub fn generate_secret() -> Vec<u8> {
    os_random::<SECRET_LEN>().to_vec()
}

/// The time step holding Unix time `unix_seconds`.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The code for time step `step` (RFC 4226 dynamic truncation, zero-padded).
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    // HMAC accepts keys of any length; `new_from_slice` only fails for fixed-size-key MACs.
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    let code = binary % 10u32.pow(DIGITS);
    format!("{code:0width$}", width = DIGITS as usize)
}

/// The step whose code `code` is, among the step at `unix_seconds` and one either side, or
/// `None`. Spaces in `code` are ignored (apps show "123 456"); anything but six digits fails.
pub fn verify(secret: &[u8], code: &str, unix_seconds: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    // Every candidate is computed and compared, so the time does not say which one matched.
    let mut matched = None;
    for step in [now - 1, now, now + 1] {
        if constant_time_eq(code_at_step(secret, step).as_bytes(), code.as_bytes()) {
            matched = Some(step);
        }
    }
    matched
}

/// The secret as RFC 4648 base32 without padding, what a person types into an app that
/// cannot scan the QR code (and what screen-reader users are shown).
pub fn secret_base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// Reads what [`secret_base32`] wrote (`None` for anything else).
pub fn secret_from_base32(text: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD.decode(text.as_bytes()).ok()
}

/// The `otpauth://totp/...` URI an authenticator app reads from a QR code. `issuer` and
/// `account` are percent-encoded.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    let issuer_enc = percent(issuer);
    format!(
        "otpauth://totp/{issuer_enc}:{account}?secret={secret}&issuer={issuer_enc}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        account = percent(account),
        secret = secret_base32(secret),
    )
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_vectors_truncated_to_six_digits() {
        // Appendix B lists eight-digit codes; six-digit codes are their last six digits.
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                code_at_step(RFC_SECRET, step_at(time)),
                eight[2..],
                "{time}"
            );
        }
    }

    #[test]
    fn verification_accepts_one_step_either_side_and_returns_it() {
        let now = 1_234_567_890;
        let step = step_at(now);
        for candidate in [step - 1, step, step + 1] {
            let code = code_at_step(RFC_SECRET, candidate);
            assert_eq!(verify(RFC_SECRET, &code, now), Some(candidate));
        }
        for far in [step - 2, step + 2] {
            let code = code_at_step(RFC_SECRET, far);
            assert_eq!(verify(RFC_SECRET, &code, now), None);
        }
    }

    #[test]
    fn spaces_are_ignored_and_other_input_refused() {
        let now = 59;
        let code = code_at_step(RFC_SECRET, step_at(now));
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(verify(RFC_SECRET, &spaced, now), Some(step_at(now)));
        assert_eq!(verify(RFC_SECRET, "", now), None);
        assert_eq!(verify(RFC_SECRET, "12345", now), None);
        assert_eq!(verify(RFC_SECRET, "abcdef", now), None);
        assert_eq!(verify(b"another secret", &code, now), None);
    }

    #[test]
    fn base32_and_uri() {
        assert_eq!(secret_base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(
            secret_base32(RFC_SECRET),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        assert_eq!(
            otpauth_uri(b"foobar", "GC Notify", "a.b@canada.ca"),
            "otpauth://totp/GC%20Notify:a.b%40canada.ca?secret=MZXW6YTBOI&issuer=GC%20Notify\
             &algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(
            secret_from_base32("MZXW6YTBOI").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(secret_from_base32("not base32!"), None);
        assert_eq!(generate_secret().len(), SECRET_LEN);
        assert_ne!(generate_secret(), generate_secret());
    }
}
