//! Templates as a service manages them: create, show (the latest or any version), update
//! (each change a new version), archive, list; and the categories they can be in. Content is
//! checked by parsing it as sending will.

use carillon_domain::{
    NewTemplate, NotificationType, ProcessType, ServiceId, Template, TemplateCategory,
    TemplateCategoryId, TemplateId, TemplateUpdate,
};
use carillon_render::{EmailTemplate, SmsTemplate, TemplateError};
use carillon_store::StoreError;
use thiserror::Error;

use crate::App;
use crate::services::ServiceError;

/// GC Notify's longest template name.
const MAX_NAME_CHARS: usize = 255;
/// GC Notify's longest email template content.
const MAX_EMAIL_CHARS: usize = carillon_render::EMAIL_CHAR_COUNT_LIMIT;
/// GC Notify's longest SMS template content.
const MAX_SMS_CHARS: usize = carillon_render::SMS_CHAR_COUNT_LIMIT;

/// Why a template use case failed.
#[derive(Debug, Error)]
pub enum TemplateAdminError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("the service has no template {0}")]
    NotFound(TemplateId),
    #[error("template {id} has no version {version}")]
    VersionNotFound { id: TemplateId, version: i32 },
    #[error("a template name must not be empty")]
    EmptyName,
    /// GC Notify's words, though 255 characters are allowed.
    #[error("Template name must be less than 255 characters")]
    NameTooLong,
    #[error("an email template needs a subject")]
    MissingSubject,
    #[error("a text message template has no subject")]
    SubjectOnSms,
    #[error("Message is empty or just whitespace")]
    EmptyContent,
    #[error("Content has a character count greater than the limit of {limit}")]
    ContentTooLong { limit: usize },
    #[error(transparent)]
    Unparsable(#[from] TemplateError),
    #[error("Template is already archived.")]
    AlreadyArchived,
    #[error("template {0} is archived: it can no longer be changed")]
    Archived(TemplateId),
    #[error("template_category_id not found")]
    CategoryNotFound(TemplateCategoryId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A template to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTemplate {
    pub name: String,
    pub kind: NotificationType,
    /// Email only.
    pub subject: Option<String>,
    pub content: String,
    /// The category, which sets the lane unless `process_type_override` does.
    pub category_id: TemplateCategoryId,
    pub process_type_override: Option<ProcessType>,
    pub created_by: Option<String>,
}

/// Changes to a template; `None` keeps the current value. Makes a new version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateChanges {
    pub name: Option<String>,
    pub subject: Option<String>,
    pub content: Option<String>,
    pub category_id: Option<TemplateCategoryId>,
    pub process_type_override: Option<ProcessType>,
    pub created_by: Option<String>,
}

fn check_name(name: &str) -> Result<(), TemplateAdminError> {
    if name.trim().is_empty() {
        return Err(TemplateAdminError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(TemplateAdminError::NameTooLong);
    }
    Ok(())
}

/// The subject and content a template of `kind` may have, parsed as sending parses them.
fn check_content(
    kind: NotificationType,
    subject: Option<&str>,
    content: &str,
) -> Result<(), TemplateAdminError> {
    if content.trim().is_empty() {
        return Err(TemplateAdminError::EmptyContent);
    }
    match kind {
        NotificationType::Email => {
            let subject = subject
                .filter(|s| !s.trim().is_empty())
                .ok_or(TemplateAdminError::MissingSubject)?;
            if content.chars().count() > MAX_EMAIL_CHARS {
                return Err(TemplateAdminError::ContentTooLong {
                    limit: MAX_EMAIL_CHARS,
                });
            }
            EmailTemplate::parse(subject, content)?;
        }
        NotificationType::Sms => {
            if subject.is_some() {
                return Err(TemplateAdminError::SubjectOnSms);
            }
            if content.chars().count() > MAX_SMS_CHARS {
                return Err(TemplateAdminError::ContentTooLong {
                    limit: MAX_SMS_CHARS,
                });
            }
            SmsTemplate::parse(content)?;
        }
    }
    Ok(())
}

/// Checks a template's name, subject and content as creating it would.
pub(crate) fn check_draft(
    kind: NotificationType,
    name: &str,
    subject: Option<&str>,
    content: &str,
) -> Result<(), TemplateAdminError> {
    // GC Notify's order: the content's length is checked before the name's.
    check_content(kind, subject, content)?;
    check_name(name)
}

impl App {
    /// Creates a template (version 1).
    pub async fn create_template(
        &self,
        service: ServiceId,
        new: CreateTemplate,
    ) -> Result<Template, TemplateAdminError> {
        check_draft(new.kind, &new.name, new.subject.as_deref(), &new.content)?;
        self.service(service).await?;
        self.template_category(new.category_id).await?;
        let template = NewTemplate {
            id: TemplateId::new(),
            service_id: service,
            name: new.name,
            kind: new.kind,
            subject: new.subject,
            content: new.content,
            category_id: new.category_id,
            process_type_override: new.process_type_override,
            created_by: new.created_by,
        };
        Ok(self
            .store()
            .create_template(&template, self.clock().now())
            .await?)
    }

    /// A template: its latest version, or the version asked for. Archived ones too.
    pub async fn template(
        &self,
        service: ServiceId,
        id: TemplateId,
        version: Option<i32>,
    ) -> Result<Template, TemplateAdminError> {
        self.service(service).await?;
        let found = match version {
            None => self.store().template(service, id).await?,
            Some(version) => {
                let found = self.store().template_version(service, id, version).await?;
                if found.is_none() && self.store().template(service, id).await?.is_some() {
                    return Err(TemplateAdminError::VersionNotFound { id, version });
                }
                found
            }
        };
        found.ok_or(TemplateAdminError::NotFound(id))
    }

    /// The service's templates that are not archived, of one channel or all, oldest first.
    pub async fn templates(
        &self,
        service: ServiceId,
        kind: Option<NotificationType>,
    ) -> Result<Vec<Template>, TemplateAdminError> {
        self.service(service).await?;
        Ok(self.store().templates(service, kind).await?)
    }

    /// Changes a template that is not archived, making a new version, and returns it.
    pub async fn update_template(
        &self,
        service: ServiceId,
        id: TemplateId,
        changes: TemplateChanges,
    ) -> Result<Template, TemplateAdminError> {
        let current = self.template(service, id, None).await?;
        if current.archived {
            return Err(TemplateAdminError::Archived(id));
        }
        if let Some(name) = &changes.name {
            check_name(name)?;
        }
        let subject = match current.kind {
            NotificationType::Email => changes.subject.as_deref().or(current.subject.as_deref()),
            NotificationType::Sms => changes.subject.as_deref(),
        };
        let content = changes.content.as_deref().unwrap_or(&current.content);
        check_content(current.kind, subject, content)?;
        if let Some(category) = changes.category_id {
            self.template_category(category).await?;
        }
        let update = TemplateUpdate {
            name: changes.name,
            subject: changes.subject,
            content: changes.content,
            category_id: changes.category_id,
            process_type_override: changes.process_type_override,
            archived: None,
            created_by: changes.created_by,
        };
        Ok(self
            .store()
            .update_template(service, id, &update, self.clock().now())
            .await?)
    }

    /// The categories a template can be put in: the visible ones, or all of them with
    /// `hidden`, by English name.
    pub async fn template_categories(
        &self,
        hidden: bool,
    ) -> Result<Vec<TemplateCategory>, TemplateAdminError> {
        let all = self.store().template_categories().await?;
        Ok(all.into_iter().filter(|c| hidden || !c.hidden).collect())
    }

    /// One category, hidden or not.
    pub async fn template_category(
        &self,
        id: TemplateCategoryId,
    ) -> Result<TemplateCategory, TemplateAdminError> {
        self.store()
            .template_category(id)
            .await?
            .ok_or(TemplateAdminError::CategoryNotFound(id))
    }

    /// Archives a template (GC Notify's delete): it can no longer be sent or changed, and
    /// its versions stay readable.
    pub async fn archive_template(
        &self,
        service: ServiceId,
        id: TemplateId,
    ) -> Result<Template, TemplateAdminError> {
        let current = self.template(service, id, None).await?;
        if current.archived {
            return Err(TemplateAdminError::AlreadyArchived);
        }
        let update = TemplateUpdate {
            archived: Some(true),
            ..TemplateUpdate::default()
        };
        Ok(self
            .store()
            .update_template(service, id, &update, self.clock().now())
            .await?)
    }
}
