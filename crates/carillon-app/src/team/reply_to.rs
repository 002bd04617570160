//! Reply-to addresses as members add them (manage_service). GC Notify sends a test email and
//! saves the address once it is delivered; Carillon saves it at once as waiting for
//! verification and emails it a single-use link, valid for a day. Whoever opens the link
//! (anyone who can read that mailbox: no sign-in needed) verifies it; only then may it be the
//! default or be used when sending.

use carillon_domain::{
    EmailAddress, MemberPermission, ReplyTo, ReplyToId, Service, ServiceId, User,
};
use serde_json::{Map, Value};
use time::Duration;

use super::{Actor, TeamError};
use crate::App;
use crate::accounts::{PlatformEmail, is_government_email};

/// The web app's path of a verification link: `{web_base_url}/reply-to/verify/{token}`.
pub const REPLY_TO_VERIFY_PATH: &str = "/reply-to/verify";
/// How long a verification link works: a shared mailbox may be read only once a day.
pub const REPLY_TO_LINK_VALIDITY: Duration = Duration::days(1);
/// The token key's purpose for reply-to verification links.
const PURPOSE: &[u8] = b"reply-to verification";

impl App {
    /// The service's reply-to addresses, verified or not (manage_service).
    pub async fn service_reply_tos(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<Vec<ReplyTo>, TeamError> {
        self.require(actor, service, MemberPermission::ManageService)
            .await?;
        self.reply_tos(service).await.map_err(TeamError::ReplyTo)
    }

    /// Adds a reply-to address waiting for verification and emails it the link
    /// (manage_service). With `default`, it becomes the default once verified; the first
    /// verified address always does.
    ///
    /// # Errors
    /// [`TeamError::ReplyToLinkNotSent`] when the address was added but the email could not
    /// be sent (send it again with [`App::resend_reply_to_verification`]).
    pub async fn add_service_reply_to(
        &self,
        actor: &User,
        service: ServiceId,
        email: &str,
        default: bool,
    ) -> Result<ReplyTo, TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ManageService)
            .await?;
        self.check_reply_to_domain(service, email).await?;
        let added = self
            .add_unverified_reply_to(service, email)
            .await
            .map_err(TeamError::ReplyTo)?;
        let detail = format!("reply_to={} verified=false", added.id);
        self.record_change(actor.into(), Some(service), "reply_to.added", detail)
            .await?;
        self.send_reply_to_link(actor, &found, &added, default)
            .await?;
        Ok(added)
    }

    /// Sends a new verification link to an address still waiting (manage_service); the
    /// previous link stops working.
    pub async fn resend_reply_to_verification(
        &self,
        actor: &User,
        service: ServiceId,
        id: ReplyToId,
    ) -> Result<ReplyTo, TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ManageService)
            .await?;
        let list = self.reply_tos(service).await.map_err(TeamError::ReplyTo)?;
        let pending = list
            .into_iter()
            .find(|r| r.id == id && !r.verified)
            .ok_or(TeamError::NotFound)?;
        self.send_reply_to_link(actor, &found, &pending, false)
            .await?;
        Ok(pending)
    }

    /// Verifies the address whose link holds `token`: anyone holding the link may, once,
    /// within [`REPLY_TO_LINK_VALIDITY`]. It becomes the default when it was added as such or
    /// the service has no default yet.
    ///
    /// # Errors
    /// [`TeamError::ReplyToLinkInvalid`] when the link is unknown, used, expired, or its
    /// address was removed.
    pub async fn verify_reply_to(&self, token: &str) -> Result<ReplyTo, TeamError> {
        let hash = self.settings().token_key.hash(PURPOSE, token.trim());
        let taken = self
            .store()
            .verify_reply_to(&hash, self.clock().now())
            .await?;
        let (mut verified, wanted) = taken.ok_or(TeamError::ReplyToLinkInvalid)?;
        let service = verified.service_id;
        let has_default = self
            .store()
            .reply_tos(service)
            .await?
            .iter()
            .any(|r| r.is_default && !r.archived);
        if wanted || !has_default {
            self.store()
                .set_default_reply_to(service, verified.id)
                .await?;
            verified.is_default = true;
        }
        // Opened by whoever holds the link: no account to name in the audit log.
        let detail = format!("reply_to={} default={}", verified.id, verified.is_default);
        self.record_change(Actor::Cli, Some(service), "reply_to.verified", detail)
            .await?;
        Ok(verified)
    }

    /// Stores a new link for `address` and emails it, in the actor's language first.
    async fn send_reply_to_link(
        &self,
        actor: &User,
        service: &Service,
        address: &ReplyTo,
        default: bool,
    ) -> Result<(), TeamError> {
        let token = carillon_crypto::token::new_token();
        let verification = carillon_store::ReplyToVerification {
            hash: self.settings().token_key.hash(PURPOSE, &token),
            expires_at: self.clock().now() + REPLY_TO_LINK_VALIDITY,
            make_default: default,
        };
        self.store()
            .set_reply_to_verification(service.id, address.id, &verification)
            .await?;
        let to = EmailAddress::parse(&address.email_address)
            .map_err(|e| TeamError::InvalidEmail(e.to_string()))?;
        let base = self.settings().web_base_url.trim_end_matches('/');
        let mut personalisation = Map::new();
        let mut put = |key: &str, value: String| {
            personalisation.insert(key.to_owned(), Value::String(value));
        };
        put("service_name", service.name.clone());
        put("link", format!("{base}{REPLY_TO_VERIFY_PATH}/{token}"));
        put("hours", REPLY_TO_LINK_VALIDITY.whole_hours().to_string());
        self.send_platform_email(
            PlatformEmail::ReplyToVerification,
            &to,
            actor.language,
            personalisation,
        )
        .await
        .map(drop)
        .map_err(|error| {
            tracing::warn!(%error, reply_to = %address.id, "reply-to verification not sent");
            TeamError::ReplyToLinkNotSent
        })
    }

    /// GC Notify's rule: a government address, or one on the domain of a team member's.
    async fn check_reply_to_domain(
        &self,
        service: ServiceId,
        email: &str,
    ) -> Result<(), TeamError> {
        // An invalid address is the sender use case's to report, with its own message.
        let Ok(address) = EmailAddress::parse(email) else {
            return Ok(());
        };
        if is_government_email(&address, &self.settings().government_domains) {
            return Ok(());
        }
        let domain = address.domain().to_lowercase();
        for membership in self.store().members(service).await? {
            let user = self.store().user(membership.user).await?;
            if user.is_some_and(|u| u.email.domain().to_lowercase() == domain) {
                return Ok(());
            }
        }
        Err(TeamError::ReplyToDomainNotAllowed)
    }
}
