#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::soft::{SoftAuthenticator, client_data};
use super::*;

const ORIGIN: &str = "https://notify.example.ca";

fn rp() -> RelyingParty {
    RelyingParty {
        id: "notify.example.ca".to_owned(),
        origin: ORIGIN.to_owned(),
    }
}

fn registered() -> (SoftAuthenticator, NewCredential) {
    let authenticator = SoftAuthenticator::new("notify.example.ca");
    let challenge = new_challenge();
    let (client, attestation) = authenticator.register(ORIGIN, &challenge);
    let credential = verify_registration(&rp(), &challenge, &client, &attestation).unwrap();
    (authenticator, credential)
}

#[test]
fn a_registration_gives_the_credential_id_key_and_counter() {
    let (authenticator, credential) = registered();
    assert_eq!(credential.id, authenticator.credential_id);
    assert_eq!(credential.public_key, authenticator.cose_key());
    assert_eq!(credential.sign_count, 0);
    assert!(!credential.user_verified);
}

#[test]
fn a_registration_is_refused_for_each_wrong_part() {
    let authenticator = SoftAuthenticator::new("notify.example.ca");
    let challenge = new_challenge();
    let (client, attestation) = authenticator.register(ORIGIN, &challenge);
    let check = |challenge: &[u8], client: &[u8], attestation: &[u8]| {
        verify_registration(&rp(), challenge, client, attestation).unwrap_err()
    };
    assert_eq!(
        check(&[7; 32], &client, &attestation),
        WebauthnError::WrongChallenge
    );
    let other_origin = client_data("webauthn.create", &challenge, "https://evil.example");
    assert_eq!(
        check(&challenge, &other_origin, &attestation),
        WebauthnError::WrongOrigin
    );
    let get = client_data("webauthn.get", &challenge, ORIGIN);
    assert_eq!(
        check(&challenge, &get, &attestation),
        WebauthnError::WrongType
    );
    assert_eq!(
        check(&challenge, b"{", &attestation),
        WebauthnError::ClientData
    );
    assert_eq!(
        check(&challenge, &client, b"\xa0"),
        WebauthnError::Malformed
    );
    assert_eq!(
        check(&challenge, &client, &attestation[..attestation.len() - 1]),
        WebauthnError::Malformed
    );
    let mut elsewhere = SoftAuthenticator::new("evil.example");
    let (client2, attestation2) = elsewhere.register(ORIGIN, &challenge);
    assert_eq!(
        check(&challenge, &client2, &attestation2),
        WebauthnError::WrongRelyingParty
    );
    elsewhere.rp_id = "notify.example.ca".to_owned();
    elsewhere.flags = 0;
    let (client3, attestation3) = elsewhere.register(ORIGIN, &challenge);
    assert_eq!(
        check(&challenge, &client3, &attestation3),
        WebauthnError::UserNotPresent
    );
}

#[test]
fn an_assertion_verifies_and_its_counter_must_increase() {
    let (mut authenticator, credential) = registered();
    let challenge = new_challenge();
    let a = authenticator.assert(ORIGIN, &challenge);
    let verify = |a: &soft::SoftAssertion, stored: u32, challenge: &[u8]| {
        verify_assertion(
            &rp(),
            challenge,
            &credential.public_key,
            stored,
            &a.client_data_json,
            &a.authenticator_data,
            &a.signature,
        )
    };
    assert_eq!(
        verify(&a, 0, &challenge),
        Ok(Assertion {
            sign_count: 1,
            user_verified: false
        })
    );
    // The same assertion again: the counter stands at 1 now.
    assert_eq!(
        verify(&a, 1, &challenge),
        Err(WebauthnError::CounterNotIncreased)
    );
    assert_eq!(verify(&a, 0, &[1; 32]), Err(WebauthnError::WrongChallenge));
    let mut tampered = a.clone();
    tampered.authenticator_data[32] |= FLAG_USER_VERIFIED;
    assert_eq!(
        verify(&tampered, 0, &challenge),
        Err(WebauthnError::BadSignature)
    );
    let mut tampered = a;
    tampered.signature[10] ^= 1;
    assert_eq!(
        verify(&tampered, 0, &challenge),
        Err(WebauthnError::BadSignature)
    );
    // Another authenticator's signature with this credential's key.
    let mut other = SoftAuthenticator::new("notify.example.ca");
    let b = other.assert(ORIGIN, &challenge);
    assert_eq!(verify(&b, 0, &challenge), Err(WebauthnError::BadSignature));
    // An authenticator without a counter (always 0) is accepted while the stored one is 0.
    authenticator.counter = u32::MAX;
    let wrapped = authenticator.assert(ORIGIN, &challenge);
    assert_eq!(
        verify(&wrapped, 0, &challenge),
        Ok(Assertion {
            sign_count: 0,
            user_verified: false
        })
    );
    assert_eq!(
        verify(&wrapped, 5, &challenge),
        Err(WebauthnError::CounterNotIncreased)
    );
}

