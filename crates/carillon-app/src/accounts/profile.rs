//! What a signed-in person changes about themselves: their name, and their email address
//! (proved by a link sent to the new address); and what a platform admin changes about an
//! account: suspension, which ends its sessions at once.

use carillon_domain::{EmailAddress, User, UserId, UserState};
use carillon_store::{StoreError, TokenPurpose};
use serde_json::{Map, Value};

use super::{
    AccountError, EmailChangeError, PlatformEmail, ResetError, Session, SignInError,
    is_government_email, password_matches,
};
use crate::App;

/// The web app's path of the new-address confirmation link (the token follows).
pub const CHANGE_EMAIL_PATH: &str = "/user-profile/email/confirm";

impl App {
    /// Renames the signed-in user.
    ///
    /// # Errors
    /// `None` when no one is signed in or the name is blank; else the store's.
    pub async fn change_name(
        &self,
        session: &mut Session,
        name: &str,
    ) -> Result<Option<User>, AccountError> {
        let name = name.trim();
        let Some(id) = session.user().map(|user| user.id) else {
            return Ok(None);
        };
        let Some(mut user) = self.store.user(id).await?.filter(|_| !name.is_empty()) else {
            return Ok(None);
        };
        user.name = name.to_owned();
        self.store.update_user(&user).await?;
        session.set_loaded_user(user.clone());
        self.audit(Some(id), "user.name_changed", "").await?;
        Ok(Some(user))
    }

    /// Emails a confirmation link to the new address after checking the password again. An
    /// address that already has an account gets the "already registered" email instead, and
    /// the answer is the same.
    ///
    /// # Errors
    /// `NotSignedIn`, `InvalidEmail`, `NotGovernmentEmail`, `IncorrectPassword` or `Locked`.
    pub async fn request_email_change(
        &self,
        session: &Session,
        new_email: &str,
        password: &str,
    ) -> Result<(), EmailChangeError> {
        let Some(user) = session.user().cloned() else {
            return Err(EmailChangeError::NotSignedIn);
        };
        let email = EmailAddress::parse(new_email).map_err(|_| EmailChangeError::InvalidEmail)?;
        if !is_government_email(&email, &self.settings.government_domains) {
            return Err(EmailChangeError::NotGovernmentEmail);
        }
        if !password_matches(password, Some(user.password_hash.clone())).await {
            return Err(match self.count_failure(&user).await? {
                SignInError::Locked => EmailChangeError::Locked,
                _ => EmailChangeError::IncorrectPassword,
            });
        }
        if let Some(owner) = self.store.user_by_email(&email).await? {
            if owner.id != user.id {
                self.send_already_registered(&email, owner.language).await?;
            }
            return Ok(());
        }
        let link = self
            .new_link(
                user.id,
                TokenPurpose::ChangeEmail,
                CHANGE_EMAIL_PATH,
                Some(email.as_str().to_owned()),
            )
            .await?;
        let mut values = Map::new();
        values.insert("name".to_owned(), Value::String(user.name.clone()));
        values.insert("link".to_owned(), Value::String(link));
        self.send_platform_email(PlatformEmail::ChangeEmail, &email, user.language, values)
            .await
            .map_err(AccountError::from)?;
        Ok(())
    }

    /// Makes the address in a confirmation link the account's (single use, one hour).
    ///
    /// # Errors
    /// `InvalidLink` for an unknown, used or expired token, or an address taken meanwhile.
    pub async fn confirm_email_change(&self, token: &str) -> Result<User, ResetError> {
        let Some(token) = self.take_link(TokenPurpose::ChangeEmail, token).await? else {
            return Err(ResetError::InvalidLink);
        };
        let email = token
            .payload
            .as_deref()
            .and_then(|text| EmailAddress::parse(text).ok())
            .ok_or(ResetError::InvalidLink)?;
        let Some(mut user) = self.store.user(token.user).await? else {
            return Err(ResetError::InvalidLink);
        };
        let old = std::mem::replace(&mut user.email, email);
        match self.store.update_user(&user).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Err(ResetError::InvalidLink),
            Err(error) => return Err(error.into()),
        }
        // Members are on their services' safelists under their address: move those entries,
        // or trial services and team keys stop reaching them. The address has changed
        // already, so a failure here is reported without undoing it.
        if let Err(error) = self
            .member_address_changed(user.id, &old, &user.email)
            .await
        {
            tracing::warn!(user = %user.id, %error, "team safelist entries kept the old address");
        }
        self.audit(Some(user.id), "user.email_changed", "").await?;
        Ok(user)
    }

    /// Suspends an account (its sessions end at once) or makes it active again.
    ///
    /// # Errors
    /// The store's (`NotFound` for an unknown id).
    pub async fn set_user_suspended(
        &self,
        id: UserId,
        suspended: bool,
    ) -> Result<User, AccountError> {
        Ok(self.change_user_suspended(id, suspended, None).await?)
    }

    /// [`App::set_user_suspended`] for the use cases of each front door: `actor` is who did it
    /// (a platform admin; `None` for the command line), kept in the audit record.
    pub(crate) async fn change_user_suspended(
        &self,
        id: UserId,
        suspended: bool,
        actor: Option<UserId>,
    ) -> Result<User, StoreError> {
        let mut user = self.store.user(id).await?.ok_or(StoreError::NotFound)?;
        user.state = if suspended {
            UserState::Suspended
        } else {
            UserState::Active
        };
        self.store.update_user(&user).await?;
        if suspended {
            // Its sessions end now: a browser signed in as it is signed out at its next request.
            self.store.remove_user_sessions(id).await?;
        }
        let action = if suspended {
            "user.suspended"
        } else {
            "user.resumed"
        };
        self.audit(actor.or(Some(id)), action, &format!("user={id}"))
            .await?;
        Ok(user)
    }
}
