//! Signing in with a security key: the second factor's ceremony, and the fallback to a code
//! by email for a person without their key or without JavaScript (docs/accounts.md says why).

use carillon_crypto::webauthn::{self, WebauthnError};
use carillon_domain::SecondFactor;
use serde_json::{Value, json};

use super::second_factor::awaiting;
use super::security_keys::{CHALLENGE_TTL, Ceremony};
use super::{CodeError, Session};
use crate::App;

/// What the browser sends back from `navigator.credentials.get`, each value base64url.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyAssertion {
    pub credential_id: String,
    pub client_data_json: String,
    pub authenticator_data: String,
    pub signature: String,
}

impl App {
    /// The options of `navigator.credentials.get` for the user awaiting their second factor,
    /// as JSON with binary values in base64url.
    ///
    /// # Errors
    /// `NoSignIn`, `Locked`, `NoAuthenticator` (no key registered), `KeysUnavailable`, or the
    /// store's.
    pub async fn begin_security_key_sign_in(
        &self,
        session: &mut Session,
    ) -> Result<String, CodeError> {
        let user = awaiting(session)?;
        let rp = self.relying_party().ok_or(CodeError::KeysUnavailable)?;
        let keys = self.store.security_keys(user.id).await?;
        if keys.is_empty() {
            return Err(CodeError::NoAuthenticator);
        }
        let challenge = self.issue_challenge(session, Ceremony::SignIn).await?;
        let allow: Vec<Value> = keys
            .iter()
            .map(|key| json!({ "type": "public-key", "id": webauthn::encode(&key.credential_id) }))
            .collect();
        Ok(json!({
            "challenge": challenge,
            "rpId": rp.id,
            "allowCredentials": allow,
            "timeout": CHALLENGE_TTL.whole_milliseconds(),
            "userVerification": "discouraged",
        })
        .to_string())
    }

    /// Checks the browser's answer: a signature by one of the user's keys over this session's
    /// challenge. A key that is not theirs, a bad signature or a counter that did not move
    /// forward counts as a wrong code towards the lockout.
    ///
    /// # Errors
    /// `NoSignIn`, `NoKeyResponse` (nothing sent: no JavaScript), `Expired` (no challenge,
    /// expired or already used), `Incorrect`, `Used` (replayed or cloned key), `Locked`,
    /// `KeysUnavailable`, or the store's.
    pub async fn finish_security_key_sign_in(
        &self,
        session: &mut Session,
        answer: &KeyAssertion,
    ) -> Result<(), CodeError> {
        let user = awaiting(session)?;
        if answer.credential_id.is_empty()
            || answer.client_data_json.is_empty()
            || answer.authenticator_data.is_empty()
            || answer.signature.is_empty()
        {
            return Err(CodeError::NoKeyResponse);
        }
        let rp = self.relying_party().ok_or(CodeError::KeysUnavailable)?;
        let Some(challenge) = self.take_challenge(session, Ceremony::SignIn).await? else {
            return Err(CodeError::Expired);
        };
        let decoded = (
            webauthn::decode(&answer.credential_id),
            webauthn::decode(&answer.client_data_json),
            webauthn::decode(&answer.authenticator_data),
            webauthn::decode(&answer.signature),
        );
        let (Some(credential_id), Some(client_data), Some(auth_data), Some(signature)) = decoded
        else {
            return Err(self
                .wrong_code(session, &user, CodeError::Incorrect)
                .await?);
        };
        let key = self
            .store
            .security_key_by_credential(&credential_id)
            .await?
            .filter(|key| key.user == user.id);
        let Some(key) = key else {
            return Err(self
                .wrong_code(session, &user, CodeError::Incorrect)
                .await?);
        };
        let verified = webauthn::verify_assertion(
            &rp,
            &challenge,
            &key.public_key,
            key.sign_count,
            &client_data,
            &auth_data,
            &signature,
        );
        let assertion = match verified {
            Ok(assertion) => assertion,
            Err(error) => {
                // Which check failed helps the operator; it says nothing about the person.
                tracing::info!(%error, "a security key's assertion was refused");
                let refusal = match error {
                    WebauthnError::CounterNotIncreased => CodeError::Used,
                    _ => CodeError::Incorrect,
                };
                return Err(self.wrong_code(session, &user, refusal).await?);
            }
        };
        let now = self.clock.now();
        if !self
            .store
            .use_security_key(key.id, assertion.sign_count, now)
            .await?
        {
            return Err(self.wrong_code(session, &user, CodeError::Used).await?);
        }
        self.complete_sign_in(session, user, SecondFactor::SecurityKey)
            .await
    }

    /// Emails a sign-in code to a user whose second factor is a security key, for when they
    /// do not have it with them or their browser runs no JavaScript.
    ///
    /// # Errors
    /// `NoSignIn`, `Locked`, or the store's or platform email's.
    pub async fn security_key_fallback_to_email(
        &self,
        session: &mut Session,
    ) -> Result<(), CodeError> {
        let user = awaiting(session)?;
        self.audit(Some(user.id), "user.security_key_fallback", "")
            .await?;
        self.resend_code(session).await?;
        Ok(())
    }
}
