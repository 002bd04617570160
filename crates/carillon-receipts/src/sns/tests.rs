//! Signature checks with a throwaway RSA key and self-signed certificate, and properties:
//! any bytes give an error, never a panic; any change to a signed message is caught.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use proptest::prelude::*;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};

use super::*;

const CERT_URL: &str = "https://sns.ca-central-1.amazonaws.com/SimpleNotificationService-x.pem";

struct Fixture {
    pair: RsaKeyPair,
    pkcs8: Vec<u8>,
    cert_pem: String,
}

/// One key for all tests (RSA generation is slow in debug builds).
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let pkcs8 = pair.as_der().unwrap().as_ref().to_vec();
        let key = rcgen::KeyPair::try_from(pkcs8.as_slice()).unwrap();
        let params = rcgen::CertificateParams::new(vec!["sns.test".to_owned()]).unwrap();
        let cert_pem = params.self_signed(&key).unwrap().pem();
        Fixture {
            pair,
            pkcs8,
            cert_pem,
        }
    })
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn signing_key() -> SigningKey {
    SigningKey::from_certificate(fixture().cert_pem.as_bytes(), now()).unwrap()
}

fn sign(text: &str, version: SignatureVersion) -> String {
    let fixture = fixture();
    let bytes = match version {
        SignatureVersion::V2 => {
            let mut signature = vec![0; fixture.pair.public_modulus_len()];
            let rng = aws_lc_rs::rand::SystemRandom::new();
            fixture
                .pair
                .sign(&RSA_PKCS1_SHA256, &rng, text.as_bytes(), &mut signature)
                .unwrap();
            signature
        }
        SignatureVersion::V1 => {
            let key = rsa::RsaPrivateKey::from_pkcs8_der(&fixture.pkcs8).unwrap();
            let signer = rsa::pkcs1v15::SigningKey::<sha1::Sha1>::new(key);
            signer.sign(text.as_bytes()).to_vec()
        }
    };
    STANDARD.encode(bytes)
}

/// A signed notification (`version` 1 or 2), as SNS posts it.
fn notification(message: &str, subject: Option<&str>, version: SignatureVersion) -> Value {
    let mut body = json!({
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": "arn:aws:sns:ca-central-1:123456789012:ses-receipts",
        "Message": message,
        "Timestamp": "2026-11-22T07:00:00.000Z",
        "SignatureVersion": if version == SignatureVersion::V1 { "1" } else { "2" },
        "SigningCertURL": CERT_URL,
        "UnsubscribeURL": "https://sns.ca-central-1.amazonaws.com/?Action=Unsubscribe",
    });
    if let Some(subject) = subject {
        body["Subject"] = json!(subject);
    }
    let wire: Wire = serde_json::from_value(body.clone()).unwrap();
    let text = signed_string(MessageType::Notification, &wire).unwrap();
    body["Signature"] = json!(sign(&text, version));
    body
}

fn subscription(kind: &str) -> Value {
    let mut body = json!({
        "Type": kind,
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37",
        "TopicArn": "arn:aws:sns:ca-central-1:123456789012:ses-receipts",
        "Message": "You have chosen to subscribe to the topic.",
        "SubscribeURL": "https://sns.ca-central-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336412f37",
        "Timestamp": "2026-11-22T07:00:00.000Z",
        "SignatureVersion": "2",
        "SigningCertURL": CERT_URL,
    });
    let wire: Wire = serde_json::from_value(body.clone()).unwrap();
    let message_type = if kind == "SubscriptionConfirmation" {
        MessageType::SubscriptionConfirmation
    } else {
        MessageType::UnsubscribeConfirmation
    };
    let text = signed_string(message_type, &wire).unwrap();
    body["Signature"] = json!(sign(&text, SignatureVersion::V2));
    body
}

fn check(body: &Value) -> Result<SnsMessage, SnsError> {
    let message = parse(body.to_string().as_bytes())?;
    message.verify(&signing_key())?;
    Ok(message)
}

