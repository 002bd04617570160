//! API integration and sending settings as members see them: API keys (manage_api_keys; a
//! trial service cannot make a live key), the safelist (manage_api_keys) and reply-to
//! addresses (manage_service), over the shared key, safelist and sender use cases.

use carillon_domain::{
    ApiKey, ApiKeyId, EmailAddress, KeyType, MemberPermission, ReplyTo, ReplyToId, SafelistEntry,
    ServiceId, User,
};

use super::TeamError;
use crate::App;
use crate::accounts::is_government_email;
use crate::keys::{CreatedKey, KeyError};
use crate::safelist::SafelistError;

fn key_error(error: KeyError) -> TeamError {
    match error {
        KeyError::Service(e) => e.into(),
        KeyError::InvalidName => TeamError::InvalidKeyName,
        KeyError::DuplicateName(_) => TeamError::DuplicateKeyName,
        KeyError::NotFound(_) => TeamError::NotFound,
        KeyError::Store(e) => e.into(),
    }
}

impl App {
    /// The service's API keys, revoked ones included (manage_api_keys).
    pub async fn service_api_keys(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<Vec<ApiKey>, TeamError> {
        self.require(actor, service, MemberPermission::ManageApiKeys)
            .await?;
        self.api_keys(service).await.map_err(key_error)
    }

    /// Creates a key (manage_api_keys); its full text is in the answer and nowhere else.
    pub async fn create_service_api_key(
        &self,
        actor: &User,
        service: ServiceId,
        name: &str,
        key_type: KeyType,
    ) -> Result<CreatedKey, TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ManageApiKeys)
            .await?;
        if found.restricted && key_type == KeyType::Normal {
            return Err(TeamError::LiveKeyInTrial);
        }
        let created = self
            .create_api_key(service, name, key_type)
            .await
            .map_err(key_error)?;
        let detail = format!("key={} type={}", created.key.id, key_type.as_str());
        self.record_change(actor.into(), Some(service), "api_key.created", detail)
            .await?;
        Ok(created)
    }

    /// Revokes a key (manage_api_keys): it stops working at once.
    pub async fn revoke_service_api_key(
        &self,
        actor: &User,
        service: ServiceId,
        id: ApiKeyId,
    ) -> Result<(), TeamError> {
        self.require(actor, service, MemberPermission::ManageApiKeys)
            .await?;
        self.revoke_api_key(service, id).await.map_err(key_error)?;
        let detail = format!("key={id}");
        self.record_change(actor.into(), Some(service), "api_key.revoked", detail)
            .await
    }

    /// The safelist as its page shows it: entries added by hand, not team members'
    /// (manage_api_keys).
    pub async fn service_safelist(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<Vec<SafelistEntry>, TeamError> {
        self.require(actor, service, MemberPermission::ManageApiKeys)
            .await?;
        let mut list = self.safelist(service).await.map_err(TeamError::Safelist)?;
        list.retain(|e| !e.team_member);
        Ok(list)
    }

    /// Replaces the hand-added safelist with `recipients` (email addresses and phone numbers;
    /// blanks ignored). Nothing changes when one is invalid.
    pub async fn set_service_safelist(
        &self,
        actor: &User,
        service: ServiceId,
        recipients: &[String],
    ) -> Result<Vec<SafelistEntry>, TeamError> {
        let old = self.service_safelist(actor, service).await?;
        let recipients: Vec<&str> = recipients
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
            .collect();
        for recipient in &recipients {
            crate::safelist::parse_recipient(recipient).map_err(TeamError::Safelist)?;
        }
        for entry in old {
            match self.remove_safelist_entry(service, entry.id).await {
                Ok(()) | Err(SafelistError::NotFound(_)) => {}
                Err(e) => return Err(TeamError::Safelist(e)),
            }
        }
        let mut saved = Vec::with_capacity(recipients.len());
        for recipient in recipients {
            let entry = self.add_safelist_entry(service, recipient, false).await;
            saved.push(entry.map_err(TeamError::Safelist)?);
        }
        let detail = format!("entries={}", saved.len());
        self.record_change(actor.into(), Some(service), "safelist.updated", detail)
            .await?;
        Ok(saved)
    }

    /// The service's reply-to addresses (manage_service).
    pub async fn service_reply_tos(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<Vec<ReplyTo>, TeamError> {
        self.require(actor, service, MemberPermission::ManageService)
            .await?;
        self.reply_tos(service).await.map_err(TeamError::ReplyTo)
    }

    /// Adds a reply-to address (manage_service); the first, or one marked `default`, is the
    /// default.
    pub async fn add_service_reply_to(
        &self,
        actor: &User,
        service: ServiceId,
        email: &str,
        default: bool,
    ) -> Result<ReplyTo, TeamError> {
        self.require(actor, service, MemberPermission::ManageService)
            .await?;
        self.check_reply_to_domain(service, email).await?;
        let added = self
            .add_reply_to(service, email, default)
            .await
            .map_err(TeamError::ReplyTo)?;
        let detail = format!("reply_to={} default={}", added.id, added.is_default);
        self.record_change(actor.into(), Some(service), "reply_to.added", detail)
            .await?;
        Ok(added)
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

    /// Removes a reply-to address (manage_service; the default goes last).
    pub async fn remove_service_reply_to(
        &self,
        actor: &User,
        service: ServiceId,
        id: ReplyToId,
    ) -> Result<(), TeamError> {
        self.require(actor, service, MemberPermission::ManageService)
            .await?;
        self.remove_reply_to(service, id)
            .await
            .map_err(TeamError::ReplyTo)?;
        let detail = format!("reply_to={id}");
        self.record_change(actor.into(), Some(service), "reply_to.removed", detail)
            .await
    }
}
