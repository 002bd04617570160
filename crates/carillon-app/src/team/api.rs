//! API integration and sending settings as members see them: API keys (manage_api_keys; a
//! trial service cannot make a live key), the safelist (manage_api_keys) and removing reply-to
//! addresses (manage_service; adding them is `reply_to`'s), over the shared key, safelist and
//! sender use cases.

use carillon_domain::{
    ApiKey, ApiKeyId, KeyType, MemberPermission, ReplyToId, SafelistEntry, ServiceId, User,
};

use super::TeamError;
use crate::App;
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
