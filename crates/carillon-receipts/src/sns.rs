//! Amazon SNS's HTTP(S) messages, independent of any web framework: parsing, the string AWS
//! signs for each message type, which URLs may be trusted, and the signature check
//! (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) against the signing certificate's RSA
//! key (x509-parser reads the certificate, aws-lc-rs checks the signature).
//!
//! Any input gives a value or an [`SnsError`], never a panic (property-tested).

use aws_lc_rs::signature::{
    RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use thiserror::Error;
use time::OffsetDateTime;
use url::Url;

/// Why an SNS message was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum SnsError {
    #[error("the body is not an SNS message: {0}")]
    Malformed(String),
    #[error("the SNS message is not signed: {0} is missing")]
    Unsigned(&'static str),
    #[error("unsupported SNS SignatureVersion {0:?} (1 and 2 are supported)")]
    UnsupportedVersion(String),
    #[error("the SNS {0} is not on a trusted host (https://sns.<region>.amazonaws.com)")]
    UntrustedUrl(&'static str),
    #[error("the SNS message comes from a topic this server does not accept")]
    UntrustedTopic,
    #[error("the SNS signing certificate is unusable: {0}")]
    Certificate(String),
    #[error("the SNS signing certificate could not be fetched: {0}")]
    CertificateUnavailable(String),
    #[error("the SNS message's signature does not match its content")]
    BadSignature,
}

/// What an SNS message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MessageType {
    SubscriptionConfirmation,
    Notification,
    UnsubscribeConfirmation,
}

/// How the message was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureVersion {
    /// SHA1withRSA.
    V1,
    /// SHA256withRSA.
    V2,
}

/// The JSON SNS posts.
#[derive(Debug, Deserialize)]
struct Wire {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(rename = "MessageId")]
    message_id: String,
    #[serde(rename = "Token")]
    token: Option<String>,
    #[serde(rename = "TopicArn")]
    topic_arn: String,
    #[serde(rename = "Subject")]
    subject: Option<String>,
    #[serde(rename = "Message")]
    message: String,
    #[serde(rename = "Timestamp")]
    timestamp: String,
    #[serde(rename = "SignatureVersion")]
    signature_version: Option<String>,
    #[serde(rename = "Signature")]
    signature: Option<String>,
    #[serde(rename = "SigningCertURL")]
    signing_cert_url: Option<String>,
    #[serde(rename = "SubscribeURL")]
    subscribe_url: Option<String>,
}

/// A parsed SNS message, not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SnsMessage {
    pub(crate) kind: MessageType,
    pub(crate) message_id: String,
    pub(crate) topic_arn: String,
    /// The payload: an SES event or an SMS delivery status, as JSON text.
    pub(crate) message: String,
    /// Where to confirm a subscription.
    pub(crate) subscribe_url: Option<String>,
    pub(crate) signing_cert_url: String,
    pub(crate) version: SignatureVersion,
    signature: Vec<u8>,
    /// The string AWS signed.
    signed: String,
}

/// Parses an SNS message (any bytes: an error, never a panic).
///
/// # Errors
/// Not JSON of SNS's shape, an unknown type, or a missing or undecodable signature.
pub(crate) fn parse(body: &[u8]) -> Result<SnsMessage, SnsError> {
    let wire: Wire =
        serde_json::from_slice(body).map_err(|e| SnsError::Malformed(e.to_string()))?;
    let kind = match wire.kind.as_str() {
        "SubscriptionConfirmation" => MessageType::SubscriptionConfirmation,
        "Notification" => MessageType::Notification,
        "UnsubscribeConfirmation" => MessageType::UnsubscribeConfirmation,
        other => return Err(SnsError::Malformed(format!("unknown Type {other:?}"))),
    };
    let version = match wire.signature_version.as_deref() {
        Some("1") => SignatureVersion::V1,
        Some("2") => SignatureVersion::V2,
        Some(other) => return Err(SnsError::UnsupportedVersion(other.to_owned())),
        None => return Err(SnsError::Unsigned("SignatureVersion")),
    };
    let signature = wire
        .signature
        .as_deref()
        .ok_or(SnsError::Unsigned("Signature"))?;
    let signature = STANDARD
        .decode(signature.trim())
        .map_err(|_| SnsError::BadSignature)?;
    let signing_cert_url = wire
        .signing_cert_url
        .clone()
        .ok_or(SnsError::Unsigned("SigningCertURL"))?;
    let signed = signed_string(kind, &wire)?;
    Ok(SnsMessage {
        kind,
        message_id: wire.message_id,
        topic_arn: wire.topic_arn,
        message: wire.message,
        subscribe_url: wire.subscribe_url,
        signing_cert_url,
        version,
        signature,
        signed,
    })
}

