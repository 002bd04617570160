//! A notification's client reference at rest: sealed with the rest of its personal data and
//! found through a keyed hash scoped to its service (equality is the only search the API
//! offers, so a deterministic hash is all a lookup needs), plus the conversion of rows that
//! older versions stored with the reference in clear.

use std::fmt;

use carillon_crypto::Cipher;
use carillon_domain::{NewNotification, ServiceId};
use uuid::Uuid;

use super::{PersonalRef, open_personal, recipient_hash, seal_personal};
use crate::StoreResult;

/// Rows converted per transaction when sealing references stored in clear: small enough that
/// a transaction stays short, large enough that a big table converts in few of them.
pub const CLEAR_REFERENCE_BATCH: u32 = 500;

/// The lookup hash of `reference` among `service`'s notifications.
pub fn reference_hash(cipher: &Cipher, service: ServiceId, reference: &str) -> [u8; 32] {
    cipher.reference_hash(service.as_uuid().as_bytes(), reference)
}

/// What a new notification stores sealed: its personal data (client reference included), the
/// lookup hash of its reference, and the lookup hash of its normalised recipient.
pub struct SealedNotification {
    pub personal: Vec<u8>,
    pub reference_hash: Option<[u8; 32]>,
    pub recipient_hash: [u8; 32],
}

impl fmt::Debug for SealedNotification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedNotification").finish_non_exhaustive()
    }
}

/// Seals `new`'s personal data and hashes its client reference and its recipient.
///
/// # Errors
/// The personal data cannot be serialised.
pub fn seal_notification(
    cipher: &Cipher,
    new: &NewNotification,
) -> StoreResult<SealedNotification> {
    let personal = seal_personal(
        cipher,
        &PersonalRef {
            to: &new.to,
            normalised_to: &new.normalised_to,
            personalisation: &new.personalisation,
            body: &new.body,
            subject: new.subject.as_deref(),
            reference: new.client_reference.as_deref(),
        },
    )?;
    let reference_hash = new
        .client_reference
        .as_deref()
        .map(|reference| reference_hash(cipher, new.service_id, reference));
    Ok(SealedNotification {
        personal,
        reference_hash,
        recipient_hash: recipient_hash(cipher, new.service_id, &new.normalised_to),
    })
}

/// A row written before references were sealed: its client reference still in clear.
pub struct ClearReference {
    pub seq: i64,
    pub service_id: Uuid,
    /// `None` once retention purged the row.
    pub personal: Option<Vec<u8>>,
    pub reference: String,
}

impl fmt::Debug for ClearReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClearReference")
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

/// What to write back for a [`ClearReference`] (with the clear column emptied).
pub struct SealedReference {
    pub seq: i64,
    pub personal: Option<Vec<u8>>,
    pub reference_hash: Option<[u8; 32]>,
}

impl fmt::Debug for SealedReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedReference")
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

/// The reference moved into the row's sealed personal data, with its lookup hash. A purged
/// row keeps nothing: retention drops the reference with the rest of the personal data.
///
/// # Errors
/// The personal data does not decrypt with this key (a wrong master key), or does not decode.
pub fn seal_clear_reference(cipher: &Cipher, row: ClearReference) -> StoreResult<SealedReference> {
    let Some(sealed) = row.personal else {
        return Ok(SealedReference {
            seq: row.seq,
            personal: None,
            reference_hash: None,
        });
    };
    let personal = open_personal(cipher, &sealed)?;
    let resealed = seal_personal(
        cipher,
        &PersonalRef {
            to: &personal.to,
            normalised_to: &personal.normalised_to,
            personalisation: &personal.personalisation,
            body: &personal.body,
            subject: personal.subject.as_deref(),
            reference: Some(&row.reference),
        },
    )?;
    let service = ServiceId::from_uuid(row.service_id);
    Ok(SealedReference {
        seq: row.seq,
        personal: Some(resealed),
        reference_hash: Some(reference_hash(cipher, service, &row.reference)),
    })
}
