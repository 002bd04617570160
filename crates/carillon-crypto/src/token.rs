//! Keyed hashes of the bearer secrets the web app hands out (session ids, sign-in codes, link
//! tokens), so the database holds nothing a reader could present.
//!
//! A subkey of its own is derived from the master key (HKDF-Expand, as the [`Cipher`]'s), so a
//! token's hash never matches a recipient's lookup hash or a client reference's. Each hash is
//! scoped by a purpose, and short codes are also bound to their user: the same five digits
//! sent to two people hash differently, and guessing one person's code says nothing of another's.
//!
//! [`Cipher`]: crate::Cipher

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use crate::cipher::derive;
use crate::mac;
use crate::master_key::{MasterKey, os_random};

const TOKEN_LABEL: &[u8] = b"carillon token lookup v1";

/// Bytes of randomness in a session id or link token (256 bits).
pub const TOKEN_BYTES: usize = 32;

/// The key that hashes session ids, codes and link tokens.
#[derive(Clone)]
pub struct TokenKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

impl TokenKey {
    /// The deployment's token key: every process with the same master key computes the same
    /// hashes, so a session opened by one web process is found by another.
    pub fn from_master_key(master_key: &MasterKey) -> Self {
        Self(derive(master_key.as_bytes(), TOKEN_LABEL))
    }

    /// A key known to this process only (tests, and a single process that need not keep
    /// sessions across restarts).
    pub fn random() -> Self {
        Self(Zeroizing::new(os_random::<32>()))
    }

    /// The hash of `token` for `purpose` (such as `b"session"`).
    pub fn hash(&self, purpose: &[u8], token: &str) -> [u8; 32] {
        self.hash_parts(purpose, &[token.as_bytes()])
    }

    /// [`TokenKey::hash`] as unpadded base64url text: a tag to put in a page (a CSRF token).
    pub fn tag(&self, purpose: &[u8], token: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.hash(purpose, token))
    }

    /// The hash of a short `code` for `purpose`, bound to `owner` (the user's id as text).
    pub fn hash_bound(&self, purpose: &[u8], owner: &str, code: &str) -> [u8; 32] {
        self.hash_parts(purpose, &[owner.as_bytes(), code.as_bytes()])
    }

    fn hash_parts(&self, purpose: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        // Every part is preceded by its length, so no two tuples run into each other.
        let mut lengths = Vec::with_capacity(parts.len() + 1);
        lengths.push(len_prefix(purpose));
        lengths.extend(parts.iter().map(|part| len_prefix(part)));
        let mut input: Vec<&[u8]> = Vec::with_capacity(2 * parts.len() + 2);
        input.push(&lengths[0]);
        input.push(purpose);
        for (length, part) in lengths[1..].iter().zip(parts) {
            input.push(length);
            input.push(part);
        }
        mac::hmac_sha256(self.0.as_slice(), &input)
    }
}

fn len_prefix(part: &[u8]) -> [u8; 8] {
    u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes()
}

/// A new bearer token: 32 random bytes as unpadded base64url (43 characters).
pub fn new_token() -> String {
    let bytes = Zeroizing::new(os_random::<TOKEN_BYTES>());
    URL_SAFE_NO_PAD.encode(bytes.as_slice())
}

/// A new numeric code of `digits` digits, uniformly drawn (rejection sampling, no modulo bias).
pub fn new_numeric_code(digits: u32) -> String {
    let digits = digits.clamp(1, 9);
    let bound = 10u32.pow(digits);
    // The largest multiple of `bound` that fits: values at or above it would bias low digits.
    let limit = u32::MAX - u32::MAX % bound;
    loop {
        let value = u32::from_be_bytes(os_random::<4>());
        if value < limit {
            return format!("{:0width$}", value % bound, width = digits as usize);
        }
    }
}

/// Equality whose time does not depend on where the inputs differ (only on their lengths).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_keyed_scoped_and_bound() {
        let key = TokenKey::from_master_key(&MasterKey::from_bytes([5; 32]));
        let hash = key.hash(b"session", "abc");
        assert_eq!(hash, key.hash(b"session", "abc"));
        assert_ne!(hash, key.hash(b"reset", "abc"));
        assert_ne!(hash, key.hash(b"session", "abd"));
        assert_ne!(
            hash,
            TokenKey::from_master_key(&MasterKey::from_bytes([6; 32])).hash(b"session", "abc")
        );
        assert_ne!(
            key.hash_bound(b"code", "user-1", "12345"),
            key.hash_bound(b"code", "user-2", "12345")
        );
        assert_ne!(
            key.hash_bound(b"code", "ab", "c"),
            key.hash_bound(b"code", "a", "bc")
        );
        assert_ne!(TokenKey::random().hash(b"s", "t"), key.hash(b"s", "t"));
    }

    #[test]
    fn the_subkey_is_not_the_ciphers() {
        let master = [7; 32];
        let key = TokenKey::from_master_key(&MasterKey::from_bytes(master));
        let cipher = crate::Cipher::new(master);
        assert_ne!(key.hash(b"", "x"), cipher.lookup_hash("x"));
        assert_eq!(*key.0, *derive(&master, TOKEN_LABEL));
    }

    #[test]
    fn tokens_and_codes_have_their_shape() {
        let token = new_token();
        assert_eq!(token.len(), 43);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(token, new_token());
        for _ in 0..200 {
            let code = new_numeric_code(5);
            assert_eq!(code.len(), 5);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn constant_time_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
