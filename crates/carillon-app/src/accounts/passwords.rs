//! Forgotten and changed passwords. A reset link works once, for an hour; using it unlocks
//! the account and ends every session of the user.

use carillon_domain::{EmailAddress, UserState};
use carillon_store::{SessionStage, TokenPurpose};
use serde_json::{Map, Value};

use super::{
    AccountError, PlatformEmail, ResetError, Session, SignInError, check_password,
    hash_new_password, password_matches,
};
use crate::App;

/// The web app's path of the new-password page (the token follows).
pub const RESET_PATH: &str = "/new-password";

impl App {
    /// Emails a reset link when the address belongs to an active account. Always `Ok`, so
    /// the answer says nothing of which addresses have accounts.
    ///
    /// # Errors
    /// Only the store's or the platform email's.
    pub async fn forgot_password(&self, email: &str) -> Result<(), AccountError> {
        let Ok(email) = EmailAddress::parse(email) else {
            return Ok(());
        };
        let Some(user) = self.store.user_by_email(&email).await? else {
            return Ok(());
        };
        if user.state != UserState::Active {
            return Ok(());
        }
        let link = self
            .new_link(user.id, TokenPurpose::ResetPassword, RESET_PATH, None)
            .await?;
        let mut values = Map::new();
        values.insert("name".to_owned(), Value::String(user.name.clone()));
        values.insert("link".to_owned(), Value::String(link));
        self.send_platform_email(
            PlatformEmail::PasswordReset,
            &user.email,
            user.language,
            values,
        )
        .await?;
        Ok(())
    }

    /// Sets a new password with a reset link's token: single use, unlocks the account, ends
    /// every session of the user. The password is checked first, so a refused password does
    /// not use up the link.
    ///
    /// # Errors
    /// `Password` for a password the policy refuses; `InvalidLink` for an unknown, used or
    /// expired token.
    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<(), ResetError> {
        check_password(new_password)?;
        let Some(token) = self.take_link(TokenPurpose::ResetPassword, token).await? else {
            return Err(ResetError::InvalidLink);
        };
        let Some(mut user) = self.store.user(token.user).await? else {
            return Err(ResetError::InvalidLink);
        };
        if user.state == UserState::Suspended {
            return Err(ResetError::InvalidLink);
        }
        user.password_hash = hash_new_password(new_password).await?;
        user.password_changed_at = self.clock.now();
        user.failed_sign_ins = 0;
        self.store.update_user(&user).await?;
        self.store.remove_user_sessions(user.id).await?;
        self.audit(Some(user.id), "user.password_changed", "reset")
            .await?;
        Ok(())
    }

    /// Changes the signed-in user's password after checking the current one; other sessions
    /// end and this one gets a new id.
    ///
    /// # Errors
    /// `Incorrect` for a wrong current password (or no one signed in), `Locked` when that was
    /// the last attempt allowed. A new password the policy refuses is `Incorrect` too: call
    /// [`check_password`] first to tell the person why.
    pub async fn change_password(
        &self,
        session: &mut Session,
        current: &str,
        new_password: &str,
    ) -> Result<(), SignInError> {
        let Some(user) = session.user().cloned() else {
            return Err(SignInError::Incorrect);
        };
        if !password_matches(current, Some(user.password_hash.clone())).await {
            return Err(self.count_failure(&user).await?);
        }
        if check_password(new_password).is_err() {
            return Err(SignInError::Incorrect);
        }
        let Some(mut fresh) = self.store.user(user.id).await? else {
            return Err(SignInError::Incorrect);
        };
        fresh.password_hash = hash_new_password(new_password).await?;
        fresh.password_changed_at = self.clock.now();
        self.store.update_user(&fresh).await?;
        self.store.remove_user_sessions(fresh.id).await?;
        let language = session.language();
        self.replace_session(session, Some(fresh.clone()), SessionStage::SignedIn)
            .await?;
        if let Some(language) = language {
            session.set_language(language);
            self.save_session(session).await?;
        }
        self.audit(Some(fresh.id), "user.password_changed", "profile")
            .await?;
        Ok(())
    }
}