#[test]
fn an_assertion_for_another_site_or_without_presence_is_refused() {
    let (mut authenticator, credential) = registered();
    let challenge = new_challenge();
    let verify = |a: &soft::SoftAssertion| {
        verify_assertion(
            &rp(),
            &challenge,
            &credential.public_key,
            0,
            &a.client_data_json,
            &a.authenticator_data,
            &a.signature,
        )
    };
    authenticator.flags = 0;
    assert_eq!(
        verify(&authenticator.assert(ORIGIN, &challenge)),
        Err(WebauthnError::UserNotPresent)
    );
    authenticator.flags = 1;
    assert_eq!(
        verify(&authenticator.assert("https://notify.example.ca.evil.example", &challenge)),
        Err(WebauthnError::WrongOrigin)
    );
    authenticator.rp_id = "example.ca".to_owned();
    assert_eq!(
        verify(&authenticator.assert(ORIGIN, &challenge)),
        Err(WebauthnError::WrongRelyingParty)
    );
}

/// A fixed vector: a P-256 COSE key from RFC 9053's examples' shape, checked parsed, and a
/// point not on the curve refused.
#[test]
fn cose_keys_are_checked() {
    let (authenticator, _) = registered();
    let good = authenticator.cose_key();
    assert!(cose::PublicKey::from_cose_bytes(&good).is_some());
    let mut off_curve = good.clone();
    let last = off_curve.len() - 1;
    off_curve[last] ^= 1;
    assert!(cose::PublicKey::from_cose_bytes(&off_curve).is_none());
    // kty 2 with alg -8: EdDSA needs kty 1.
    let mut wrong_alg = good;
    wrong_alg[4] = 0x27;
    assert!(cose::PublicKey::from_cose_bytes(&wrong_alg).is_none());
    // Ed25519: {1: 1, 3: -8, -1: 6, -2: 32 bytes}
    let mut ed = vec![0xa4, 0x01, 0x01, 0x03, 0x27, 0x20, 0x06, 0x21, 0x58, 0x20];
    ed.extend_from_slice(&[9; 32]);
    assert!(matches!(
        cose::PublicKey::from_cose_bytes(&ed),
        Some(cose::PublicKey::Ed25519(_))
    ));
}

#[test]
fn base64url_round_trips_with_or_without_padding() {
    assert_eq!(encode(&[0xfb, 0xff]), "-_8");
    assert_eq!(decode("-_8").unwrap(), vec![0xfb, 0xff]);
    assert_eq!(decode("-_8=").unwrap(), vec![0xfb, 0xff]);
    assert!(decode("*").is_none());
}

proptest! {
    /// Arbitrary bytes anywhere never panic.
    #[test]
    fn arbitrary_input_never_panics(
        client in proptest::collection::vec(any::<u8>(), 0..200),
        object in proptest::collection::vec(any::<u8>(), 0..300),
        signature in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        let challenge = [0u8; 32];
        let _ = verify_registration(&rp(), &challenge, &client, &object);
        let _ = verify_assertion(&rp(), &challenge, &object, 0, &client, &object, &signature);
        let _ = cbor::read(&object);
    }

    /// A valid attestation object with bytes flipped or cut is refused or accepted, never a panic.
    #[test]
    fn mutated_attestations_never_panic(position in 0usize..400, byte in any::<u8>(), cut in 0usize..400) {
        let authenticator = SoftAuthenticator::new("notify.example.ca");
        let challenge = [3u8; 32];
        let (client, mut attestation) = authenticator.register(ORIGIN, &challenge);
        let at = position % attestation.len();
        attestation[at] = byte;
        attestation.truncate(cut.max(1));
        let _ = verify_registration(&rp(), &challenge, &client, &attestation);
    }
}

/// Writes the fuzz corpus's seeds (valid registrations in the target's layout) when
/// `CARILLON_WRITE_WEBAUTHN_SEEDS` is set; otherwise checks the committed ones still verify.
#[test]
fn fuzz_seeds_are_valid_registrations() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/webauthn");
    if std::env::var_os("CARILLON_WRITE_WEBAUTHN_SEEDS").is_some() {
        for n in 0..3 {
            let authenticator = SoftAuthenticator::new("notify.example.ca");
            let (client, attestation) = authenticator.register(ORIGIN, &[0u8; 32]);
            let length = u16::try_from(client.len()).unwrap().to_be_bytes();
            let seed = [&length[..], &client, &attestation].concat();
            std::fs::write(dir.join(format!("registration-{n}")), seed).unwrap();
        }
    }
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let valid = fuzzing::webauthn(&std::fs::read(&path).unwrap());
        count += 1;
        // Seeds are valid registrations; inputs the fuzzer adds need only not panic.
        let seed = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("registration-");
        assert!(valid || !seed, "{} no longer verifies", path.display());
    }
    assert!(
        count >= 3,
        "the seed corpus is missing from {}",
        dir.display()
    );
}
