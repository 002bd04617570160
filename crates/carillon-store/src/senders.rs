//! What the store keeps of a reply-to address's verification: the hash of the link's token
//! (never the token), when the link stops working, and whether the address becomes the
//! default once verified (only a verified address may be the default).

use time::OffsetDateTime;

/// A reply-to address's pending verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyToVerification {
    /// The keyed hash of the link's token.
    pub hash: [u8; 32],
    /// The link works until then.
    pub expires_at: OffsetDateTime,
    /// Whether the address was added as the default: it becomes so once verified. A later
    /// link (resent) without the wish keeps an earlier one.
    pub make_default: bool,
}
