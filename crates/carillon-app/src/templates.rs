//! Templates for sending: loading one with GC Notify's rules, parsing a version (written once
//! here, used by the API, the command line and the workers, cached per id and version), and
//! previewing one with personalisation.

use std::sync::Arc;

use carillon_domain::{NotificationType, ServiceId, Template, TemplateId};
use carillon_render::{EmailTemplate, Personalisation, RenderError, SmsTemplate};
use carillon_store::StoreError;
use thiserror::Error;

use crate::App;

/// A template version, parsed once. Cheap to clone.
#[derive(Debug, Clone)]
pub enum ParsedTemplate {
    Email(Arc<EmailTemplate>),
    Sms(Arc<SmsTemplate>),
}

impl ParsedTemplate {
    /// Parses a template version (the one parser every front door and worker uses).
    ///
    /// # Errors
    /// When the template cannot be parsed at all (too many placeholders).
    pub fn parse(template: &Template) -> Result<Self, carillon_render::TemplateError> {
        Self::parse_parts(
            template.kind,
            template.subject.as_deref(),
            &template.content,
        )
    }

    /// Parses a template's parts, saved or not (a draft's preview).
    ///
    /// # Errors
    /// When the template cannot be parsed at all (too many placeholders).
    pub fn parse_parts(
        kind: NotificationType,
        subject: Option<&str>,
        content: &str,
    ) -> Result<Self, carillon_render::TemplateError> {
        match kind {
            NotificationType::Email => EmailTemplate::parse(subject.unwrap_or(""), content)
                .map(|t| Self::Email(Arc::new(t))),
            NotificationType::Sms => SmsTemplate::parse(content).map(|t| Self::Sms(Arc::new(t))),
        }
    }

    /// The placeholders' names, in template order (subject first).
    pub fn placeholder_names(&self) -> Vec<String> {
        let placeholders = match self {
            Self::Email(email) => email.placeholders(),
            Self::Sms(sms) => sms.placeholders(),
        };
        placeholders.iter().map(|p| p.name.clone()).collect()
    }
}

/// Why a template cannot be used to send.
#[derive(Debug, Error)]
pub enum TemplateError {
    /// No such template for the service.
    #[error("Template not found")]
    NotFound,
    /// A template of the other channel.
    #[error("{found} template is not suitable for {requested} notification")]
    WrongType {
        found: NotificationType,
        requested: NotificationType,
    },
    /// Archived.
    #[error("Template {0} has been deleted")]
    Deleted(TemplateId),
    /// The template cannot be parsed.
    #[error(transparent)]
    Invalid(#[from] carillon_render::TemplateError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a preview could not be made.
#[derive(Debug, Error)]
pub enum PreviewError {
    /// No such template for the service.
    #[error("No result found")]
    NotFound,
    /// The template cannot be parsed.
    #[error(transparent)]
    Invalid(#[from] carillon_render::TemplateError),
    /// The personalisation does not fit the template (missing values, content too long, …).
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A template rendered with personalisation, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub template: Template,
    pub body: String,
    /// Emails only.
    pub html: Option<String>,
    /// Emails only.
    pub subject: Option<String>,
}

impl App {
    /// The template version parsed, from this process's cache (versions never change).
    ///
    /// # Errors
    /// When the template cannot be parsed.
    pub async fn parsed_template(
        &self,
        template: &Template,
    ) -> Result<ParsedTemplate, carillon_render::TemplateError> {
        let key = (template.id, template.version);
        self.caches
            .parsed
            .get_or_load(&key, async || ParsedTemplate::parse(template))
            .await
    }

    /// GC Notify's `validate_template`: the service's template of channel `kind`, not
    /// archived (cached like every read of the send path).
    ///
    /// # Errors
    /// Not found, of the other channel, or deleted, in GC Notify's order.
    pub async fn template_for_sending(
        &self,
        service: ServiceId,
        id: TemplateId,
        kind: NotificationType,
    ) -> Result<Template, TemplateError> {
        let template = self
            .cached_template(service, id)
            .await?
            .ok_or(TemplateError::NotFound)?;
        if template.kind != kind {
            return Err(TemplateError::WrongType {
                found: template.kind,
                requested: kind,
            });
        }
        if template.archived {
            return Err(TemplateError::Deleted(template.id));
        }
        Ok(template)
    }

    /// GC Notify's `validate_template_exists`: any channel, not archived.
    ///
    /// # Errors
    /// Not found or deleted.
    pub async fn active_template(
        &self,
        service: ServiceId,
        id: TemplateId,
    ) -> Result<Template, TemplateError> {
        let template = self
            .cached_template(service, id)
            .await?
            .ok_or(TemplateError::NotFound)?;
        if template.archived {
            return Err(TemplateError::Deleted(template.id));
        }
        Ok(template)
    }

    /// The service's template (its current version, archived or not) rendered with
    /// `personalisation`, without the SMS prefix. A message that is blank once personalised is
    /// shown, as GC Notify's preview shows it; only sending refuses it.
    ///
    /// # Errors
    /// Not found, or the personalisation does not fit.
    pub async fn preview(
        &self,
        service: ServiceId,
        id: TemplateId,
        personalisation: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Preview, PreviewError> {
        let template = self
            .store
            .template(service, id)
            .await?
            .ok_or(PreviewError::NotFound)?;
        let values = Personalisation::from_json(personalisation);
        let (body, html, subject) = match self.parsed_template(&template).await? {
            ParsedTemplate::Email(parsed) => {
                // A preview shows a message that would be blank; only sending refuses it.
                let email = parsed.preview(&values)?;
                (email.body, Some(email.html), Some(email.subject))
            }
            ParsedTemplate::Sms(parsed) => {
                let sms = parsed.preview(&values, None)?;
                (sms.body, None, None)
            }
        };
        Ok(Preview {
            template,
            body,
            html,
            subject,
        })
    }
}
