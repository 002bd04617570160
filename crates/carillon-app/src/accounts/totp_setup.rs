//! Setting up an authenticator app: a new secret is kept in the session until the person
//! proves their app computes its codes, then it becomes their second factor.

use carillon_crypto::totp;
use carillon_domain::SecondFactor;
use serde_json::Value;

use super::{Session, TotpSetupError};
use crate::App;

/// The session data key holding the secret being set up (sealed at rest with the session).
const SETUP_KEY: &str = "totp_setup";
/// The issuer name an authenticator app shows beside the code.
const ISSUER: &str = "Carillon";

/// What the setup page shows: the QR code's URI and the same secret as text.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSetup {
    /// For the QR code.
    pub uri: String,
    /// Base32, for typing in (and for screen-reader users).
    pub secret: String,
}

impl std::fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSetup(..)")
    }
}

impl App {
    /// Starts (or restarts) setting up an authenticator app for the signed-in user.
    ///
    /// # Errors
    /// `NotSignedIn`, or the store's.
    pub async fn begin_totp_setup(
        &self,
        session: &mut Session,
    ) -> Result<TotpSetup, TotpSetupError> {
        let Some(user) = session.user() else {
            return Err(TotpSetupError::NotSignedIn);
        };
        let secret = totp::generate_secret();
        let setup = TotpSetup {
            uri: totp::otpauth_uri(&secret, ISSUER, user.email.as_str()),
            secret: totp::secret_base32(&secret),
        };
        session.set_data(SETUP_KEY, Value::String(setup.secret.clone()));
        self.save_session(session).await?;
        Ok(setup)
    }

    /// Finishes the setup with a code from the app: the authenticator becomes the user's
    /// second factor, and the code's time step counts as used.
    ///
    /// # Errors
    /// `NotSignedIn`, `NotStarted`, `Incorrect`, or the store's.
    pub async fn confirm_totp_setup(
        &self,
        session: &mut Session,
        code: &str,
    ) -> Result<(), TotpSetupError> {
        let Some(user_id) = session.user().map(|user| user.id) else {
            return Err(TotpSetupError::NotSignedIn);
        };
        let secret = session
            .data(SETUP_KEY)
            .and_then(Value::as_str)
            .and_then(totp::secret_from_base32)
            .ok_or(TotpSetupError::NotStarted)?;
        let now = self.clock.now().unix_timestamp();
        let step = totp::verify(&secret, code, now).ok_or(TotpSetupError::Incorrect)?;
        let Some(mut user) = self.store.user(user_id).await? else {
            return Err(TotpSetupError::NotSignedIn);
        };
        user.totp_secret = Some(secret);
        user.totp_last_step = step;
        user.second_factor = SecondFactor::Totp;
        self.store.update_user(&user).await?;
        session.remove_data(SETUP_KEY);
        session.set_loaded_user(user);
        self.save_session(session).await?;
        self.audit(Some(user_id), "user.second_factor_changed", "totp")
            .await?;
        Ok(())
    }
}
