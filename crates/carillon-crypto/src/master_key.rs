//! The master key: 32 random bytes from which every other key is derived.
//!
//! It is written in configuration as standard base64 (44 characters with padding; the form
//! without padding is accepted too). It never prints itself and its bytes are wiped on drop.

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use zeroize::Zeroize;

use crate::CryptoError;

/// Standard base64 that writes padding and reads it whether present or not.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Fills an array from the operating system's random number generator.
///
/// # Panics
/// When the operating system cannot provide randomness, as `Uuid::new_v4` does: nothing
/// secret can be made safely without it.
pub(crate) fn os_random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Err(error) = getrandom::fill(&mut bytes) {
        panic!("the operating system's random number generator failed: {error}");
    }
    bytes
}

/// The deployment's root secret: 32 bytes, redacted in `Debug`, zeroed on drop.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    /// A new key from the operating system's random number generator.
    ///
    /// # Panics
    /// When the operating system cannot provide randomness.
    pub fn generate() -> Self {
        Self(os_random())
    }

    /// A key from its 32 raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Reads a key written by [`MasterKey::to_base64`]; surrounding whitespace is ignored and
    /// padding is optional.
    ///
    /// # Errors
    /// [`CryptoError::BadKey`] when the text is not base64 or does not hold exactly 32 bytes.
    pub fn from_base64(text: &str) -> Result<Self, CryptoError> {
        let mut decoded = BASE64
            .decode(text.trim())
            .map_err(|_| CryptoError::BadKey)?;
        let key = <[u8; 32]>::try_from(decoded.as_slice())
            .map(Self)
            .map_err(|_| CryptoError::BadKey);
        decoded.zeroize();
        key
    }

    /// The key as standard base64 with padding (44 characters).
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0)
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Drop for MasterKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_is_44_characters() {
        let key = MasterKey::generate();
        let text = key.to_base64();
        assert_eq!(text.len(), 44);
        assert!(text.ends_with('='));
        let back = MasterKey::from_base64(&text).unwrap();
        assert_eq!(back.as_bytes(), key.as_bytes());
    }

    #[test]
    fn accepts_missing_padding_and_surrounding_whitespace() {
        let key = MasterKey::from_bytes([7; 32]);
        let text = key.to_base64();
        let unpadded = text.trim_end_matches('=');
        assert_eq!(unpadded.len(), 43);
        assert_eq!(
            MasterKey::from_base64(unpadded).unwrap().as_bytes(),
            &[7; 32]
        );
        let spaced = format!("  {text}\n");
        assert_eq!(
            MasterKey::from_base64(&spaced).unwrap().as_bytes(),
            &[7; 32]
        );
    }

    #[test]
    fn rejects_wrong_lengths_and_non_base64() {
        let short = BASE64.encode([1u8; 31]);
        let long = BASE64.encode([1u8; 33]);
        for text in [
            short.as_str(),
            long.as_str(),
            "",
            "not base64 at all!",
            "%%%%",
        ] {
            assert_eq!(
                MasterKey::from_base64(text).unwrap_err(),
                CryptoError::BadKey,
                "{text:?}"
            );
        }
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(
            MasterKey::generate().as_bytes(),
            MasterKey::generate().as_bytes()
        );
    }

    #[test]
    fn debug_redacts() {
        let key = MasterKey::from_bytes([0xAB; 32]);
        let shown = format!("{key:?}");
        assert_eq!(shown, "MasterKey(..)");
        assert!(!shown.contains(&key.to_base64()));
    }
}
