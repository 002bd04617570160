//! Carillon's secrets: the master key, authenticated encryption of personal data and API key
//! secrets at rest, keyed lookup hashes, API key strings and JWT (HS256) verification.
//!
//! Everything here derives from one [`MasterKey`] (32 random bytes, kept as base64 in the
//! deployment's configuration). A [`Cipher`] derives independent subkeys from it, one to
//! encrypt (XChaCha20-Poly1305) and two to compute lookup hashes (HMAC-SHA256: secrets and
//! recipients, client references), so a leaked lookup hash says nothing about the encryption
//! key. [`api_key`] reads and writes GC Notify's
//! `gcntfy-…` key strings and [`jwt`] checks the HS256 tokens GC Notify's clients send.
//! For the web app, [`password`] hashes passwords with Argon2id, [`totp`] computes
//! authenticator codes, and [`token`] makes session ids, codes and link tokens and hashes them
//! under a subkey of their own, and [`webauthn`] checks security keys' registrations and
//! signatures.
//!
//! The crate is a leaf: it depends on no other Carillon crate, so identifiers cross its
//! boundary as text.

pub mod api_key;
mod cipher;
pub mod jwt;
mod mac;
mod master_key;
pub mod password;
pub mod token;
pub mod totp;
pub mod webauthn;

use thiserror::Error;

pub use cipher::{Cipher, FORMAT_VERSION};
pub use master_key::MasterKey;
pub use token::TokenKey;

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
