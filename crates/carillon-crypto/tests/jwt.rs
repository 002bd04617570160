//! HS256 tokens as GC Notify's clients send them.

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use carillon_crypto::jwt::{Claims, JwtError, decode_unverified, sign, verify};
use hmac::{Hmac, KeyInit, Mac};
use proptest::prelude::*;
use sha2::Sha256;

const SERVICE: &str = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SECRET: &str = "0f9e8d7c-6b5a-4c3d-9e1f-a0b1c2d3e4f5";
const IAT: i64 = 1_767_225_600;

fn b64(json: &str) -> String {
    URL_SAFE_NO_PAD.encode(json)
}

/// A token with any header and claims, signed HS256 with `secret`.
#[allow(clippy::unwrap_used)] // test helper; HMAC accepts any key length
fn forge(header: &str, claims: &str, secret: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

const HS256: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

#[test]
fn signed_tokens_verify_and_decode() {
    let token = sign(SERVICE, IAT, SECRET);
    assert!(verify(&token, SECRET));
    let claims = decode_unverified(&token).unwrap();
    assert_eq!(
        claims,
        Claims {
            iss: Some(SERVICE.to_owned()),
            iat: Some(IAT)
        }
    );
    assert_eq!(claims.issuer(), Ok(SERVICE));
    let header = token.split('.').next().unwrap();
    assert_eq!(URL_SAFE_NO_PAD.decode(header).unwrap(), HS256.as_bytes());
}

#[test]
fn tokens_made_elsewhere_verify() {
    let token = forge(
        HS256,
        &format!(r#"{{"iss":"{SERVICE}","iat":{IAT}}}"#),
        SECRET,
    );
    assert!(verify(&token, SECRET));
    // Header order and extra header fields do not matter.
    let token = forge(
        r#"{"alg":"HS256","typ":"JWT","kid":"x"}"#,
        r#"{"iss":"a","iat":1}"#,
        SECRET,
    );
    assert!(verify(&token, SECRET));
}

/// Tokens made by PyJWT 2.15 (`jwt.encode`, as notifications-python-client does), the second
/// with a fractional `iat`.
const PYJWT_TOKENS: [(&str, i64); 2] = [
    (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiI4YTFiMmMzZC00ZTVmLTRhNmItOGM3ZC05ZTBmMWEy\
         YjNjNGQiLCJpYXQiOjE3NjcyMjU2MDB9.LX89vY8Vp4EWKDcdc15TYPpEndkFmBuzAHifMGEcGig",
        IAT,
    ),
    (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiI4YTFiMmMzZC00ZTVmLTRhNmItOGM3ZC05ZTBmMWEy\
         YjNjNGQiLCJpYXQiOjE3NjcyMjU2MDAuNX0.YWq589JWjwC-WO29Cxy_S1hNUJlbcuYC9jftAfULS2U",
        IAT,
    ),
];

#[test]
fn tokens_from_the_python_client_library_verify() {
    for (token, iat) in PYJWT_TOKENS {
        assert!(verify(token, SECRET), "{token}");
        assert!(!verify(token, "wrong"));
        let claims = decode_unverified(token).unwrap();
        assert_eq!(claims.iss.as_deref(), Some(SERVICE));
        assert_eq!(claims.iat, Some(iat));
    }
}

#[test]
fn wrong_secret_fails() {
    let token = sign(SERVICE, IAT, SECRET);
    assert!(!verify(&token, "another-secret"));
    assert!(!verify(&token, ""));
    assert!(!verify(&token, &SECRET[..35]));
}

#[test]
fn only_hs256_is_accepted() {
    let claims = format!(r#"{{"iss":"{SERVICE}","iat":{IAT}}}"#);
    for header in [
        r#"{"typ":"JWT","alg":"none"}"#,
        r#"{"typ":"JWT","alg":"HS512"}"#,
        r#"{"typ":"JWT","alg":"hs256"}"#,
        r#"{"typ":"JWT","alg":"RS256"}"#,
        r#"{"typ":"JWT"}"#,
    ] {
        assert!(!verify(&forge(header, &claims, SECRET), SECRET), "{header}");
    }
    // `alg: none` with an empty signature decodes (to find the service) but never verifies.
    let none = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(&claims));
    assert!(decode_unverified(&none).is_ok());
    assert!(!verify(&none, SECRET));
    assert!(!verify(&none, ""));
}

#[test]
fn tampered_tokens_fail() {
    let token = sign(SERVICE, IAT, SECRET);
    let other = sign("another-service", IAT, SECRET);
    let parts: Vec<&str> = token.split('.').collect();
    let other_parts: Vec<&str> = other.split('.').collect();
    let swapped = format!("{}.{}.{}", parts[0], other_parts[1], parts[2]);
    assert!(!verify(&swapped, SECRET));
    let mut bytes = token.into_bytes();
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    assert!(!verify(&String::from_utf8(bytes).unwrap(), SECRET));
}

#[test]
fn expiry_is_not_checked_here() {
    assert!(verify(&sign(SERVICE, 0, SECRET), SECRET));
    assert!(verify(&sign(SERVICE, i64::MAX, SECRET), SECRET));
    let token = forge(HS256, r#"{"iss":"a"}"#, SECRET);
    assert!(verify(&token, SECRET));
    assert_eq!(decode_unverified(&token).unwrap().iat, None);
}

#[test]
fn iat_may_be_a_float_or_integer_valued_number() {
    let cases = [
        ("1767225600", Some(IAT)),
        ("1767225600.0", Some(IAT)),
        ("1767225600.987", Some(IAT)),
        ("1.7672256e9", Some(IAT)),
        ("-1.5", Some(-1)),
        (r#""1767225600""#, None),
        ("null", None),
        ("true", None),
    ];
    for (iat, expected) in cases {
        let token = forge(HS256, &format!(r#"{{"iss":"a","iat":{iat}}}"#), SECRET);
        assert_eq!(decode_unverified(&token).unwrap().iat, expected, "{iat}");
        assert!(verify(&token, SECRET));
    }
}

#[test]
fn issuer_is_optional_when_decoding() {
    let token = forge(HS256, r#"{"iat":1}"#, SECRET);
    let claims = decode_unverified(&token).unwrap();
    assert_eq!(claims.iss, None);
    assert_eq!(claims.issuer(), Err(JwtError::MissingIssuer));
    assert_eq!(
        JwtError::MissingIssuer.to_string(),
        "Invalid token: iss field not provided"
    );
    let null = forge(HS256, r#"{"iss":null}"#, SECRET);
    assert_eq!(decode_unverified(&null).unwrap().iss, None);
    // A non-string issuer is kept as JSON text so that it fails as a service id.
    let number = forge(HS256, r#"{"iss":123}"#, SECRET);
    assert_eq!(
        decode_unverified(&number).unwrap().iss.as_deref(),
        Some("123")
    );
}

#[test]
fn padding_is_tolerated() {
    let token = sign(SERVICE, IAT, SECRET);
    let padded: Vec<String> = token
        .split('.')
        .map(|part| URL_SAFE.encode(URL_SAFE_NO_PAD.decode(part).unwrap()))
        .collect();
    let padded = padded.join(".");
    assert!(padded.contains('='));
    assert_eq!(
        decode_unverified(&padded).unwrap().iss.as_deref(),
        Some(SERVICE)
    );
}

#[test]
fn malformed_tokens_are_refused() {
    let good = sign(SERVICE, IAT, SECRET);
    let parts: Vec<&str> = good.split('.').collect();
    let cases = [
        String::new(),
        "not a token".to_owned(),
        format!("{}.{}", parts[0], parts[1]),
        format!("{good}.{}", parts[2]),
        format!("{}..{}", parts[0], parts[2]),
        format!("{}.{}.{}", b64("not json"), parts[1], parts[2]),
        format!("{}.{}.{}", b64("[1,2]"), parts[1], parts[2]),
        format!("{}.{}.{}", parts[0], b64("\"a string\""), parts[2]),
        format!("{}.{}.{}", parts[0], b64("{"), parts[2]),
        format!("{}.{}.{}", parts[0], parts[1], "!!!"),
        format!("{}.{}.{}", "a+b/", parts[1], parts[2]),
        format!("{}.{}.{}", b64(r#"{"typ":"JWT"}"#), parts[1], parts[2]),
        format!("{}.{}.{}", b64(r#"{"alg":256}"#), parts[1], parts[2]),
        format!("Bearer {good}"),
    ];
    for token in cases {
        assert_eq!(
            decode_unverified(&token),
            Err(JwtError::Malformed),
            "{token:?}"
        );
        assert!(!verify(&token, SECRET), "{token:?}");
    }
    assert_eq!(
        JwtError::Malformed.to_string(),
        "Invalid token: signature, api token is not valid"
    );
}

proptest! {
    #[test]
    fn sign_then_verify(iss in any::<String>(), iat in any::<i64>(), secret in any::<String>()) {
        let token = sign(&iss, iat, &secret);
        prop_assert!(verify(&token, &secret));
        let claims = decode_unverified(&token).unwrap();
        prop_assert_eq!(claims.iss, Some(iss));
        prop_assert_eq!(claims.iat, Some(iat));
    }

    #[test]
    fn never_panics(token in any::<String>(), secret in any::<String>()) {
        let _ = decode_unverified(&token);
        let _ = verify(&token, &secret);
    }
}
