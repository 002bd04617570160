//! Encryption at rest and lookup hashes through the public API.

use carillon_crypto::{Cipher, CryptoError, MasterKey};
use proptest::prelude::*;

fn cipher() -> Cipher {
    Cipher::new([0x11; 32])
}

#[test]
fn round_trips_bytes_and_text() {
    let cipher = cipher();
    let secret = b"+16135550123";
    assert_eq!(cipher.decrypt(&cipher.encrypt(secret)).unwrap(), secret);
    let text = "Clé de test — ☎";
    assert_eq!(
        cipher.decrypt_string(&cipher.encrypt_str(text)).unwrap(),
        text
    );
    assert_eq!(cipher.decrypt(&cipher.encrypt(b"")).unwrap(), b"");
}

#[test]
fn master_key_and_raw_bytes_make_the_same_cipher() {
    let key = MasterKey::generate();
    let from_key = Cipher::from_master_key(&key);
    let from_bytes = Cipher::new(*key.as_bytes());
    assert_eq!(from_bytes.decrypt(&from_key.encrypt(b"x")).unwrap(), b"x");
    assert_eq!(from_key.lookup_hash("a"), from_bytes.lookup_hash("a"));
}

#[test]
fn two_encryptions_differ() {
    let cipher = cipher();
    assert_ne!(cipher.encrypt(b"same"), cipher.encrypt(b"same"));
}

#[test]
fn tampering_with_any_byte_fails() {
    let cipher = cipher();
    let sealed = cipher.encrypt(b"personal data");
    for index in 0..sealed.len() {
        for flip in [0x01, 0x80, 0xFF] {
            let mut altered = sealed.clone();
            altered[index] ^= flip;
            assert_eq!(
                cipher.decrypt(&altered),
                Err(CryptoError::Decrypt),
                "byte {index}"
            );
        }
    }
}

#[test]
fn truncated_or_extended_ciphertext_fails() {
    let cipher = cipher();
    let sealed = cipher.encrypt(b"personal data");
    for len in 0..sealed.len() {
        assert_eq!(
            cipher.decrypt(&sealed[..len]),
            Err(CryptoError::Decrypt),
            "length {len}"
        );
    }
    let mut longer = sealed;
    longer.push(0);
    assert_eq!(cipher.decrypt(&longer), Err(CryptoError::Decrypt));
}

#[test]
fn another_key_fails() {
    let sealed = cipher().encrypt(b"personal data");
    let other = Cipher::new([0x12; 32]);
    assert_eq!(other.decrypt(&sealed), Err(CryptoError::Decrypt));
}

#[test]
fn non_utf8_plaintext_is_not_a_string() {
    let cipher = cipher();
    let sealed = cipher.encrypt(&[0xFF, 0xFE]);
    assert_eq!(cipher.decrypt_string(&sealed), Err(CryptoError::Decrypt));
}

#[test]
fn lookup_hash_is_deterministic_and_key_dependent() {
    let cipher = cipher();
    let hash = cipher.lookup_hash("someone@example.gc.ca");
    assert_eq!(hash, cipher.lookup_hash("someone@example.gc.ca"));
    assert_ne!(hash, cipher.lookup_hash("someone@example.gc.ca "));
    assert_ne!(
        hash,
        Cipher::new([0x12; 32]).lookup_hash("someone@example.gc.ca")
    );
}

#[test]
fn lookup_hash_is_not_a_plain_hash_of_the_value() {
    // HMAC under a derived key, so equal to neither SHA-256(value) nor HMAC(master, value).
    use sha2::{Digest, Sha256};
    let cipher = cipher();
    let plain: [u8; 32] = Sha256::digest(b"value").into();
    assert_ne!(cipher.lookup_hash("value"), plain);
}

#[test]
fn debug_never_shows_keys() {
    assert_eq!(format!("{:?}", cipher()), "Cipher(..)");
}

proptest! {
    #[test]
    fn decrypt_inverts_encrypt(plaintext in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let cipher = cipher();
        prop_assert_eq!(cipher.decrypt(&cipher.encrypt(&plaintext)).unwrap(), plaintext);
    }

    #[test]
    fn decrypt_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        let _ = cipher().decrypt(&bytes);
    }
}
