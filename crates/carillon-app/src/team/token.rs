//! Invitation link tokens: 32 random bytes, base64url, of which the store keeps only a hash.
//!
//! The token has 256 bits of entropy, so a plain SHA-256 (with a label of its own, so it
//! never matches another kind of hash) cannot be reversed or guessed from a copy of the
//! database; no key is needed for that, unlike hashes of short codes or email addresses.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::TeamError;

const LABEL: &[u8] = b"carillon invitation token v1\0";

/// A fresh token (43 characters) and its hash.
pub(crate) fn generate() -> Result<(String, [u8; 32]), TeamError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| TeamError::InvitationNotSent)?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    Ok((token, hash))
}

/// The stored hash of a presented token.
pub(crate) fn hash(token: &str) -> [u8; 32] {
    let mut digest = Sha256::new();
    digest.update(LABEL);
    digest.update(token.trim().as_bytes());
    digest.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::unwrap_used)]
    fn tokens_differ_and_hash_back() {
        let (a, hash_a) = generate().unwrap();
        let (b, _) = generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash(&a), hash_a);
        assert_ne!(hash(&b), hash_a);
    }
}
