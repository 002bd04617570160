//! Reply-to addresses and SMS senders: add, list, remove. Removing archives (messages
//! already sent keep naming it); GC Notify's rules on the default one are kept.

use carillon_domain::{
    EmailAddress, ReplyTo, ReplyToId, ServiceId, SmsFrom, SmsSender, SmsSenderId,
};
use carillon_store::StoreError;
use thiserror::Error;

use crate::App;
use crate::services::ServiceError;

/// Why a sender use case failed.
#[derive(Debug, Error)]
pub enum SenderError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("{address}: {reason}")]
    InvalidEmail { address: String, reason: String },
    #[error("the service has no reply-to address {0}")]
    ReplyToNotFound(ReplyToId),
    #[error("the service has no SMS sender {0}")]
    SmsSenderNotFound(SmsSenderId),
    /// GC Notify: the default reply-to address goes last; make another the default first.
    #[error("{0} is the default reply-to address: make another one the default before removing it")]
    DefaultReplyTo(String),
    /// GC Notify never deletes the default SMS sender.
    #[error("{0} is the default SMS sender: add another as the default before removing it")]
    DefaultSmsSender(SmsFrom),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn parse_reply_to(email: &str) -> Result<EmailAddress, SenderError> {
    EmailAddress::parse(email).map_err(|e| SenderError::InvalidEmail {
        address: email.to_owned(),
        reason: e.to_string(),
    })
}

impl App {
    /// Adds a verified reply-to address, as the operator does at the command line (whoever
    /// runs `carillon` holds the database, so vouches for it); the first verified one, or one
    /// added with `default`, becomes the default. Members add theirs with
    /// [`App::add_service_reply_to`], which sends a verification link instead.
    pub async fn add_reply_to(
        &self,
        service: ServiceId,
        email: &str,
        default: bool,
    ) -> Result<ReplyTo, SenderError> {
        let address = parse_reply_to(email)?;
        let first = !self.reply_tos(service).await?.iter().any(|r| r.verified);
        let entry = ReplyTo {
            id: ReplyToId::new(),
            service_id: service,
            email_address: address.as_str().to_owned(),
            is_default: default || first,
            archived: false,
            verified: true,
        };
        self.store().add_reply_to(&entry).await?;
        Ok(entry)
    }

    /// Adds a reply-to address waiting for verification: never the default until verified.
    pub(crate) async fn add_unverified_reply_to(
        &self,
        service: ServiceId,
        email: &str,
    ) -> Result<ReplyTo, SenderError> {
        let address = parse_reply_to(email)?;
        self.reply_tos(service).await?;
        let entry = ReplyTo {
            id: ReplyToId::new(),
            service_id: service,
            email_address: address.as_str().to_owned(),
            is_default: false,
            archived: false,
            verified: false,
        };
        self.store().add_reply_to(&entry).await?;
        Ok(entry)
    }

    /// The service's reply-to addresses that are not removed, in the order added.
    pub async fn reply_tos(&self, service: ServiceId) -> Result<Vec<ReplyTo>, SenderError> {
        self.service(service).await?;
        let mut list = self.store().reply_tos(service).await?;
        list.retain(|r| !r.archived);
        Ok(list)
    }

    /// Removes a reply-to address. The default one can go only when it is the last verified
    /// one (addresses waiting for verification cannot take its place).
    pub async fn remove_reply_to(
        &self,
        service: ServiceId,
        id: ReplyToId,
    ) -> Result<ReplyTo, SenderError> {
        let list = self.reply_tos(service).await?;
        let entry = list
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .ok_or(SenderError::ReplyToNotFound(id))?;
        if entry.is_default && list.iter().filter(|r| r.verified).count() > 1 {
            return Err(SenderError::DefaultReplyTo(entry.email_address));
        }
        match self.store().remove_reply_to(service, id).await {
            Err(StoreError::NotFound) => Err(SenderError::ReplyToNotFound(id)),
            other => Ok(other.map(|()| entry)?),
        }
    }

    /// Adds an SMS sender; the first one, or one added with `default`, becomes the default.
    pub async fn add_sms_sender(
        &self,
        service: ServiceId,
        sender: &SmsFrom,
        default: bool,
    ) -> Result<SmsSender, SenderError> {
        let first = self.sms_senders(service).await?.is_empty();
        let entry = SmsSender {
            id: SmsSenderId::new(),
            service_id: service,
            sms_sender: sender.clone(),
            is_default: default || first,
            archived: false,
        };
        self.store().add_sms_sender(&entry).await?;
        Ok(entry)
    }

    /// The service's SMS senders that are not removed, in the order added.
    pub async fn sms_senders(&self, service: ServiceId) -> Result<Vec<SmsSender>, SenderError> {
        self.service(service).await?;
        let mut list = self.store().sms_senders(service).await?;
        list.retain(|s| !s.archived);
        Ok(list)
    }

    /// Removes an SMS sender that is not the default.
    pub async fn remove_sms_sender(
        &self,
        service: ServiceId,
        id: SmsSenderId,
    ) -> Result<SmsSender, SenderError> {
        let entry = self
            .sms_senders(service)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(SenderError::SmsSenderNotFound(id))?;
        if entry.is_default {
            return Err(SenderError::DefaultSmsSender(entry.sms_sender));
        }
        match self.store().remove_sms_sender(service, id).await {
            Err(StoreError::NotFound) => Err(SenderError::SmsSenderNotFound(id)),
            other => Ok(other.map(|()| entry)?),
        }
    }
}
