//! The relying party's checks of WebAuthn Level 2 (security keys and passkeys): a new
//! credential's registration (§7.1) and a sign-in assertion (§7.2). Pure: the caller keeps the
//! challenge and the stored credentials.
//!
//! Attestation is not checked: Carillon asks browsers for attestation "none", and whatever
//! statement an authenticator sends anyway is ignored, so every key is treated as "none"
//! (a key's maker is not a policy Carillon enforces). User presence is required; user
//! verification (a PIN or fingerprint) is not, as the key is a second factor after the password.

mod cbor;
mod cose;
#[doc(hidden)]
pub mod fuzzing;
#[cfg(any(test, feature = "soft-authenticator"))]
pub mod soft;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::master_key::os_random;
use crate::token::constant_time_eq;

pub use cose::SUPPORTED_ALGORITHMS;

/// Bytes in a challenge (WebAuthn asks for at least 16).
pub const CHALLENGE_LEN: usize = 32;
/// The longest credential id WebAuthn allows.
pub const MAX_CREDENTIAL_ID_LEN: usize = 1023;

const FLAG_USER_PRESENT: u8 = 0x01;
const FLAG_USER_VERIFIED: u8 = 0x04;
const FLAG_ATTESTED_CREDENTIAL: u8 = 0x40;

/// Who is asking: the relying party id (the site's host name) and the exact origin its pages
/// are served from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    /// A host name such as `notify.example.ca` (never an IP address: browsers refuse those).
    pub id: String,
    /// Scheme, host and port, without a trailing slash: `https://notify.example.ca`.
    pub origin: String,
}

/// Why a registration or an assertion was refused. None of these is the person's fault alone,
/// but each tells the operator what went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum WebauthnError {
    #[error("the client data is not the JSON WebAuthn specifies")]
    ClientData,
    #[error("the client data is for another ceremony")]
    WrongType,
    #[error("the challenge is not the one issued")]
    WrongChallenge,
    #[error("the origin is not this site's")]
    WrongOrigin,
    #[error("the authenticator data or attestation object is malformed")]
    Malformed,
    #[error("the credential is for another relying party")]
    WrongRelyingParty,
    #[error("the authenticator did not report the user present")]
    UserNotPresent,
    #[error("the credential's public key is malformed or of an unsupported algorithm")]
    UnsupportedKey,
    #[error("the signature does not verify")]
    BadSignature,
    /// The counter did not move forward: possibly a cloned authenticator.
    #[error("the signature counter did not increase")]
    CounterNotIncreased,
}

/// A credential accepted at registration: what to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    pub id: Vec<u8>,
    /// The COSE_Key as the authenticator sent it.
    pub public_key: Vec<u8>,
    pub sign_count: u32,
    pub user_verified: bool,
}

/// An accepted assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assertion {
    /// The authenticator's new signature counter (0: it keeps none).
    pub sign_count: u32,
    pub user_verified: bool,
}

/// A fresh random challenge.
pub fn new_challenge() -> [u8; CHALLENGE_LEN] {
    os_random::<CHALLENGE_LEN>()
}

/// Base64url without padding, as WebAuthn encodes binary values in JSON.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Reads base64url, with or without padding; `None` when it is not.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .ok()
}

/// Checks a registration (`navigator.credentials.create`): the client data and the
/// attestation object's authenticator data (§7.1, with attestation treated as "none").
///
/// # Errors
/// The first check that fails.
pub fn verify_registration(
    rp: &RelyingParty,
    challenge: &[u8],
    client_data_json: &[u8],
    attestation_object: &[u8],
) -> Result<NewCredential, WebauthnError> {
    check_client_data(rp, "webauthn.create", challenge, client_data_json)?;
    let attestation = cbor::read_all(attestation_object).map_err(|_| WebauthnError::Malformed)?;
    attestation
        .get_text("fmt")
        .and_then(cbor::Value::as_text)
        .ok_or(WebauthnError::Malformed)?;
    let auth_data = attestation
        .get_text("authData")
        .and_then(cbor::Value::as_bytes)
        .ok_or(WebauthnError::Malformed)?;
    let data = AuthData::parse(auth_data)?;
    data.check(rp)?;
    let (id, public_key) = data.credential.ok_or(WebauthnError::Malformed)?;
    cose::PublicKey::from_cose_bytes(public_key).ok_or(WebauthnError::UnsupportedKey)?;
    Ok(NewCredential {
        id: id.to_vec(),
        public_key: public_key.to_vec(),
        sign_count: data.sign_count,
        user_verified: data.flags & FLAG_USER_VERIFIED != 0,
    })
}

