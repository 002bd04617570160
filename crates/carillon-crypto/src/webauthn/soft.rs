//! A software authenticator (ES256, attestation "none") for tests: it makes the registrations
//! and assertions a browser would pass on, so the checks and the flows above them can be
//! tested without a browser. Not compiled into Carillon (feature `soft-authenticator`).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use sha2::{Digest, Sha256};

use super::encode;

/// One authenticator holding one credential.
pub struct SoftAuthenticator {
    key: EcdsaKeyPair,
    pub credential_id: Vec<u8>,
    /// The signature counter: each assertion adds one (unless `keep_count`).
    pub counter: u32,
    /// Authenticator data flags: user present (0x01) by default.
    pub flags: u8,
    /// The relying party id whose hash goes in the authenticator data.
    pub rp_id: String,
}

impl std::fmt::Debug for SoftAuthenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SoftAuthenticator(..)")
    }
}

/// The three values of an assertion, as the browser gives them.
#[derive(Debug, Clone)]
pub struct SoftAssertion {
    pub client_data_json: Vec<u8>,
    pub authenticator_data: Vec<u8>,
    pub signature: Vec<u8>,
}

/// CBOR head of major type `major` with argument `n` (n < 65536).
fn head(major: u8, n: usize) -> Vec<u8> {
    let m = major << 5;
    match u16::try_from(n) {
        Ok(n) if n < 24 => vec![m | n as u8],
        Ok(n) if n < 256 => vec![m | 24, n as u8],
        Ok(n) => [vec![m | 25], n.to_be_bytes().to_vec()].concat(),
        Err(_) => vec![m | 26, 0xff, 0xff, 0xff, 0xff],
    }
}

fn bytes(value: &[u8]) -> Vec<u8> {
    [head(2, value.len()), value.to_vec()].concat()
}

fn text(value: &str) -> Vec<u8> {
    [head(3, value.len()), value.as_bytes().to_vec()].concat()
}

/// Client data JSON of a ceremony.
pub fn client_data(kind: &str, challenge: &[u8], origin: &str) -> Vec<u8> {
    serde_json::json!({
        "type": kind,
        "challenge": encode(challenge),
        "origin": origin,
        "crossOrigin": false,
    })
    .to_string()
    .into_bytes()
}

impl SoftAuthenticator {
    /// A new authenticator with a fresh P-256 key and a random 16-byte credential id.
    ///
    /// # Panics
    /// When aws-lc-rs cannot make a key (a broken build).
    #[allow(clippy::expect_used)]
    pub fn new(rp_id: &str) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .expect("key generation");
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref())
            .expect("key parsing");
        Self {
            key,
            credential_id: crate::master_key::os_random::<16>().to_vec(),
            counter: 0,
            flags: 0x01,
            rp_id: rp_id.to_owned(),
        }
    }

    /// The credential's public key as a COSE_Key (EC2, ES256, P-256).
    pub fn cose_key(&self) -> Vec<u8> {
        let point = self.key.public_key().as_ref();
        let (x, y) = (&point[1..33], &point[33..65]);
        // {1: 2, 3: -7, -1: 1, -2: x, -3: y}
        [
            vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21],
            bytes(x),
            vec![0x22],
            bytes(y),
        ]
        .concat()
    }

    fn auth_data(&self, flags: u8, attested: Option<&[u8]>) -> Vec<u8> {
        let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend_from_slice(&self.counter.to_be_bytes());
        if let Some(key) = attested {
            data.extend_from_slice(&[0u8; 16]);
            let length = u16::try_from(self.credential_id.len()).unwrap_or(u16::MAX);
            data.extend_from_slice(&length.to_be_bytes());
            data.extend_from_slice(&self.credential_id);
            data.extend_from_slice(key);
        }
        data
    }

    /// A registration's client data JSON and attestation object (format "none").
    pub fn register(&self, origin: &str, challenge: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let auth_data = self.auth_data(self.flags | 0x40, Some(&self.cose_key()));
        let attestation = [
            vec![0xa3],
            text("fmt"),
            text("none"),
            text("attStmt"),
            vec![0xa0],
            text("authData"),
            bytes(&auth_data),
        ]
        .concat();
        (
            client_data("webauthn.create", challenge, origin),
            attestation,
        )
    }

    /// An assertion over `challenge`; the counter goes up by one first.
    ///
    /// # Panics
    /// When aws-lc-rs cannot sign (a broken build).
    #[allow(clippy::expect_used)]
    pub fn assert(&mut self, origin: &str, challenge: &[u8]) -> SoftAssertion {
        self.counter = self.counter.wrapping_add(1);
        let client_data_json = client_data("webauthn.get", challenge, origin);
        let authenticator_data = self.auth_data(self.flags, None);
        let signed = [
            &authenticator_data[..],
            &Sha256::digest(&client_data_json)[..],
        ]
        .concat();
        let signature = self
            .key
            .sign(&SystemRandom::new(), &signed)
            .expect("signing")
            .as_ref()
            .to_vec();
        SoftAssertion {
            client_data_json,
            authenticator_data,
            signature,
        }
    }
}
