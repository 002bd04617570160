//! Link tokens in emails (verify an address, reset a password): a random token in the link,
//! its keyed hash in the store, single use, valid for `AppSettings::link_ttl`.

use carillon_crypto::token::new_token;
use carillon_domain::UserId;
use carillon_store::{OneTimeToken, StoreError, TokenPurpose};

use super::{purpose, span};
use crate::App;

/// The keyed-hash scope of a link purpose.
fn scope(kind: TokenPurpose) -> &'static [u8] {
    match kind {
        TokenPurpose::VerifyEmail => purpose::VERIFY_EMAIL,
        TokenPurpose::ResetPassword => purpose::RESET_PASSWORD,
        TokenPurpose::ChangeEmail => purpose::CHANGE_EMAIL,
        TokenPurpose::EmailCode => purpose::EMAIL_CODE,
    }
}

impl App {
    /// Stores a new link token for the user (replacing older ones of the same purpose) and
    /// returns the full link: `<web_base_url><path>/<token>`.
    pub(crate) async fn new_link(
        &self,
        user: UserId,
        kind: TokenPurpose,
        path: &str,
        payload: Option<String>,
    ) -> Result<String, StoreError> {
        let token = new_token();
        let now = self.clock.now();
        self.store.remove_tokens(user, kind).await?;
        self.store
            .put_token(&OneTimeToken {
                hash: self.settings.token_key.hash(scope(kind), &token),
                purpose: kind,
                user,
                payload,
                created_at: now,
                expires_at: now + span(self.settings.link_ttl),
            })
            .await?;
        Ok(format!("{}{path}/{token}", self.web_link_base()))
    }

    /// Takes (uses up) the link token; `None` when unknown, already used or expired.
    pub(crate) async fn take_link(
        &self,
        kind: TokenPurpose,
        token: &str,
    ) -> Result<Option<OneTimeToken>, StoreError> {
        let hash = self.settings.token_key.hash(scope(kind), token.trim());
        let now = self.clock.now();
        Ok(self
            .store
            .take_token(kind, &hash)
            .await?
            .filter(|token| token.expires_at > now))
    }

    /// The web app's address without a trailing slash.
    pub(crate) fn web_link_base(&self) -> &str {
        self.settings.web_base_url.trim_end_matches('/')
    }
}
