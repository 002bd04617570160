//! People who use the web app: browser sessions, signing in with a password and a second
//! factor (an emailed code, an authenticator app or a security key), registration, email verification, password resets, authenticator setup, and the
//! platform emails (codes and links) sent through Carillon's own notification pipeline.
//!
//! Bearer secrets (session ids, codes, link tokens) are stored only as keyed hashes
//! ([`carillon_crypto::TokenKey`]); nothing personal is logged.

mod audit;
mod errors;
mod links;
mod passwords;
mod platform;
mod platform_texts;
mod policy;
mod profile;
mod registration;
mod second_factor;
mod security_key_sign_in;
mod security_keys;
pub mod sessions;
mod sign_in;
mod throttle;
mod totp_setup;
mod users;

pub use errors::{
    AccountError, CodeError, EmailChangeError, RegisterError, ResetError, SecurityKeyError,
    SignInError, TotpSetupError,
};
pub use passwords::RESET_PATH;
pub use platform::{
    PLATFORM_SERVICE_ID, PlatformEmail, PlatformEmailError, is_platform_service,
    platform_service_id,
};
pub use policy::{
    DEFAULT_GOVERNMENT_DOMAINS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, PasswordProblem,
    check_password, is_government_email,
};
pub use profile::CHANGE_EMAIL_PATH;
pub use registration::{Registration, VERIFY_PATH};
pub use security_key_sign_in::KeyAssertion;
pub use security_keys::{CHALLENGE_TTL, KeyRegistration, MAX_KEY_NAME_CHARS, SecurityKeySummary};
pub use sessions::Session;
pub use sign_in::SignInNext;
pub use throttle::AuthAction;
pub(crate) use throttle::Throttle;
pub use totp_setup::TotpSetup;
pub(crate) use users::check_name_and_email;
pub use users::{NewUser, UserAdminError};

/// How long an unused session lasts (GC Notify: 30 minutes of inactivity).
pub const DEFAULT_SESSION_IDLE: std::time::Duration = std::time::Duration::from_secs(30 * 60);
/// How long a session lasts at most, however active.
pub const DEFAULT_SESSION_ABSOLUTE: std::time::Duration =
    std::time::Duration::from_secs(12 * 60 * 60);

/// Failed sign-ins (wrong passwords and wrong codes) that lock an account (GC Notify's 10).
pub const MAX_FAILED_SIGN_INS: u32 = 10;
/// Digits in an emailed sign-in code (GC Notify's 5).
pub const EMAIL_CODE_DIGITS: u32 = 5;

/// What each keyed hash is for, so a hash made for one purpose never matches another.
pub(crate) mod purpose {
    pub(crate) const SESSION: &[u8] = b"session";
    pub(crate) const CSRF: &[u8] = b"csrf";
    pub(crate) const EMAIL_CODE: &[u8] = b"email_code";
    pub(crate) const VERIFY_EMAIL: &[u8] = b"verify_email";
    pub(crate) const RESET_PASSWORD: &[u8] = b"reset_password";
    pub(crate) const CHANGE_EMAIL: &[u8] = b"change_email";
    pub(crate) const THROTTLE: &[u8] = b"throttle";
}

/// Argon2id computations at once in this process. Each takes 19 MiB and tens of
/// milliseconds of CPU: unbounded, a burst of sign-ins would fill the blocking thread pool
/// and the memory; bounded, the excess waits its turn.
const CONCURRENT_HASHES: usize = 8;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);

/// Whether `password` matches the PHC string, off the async runtime (Argon2id takes tens of
/// milliseconds of CPU). `None` spends the same time on a dummy hash: an unknown account.
pub(crate) async fn password_matches(password: &str, phc: Option<String>) -> bool {
    let password = password.to_owned();
    // The semaphore is never closed, so acquiring only fails if it were: then refuse.
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => carillon_crypto::password::verify_password(&password, &phc),
        None => {
            carillon_crypto::password::verify_dummy(&password);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// The Argon2id hash of a new password, off the async runtime.
pub(crate) async fn hash_new_password(password: &str) -> Result<String, AccountError> {
    let password = password.to_owned();
    let _permit = HASHING.acquire().await.map_err(|_| AccountError::Hash)?;
    tokio::task::spawn_blocking(move || carillon_crypto::password::hash_password(&password))
        .await
        .map_err(|_| AccountError::Hash)?
        .map_err(|_| AccountError::Hash)
}

/// `std::time::Duration` as `time::Duration` (saturating).
pub(crate) fn span(duration: std::time::Duration) -> time::Duration {
    time::Duration::try_from(duration).unwrap_or(time::Duration::MAX)
}
