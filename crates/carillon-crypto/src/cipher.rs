//! Encryption at rest and lookup hashes, with four subkeys derived from the master key.
//!
//! Subkeys are HKDF-Expand(SHA-256) outputs with the master key as the pseudorandom key
//! (RFC 5869 §3.3: a uniformly random key needs no extract step) and distinct labels, so the
//! encryption key and the three lookup keys (one for secrets and accounts, one for client
//! references, one for notification recipients) are independent. One block of HKDF-Expand is
//! HMAC-SHA256(key, label ‖ 0x01), which is what [`derive`] computes.
//!
//! Ciphertext layout (version 1): `0x01 ‖ nonce (24 bytes) ‖ XChaCha20-Poly1305 ciphertext ‖
//! tag (16 bytes)`. The version byte is also the associated data, so it is authenticated.

use std::fmt;

use chacha20poly1305::aead::Aead as _;
use chacha20poly1305::aead::Payload;
use chacha20poly1305::{Key, KeyInit, XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

use crate::master_key::os_random;
use crate::{CryptoError, MasterKey, mac};

/// The first byte of every ciphertext this version writes.
pub const FORMAT_VERSION: u8 = 0x01;

const ENCRYPTION_LABEL: &[u8] = b"carillon encryption v1";
const LOOKUP_LABEL: &[u8] = b"carillon lookup v1";
const REFERENCE_LABEL: &[u8] = b"carillon client reference lookup v1";
const RECIPIENT_LABEL: &[u8] = b"carillon notification recipient lookup v1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + NONCE_LEN;

/// A 32-byte subkey for `label`: one block of HKDF-Expand with the master key as PRK.
pub(crate) fn derive(master: &[u8; 32], label: &[u8]) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(mac::hmac_sha256(master, &[label, &[1]]))
}

/// Encrypts and decrypts values at rest with keys derived from the master key.
#[derive(Clone)]
pub struct Cipher {
    aead: XChaCha20Poly1305,
    lookup_key: Zeroizing<[u8; 32]>,
    reference_key: Zeroizing<[u8; 32]>,
    recipient_key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cipher(..)")
    }
}

impl Cipher {
    /// A cipher for a 32-byte master key.
    pub fn new(master_key: [u8; 32]) -> Self {
        let mut master_key = master_key;
        let cipher = Self::derive_from(&master_key);
        master_key.zeroize();
        cipher
    }

    /// A cipher for a [`MasterKey`].
    pub fn from_master_key(master_key: &MasterKey) -> Self {
        Self::derive_from(master_key.as_bytes())
    }

    fn derive_from(master: &[u8; 32]) -> Self {
        let encryption_key = derive(master, ENCRYPTION_LABEL);
        let aead = XChaCha20Poly1305::new(&Key::from(*encryption_key));
        Self {
            aead,
            lookup_key: derive(master, LOOKUP_LABEL),
            reference_key: derive(master, REFERENCE_LABEL),
            recipient_key: derive(master, RECIPIENT_LABEL),
        }
    }

    /// Encrypts `plaintext` (random nonce; output differs every call).
    ///
    /// # Panics
    /// When the operating system cannot provide randomness for the nonce, or the plaintext is
    /// longer than XChaCha20's 256 GiB limit.
    pub fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        let nonce = XNonce::from(os_random::<NONCE_LEN>());
        let payload = Payload {
            msg: plaintext,
            aad: &[FORMAT_VERSION],
        };
        let Ok(sealed) = self.aead.encrypt(&nonce, payload) else {
            panic!("plaintext exceeds XChaCha20-Poly1305's length limit");
        };
        let mut out = Vec::with_capacity(HEADER_LEN + sealed.len());
        out.push(FORMAT_VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Decrypts what [`Cipher::encrypt`] produced.
    ///
    /// # Errors
    /// [`CryptoError::Decrypt`] when the data was altered or made with another key.
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if ciphertext.len() < HEADER_LEN + TAG_LEN || ciphertext[0] != FORMAT_VERSION {
            return Err(CryptoError::Decrypt);
        }
        let (header, sealed) = ciphertext.split_at(HEADER_LEN);
        let nonce = XNonce::try_from(&header[1..]).map_err(|_| CryptoError::Decrypt)?;
        let payload = Payload {
            msg: sealed,
            aad: &[FORMAT_VERSION],
        };
        self.aead
            .decrypt(&nonce, payload)
            .map_err(|_| CryptoError::Decrypt)
    }

    /// Encrypts UTF-8 text; see [`Cipher::encrypt`].
    ///
    /// # Panics
    /// As [`Cipher::encrypt`].
    pub fn encrypt_str(&self, plaintext: &str) -> Vec<u8> {
        self.encrypt(plaintext.as_bytes())
    }

    /// Decrypts what [`Cipher::encrypt_str`] produced.
    ///
    /// # Errors
    /// [`CryptoError::Decrypt`] when the data was altered, made with another key, or does
    /// not decrypt to UTF-8 text.
    pub fn decrypt_string(&self, ciphertext: &[u8]) -> Result<String, CryptoError> {
        let bytes = self.decrypt(ciphertext)?;
        String::from_utf8(bytes).map_err(|error| {
            let mut bytes = error.into_bytes();
            bytes.zeroize();
            CryptoError::Decrypt
        })
    }

