//! The accounts use cases' errors: one enum per use case, each variant a message the web app
//! shows (it maps every variant to a Fluent message id).

use carillon_store::StoreError;
use thiserror::Error;

use super::PasswordProblem;
use super::platform::PlatformEmailError;

/// A failure no person can fix by changing their input.
#[derive(Debug, Error)]
pub enum AccountError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a password could not be hashed")]
    Hash,
    #[error(transparent)]
    Email(#[from] PlatformEmailError),
}

/// Why signing in with a password failed.
#[derive(Debug, Error)]
pub enum SignInError {
    /// Unknown address, wrong password or suspended account: deliberately one answer.
    #[error("the email address or password is incorrect")]
    Incorrect,
    /// Too many failed attempts; a password reset unlocks it.
    #[error("the account is locked after too many failed sign-ins")]
    Locked,
    /// Registered but the address is not verified yet.
    #[error("the email address is not verified yet")]
    NotVerified,
    #[error(transparent)]
    Failed(#[from] AccountError),
}

impl From<StoreError> for SignInError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}

/// Why a second-factor code was refused.
#[derive(Debug, Error)]
pub enum CodeError {
    /// The session is not waiting for a second factor (signed out, or timed out).
    #[error("no sign-in is in progress")]
    NoSignIn,
    #[error("the code is not right")]
    Incorrect,
    #[error("the code has expired")]
    Expired,
    /// An authenticator code already accepted once (a replay).
    #[error("the code was already used")]
    Used,
    /// That was the last allowed attempt: the sign-in ended and the account is locked.
    #[error("the account is locked after too many failed sign-ins")]
    Locked,
    #[error("no authenticator app or security key is set up for this account")]
    NoAuthenticator,
    /// The security key page was sent without the key's answer (no JavaScript).
    #[error("the browser sent no security key answer")]
    NoKeyResponse,
    /// The server's public address is not a domain name, which WebAuthn requires.
    #[error("security keys need the server's public address to be a domain name")]
    KeysUnavailable,
    #[error(transparent)]
    Failed(#[from] AccountError),
}

impl From<StoreError> for CodeError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}

/// Why a registration was refused.
#[derive(Debug, Error)]
pub enum RegisterError {
    #[error("enter your name")]
    NameMissing,
    #[error("enter a valid email address")]
    InvalidEmail,
    #[error("enter a government email address")]
    NotGovernmentEmail,
    #[error(transparent)]
    Password(#[from] PasswordProblem),
    #[error("read and agree to the terms of use")]
    TermsNotAgreed,
    #[error(transparent)]
    Failed(#[from] AccountError),
}

impl From<StoreError> for RegisterError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}

/// Why a verification or reset link, or a new password, was refused.
#[derive(Debug, Error)]
pub enum ResetError {
    /// Unknown, already used or expired: one answer, so a link says nothing more.
    #[error("the link has expired or was already used")]
    InvalidLink,
    #[error(transparent)]
    Password(#[from] PasswordProblem),
    #[error(transparent)]
    Failed(#[from] AccountError),
}

impl From<StoreError> for ResetError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}

/// Why setting up an authenticator app failed.
#[derive(Debug, Error)]
pub enum TotpSetupError {
    #[error("sign in first")]
    NotSignedIn,
    /// `confirm_totp_setup` without `begin_totp_setup` in this session.
    #[error("start the setup again")]
    NotStarted,
    #[error("the code is not right")]
    Incorrect,
    #[error(transparent)]
    Failed(#[from] AccountError),
}

impl From<StoreError> for TotpSetupError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}

/// Why a change of the signed-in user's email address was refused.
#[derive(Debug, Error)]
pub enum EmailChangeError {
    #[error("sign in first")]
    NotSignedIn,
    #[error("enter a valid email address")]
    InvalidEmail,
    #[error("enter a government email address")]
    NotGovernmentEmail,
    /// The current password, asked for again, was wrong.
    #[error("the password is incorrect")]
    IncorrectPassword,
    #[error("the account is locked after too many failed sign-ins")]
    Locked,
    #[error(transparent)]
    Failed(#[from] AccountError),
}

impl From<StoreError> for EmailChangeError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}

/// Why registering, listing or removing a security key failed.
#[derive(Debug, Error)]
pub enum SecurityKeyError {
    #[error("sign in first")]
    NotSignedIn,
    #[error("enter a name for the key")]
    NameMissing,
    #[error("the key's name is too long")]
    NameTooLong,
    /// The form was sent without the key's answer (no JavaScript).
    #[error("the browser sent no security key answer")]
    NoResponse,
    /// No ceremony in this session, or it expired, or its answer was already used.
    #[error("start again")]
    NotStarted,
    /// The browser's answer did not pass WebAuthn's checks.
    #[error("the security key's answer was refused: {0}")]
    Refused(carillon_crypto::webauthn::WebauthnError),
    #[error("this security key is already registered")]
    AlreadyRegistered,
    #[error("no such security key")]
    NotFound,
    /// Removing it would leave security keys as the second factor with none registered.
    #[error("the last security key cannot be removed while keys are the second factor")]
    LastKey,
    /// The server's public address is not a domain name, which WebAuthn requires.
    #[error("security keys need the server's public address to be a domain name")]
    Unavailable,
    #[error(transparent)]
    Failed(#[from] AccountError),
}

impl From<StoreError> for SecurityKeyError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}
