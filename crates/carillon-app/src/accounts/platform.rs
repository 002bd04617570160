//! The platform's own emails (sign-in codes, verification and reset links, invitations,
//! reply-to verification), sent through the same pipeline as every service's: a built-in live
//! service with a fixed id, one API key and one template per email and language, created on
//! first use. In the demo they land in the outbox; in production the configured provider
//! delivers them.

use carillon_domain::{
    ApiKeyId, EmailAddress, EmailLocalPart, KeyType, Language, NewApiKey, NewService, NewTemplate,
    NotificationId, NotificationType, ProcessType, Recipient, Service, ServiceId, TemplateId,
    TemplateUpdate,
};
use carillon_store::StoreError;
use serde_json::{Map, Value};
use thiserror::Error;
use uuid::Uuid;

use super::platform_texts::text;
use crate::App;
use crate::send::{SendError, SendInput};

/// The platform service's id, the same in every deployment.
pub const PLATFORM_SERVICE_ID: Uuid = Uuid::from_u128(0x0000_0000_0000_4000_8000_ca51_1104_0001);
const PLATFORM_KEY_ID: Uuid = Uuid::from_u128(0x0000_0000_0000_4000_8000_ca51_1104_0002);
/// Template ids: this base plus twice the email's number, plus one for French.
const TEMPLATE_ID_BASE: u128 = 0x0000_0000_0000_4000_8000_ca51_1104_0100;
const PLATFORM_NAME: &str = "Carillon platform";
const PLATFORM_EMAIL_FROM: &str = "notify";
/// The platform's limits: its emails are how people sign in, so they must never be refused.
const PLATFORM_DAILY_LIMIT: u32 = 10_000_000;
const PLATFORM_ANNUAL_LIMIT: u64 = 1_000_000_000;
const PLATFORM_RATE_LIMIT: u32 = 1_000_000;

/// One of the platform's emails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlatformEmail {
    /// Personalisation: `code`.
    SignInCode,
    /// Personalisation: `name`, `link`.
    VerifyEmail,
    /// Personalisation: `name`, `link`.
    PasswordReset,
    /// Personalisation: `invited_by`, `service_name`, `link`, `days`.
    Invitation,
    /// Personalisation: `name`, `link` (sent to the new address).
    ChangeEmail,
    /// Personalisation: `link` (the sign-in page).
    AlreadyRegistered,
    /// Personalisation: `service_name`, `link`, `hours` (sent to a new reply-to address, in
    /// both languages).
    ReplyToVerification,
}

impl PlatformEmail {
    /// Every platform email.
    pub const ALL: [PlatformEmail; 7] = [
        PlatformEmail::SignInCode,
        PlatformEmail::VerifyEmail,
        PlatformEmail::PasswordReset,
        PlatformEmail::Invitation,
        PlatformEmail::ChangeEmail,
        PlatformEmail::AlreadyRegistered,
        PlatformEmail::ReplyToVerification,
    ];

    /// The fixed id of this email's template in `language`.
    pub fn template_id(self, language: Language) -> TemplateId {
        let index = Self::ALL.iter().position(|kind| *kind == self).unwrap_or(0) as u128;
        let offset = 2 * index + u128::from(language.is_french());
        TemplateId::from_uuid(Uuid::from_u128(TEMPLATE_ID_BASE + offset))
    }
}

