//! The safelist: recipients a team key, or a service in trial mode, may send to.

use carillon_domain::{NotificationType, Recipient, SafelistEntry, SafelistId, ServiceId};
use carillon_store::StoreError;
use thiserror::Error;

use crate::App;
use crate::services::ServiceError;

/// Why a safelist use case failed.
#[derive(Debug, Error)]
pub enum SafelistError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("{0} is neither an email address nor a phone number")]
    InvalidRecipient(String),
    #[error("the service has no safelist entry {0}")]
    NotFound(SafelistId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An email address or, failing that, a phone number.
pub(crate) fn parse_recipient(recipient: &str) -> Result<Recipient, SafelistError> {
    Recipient::parse(NotificationType::Email, recipient)
        .or_else(|_| Recipient::parse(NotificationType::Sms, recipient))
        .map_err(|_| SafelistError::InvalidRecipient(recipient.to_owned()))
}

impl App {
    /// Adds an email address or a phone number (kept normalised).
    pub async fn add_safelist_entry(
        &self,
        service: ServiceId,
        recipient: &str,
        team_member: bool,
    ) -> Result<SafelistEntry, SafelistError> {
        let parsed = parse_recipient(recipient)?;
        self.service(service).await?;
        let kind = match parsed {
            Recipient::Email(_) => NotificationType::Email,
            Recipient::Phone(_) => NotificationType::Sms,
        };
        let entry = SafelistEntry {
            id: SafelistId::new(),
            service_id: service,
            kind,
            recipient: parsed.normalised(),
            team_member,
        };
        self.store().add_safelist_entry(&entry).await?;
        Ok(entry)
    }

    /// The service's safelist, team members included, in the order added.
    pub async fn safelist(&self, service: ServiceId) -> Result<Vec<SafelistEntry>, SafelistError> {
        self.service(service).await?;
        Ok(self.store().safelist(service).await?)
    }

    /// Removes an entry: the recipient no longer receives from team keys or in trial mode.
    pub async fn remove_safelist_entry(
        &self,
        service: ServiceId,
        id: SafelistId,
    ) -> Result<(), SafelistError> {
        self.service(service).await?;
        match self.store().remove_safelist_entry(service, id).await {
            Err(StoreError::NotFound) => Err(SafelistError::NotFound(id)),
            other => Ok(other?),
        }
    }
}
