//! HS256 JSON Web Tokens as GC Notify's and GOV.UK Notify's clients make them.
//!
//! A client signs `{"iss": <service id>, "iat": <epoch seconds>}` with the 36-character key
//! secret as the HMAC-SHA256 key, under the header `{"typ":"JWT","alg":"HS256"}`. The API reads
//! `iss` without verifying (to find the service), then tries each of the service's key secrets
//! with [`verify`]. Only `HS256` is ever accepted. Freshness (`iat` within ±30 s) is the
//! caller's check: [`verify`] does not look at the clock.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::Mac as _;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::mac;

/// The only algorithm accepted.
pub const ALGORITHM: &str = "HS256";

/// Base64url that writes no padding and reads it whether present or not.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a token was refused; messages are GC Notify's (403, `AuthError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum JwtError {
    /// Not three base64url parts, or a header or claims that are not JSON objects, or a header
    /// without `alg`.
    #[error("Invalid token: signature, api token is not valid")]
    Malformed,
    /// The claims have no `iss`.
    #[error("Invalid token: iss field not provided")]
    MissingIssuer,
}

/// The claims the API reads, before the signature is checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claims {
    /// The issuer: the service id. A non-string `iss` is kept as its JSON text (it then fails
    /// as a service id, as in GC Notify); a missing or `null` one is `None`.
    pub iss: Option<String>,
    /// Issued-at, in seconds since the epoch; a fractional number is truncated. `None` when
    /// missing or not a number.
    pub iat: Option<i64>,
}

impl Claims {
    /// The issuer, or [`JwtError::MissingIssuer`].
    ///
    /// # Errors
    /// [`JwtError::MissingIssuer`] when the token has no `iss`.
    pub fn issuer(&self) -> Result<&str, JwtError> {
        self.iss.as_deref().ok_or(JwtError::MissingIssuer)
    }
}

/// A token split into its parts, with header and claims decoded.
struct Parts<'a> {
    signing_input: &'a str,
    header: Map<String, Value>,
    claims: Map<String, Value>,
    signature: Vec<u8>,
}

fn json_object(segment: &str) -> Result<Map<String, Value>, JwtError> {
    let bytes = BASE64URL.decode(segment).map_err(|_| JwtError::Malformed)?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(JwtError::Malformed),
    }
}

fn split(token: &str) -> Result<Parts<'_>, JwtError> {
    let (signing_input, signature) = token.rsplit_once('.').ok_or(JwtError::Malformed)?;
    let (header, claims) = signing_input.split_once('.').ok_or(JwtError::Malformed)?;
    if claims.contains('.') {
        return Err(JwtError::Malformed);
    }
    let header = json_object(header)?;
    if !header.get("alg").is_some_and(Value::is_string) {
        return Err(JwtError::Malformed);
    }
    Ok(Parts {
        signing_input,
        header,
        claims: json_object(claims)?,
        signature: BASE64URL
            .decode(signature)
            .map_err(|_| JwtError::Malformed)?,
    })
}

fn claims_of(map: &Map<String, Value>) -> Claims {
    let iss = match map.get("iss") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(other) => Some(other.to_string()),
    };
    let iat = map.get("iat").and_then(|value| match value {
        Value::Number(number) => number
            .as_i64()
            // `as` saturates, and truncates toward zero: the float handling wanted.
            .or_else(|| number.as_f64().map(|seconds| seconds as i64)),
        _ => None,
    });
    Claims { iss, iat }
}

/// Reads a token's claims without checking its signature (to learn which service it claims
/// to be from).
///
/// # Errors
/// [`JwtError::Malformed`] when the token is not three dot-separated base64url parts (padding
/// tolerated) whose first two are JSON objects, the header having an `alg`.
pub fn decode_unverified(token: &str) -> Result<Claims, JwtError> {
    split(token).map(|parts| claims_of(&parts.claims))
}

/// Whether `token` is well formed, has `alg` `HS256` and carries a valid HMAC-SHA256 signature
/// under `secret` (compared in constant time). Expiry is not checked here.
pub fn verify(token: &str, secret: &str) -> bool {
    let Ok(parts) = split(token) else {
        return false;
    };
    if parts.header.get("alg").and_then(Value::as_str) != Some(ALGORITHM) {
        return false;
    }
    let mut mac = mac::keyed(secret.as_bytes());
    mac.update(parts.signing_input.as_bytes());
    mac.verify_slice(&parts.signature).is_ok()
}

/// A token as GC Notify's clients make it: header `{"typ":"JWT","alg":"HS256"}`, claims `iss`
/// and `iat`, signed with `secret`.
pub fn sign(iss: &str, iat: i64, secret: &str) -> String {
    let header = BASE64URL.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
    let claims = BASE64URL.encode(serde_json::json!({ "iss": iss, "iat": iat }).to_string());
    let signing_input = format!("{header}.{claims}");
    let signature = mac::hmac_sha256(secret.as_bytes(), &[signing_input.as_bytes()]);
    format!("{signing_input}.{}", BASE64URL.encode(signature))
}
