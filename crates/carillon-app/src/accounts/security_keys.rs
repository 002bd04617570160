//! Security keys and passkeys (WebAuthn) as the second factor: registering one from the
//! profile, listing and removing them, and switching back to codes by email.
//!
//! Each ceremony's challenge is kept in the session (sealed at rest with it), for one ceremony
//! of one kind, for [`CHALLENGE_TTL`], and is taken out before the browser's answer is
//! checked, so an answer can be used once at most.

use carillon_crypto::webauthn::{self, RelyingParty, WebauthnError};
use carillon_domain::{SecondFactor, SecurityKeyId};
use carillon_store::{SecurityKeyRecord, StoreError};
use serde_json::{Value, json};

use super::{AccountError, SecurityKeyError, Session};
use crate::App;

/// The session data key holding the ceremony in progress.
const CEREMONY_KEY: &str = "security_key_ceremony";
/// How long a ceremony may take: the browser is told the same.
pub const CHALLENGE_TTL: time::Duration = time::Duration::minutes(5);
/// The longest name a key may be given, in characters.
pub const MAX_KEY_NAME_CHARS: usize = 100;
/// The relying party's name the browser shows.
const RP_NAME: &str = "Carillon";

/// Which ceremony a challenge was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ceremony {
    Register,
    SignIn,
}

impl Ceremony {
    fn as_str(self) -> &'static str {
        match self {
            Ceremony::Register => "register",
            Ceremony::SignIn => "sign_in",
        }
    }
}

/// What the browser sends back from `navigator.credentials.create`, each value base64url.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyRegistration {
    pub name: String,
    pub client_data_json: String,
    pub attestation_object: String,
}

/// A registered key as the profile lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityKeySummary {
    pub id: SecurityKeyId,
    pub name: String,
    pub created_at: time::OffsetDateTime,
    pub last_used_at: Option<time::OffsetDateTime>,
}

impl App {
    /// The relying party: the web app's public address. `None` when its host is not a domain
    /// name (browsers refuse an IP address as relying party id), so keys cannot be used.
    pub(crate) fn relying_party(&self) -> Option<RelyingParty> {
        let url = url::Url::parse(&self.settings.web_base_url).ok()?;
        let Some(url::Host::Domain(host)) = url.host() else {
            return None;
        };
        Some(RelyingParty {
            id: host.to_owned(),
            origin: url.origin().ascii_serialization(),
        })
    }

    /// Issues a challenge for `ceremony` (replacing any earlier one) and returns it.
    pub(crate) async fn issue_challenge(
        &self,
        session: &mut Session,
        ceremony: Ceremony,
    ) -> Result<String, AccountError> {
        let challenge = webauthn::encode(&webauthn::new_challenge());
        let expires = (self.clock.now() + CHALLENGE_TTL).unix_timestamp();
        session.set_data(
            CEREMONY_KEY,
            json!({ "kind": ceremony.as_str(), "challenge": challenge, "expires": expires }),
        );
        self.save_session(session).await?;
        Ok(challenge)
    }

    /// Takes the session's challenge out (stored at once, so it is used once at most); `None`
    /// when there is none, it was for another ceremony, or it has expired.
    pub(crate) async fn take_challenge(
        &self,
        session: &mut Session,
        ceremony: Ceremony,
    ) -> Result<Option<Vec<u8>>, AccountError> {
        let Some(data) = session.remove_data(CEREMONY_KEY) else {
            return Ok(None);
        };
        self.save_session(session).await?;
        let kind = data.get("kind").and_then(Value::as_str);
        let expires = data.get("expires").and_then(Value::as_i64).unwrap_or(0);
        if kind != Some(ceremony.as_str()) || self.clock.now().unix_timestamp() >= expires {
            return Ok(None);
        }
        Ok(data
            .get("challenge")
            .and_then(Value::as_str)
            .and_then(webauthn::decode))
    }

    /// The options of `navigator.credentials.create` for the signed-in user, as JSON with
    /// binary values in base64url (the page's script decodes them).
    ///
    /// # Errors
    /// `NotSignedIn`, `Unavailable`, or the store's.
    pub async fn begin_security_key_registration(
        &self,
        session: &mut Session,
    ) -> Result<String, SecurityKeyError> {
        let user = session
            .user()
            .cloned()
            .ok_or(SecurityKeyError::NotSignedIn)?;
        let rp = self.relying_party().ok_or(SecurityKeyError::Unavailable)?;
        let existing = self.store.security_keys(user.id).await?;
        let challenge = self.issue_challenge(session, Ceremony::Register).await?;
        let exclude: Vec<Value> = existing
            .iter()
            .map(|key| json!({ "type": "public-key", "id": webauthn::encode(&key.credential_id) }))
            .collect();
        let params: Vec<Value> = webauthn::SUPPORTED_ALGORITHMS
            .iter()
            .map(|alg| json!({ "type": "public-key", "alg": alg }))
            .collect();
        Ok(json!({
            "challenge": challenge,
            "rp": { "id": rp.id, "name": RP_NAME },
            "user": {
                "id": webauthn::encode(user.id.as_uuid().as_bytes()),
                "name": user.email.as_str(),
                "displayName": user.name,
            },
            "pubKeyCredParams": params,
            "excludeCredentials": exclude,
            "timeout": CHALLENGE_TTL.whole_milliseconds(),
            "attestation": "none",
            "authenticatorSelection": {
                "residentKey": "discouraged",
                "userVerification": "discouraged",
            },
        })
        .to_string())
    }