    /// A deterministic keyed hash of `value`, for looking up encrypted values by equality:
    /// HMAC-SHA256 under the lookup subkey. Normalise `value` (case, whitespace) before
    /// hashing if lookups should ignore such differences.
    pub fn lookup_hash(&self, value: &str) -> [u8; 32] {
        mac::hmac_sha256(self.lookup_key.as_slice(), &[value.as_bytes()])
    }

    /// A deterministic keyed hash of a client reference within `scope` (the owning service's
    /// id), for finding notifications by their encrypted reference: HMAC-SHA256 under a subkey
    /// of its own, so a reference's hash never matches the hash of an API key secret or a
    /// recipient, and the same reference in two scopes hashes differently (a copy of the
    /// database does not show which services share references). Exact: no normalisation, as
    /// GC Notify compares references exactly.
    pub fn reference_hash(&self, scope: &[u8], reference: &str) -> [u8; 32] {
        scoped_hash(&self.reference_key, scope, reference)
    }

    /// A deterministic keyed hash of a notification's recipient within `scope` (the owning
    /// service's id), for finding a service's notifications to one address or number without
    /// decrypting any row. `normalised` must already be in the form recipients are compared
    /// in (lower-case address, E.164 number): the hash itself is exact. A subkey of its own
    /// and the scope keep it from matching account email hashes, references, or the same
    /// recipient in another service.
    pub fn recipient_hash(&self, scope: &[u8], normalised: &str) -> [u8; 32] {
        scoped_hash(&self.recipient_key, scope, normalised)
    }
}

/// HMAC-SHA256 of `scope` and `value` under `key`, the scope's length first so that no
/// (scope, value) pair runs into another.
fn scoped_hash(key: &[u8; 32], scope: &[u8], value: &str) -> [u8; 32] {
    let scope_len = u64::try_from(scope.len()).unwrap_or(u64::MAX).to_be_bytes();
    mac::hmac_sha256(key.as_slice(), &[&scope_len, scope, value.as_bytes()])
}

#[cfg(test)]
mod tests {
    use hkdf::Hkdf;
    use sha2::Sha256;

    use super::*;

    #[test]
    fn subkeys_are_hkdf_expand_with_the_master_key_as_prk() {
        let master = [0x42; 32];
        for label in [
            ENCRYPTION_LABEL,
            LOOKUP_LABEL,
            REFERENCE_LABEL,
            RECIPIENT_LABEL,
        ] {
            let hkdf = Hkdf::<Sha256>::from_prk(&master).unwrap();
            let mut expected = [0u8; 32];
            hkdf.expand(label, &mut expected).unwrap();
            assert_eq!(*derive(&master, label), expected);
        }
        assert_ne!(
            *derive(&master, ENCRYPTION_LABEL),
            *derive(&master, LOOKUP_LABEL)
        );
        assert_ne!(
            *derive(&master, LOOKUP_LABEL),
            *derive(&master, REFERENCE_LABEL)
        );
    }

    #[test]
    fn reference_hashes_are_keyed_scoped_and_exact() {
        let cipher = Cipher::new([3; 32]);
        let hash = cipher.reference_hash(b"service-a", "ref-1");
        assert_eq!(hash, cipher.reference_hash(b"service-a", "ref-1"));
        assert_ne!(hash, cipher.reference_hash(b"service-b", "ref-1"));
        assert_ne!(hash, cipher.reference_hash(b"service-a", "REF-1"));
        assert_ne!(hash, cipher.reference_hash(b"service-a", "ref-1 "));
        // The scope and the reference do not run together.
        assert_ne!(
            cipher.reference_hash(b"ab", "c"),
            cipher.reference_hash(b"a", "bc")
        );
        assert_ne!(
            hash,
            Cipher::new([4; 32]).reference_hash(b"service-a", "ref-1")
        );
        assert_ne!(hash, cipher.lookup_hash("ref-1"));
        let expected = mac::hmac_sha256(
            &*derive(&[3; 32], REFERENCE_LABEL),
            &[&9_u64.to_be_bytes(), b"service-a", b"ref-1"],
        );
        assert_eq!(hash, expected);
    }

    #[test]
    fn recipient_hashes_are_keyed_scoped_and_apart_from_references() {
        let cipher = Cipher::new([3; 32]);
        let hash = cipher.recipient_hash(b"service-a", "ada@example.ca");
        assert_eq!(hash, cipher.recipient_hash(b"service-a", "ada@example.ca"));
        assert_ne!(hash, cipher.recipient_hash(b"service-b", "ada@example.ca"));
        assert_ne!(hash, cipher.recipient_hash(b"service-a", "bob@example.ca"));
        assert_ne!(hash, cipher.reference_hash(b"service-a", "ada@example.ca"));
        assert_ne!(hash, cipher.lookup_hash("ada@example.ca"));
        assert_ne!(
            hash,
            Cipher::new([4; 32]).recipient_hash(b"service-a", "ada@example.ca")
        );
        let expected = mac::hmac_sha256(
            &*derive(&[3; 32], RECIPIENT_LABEL),
            &[&9_u64.to_be_bytes(), b"service-a", b"ada@example.ca"],
        );
        assert_eq!(hash, expected);
    }

    #[test]
    fn layout_is_version_nonce_ciphertext_tag() {
        let cipher = Cipher::new([1; 32]);
        let sealed = cipher.encrypt(b"abc");
        assert_eq!(sealed.len(), 1 + NONCE_LEN + 3 + TAG_LEN);
        assert_eq!(sealed[0], FORMAT_VERSION);
    }
}
