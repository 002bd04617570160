//! Reply-to addresses and SMS senders: add, list, remove. Removing archives (messages
//! already sent keep naming it); GC Notify's rules on the default one are kept.

use carillon_domain::{EmailAddress, ReplyTo, ReplyToId, ServiceId, SmsSender, SmsSenderId};
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
    #[error(
        "an SMS sender is 4 to 11 letters, digits or full stops (not starting 00), or a +1 number"
    )]
    InvalidSmsSender(String),
    #[error("the service has no reply-to address {0}")]
    ReplyToNotFound(ReplyToId),
    #[error("the service has no SMS sender {0}")]
    SmsSenderNotFound(SmsSenderId),
    /// GC Notify: the default reply-to address goes last; make another the default first.
    #[error("{0} is the default reply-to address: make another one the default before removing it")]
    DefaultReplyTo(String),
    /// GC Notify never deletes the default SMS sender.
    #[error("{0} is the default SMS sender: add another as the default before removing it")]
    DefaultSmsSender(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// GC Notify's rule for sender names: 4–11 letters, digits or full stops, not starting `00`;
/// or a phone number in E.164 form.
pub fn valid_sms_sender(sender: &str) -> bool {
    let name = (4..=11).contains(&sender.chars().count())
        && sender
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
        && !sender.starts_with("00");
    let number = sender.starts_with('+')
        && sender.len() > 8
        && sender[1..].chars().all(|c| c.is_ascii_digit());
    name || number
}

impl App {
    /// Adds a reply-to address; the first one, or one added with `default`, becomes the default.
    pub async fn add_reply_to(
        &self,
        service: ServiceId,
        email: &str,
        default: bool,
    ) -> Result<ReplyTo, SenderError> {
        let address = EmailAddress::parse(email).map_err(|e| SenderError::InvalidEmail {
            address: email.to_owned(),
            reason: e.to_string(),
        })?;
        let first = self.reply_tos(service).await?.is_empty();
        let entry = ReplyTo {
            id: ReplyToId::new(),
            service_id: service,
            email_address: address.as_str().to_owned(),
            is_default: default || first,
            archived: false,
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

    /// Removes a reply-to address. The default one can go only when it is the last.
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
        if entry.is_default && list.len() > 1 {
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
        sender: &str,
        default: bool,
    ) -> Result<SmsSender, SenderError> {
        if !valid_sms_sender(sender) {
            return Err(SenderError::InvalidSmsSender(sender.to_owned()));
        }
        let first = self.sms_senders(service).await?.is_empty();
        let entry = SmsSender {
            id: SmsSenderId::new(),
            service_id: service,
            sms_sender: sender.to_owned(),
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

#[cfg(test)]
mod tests {
    use super::valid_sms_sender;

    #[test]
    fn sender_names() {
        assert!(valid_sms_sender("CANADA.CA"));
        assert!(valid_sms_sender("+16135550123"));
        assert!(!valid_sms_sender("abc"));
        assert!(!valid_sms_sender("00ABCD"));
        assert!(!valid_sms_sender("TOO LONG NAME"));
    }
}
