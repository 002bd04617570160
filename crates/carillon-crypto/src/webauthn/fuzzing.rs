//! The fuzz target's body (`fuzz/fuzz_targets/webauthn.rs`), also replayed over the committed
//! corpus by the crate's tests on stable Rust: any bytes must give an answer, never a panic.

use super::{RelyingParty, cbor, verify_assertion, verify_registration};

/// `data`: a big-endian `u16` length, that many bytes of client data JSON, then the rest as an
/// attestation object (registration) and as authenticator data, public key and signature
/// (assertion). Returns whether the registration was accepted (seeds are valid ones).
pub fn webauthn(data: &[u8]) -> bool {
    let rp = RelyingParty {
        id: "notify.example.ca".to_owned(),
        origin: "https://notify.example.ca".to_owned(),
    };
    let challenge = [0u8; 32];
    let (client, rest) = match data {
        [high, low, rest @ ..] => {
            let length = usize::from(u16::from_be_bytes([*high, *low])).min(rest.len());
            rest.split_at(length)
        }
        _ => (data, &[][..]),
    };
    let _ = cbor::read(rest);
    let registered = verify_registration(&rp, &challenge, client, rest);
    let key = registered
        .as_ref()
        .map_or(rest, |credential| credential.public_key.as_slice());
    let half = rest.len() / 2;
    let _ = verify_assertion(
        &rp,
        &challenge,
        key,
        0,
        client,
        &rest[..half],
        &rest[half..],
    );
    registered.is_ok()
}