    /// Checks the browser's answer and stores the new key, which becomes the user's second
    /// factor.
    ///
    /// # Errors
    /// `NotSignedIn`, `NameMissing`, `NameTooLong`, `NoResponse` (nothing sent: no
    /// JavaScript), `NotStarted` (no challenge, expired or used), `Refused`,
    /// `AlreadyRegistered`, `Unavailable`, or the store's.
    pub async fn finish_security_key_registration(
        &self,
        session: &mut Session,
        answer: &KeyRegistration,
    ) -> Result<SecurityKeyId, SecurityKeyError> {
        let user_id = session
            .user()
            .map(|user| user.id)
            .ok_or(SecurityKeyError::NotSignedIn)?;
        let name = answer.name.trim();
        if name.is_empty() {
            return Err(SecurityKeyError::NameMissing);
        }
        if name.chars().count() > MAX_KEY_NAME_CHARS {
            return Err(SecurityKeyError::NameTooLong);
        }
        if answer.client_data_json.is_empty() || answer.attestation_object.is_empty() {
            return Err(SecurityKeyError::NoResponse);
        }
        let rp = self.relying_party().ok_or(SecurityKeyError::Unavailable)?;
        let challenge = self
            .take_challenge(session, Ceremony::Register)
            .await?
            .ok_or(SecurityKeyError::NotStarted)?;
        let (Some(client_data), Some(attestation)) = (
            webauthn::decode(&answer.client_data_json),
            webauthn::decode(&answer.attestation_object),
        ) else {
            return Err(SecurityKeyError::Refused(WebauthnError::Malformed));
        };
        let credential = webauthn::verify_registration(&rp, &challenge, &client_data, &attestation)
            .map_err(SecurityKeyError::Refused)?;
        let id = SecurityKeyId::new();
        let added = self
            .store
            .add_security_key(&SecurityKeyRecord {
                id,
                user: user_id,
                credential_id: credential.id,
                public_key: credential.public_key,
                sign_count: credential.sign_count,
                name: name.to_owned(),
                created_at: self.clock.now(),
                last_used_at: None,
            })
            .await;
        match added {
            Err(StoreError::Conflict(_)) => return Err(SecurityKeyError::AlreadyRegistered),
            other => other?,
        }
        self.audit(Some(user_id), "user.security_key_added", &id.to_string())
            .await?;
        self.set_second_factor(session, SecondFactor::SecurityKey)
            .await?;
        Ok(id)
    }

    /// The signed-in user's keys, oldest first.
    ///
    /// # Errors
    /// `NotSignedIn`, or the store's.
    pub async fn security_keys(
        &self,
        session: &Session,
    ) -> Result<Vec<SecurityKeySummary>, SecurityKeyError> {
        let user = session.user().ok_or(SecurityKeyError::NotSignedIn)?;
        Ok(self
            .store
            .security_keys(user.id)
            .await?
            .into_iter()
            .map(|key| SecurityKeySummary {
                id: key.id,
                name: key.name,
                created_at: key.created_at,
                last_used_at: key.last_used_at,
            })
            .collect())
    }

    /// Removes one of the signed-in user's keys. The last key cannot go while keys are the
    /// user's second factor: they switch to codes by email first.
    ///
    /// # Errors
    /// `NotSignedIn`, `NotFound` (not one of theirs), `LastKey`, or the store's.
    pub async fn remove_security_key(
        &self,
        session: &Session,
        id: SecurityKeyId,
    ) -> Result<(), SecurityKeyError> {
        let user = session.user().ok_or(SecurityKeyError::NotSignedIn)?;
        let keys = self.store.security_keys(user.id).await?;
        if !keys.iter().any(|key| key.id == id) {
            return Err(SecurityKeyError::NotFound);
        }
        if keys.len() == 1 && user.second_factor == SecondFactor::SecurityKey {
            return Err(SecurityKeyError::LastKey);
        }
        if !self.store.remove_security_key(user.id, id).await? {
            return Err(SecurityKeyError::NotFound);
        }
        self.audit(Some(user.id), "user.security_key_removed", &id.to_string())
            .await?;
        Ok(())
    }

    /// Makes codes by email the signed-in user's second factor again (keys stay registered).
    ///
    /// # Errors
    /// `NotSignedIn`, or the store's.
    pub async fn use_email_codes(&self, session: &mut Session) -> Result<(), SecurityKeyError> {
        if session.user().is_none() {
            return Err(SecurityKeyError::NotSignedIn);
        }
        self.set_second_factor(session, SecondFactor::EmailCode)
            .await
    }

    async fn set_second_factor(
        &self,
        session: &mut Session,
        factor: SecondFactor,
    ) -> Result<(), SecurityKeyError> {
        let user_id = session
            .user()
            .map(|user| user.id)
            .ok_or(SecurityKeyError::NotSignedIn)?;
        let Some(mut user) = self.store.user(user_id).await? else {
            return Err(SecurityKeyError::NotSignedIn);
        };
        if user.second_factor == factor {
            return Ok(());
        }
        user.second_factor = factor;
        self.store.update_user(&user).await?;
        session.set_loaded_user(user);
        self.audit(Some(user_id), "user.second_factor_changed", factor.as_str())
            .await?;
        Ok(())
    }
}
