//! Accounts as an operator manages them from the command line: the first account, a
//! forgotten password, platform admins. Accounts created here are active at once.

use carillon_domain::{EmailAddress, Language, SecondFactor, User, UserId, UserState};
use carillon_store::StoreError;
use thiserror::Error;

use super::{AccountError, PasswordProblem, check_password, hash_new_password};
use crate::App;

/// Why an operator's account change failed.
#[derive(Debug, Error)]
pub enum UserAdminError {
    #[error("the name must not be empty")]
    NameMissing,
    #[error("not a valid email address")]
    InvalidEmail,
    #[error(transparent)]
    Password(#[from] PasswordProblem),
    #[error("an account with this email address already exists")]
    Exists,
    #[error("no account has this email address")]
    NotFound,
    #[error(transparent)]
    Failed(#[from] AccountError),
}

impl From<StoreError> for UserAdminError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(_) => Self::Exists,
            other => Self::Failed(other.into()),
        }
    }
}

/// An account to create from the command line.
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub password: String,
    pub platform_admin: bool,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("platform_admin", &self.platform_admin)
            .finish_non_exhaustive()
    }
}

/// The trimmed name (refused when empty) and the parsed address of a new account.
pub(crate) fn check_name_and_email(
    name: &str,
    email: &str,
) -> Result<(String, EmailAddress), UserAdminError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(UserAdminError::NameMissing);
    }
    let email = EmailAddress::parse(email).map_err(|_| UserAdminError::InvalidEmail)?;
    Ok((name.to_owned(), email))
}

impl App {
    /// Creates an active account (signing in with an emailed code).
    ///
    /// # Errors
    /// A refused name, address or password, or `Exists`.
    pub async fn create_user(&self, new: NewUser) -> Result<User, UserAdminError> {
        let (name, email) = check_name_and_email(&new.name, &new.email)?;
        check_password(&new.password)?;
        let hash = hash_new_password(&new.password).await?;
        self.insert_active_user(name, email, hash, new.platform_admin)
            .await
    }

    /// Stores an active account whose name, address and password hash were checked.
    pub(crate) async fn insert_active_user(
        &self,
        name: String,
        email: EmailAddress,
        password_hash: String,
        platform_admin: bool,
    ) -> Result<User, UserAdminError> {
        let now = self.clock.now();
        let user = User {
            id: UserId::new(),
            name,
            email,
            password_hash,
            state: UserState::Active,
            platform_admin,
            second_factor: SecondFactor::EmailCode,
            totp_secret: None,
            totp_last_step: 0,
            failed_sign_ins: 0,
            language: Language::English,
            password_changed_at: now,
            created_at: now,
        };
        self.store.create_user(&user).await?;
        self.audit(None, "user.created", &format!("user={}", user.id))
            .await?;
        Ok(user)
    }

    /// Accounts in the order they were created, `limit` after `offset`.
    ///
    /// # Errors
    /// The store's.
    pub async fn users(&self, limit: u32, offset: u32) -> Result<Vec<User>, UserAdminError> {
        Ok(self.store.users(limit, offset).await?)
    }

    /// The account with this address.
    ///
    /// # Errors
    /// `InvalidEmail`, `NotFound`, or the store's.
    pub async fn user_by_email(&self, email: &str) -> Result<User, UserAdminError> {
        let email = EmailAddress::parse(email).map_err(|_| UserAdminError::InvalidEmail)?;
        self.store
            .user_by_email(&email)
            .await?
            .ok_or(UserAdminError::NotFound)
    }

    /// Sets an account's password (unlocking it) and ends its sessions.
    ///
    /// # Errors
    /// `NotFound`, a refused password, or the store's.
    pub async fn set_password(&self, email: &str, password: &str) -> Result<(), UserAdminError> {
        check_password(password)?;
        let mut user = self.user_by_email(email).await?;
        user.password_hash = hash_new_password(password).await?;
        user.password_changed_at = self.clock.now();
        user.failed_sign_ins = 0;
        self.store.update_user(&user).await?;
        self.store.remove_user_sessions(user.id).await?;
        self.audit(Some(user.id), "user.password_changed", "operator")
            .await?;
        Ok(())
    }

    /// Makes an account a platform admin, or takes that away.
    ///
    /// # Errors
    /// `NotFound`, or the store's.
    pub async fn set_platform_admin(
        &self,
        email: &str,
        platform_admin: bool,
    ) -> Result<User, UserAdminError> {
        let mut user = self.user_by_email(email).await?;
        if user.platform_admin != platform_admin {
            user.platform_admin = platform_admin;
            self.store.update_user(&user).await?;
            let detail = if platform_admin { "granted" } else { "revoked" };
            self.audit(Some(user.id), "user.platform_admin", detail)
                .await?;
        }
        Ok(user)
    }

    /// Suspends the account with this address (its sessions end at once: its next request is
    /// signed out) or makes it active again.
    ///
    /// # Errors
    /// `InvalidEmail`, `NotFound`, or the store's.
    pub async fn set_user_suspended_by_email(
        &self,
        email: &str,
        suspended: bool,
    ) -> Result<User, UserAdminError> {
        let user = self.user_by_email(email).await?;
        Ok(self.set_user_suspended(user.id, suspended).await?)
    }
}
