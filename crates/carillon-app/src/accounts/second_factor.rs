//! The second factor: an emailed code or an authenticator app's code (security keys are in
//! `security_key_sign_in`). Success gives the
//! session a new id again and records the sign-in; every wrong code counts towards the lockout.

use carillon_crypto::totp;
use carillon_domain::{SecondFactor, User};
use carillon_store::{SessionStage, SignInEvent, TokenPurpose};

use super::{CodeError, EMAIL_CODE_DIGITS, MAX_FAILED_SIGN_INS, Session, purpose};
use crate::App;

impl App {
    /// Checks the emailed code of the sign-in in progress.
    ///
    /// # Errors
    /// `NoSignIn`, `Incorrect`, `Expired`, or `Locked` (that was the last attempt allowed).
    pub async fn verify_email_code(
        &self,
        session: &mut Session,
        code: &str,
    ) -> Result<(), CodeError> {
        let user = awaiting(session)?;
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let well_formed =
            code.len() == EMAIL_CODE_DIGITS as usize && code.bytes().all(|b| b.is_ascii_digit());
        let hash =
            self.settings
                .token_key
                .hash_bound(purpose::EMAIL_CODE, &user.id.to_string(), &code);
        let token = if well_formed {
            self.store
                .take_token(TokenPurpose::EmailCode, &hash)
                .await?
        } else {
            None
        };
        let Some(token) = token.filter(|token| token.user == user.id) else {
            return Err(self
                .wrong_code(session, &user, CodeError::Incorrect)
                .await?);
        };
        if token.expires_at <= self.clock.now() {
            return Err(CodeError::Expired);
        }
        self.complete_sign_in(session, user, SecondFactor::EmailCode)
            .await
    }

    /// Checks the authenticator app's code of the sign-in in progress; a code of a time step
    /// already accepted is refused (`Used`), so an overheard code cannot be replayed.
    ///
    /// # Errors
    /// `NoSignIn`, `NoAuthenticator`, `Incorrect`, `Used`, or `Locked`.
    pub async fn verify_totp(&self, session: &mut Session, code: &str) -> Result<(), CodeError> {
        let user = awaiting(session)?;
        let Some(secret) = user.totp_secret.as_deref() else {
            return Err(CodeError::NoAuthenticator);
        };
        let now = self.clock.now().unix_timestamp();
        let Some(step) = totp::verify(secret, code, now) else {
            return Err(self
                .wrong_code(session, &user, CodeError::Incorrect)
                .await?);
        };
        if !self.store.accept_totp_step(user.id, step).await? {
            return Err(self.wrong_code(session, &user, CodeError::Used).await?);
        }
        self.complete_sign_in(session, user, SecondFactor::Totp)
            .await
    }

    /// Counts a wrong code; on the last allowed attempt the sign-in ends and `Locked` is
    /// returned instead of `error`.
    pub(super) async fn wrong_code(
        &self,
        session: &mut Session,
        user: &User,
        error: CodeError,
    ) -> Result<CodeError, CodeError> {
        let failures = self.store.count_failed_sign_in(user.id).await?;
        if failures < MAX_FAILED_SIGN_INS {
            return Ok(error);
        }
        if failures == MAX_FAILED_SIGN_INS {
            self.audit(Some(user.id), "user.locked", "").await?;
        }
        self.replace_session(session, None, SessionStage::Anonymous)
            .await?;
        Ok(CodeError::Locked)
    }

    /// Both factors accepted: new session id, signed in, sign-in recorded, counter reset.
    pub(super) async fn complete_sign_in(
        &self,
        session: &mut Session,
        user: User,
        factor: SecondFactor,
    ) -> Result<(), CodeError> {
        let language = session.language();
        // Read again: `accept_totp_step` has just changed the stored record, and writing back
        // the copy loaded with the session would undo it (and allow the code's replay).
        let Some(mut user) = self.store.user(user.id).await? else {
            return Err(CodeError::NoSignIn);
        };
        if user.failed_sign_ins != 0 {
            user.failed_sign_ins = 0;
            self.store.update_user(&user).await?;
        }
        let id = user.id;
        self.replace_session(session, Some(user), SessionStage::SignedIn)
            .await?;
        if let Some(language) = language {
            session.set_language(language);
            self.save_session(session).await?;
        }
        self.store
            .record_sign_in(&SignInEvent {
                user: id,
                at: self.clock.now(),
                second_factor: factor,
            })
            .await?;
        self.audit(Some(id), "user.signed_in", factor.as_str())
            .await?;
        Ok(())
    }
}

/// The user awaiting a second factor in this session, freshly loaded by `open_session`
/// (`Locked` when failures elsewhere locked the account meanwhile).
pub(super) fn awaiting(session: &Session) -> Result<User, CodeError> {
    let user = session.pending_user().cloned().ok_or(CodeError::NoSignIn)?;
    if user.failed_sign_ins >= MAX_FAILED_SIGN_INS {
        return Err(CodeError::Locked);
    }
    Ok(user)
}
