//! Credential public keys as authenticators send them (COSE_Key, RFC 9053): ES256 (P-256),
//! EdDSA (Ed25519) and RS256, and checking a signature made with one.
//!
//! Signatures are checked with aws-lc-rs, already in Carillon's dependencies for TLS.

use aws_lc_rs::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};

use super::cbor::{self, Value};

/// COSE algorithm identifiers (IANA) that Carillon accepts, in order of preference.
pub const SUPPORTED_ALGORITHMS: [i64; 3] = [ES256, EDDSA, RS256];
const ES256: i64 = -7;
const EDDSA: i64 = -8;
const RS256: i64 = -257;

/// RSA keys shorter than this are refused (and aws-lc-rs refuses them too).
const MIN_RSA_BITS: usize = 2048;

/// A credential public key, checked well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PublicKey {
    /// The uncompressed point, `04 || x || y`.
    Es256(Vec<u8>),
    Ed25519(Vec<u8>),
    Rs256 {
        n: Vec<u8>,
        e: Vec<u8>,
    },
}

impl PublicKey {
    /// Reads a COSE_Key; `None` for an unsupported or malformed key.
    pub(crate) fn from_cose(key: &Value<'_>) -> Option<Self> {
        let kty = key.get_int(1)?.as_int()?;
        let alg = key.get_int(3)?.as_int()?;
        match (kty, i64::try_from(alg).ok()?) {
            (2, ES256) => {
                let curve = key.get_int(-1)?.as_int()?;
                let x = key.get_int(-2)?.as_bytes()?;
                let y = key.get_int(-3)?.as_bytes()?;
                if curve != 1 || x.len() != 32 || y.len() != 32 {
                    return None;
                }
                let point = [&[0x04][..], x, y].concat();
                // Refuse a point not on the curve now rather than at the first sign-in.
                signature::ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, &point).ok()?;
                Some(PublicKey::Es256(point))
            }
            (1, EDDSA) => {
                let curve = key.get_int(-1)?.as_int()?;
                let x = key.get_int(-2)?.as_bytes()?;
                (curve == 6 && x.len() == 32).then(|| PublicKey::Ed25519(x.to_vec()))
            }
            (3, RS256) => {
                let n = key.get_int(-1)?.as_bytes()?;
                let e = key.get_int(-2)?.as_bytes()?;
                let long_enough = n.first().is_some_and(|b| *b != 0) && n.len() * 8 >= MIN_RSA_BITS;
                let e_ok = !e.is_empty() && e.len() <= 8 && e[0] != 0;
                (long_enough && e_ok).then(|| PublicKey::Rs256 {
                    n: n.to_vec(),
                    e: e.to_vec(),
                })
            }
            _ => None,
        }
    }

    /// Reads a stored COSE_Key (the bytes [`super::NewCredential::public_key`] holds).
    pub(crate) fn from_cose_bytes(bytes: &[u8]) -> Option<Self> {
        Self::from_cose(&cbor::read_all(bytes).ok()?)
    }

    /// Whether `sig` is this key's signature of `message`.
    pub(crate) fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        match self {
            PublicKey::Es256(point) => {
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, point)
                    .verify(message, sig)
                    .is_ok()
            }
            PublicKey::Ed25519(key) => UnparsedPublicKey::new(&signature::ED25519, key)
                .verify(message, sig)
                .is_ok(),
            PublicKey::Rs256 { n, e } => RsaPublicKeyComponents { n, e }
                .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
                .is_ok(),
        }
    }
}
