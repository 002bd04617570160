//! Creating an account from the web: government addresses only, the password policy, the
//! terms accepted, and an emailed link to prove the address. An address that already has an
//! account gets an email saying so and the same answer, so nobody learns who has one.

use carillon_domain::{EmailAddress, Language, SecondFactor, User, UserId, UserState};
use carillon_store::{StoreError, TokenPurpose};
use serde_json::{Map, Value};

use super::{
    AccountError, PlatformEmail, RegisterError, ResetError, check_password, hash_new_password,
    is_government_email,
};
use crate::App;

/// The web app's path of the email verification link (the token follows).
pub const VERIFY_PATH: &str = "/verify-email";
/// The web app's sign-in page, linked from "already registered".
const SIGN_IN_PATH: &str = "/sign-in";

/// What the create-account form sends.
#[derive(Clone, PartialEq, Eq)]
pub struct Registration {
    pub name: String,
    pub email: String,
    pub password: String,
    pub terms_agreed: bool,
    /// The interface language, used for the emails too.
    pub language: Language,
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration")
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Registers a pending account and emails a verification link (or, for an address that
    /// has an account, an "already registered" email); the answer is `Ok` in both cases.
    ///
    /// # Errors
    /// The first problem with the form, in the form's order.
    pub async fn register(&self, form: Registration) -> Result<(), RegisterError> {
        let name = form.name.trim();
        if name.is_empty() {
            return Err(RegisterError::NameMissing);
        }
        let email = EmailAddress::parse(&form.email).map_err(|_| RegisterError::InvalidEmail)?;
        if !is_government_email(&email, &self.settings.government_domains) {
            return Err(RegisterError::NotGovernmentEmail);
        }
        check_password(&form.password)?;
        if !form.terms_agreed {
            return Err(RegisterError::TermsNotAgreed);
        }
        // Hashed before looking the address up, so both answers cost the same time.
        let password_hash = hash_new_password(&form.password).await?;
        if let Some(existing) = self.store.user_by_email(&email).await? {
            // Not verified yet (the first link lost or expired): a new link, not a notice.
            if existing.state == UserState::Pending {
                self.send_verification(&existing).await?;
            } else {
                self.send_already_registered(&existing.email, existing.language)
                    .await?;
            }
            return Ok(());
        }
        let now = self.clock.now();
        let user = User {
            id: UserId::new(),
            name: name.to_owned(),
            email,
            password_hash,
            state: UserState::Pending,
            platform_admin: false,
            second_factor: SecondFactor::EmailCode,
            totp_secret: None,
            totp_last_step: 0,
            failed_sign_ins: 0,
            language: form.language,
            password_changed_at: now,
            created_at: now,
        };
        match self.store.create_user(&user).await {
            Ok(()) => {}
            // Registered a moment ago by another request: the same answer as above.
            Err(StoreError::Conflict(_)) => {
                self.send_already_registered(&user.email, user.language)
                    .await?;
                return Ok(());
            }
            Err(error) => return Err(error.into()),
        }
        self.audit(Some(user.id), "user.registered", "").await?;
        self.send_verification(&user).await?;
        Ok(())
    }

    /// Emails a new verification link to a pending account (older links stop working).
    ///
    /// # Errors
    /// The store's or the platform email's.
    pub async fn send_verification(&self, user: &User) -> Result<(), AccountError> {
        let link = self
            .new_link(user.id, TokenPurpose::VerifyEmail, VERIFY_PATH, None)
            .await?;
        let mut values = Map::new();
        values.insert("name".to_owned(), Value::String(user.name.clone()));
        values.insert("link".to_owned(), Value::String(link));
        self.send_platform_email(
            PlatformEmail::VerifyEmail,
            &user.email,
            user.language,
            values,
        )
        .await?;
        Ok(())
    }

    /// Emails a new verification link when the address belongs to an account not verified
    /// yet (the page after `SignInError::NotVerified`). Always `Ok`, whoever owns the address.
    ///
    /// # Errors
    /// Only the store's or the platform email's.
    pub async fn resend_verification(&self, email: &str) -> Result<(), AccountError> {
        let Ok(email) = EmailAddress::parse(email) else {
            return Ok(());
        };
        match self.store.user_by_email(&email).await? {
            Some(user) if user.state == UserState::Pending => self.send_verification(&user).await,
            _ => Ok(()),
        }
    }

    /// Activates the account whose verification link this is (single use, one hour). The
    /// person then signs in as usual.
    ///
    /// # Errors
    /// `InvalidLink` for an unknown, used or expired token.
    pub async fn verify_email(&self, token: &str) -> Result<User, ResetError> {
        let Some(token) = self.take_link(TokenPurpose::VerifyEmail, token).await? else {
            return Err(ResetError::InvalidLink);
        };
        let Some(mut user) = self.store.user(token.user).await? else {
            return Err(ResetError::InvalidLink);
        };
        match user.state {
            UserState::Pending => {
                user.state = UserState::Active;
                self.store.update_user(&user).await?;
                self.audit(Some(user.id), "user.verified", "").await?;
                Ok(user)
            }
            UserState::Active => Ok(user),
            UserState::Suspended => Err(ResetError::InvalidLink),
        }
    }

    pub(crate) async fn send_already_registered(
        &self,
        to: &EmailAddress,
        language: Language,
    ) -> Result<(), AccountError> {
        let mut values = Map::new();
        let link = format!("{}{SIGN_IN_PATH}", self.web_link_base());
        values.insert("link".to_owned(), Value::String(link));
        self.send_platform_email(PlatformEmail::AlreadyRegistered, to, language, values)
            .await?;
        Ok(())
    }
}
