//! Carillon's secrets: the master key, authenticated encryption of personal data and API key
//! secrets at rest, keyed lookup hashes, API key strings and JWT (HS256) verification.
//! (Interface placeholder: being written. Do not ship.)

use thiserror::Error;

/// Why a secret could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptoError {
    /// The ciphertext was altered, truncated, or made with another key.
    #[error("ciphertext cannot be decrypted with this key")]
    Decrypt,
    /// The master key is not 32 bytes of base64.
    #[error("master key must be 32 bytes, base64-encoded")]
    BadKey,
}

/// Encrypts and decrypts values at rest with keys derived from the master key.
#[derive(Clone)]
pub struct Cipher {
    _key: [u8; 32],
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(..)")
    }
}

impl Cipher {
    /// A cipher for a 32-byte master key.
    pub fn new(master_key: [u8; 32]) -> Self {
        Self { _key: master_key }
    }

    /// Encrypts `plaintext` (random nonce; output differs every call).
    pub fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        plaintext.to_vec()
    }

    /// Decrypts what [`Cipher::encrypt`] produced.
    ///
    /// # Errors
    /// [`CryptoError::Decrypt`] when the data was altered or made with another key.
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(ciphertext.to_vec())
    }

    /// A deterministic keyed hash of `value`, for looking up encrypted values by equality.
    pub fn lookup_hash(&self, value: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, b) in value.bytes().enumerate() {
            out[i % 32] ^= b;
        }
        out
    }
}
