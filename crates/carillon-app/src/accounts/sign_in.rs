//! Signing in with an email address and a password: the first factor.
//!
//! Every way of failing that would tell an attacker whether an account exists gives the same
//! answer after the same work: an unknown address is checked against a dummy Argon2id hash.

use carillon_crypto::token::new_numeric_code;
use carillon_domain::{EmailAddress, SecondFactor, User, UserState};
use carillon_store::{OneTimeToken, SessionStage, SignInEvent, TokenPurpose};
use serde_json::{Map, Value};

use super::{
    AccountError, EMAIL_CODE_DIGITS, MAX_FAILED_SIGN_INS, PlatformEmail, Session, SignInError,
    password_matches, purpose, span,
};
use crate::App;

/// The page that comes after an accepted password: which second factor to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInNext {
    /// A code was emailed; ask for it.
    EmailCode,
    /// Ask for the authenticator app's code.
    Totp,
    /// Ask for the security key.
    SecurityKey,
}

impl App {
    /// Checks the password. When right, the session gets a new id and waits for the second
    /// factor (an email code is sent at once when that is the user's factor).
    ///
    /// # Errors
    /// [`SignInError::Incorrect`] for an unknown address, a wrong password or a suspended
    /// account; `Locked` after [`MAX_FAILED_SIGN_INS`] failures; `NotVerified` for an account
    /// whose address is not verified.
    pub async fn sign_in(
        &self,
        session: &mut Session,
        email: &str,
        password: &str,
    ) -> Result<SignInNext, SignInError> {
        let user = match EmailAddress::parse(email) {
            Ok(email) => self.store.user_by_email(&email).await?,
            Err(_) => None,
        };
        let Some(user) = user else {
            password_matches(password, None).await;
            return Err(SignInError::Incorrect);
        };
        let right = password_matches(password, Some(user.password_hash.clone())).await;
        if user.failed_sign_ins >= MAX_FAILED_SIGN_INS {
            return Err(SignInError::Locked);
        }
        if !right {
            return Err(self.count_failure(&user).await?);
        }
        match user.state {
            UserState::Active => {}
            UserState::Pending => return Err(SignInError::NotVerified),
            UserState::Suspended => return Err(SignInError::Incorrect),
        }
        let factor = user.second_factor;
        self.replace_session(session, Some(user), SessionStage::AwaitingSecondFactor)
            .await?;
        Ok(match factor {
            SecondFactor::EmailCode => {
                self.resend_code(session).await?;
                SignInNext::EmailCode
            }
            SecondFactor::Totp => SignInNext::Totp,
            SecondFactor::SecurityKey => SignInNext::SecurityKey,
        })
    }

    /// Emails a new sign-in code to the user awaiting their second factor (older codes stop
    /// working). Does nothing for a session not waiting for one.
    ///
    /// # Errors
    /// The store's, or the platform email's.
    pub async fn resend_code(&self, session: &Session) -> Result<(), AccountError> {
        let Some(user) = session.pending_user() else {
            return Ok(());
        };
        let code = new_numeric_code(EMAIL_CODE_DIGITS);
        let now = self.clock.now();
        self.store
            .remove_tokens(user.id, TokenPurpose::EmailCode)
            .await?;
        self.store
            .put_token(&OneTimeToken {
                hash: self.settings.token_key.hash_bound(
                    purpose::EMAIL_CODE,
                    &user.id.to_string(),
                    &code,
                ),
                purpose: TokenPurpose::EmailCode,
                user: user.id,
                payload: None,
                created_at: now,
                expires_at: now + span(self.settings.email_code_ttl),
            })
            .await?;
        let mut values = Map::new();
        values.insert("code".to_owned(), Value::String(code));
        self.send_platform_email(
            PlatformEmail::SignInCode,
            &user.email,
            user.language,
            values,
        )
        .await?;
        Ok(())
    }

    /// The signed-in user's completed sign-ins before this session's, newest first, at most
    /// `limit` ("before you continue": the current sign-in is not news to its owner, the ones
    /// before it are what they check). Empty when there is no one signed in.
    ///
    /// # Errors
    /// The store's.
    pub async fn previous_sign_ins(
        &self,
        session: &Session,
        limit: u32,
    ) -> Result<Vec<SignInEvent>, AccountError> {
        let Some(user) = session.user() else {
            return Ok(Vec::new());
        };
        // The session was created (its id rotated) as the sign-in completed, just before the
        // sign-in was recorded: what it records is at or after the session's start.
        let started = session.started_at();
        let mut events = self
            .store
            .recent_sign_ins(user.id, limit.saturating_add(1))
            .await?;
        events.retain(|event| event.at < started);
        events.truncate(limit as usize);
        Ok(events)
    }

    /// Counts a failed attempt: `Locked` when it was the last one allowed, else `Incorrect`.
    pub(crate) async fn count_failure(&self, user: &User) -> Result<SignInError, AccountError> {
        let failures = self.store.count_failed_sign_in(user.id).await?;
        if failures >= MAX_FAILED_SIGN_INS {
            if failures == MAX_FAILED_SIGN_INS {
                self.audit(Some(user.id), "user.locked", "").await?;
            }
            return Ok(SignInError::Locked);
        }
        Ok(SignInError::Incorrect)
    }
}