#[test]
fn genuine_messages_verify_with_either_version() {
    for version in [SignatureVersion::V1, SignatureVersion::V2] {
        for subject in [None, Some("Amazon SES Email Event Notification")] {
            let message = check(&notification(r#"{"a":1}"#, subject, version)).unwrap();
            assert_eq!(message.kind, MessageType::Notification);
            assert_eq!(message.message, r#"{"a":1}"#);
            assert_eq!(message.version, version);
        }
    }
    for kind in ["SubscriptionConfirmation", "UnsubscribeConfirmation"] {
        let message = check(&subscription(kind)).unwrap();
        assert!(message.subscribe_url.is_some());
    }
}

#[test]
fn the_signed_string_is_aws_canonical_form() {
    let wire: Wire =
        serde_json::from_value(notification("m", Some("s"), SignatureVersion::V2)).unwrap();
    assert_eq!(
        signed_string(MessageType::Notification, &wire).unwrap(),
        "Message\nm\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\ns\n\
         Timestamp\n2026-11-22T07:00:00.000Z\n\
         TopicArn\narn:aws:sns:ca-central-1:123456789012:ses-receipts\nType\nNotification\n"
    );
}

#[test]
fn tampering_is_caught() {
    for field in ["Message", "MessageId", "Timestamp", "TopicArn", "Subject"] {
        let mut body = notification("original", Some("s"), SignatureVersion::V2);
        body[field] = json!("changed");
        assert_eq!(check(&body).unwrap_err(), SnsError::BadSignature, "{field}");
    }
    // A v2 signature presented as v1 (and the other way round) does not verify.
    let mut body = notification("m", None, SignatureVersion::V2);
    body["SignatureVersion"] = json!("1");
    assert_eq!(check(&body).unwrap_err(), SnsError::BadSignature);
    let mut body = subscription("SubscriptionConfirmation");
    body["SubscribeURL"] = json!("https://sns.ca-central-1.amazonaws.com/?Action=Other");
    assert_eq!(check(&body).unwrap_err(), SnsError::BadSignature);
}

#[test]
fn unsigned_or_unsupported_messages_are_refused() {
    let mut body = notification("m", None, SignatureVersion::V2);
    body.as_object_mut().unwrap().remove("Signature");
    assert_eq!(check(&body).unwrap_err(), SnsError::Unsigned("Signature"));
    let mut body = notification("m", None, SignatureVersion::V2);
    body["SignatureVersion"] = json!("3");
    assert!(matches!(check(&body), Err(SnsError::UnsupportedVersion(_))));
    let mut body = notification("m", None, SignatureVersion::V2);
    body["Signature"] = json!("not base64!");
    assert_eq!(check(&body).unwrap_err(), SnsError::BadSignature);
    let mut body = notification("m", None, SignatureVersion::V2);
    body["Type"] = json!("Other");
    assert!(matches!(check(&body), Err(SnsError::Malformed(_))));
}

#[test]
fn another_key_does_not_verify() {
    let other = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
    let pkcs8 = other.as_der().unwrap().as_ref().to_vec();
    let key = rcgen::KeyPair::try_from(pkcs8.as_slice()).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["other".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap()
        .pem();
    let other_key = SigningKey::from_certificate(cert.as_bytes(), now()).unwrap();
    let message = parse(
        notification("m", None, SignatureVersion::V2)
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(message.verify(&other_key), Err(SnsError::BadSignature));
}

#[test]
fn certificates_must_be_current_rsa_certificates() {
    let key = rcgen::KeyPair::try_from(fixture().pkcs8.as_slice()).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["old".to_owned()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2000, 1, 1);
    params.not_after = rcgen::date_time_ymd(2001, 1, 1);
    let expired = params.self_signed(&key).unwrap().pem();
    assert!(matches!(
        SigningKey::from_certificate(expired.as_bytes(), now()),
        Err(SnsError::Certificate(_))
    ));
    let ec = rcgen::KeyPair::generate().unwrap();
    let ec_cert = rcgen::CertificateParams::new(vec!["ec".to_owned()])
        .unwrap()
        .self_signed(&ec)
        .unwrap()
        .pem();
    assert!(matches!(
        SigningKey::from_certificate(ec_cert.as_bytes(), now()),
        Err(SnsError::Certificate(_))
    ));
    assert!(SigningKey::from_certificate(b"junk", now()).is_err());
}

#[test]
fn only_sns_hosts_or_configured_origins_are_trusted() {
    let none: &[String] = &[];
    for good in [
        "https://sns.ca-central-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=x",
    ] {
        assert!(trusted_url(good, none, "SigningCertURL").is_ok(), "{good}");
    }
    for bad in [
        "http://sns.ca-central-1.amazonaws.com/x.pem",
        "https://sns.ca-central-1.amazonaws.com.evil.example/x.pem",
        "https://evil.example/sns.ca-central-1.amazonaws.com/x.pem",
        "https://sns..amazonaws.com/x.pem",
        "https://sns.ca-central-1.amazonaws.com:8443/x.pem",
        "https://user@sns.ca-central-1.amazonaws.com/x.pem",
        "https://s3.ca-central-1.amazonaws.com/x.pem",
        "https://sns.CA_CENTRAL.amazonaws.com/x.pem",
        "file:///etc/passwd",
        "not a url",
    ] {
        assert_eq!(
            trusted_url(bad, none, "SigningCertURL").unwrap_err(),
            SnsError::UntrustedUrl("SigningCertURL"),
            "{bad}"
        );
    }
    let extra = vec!["http://127.0.0.1:4566".to_owned()];
    assert!(trusted_url("http://127.0.0.1:4566/cert.pem", &extra, "x").is_ok());
    assert!(trusted_url("http://127.0.0.1:4567/cert.pem", &extra, "x").is_err());
    assert!(trusted_url("https://127.0.0.1:4566/cert.pem", &extra, "x").is_err());
}

proptest! {
    #[test]
    fn any_bytes_are_an_error_or_a_message(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(message) = parse(&body) {
            prop_assert!(message.verify(&signing_key()).is_err());
        }
        let _ = SigningKey::from_certificate(&body, now());
        let _ = trusted_url(&String::from_utf8_lossy(&body), &[], "x");
    }

    #[test]
    fn any_change_to_the_message_is_caught(message in ".{0,64}", changed in ".{0,64}") {
        let body = notification(&message, None, SignatureVersion::V2);
        prop_assert!(check(&body).is_ok());
        let mut tampered = body;
        tampered["Message"] = json!(changed);
        prop_assert_eq!(check(&tampered).is_ok(), changed == message);
    }
}
