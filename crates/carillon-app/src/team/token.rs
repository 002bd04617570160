//! Invitation link tokens: 32 random bytes (base64url), of which the store keeps only the
//! keyed hash under the deployment's token key, as for every other link.

use crate::App;

/// The token key's purpose for invitation links.
const PURPOSE: &[u8] = b"invitation";

impl App {
    /// A fresh token and its stored hash.
    pub(crate) fn new_invitation_token(&self) -> (String, [u8; 32]) {
        let token = carillon_crypto::token::new_token();
        let hash = self.invitation_token_hash(&token);
        (token, hash)
    }

    /// The stored hash of a presented token.
    pub(crate) fn invitation_token_hash(&self, token: &str) -> [u8; 32] {
        self.settings().token_key.hash(PURPOSE, token.trim())
    }
}