/// AWS's canonical string: `Name\nvalue\n` for each signed field, in this order.
fn signed_string(kind: MessageType, wire: &Wire) -> Result<String, SnsError> {
    let mut fields: Vec<(&str, &str)> =
        vec![("Message", &wire.message), ("MessageId", &wire.message_id)];
    match kind {
        MessageType::Notification => {
            if let Some(subject) = &wire.subject {
                fields.push(("Subject", subject));
            }
            fields.push(("Timestamp", &wire.timestamp));
        }
        MessageType::SubscriptionConfirmation | MessageType::UnsubscribeConfirmation => {
            let missing = |name| SnsError::Malformed(format!("{name} is missing"));
            fields.push((
                "SubscribeURL",
                wire.subscribe_url
                    .as_deref()
                    .ok_or_else(|| missing("SubscribeURL"))?,
            ));
            fields.push(("Timestamp", &wire.timestamp));
            fields.push((
                "Token",
                wire.token.as_deref().ok_or_else(|| missing("Token"))?,
            ));
        }
    }
    fields.push(("TopicArn", &wire.topic_arn));
    fields.push(("Type", &wire.kind));
    let mut text = String::new();
    for (name, value) in fields {
        text.push_str(name);
        text.push('\n');
        text.push_str(value);
        text.push('\n');
    }
    Ok(text)
}

/// The RSA public key of a signing certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SigningKey {
    /// PKCS#1 `RSAPublicKey`, DER.
    rsa: Vec<u8>,
    not_after: OffsetDateTime,
}

impl SigningKey {
    /// Reads a PEM (or DER) certificate, which must be valid at `now` and hold an RSA key.
    ///
    /// # Errors
    /// `Certificate` for anything else.
    pub(crate) fn from_certificate(bytes: &[u8], now: OffsetDateTime) -> Result<Self, SnsError> {
        let bad = |e: &dyn std::fmt::Display| SnsError::Certificate(e.to_string());
        let der = match x509_parser::pem::parse_x509_pem(bytes) {
            Ok((_, pem)) => pem.contents,
            Err(_) => bytes.to_vec(),
        };
        let (_, cert) = x509_parser::parse_x509_certificate(&der).map_err(|e| bad(&e))?;
        let validity = cert.validity();
        let at = |t: &x509_parser::time::ASN1Time| t.timestamp();
        let unix = now.unix_timestamp();
        if unix < at(&validity.not_before) || unix > at(&validity.not_after) {
            return Err(SnsError::Certificate("expired or not yet valid".to_owned()));
        }
        let key = cert.public_key();
        if key.algorithm.algorithm != x509_parser::oid_registry::OID_PKCS1_RSAENCRYPTION {
            return Err(SnsError::Certificate("the key is not RSA".to_owned()));
        }
        let not_after =
            OffsetDateTime::from_unix_timestamp(at(&validity.not_after)).map_err(|e| bad(&e))?;
        Ok(Self {
            rsa: key.subject_public_key.data.to_vec(),
            not_after,
        })
    }

    /// When the certificate expires.
    pub(crate) fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }
}

impl SnsMessage {
    /// Checks the signature with the key of the certificate at `signing_cert_url`.
    ///
    /// # Errors
    /// `BadSignature` when it does not match.
    pub(crate) fn verify(&self, key: &SigningKey) -> Result<(), SnsError> {
        let algorithm = match self.version {
            SignatureVersion::V1 => &RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            SignatureVersion::V2 => &RSA_PKCS1_2048_8192_SHA256,
        };
        UnparsedPublicKey::new(algorithm, &key.rsa)
            .verify(self.signed.as_bytes(), &self.signature)
            .map_err(|_| SnsError::BadSignature)
    }
}

/// `url` if it may be fetched: `https://sns.<region>.amazonaws.com/…` (default port, no
/// user info), or on one of `extra_origins` (`scheme://host[:port]`, for tests and private
/// endpoints). `what` names the field in the error.
///
/// # Errors
/// `UntrustedUrl` otherwise.
pub(crate) fn trusted_url(
    url: &str,
    extra_origins: &[String],
    what: &'static str,
) -> Result<Url, SnsError> {
    let untrusted = SnsError::UntrustedUrl(what);
    let parsed = Url::parse(url).map_err(|_| untrusted.clone())?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(untrusted);
    }
    let origin = parsed.origin();
    if extra_origins
        .iter()
        .filter_map(|extra| Url::parse(extra).ok())
        .any(|extra| extra.origin() == origin)
    {
        return Ok(parsed);
    }
    let aws_host = parsed.host_str().is_some_and(|host| {
        host.strip_prefix("sns.")
            .and_then(|rest| rest.strip_suffix(".amazonaws.com"))
            .is_some_and(|region| {
                !region.is_empty()
                    && region
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
    });
    if parsed.scheme() == "https" && parsed.port().is_none() && aws_host {
        Ok(parsed)
    } else {
        Err(untrusted)
    }
}

#[cfg(test)]
mod tests;