/// Why a platform email was not sent.
#[derive(Debug, Error)]
pub enum PlatformEmailError {
    /// Another service took the platform's name or sending address before it was created.
    #[error("the platform service cannot be created: its name or sending address is taken")]
    Taken,
    #[error(transparent)]
    Send(#[from] SendError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The platform service's id.
pub fn platform_service_id() -> ServiceId {
    ServiceId::from_uuid(PLATFORM_SERVICE_ID)
}

/// Whether `id` is the platform service (left out of every listing people see).
pub fn is_platform_service(id: ServiceId) -> bool {
    id == platform_service_id()
}

impl App {
    /// Sends one platform email to `to` in `language` through the notification pipeline.
    ///
    /// # Errors
    /// When the platform service cannot be set up, or the pipeline refuses the message.
    pub async fn send_platform_email(
        &self,
        kind: PlatformEmail,
        to: &EmailAddress,
        language: Language,
        personalisation: Map<String, Value>,
    ) -> Result<NotificationId, PlatformEmailError> {
        let service = self.platform_service().await?;
        let accepted = self
            .send(SendInput {
                service: &service,
                key_id: ApiKeyId::from_uuid(PLATFORM_KEY_ID),
                key_type: KeyType::Normal,
                kind: NotificationType::Email,
                template_id: kind.template_id(language),
                recipient: Recipient::Email(to.clone()),
                to: to.as_str().to_owned(),
                personalisation,
                reference: None,
                scheduled_for: None,
                sender_id: None,
            })
            .await?;
        Ok(accepted.id)
    }

    /// The platform service, its key and its templates, created or brought up to date once
    /// per process (idempotent, so several processes may race to do it).
    ///
    /// # Errors
    /// As [`App::send_platform_email`].
    pub async fn platform_service(&self) -> Result<Service, PlatformEmailError> {
        self.platform
            .get_or_try_init(|| self.set_up_platform())
            .await
            .cloned()
    }

    async fn set_up_platform(&self) -> Result<Service, PlatformEmailError> {
        let id = platform_service_id();
        let now = self.clock.now();
        let mut service = match self.store.service(id).await? {
            Some(service) => service,
            None => self.create_platform_service(id).await?,
        };
        let wanted = Service {
            active: true,
            restricted: false,
            research_mode: false,
            rate_limit: PLATFORM_RATE_LIMIT,
            email_daily_limit: PLATFORM_DAILY_LIMIT,
            email_annual_limit: PLATFORM_ANNUAL_LIMIT,
            ..service.clone()
        };
        if wanted != service {
            self.store.update_service(&wanted).await?;
            service = wanted;
        }
        let key_id = ApiKeyId::from_uuid(PLATFORM_KEY_ID);
        if !self
            .store
            .api_keys(id)
            .await?
            .iter()
            .any(|key| key.id == key_id)
        {
            let key = NewApiKey {
                permissions: carillon_domain::ApiKeyPermissions::default(),
                id: key_id,
                service_id: id,
                name: "platform".to_owned(),
                key_type: KeyType::Normal,
                // Never shown: the platform sends from inside the process.
                secret: carillon_crypto::api_key::generate_secret(),
            };
            ignore_conflict(self.store.create_api_key(&key, now).await.map(drop))?;
        }
        for kind in PlatformEmail::ALL {
            for language in [Language::English, Language::French] {
                self.put_platform_template(id, kind, language).await?;
            }
        }
        Ok(service)
    }

    async fn create_platform_service(&self, id: ServiceId) -> Result<Service, PlatformEmailError> {
        let email_from =
            EmailLocalPart::parse(PLATFORM_EMAIL_FROM).map_err(|_| PlatformEmailError::Taken)?;
        let new = NewService {
            id,
            name: PLATFORM_NAME.to_owned(),
            email_from,
            restricted: false,
        };
        match self.store.create_service(&new, self.clock.now()).await {
            Ok(service) => Ok(service),
            // Another process created it first, or a service took the name.
            Err(StoreError::Conflict(_)) => self
                .store
                .service(id)
                .await?
                .ok_or(PlatformEmailError::Taken),
            Err(error) => Err(error.into()),
        }
    }

    /// Creates the template, or makes a new version when the words in this build changed.
    async fn put_platform_template(
        &self,
        service: ServiceId,
        kind: PlatformEmail,
        language: Language,
    ) -> Result<(), PlatformEmailError> {
        let id = kind.template_id(language);
        let (name, subject, body) = text(kind, language);
        let now = self.clock.now();
        match self.store.template(service, id).await? {
            None => {
                let template = NewTemplate {
                    id,
                    service_id: service,
                    name: name.to_owned(),
                    kind: NotificationType::Email,
                    subject: Some(subject.to_owned()),
                    content: body.to_owned(),
                    category_id: carillon_domain::TemplateCategoryId::generic(
                        ProcessType::Priority,
                    ),
                    process_type_override: None,
                    created_by: None,
                };
                ignore_conflict(self.store.create_template(&template, now).await.map(drop))?;
            }
            Some(current)
                if current.subject.as_deref() != Some(subject) || current.content != body =>
            {
                let update = TemplateUpdate {
                    name: Some(name.to_owned()),
                    subject: Some(subject.to_owned()),
                    content: Some(body.to_owned()),
                    ..TemplateUpdate::default()
                };
                self.store
                    .update_template(service, id, &update, now)
                    .await?;
            }
            Some(_) => {}
        }
        Ok(())
    }
}

/// A conflict means another process created the same record first: what was wanted exists.
fn ignore_conflict(result: Result<(), StoreError>) -> Result<(), StoreError> {
    match result {
        Err(StoreError::Conflict(_)) => Ok(()),
        other => other,
    }
}
