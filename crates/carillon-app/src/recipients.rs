//! Who may receive: smoke-test recipients, team keys and trial services (team members and the
//! safelist only), international numbers; and which sender a message goes out with.

use carillon_domain::{KeyType, NotificationType, Permission, Recipient, Service, ServiceId};
use carillon_store::StoreError;
use thiserror::Error;
use uuid::Uuid;

use crate::App;

/// A recipient the key or the service may not reach.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecipientRefused {
    /// A team key, to someone neither on the team nor on the safelist.
    #[error(
        "Can’t send to this recipient using a team-only API key (service {0}) - see \
         https://documentation.notification.canada.ca/en/keys.html#team-and-safelist"
    )]
    TeamKey(ServiceId),
    /// A trial service, to someone neither on the team nor on the safelist.
    #[error(
        "Can’t send to this recipient when service is in trial mode – see \
         https://documentation.notification.canada.ca/en/keys.html#live"
    )]
    TrialMode,
    /// An international number without the permission.
    #[error("Cannot send to international mobile numbers")]
    International,
}

/// A reply-to address or SMS sender the service does not have, or a reply-to address still
/// waiting for verification (GC Notify only ever saves delivered ones, so it has no such case:
/// the same 400, with its own words).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "{} {id} {} for service id {service}",
    if *kind == NotificationType::Email { "email_reply_to_id" } else { "sms_sender_id" },
    if *unverified { "is not verified yet" } else { "does not exist in database" }
)]
pub struct UnknownSender {
    pub kind: NotificationType,
    pub id: Uuid,
    pub service: ServiceId,
    /// The reply-to address exists but nobody has opened its verification link yet.
    pub unverified: bool,
}

/// Why a recipient check did not pass.
#[derive(Debug, Error)]
pub(crate) enum RecipientError {
    #[error(transparent)]
    Refused(#[from] RecipientRefused),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why the sender could not be chosen.
#[derive(Debug, Error)]
pub(crate) enum SenderError {
    #[error(transparent)]
    Unknown(#[from] UnknownSender),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// GC Notify's smoke-test recipients: answered 201, never stored or sent.
const SIMULATED_EMAILS: [&str; 3] = [
    "simulate-delivered@notification.canada.ca",
    "simulate-delivered-2@notification.canada.ca",
    "simulate-delivered-3@notification.canada.ca",
];
const SIMULATED_NUMBERS: [&str; 3] = ["+16132532222", "+16132532223", "+16132532224"];

/// Whether the recipient is a smoke-test address or number.
pub fn is_simulated(recipient: &Recipient) -> bool {
    let normalised = recipient.normalised();
    match recipient {
        Recipient::Email(_) => SIMULATED_EMAILS.contains(&normalised.as_str()),
        Recipient::Phone(_) => SIMULATED_NUMBERS.contains(&normalised.as_str()),
    }
}

/// Refuses recipients the key or the service's trial mode may not reach.
pub(crate) async fn check_allowed(
    state: &App,
    service: &Service,
    key_type: KeyType,
    recipient: &Recipient,
) -> Result<(), RecipientError> {
    let restricted = key_type == KeyType::Team || (service.restricted && key_type != KeyType::Test);
    if restricted && !is_simulated(recipient) {
        let normalised = recipient.normalised();
        let safelist = state.cached_safelist(service.id).await?;
        if !safelist.iter().any(|entry| entry.recipient == normalised) {
            return Err(if key_type == KeyType::Team {
                RecipientRefused::TeamKey(service.id)
            } else {
                RecipientRefused::TrialMode
            }
            .into());
        }
    }
    if let Recipient::Phone(phone) = recipient
        && phone.is_international()
        && !service.can(Permission::InternationalSms)
    {
        return Err(RecipientRefused::International.into());
    }
    Ok(())
}

/// The reply-to address (email) or sender (SMS) to use: the one asked for, else the default.
pub(crate) async fn sender(
    state: &App,
    service: &Service,
    kind: NotificationType,
    requested: Option<Uuid>,
) -> Result<Option<String>, SenderError> {
    match kind {
        NotificationType::Email => {
            let reply_tos = state.cached_reply_tos(service.id).await?;
            match requested {
                Some(id) => {
                    let found = reply_tos
                        .iter()
                        .find(|r| r.id.as_uuid() == &id && !r.archived);
                    match found {
                        Some(r) if r.verified => Ok(Some(r.email_address.clone())),
                        found => Err(SenderError::Unknown(UnknownSender {
                            kind: NotificationType::Email,
                            id,
                            service: service.id,
                            unverified: found.is_some(),
                        })),
                    }
                }
                // Only a verified address is ever the default; checked again all the same.
                None => Ok(reply_tos
                    .iter()
                    .find(|r| r.is_default && r.verified && !r.archived)
                    .map(|r| r.email_address.clone())),
            }
        }
        NotificationType::Sms => {
            let senders = state.cached_sms_senders(service.id).await?;
            match requested {
                Some(id) => senders
                    .iter()
                    .find(|s| s.id.as_uuid() == &id && !s.archived)
                    .map(|s| Some(s.sms_sender.as_str().to_owned()))
                    .ok_or(SenderError::Unknown(UnknownSender {
                        kind: NotificationType::Sms,
                        id,
                        service: service.id,
                        unverified: false,
                    })),
                None => Ok(Some(
                    senders
                        .iter()
                        .find(|s| s.is_default && !s.archived)
                        .map_or_else(
                            || state.settings.default_sms_sender.clone(),
                            |s| s.sms_sender.as_str().to_owned(),
                        ),
                )),
            }
        }
    }
}