/// Checks an assertion (`navigator.credentials.get`) made with the stored credential whose
/// COSE public key is `public_key` and whose counter stands at `stored_count` (§7.2).
///
/// # Errors
/// The first check that fails.
pub fn verify_assertion(
    rp: &RelyingParty,
    challenge: &[u8],
    public_key: &[u8],
    stored_count: u32,
    client_data_json: &[u8],
    authenticator_data: &[u8],
    signature: &[u8],
) -> Result<Assertion, WebauthnError> {
    check_client_data(rp, "webauthn.get", challenge, client_data_json)?;
    let data = AuthData::parse(authenticator_data)?;
    data.check(rp)?;
    let key = cose::PublicKey::from_cose_bytes(public_key).ok_or(WebauthnError::UnsupportedKey)?;
    let signed = [authenticator_data, &Sha256::digest(client_data_json)[..]].concat();
    if !key.verify(&signed, signature) {
        return Err(WebauthnError::BadSignature);
    }
    // §7.2 step 21: a counter that does not move forward (when either side keeps one) may
    // mean the authenticator was cloned.
    if (data.sign_count != 0 || stored_count != 0) && data.sign_count <= stored_count {
        return Err(WebauthnError::CounterNotIncreased);
    }
    Ok(Assertion {
        sign_count: data.sign_count,
        user_verified: data.flags & FLAG_USER_VERIFIED != 0,
    })
}

/// §7.1 steps 5-10 and §7.2 steps 10-14: the client data's type, challenge and origin.
fn check_client_data(
    rp: &RelyingParty,
    kind: &str,
    challenge: &[u8],
    client_data_json: &[u8],
) -> Result<(), WebauthnError> {
    let data: Value =
        serde_json::from_slice(client_data_json).map_err(|_| WebauthnError::ClientData)?;
    let field = |name: &str| data.get(name).and_then(Value::as_str);
    let (Some(found_kind), Some(found_challenge), Some(origin)) =
        (field("type"), field("challenge"), field("origin"))
    else {
        return Err(WebauthnError::ClientData);
    };
    if found_kind != kind {
        return Err(WebauthnError::WrongType);
    }
    let found = decode(found_challenge).ok_or(WebauthnError::WrongChallenge)?;
    if !constant_time_eq(&found, challenge) {
        return Err(WebauthnError::WrongChallenge);
    }
    // Carillon is never framed by another site (frame-ancestors 'none').
    let cross_origin = data.get("crossOrigin").and_then(Value::as_bool) == Some(true);
    if origin != rp.origin || cross_origin {
        return Err(WebauthnError::WrongOrigin);
    }
    Ok(())
}

/// Authenticator data (§6.1).
struct AuthData<'a> {
    rp_id_hash: &'a [u8],
    flags: u8,
    sign_count: u32,
    /// The attested credential's id and COSE public key, when the AT flag is set.
    credential: Option<(&'a [u8], &'a [u8])>,
}

impl<'a> AuthData<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, WebauthnError> {
        let malformed = WebauthnError::Malformed;
        let rp_id_hash = bytes.get(..32).ok_or(malformed)?;
        let flags = *bytes.get(32).ok_or(malformed)?;
        let count: [u8; 4] = bytes
            .get(33..37)
            .and_then(|b| b.try_into().ok())
            .ok_or(malformed)?;
        let rest = &bytes[37..];
        let credential = if flags & FLAG_ATTESTED_CREDENTIAL != 0 {
            // AAGUID (16 bytes), then the id's length (2 bytes, big-endian) and the id.
            let length = rest.get(16..18).ok_or(malformed)?;
            let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
            if length == 0 || length > MAX_CREDENTIAL_ID_LEN {
                return Err(malformed);
            }
            let id = rest.get(18..18 + length).ok_or(malformed)?;
            let key_and_more = &rest[18 + length..];
            // The key is one CBOR item; extensions (when the ED flag is set) may follow it.
            let (_, after) = cbor::read(key_and_more).map_err(|_| malformed)?;
            let key = &key_and_more[..key_and_more.len() - after.len()];
            Some((id, key))
        } else {
            None
        };
        Ok(Self {
            rp_id_hash,
            flags,
            sign_count: u32::from_be_bytes(count),
            credential,
        })
    }

    /// The relying party id's hash and user presence.
    fn check(&self, rp: &RelyingParty) -> Result<(), WebauthnError> {
        if !constant_time_eq(self.rp_id_hash, &Sha256::digest(rp.id.as_bytes())) {
            return Err(WebauthnError::WrongRelyingParty);
        }
        if self.flags & FLAG_USER_PRESENT == 0 {
            return Err(WebauthnError::UserNotPresent);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
