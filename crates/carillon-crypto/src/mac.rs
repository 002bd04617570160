//! HMAC-SHA256 with keys of any length, built without a fallible constructor.
//!
//! `Hmac::new_from_slice` returns a `Result` although HMAC accepts every key length. RFC 2104
//! defines how any key becomes one block: a key longer than the hash's block is first hashed,
//! then the key is padded with zero bytes to the block length. Doing that here lets callers
//! use the infallible fixed-size constructor and keeps `unwrap` out of the crate.

use hmac::digest::Key;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

/// HMAC-SHA256, as used for key derivation, lookup hashes and JWT signatures.
pub(crate) type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 instance keyed with `key` (any length), ready for `update`.
pub(crate) fn keyed(key: &[u8]) -> HmacSha256 {
    let mut block = Key::<HmacSha256>::default();
    if key.len() > block.len() {
        let mut hashed = Sha256::digest(key);
        block[..hashed.len()].copy_from_slice(&hashed);
        hashed.as_mut_slice().zeroize();
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mac = <HmacSha256 as KeyInit>::new(&block);
    block.as_mut_slice().zeroize();
    mac
}

/// HMAC-SHA256 of the concatenation of `parts` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = keyed(key);
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_slice_constructor_for_every_key_length() {
        for len in 0..200 {
            let key: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let mut reference = HmacSha256::new_from_slice(&key).unwrap();
            reference.update(b"message");
            let expected: [u8; 32] = reference.finalize().into_bytes().into();
            assert_eq!(
                hmac_sha256(&key, &[b"mess", b"age"]),
                expected,
                "key length {len}"
            );
        }
    }

    #[test]
    fn rfc_4231_test_case_2() {
        let tag = hmac_sha256(b"Jefe", &[b"what do ya want for nothing?"]);
        let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
