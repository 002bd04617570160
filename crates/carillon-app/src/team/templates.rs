//! Templates as a service's team manages them in the web app: any member sees them; creating,
//! changing and archiving need manage_templates; the versions need view_activity, as in GC
//! Notify. The checks of names and content are the template use cases' own
//! (`template_admin`), the same the API and the command line go through.

use carillon_domain::{
    MemberPermission, NotificationType, Service, ServiceId, Template, TemplateCategory,
    TemplateCategoryId, TemplateId, User,
};

use carillon_render::Personalisation;

use super::TeamError;
use crate::App;
use crate::template_admin::{CreateTemplate, TemplateChanges};
use crate::templates::ParsedTemplate;

/// What a person typed in a template's form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateDraft {
    pub name: String,
    /// Email only.
    pub subject: Option<String>,
    pub content: String,
    /// The category chosen (GC Notify's, which sets the priority lane); saving needs one.
    pub category: Option<TemplateCategoryId>,
}

/// What the preview of an unsaved template shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftPreview {
    pub subject: Option<String>,
    pub content: String,
    /// The placeholders' names, in the order they first appear.
    pub placeholders: Vec<String>,
    /// For a text message: its length in units, with the service's name when it is sent
    /// with it, and the parts it is sent (and billed) as.
    pub sms_units: Option<usize>,
    pub sms_parts: Option<usize>,
}

/// The templates page: the service, what the person may do there, and the templates shown.
#[derive(Debug, Clone)]
pub struct TemplateList {
    pub service: Service,
    pub permissions: Vec<MemberPermission>,
    pub templates: Vec<Template>,
}

impl App {
    /// The service's templates that are not archived, of one channel or both, whose name
    /// contains `search` (ignoring case), by name. Any member may look.
    pub async fn team_templates(
        &self,
        actor: &User,
        service: ServiceId,
        kind: Option<NotificationType>,
        search: &str,
    ) -> Result<TemplateList, TeamError> {
        let (found, permissions) = self.access(actor, service).await?;
        let wanted = search.trim().to_lowercase();
        let mut templates = self.store().templates(service, kind).await?;
        templates.retain(|t| wanted.is_empty() || t.name.to_lowercase().contains(&wanted));
        templates.sort_by_cached_key(|t| t.name.to_lowercase());
        Ok(TemplateList {
            service: found,
            permissions,
            templates,
        })
    }

    /// One template (its latest version, or `version`) with what the person may do there.
    pub async fn team_template(
        &self,
        actor: &User,
        service: ServiceId,
        id: TemplateId,
        version: Option<i32>,
    ) -> Result<(Template, Vec<MemberPermission>), TeamError> {
        let (_, permissions) = self.access(actor, service).await?;
        if version.is_some() && !permissions.contains(&MemberPermission::ViewActivity) {
            return Err(TeamError::Forbidden);
        }
        Ok((self.template(service, id, version).await?, permissions))
    }

    /// The categories a person may choose for a template (GC Notify's visible ones).
    pub async fn team_template_categories(&self) -> Result<Vec<TemplateCategory>, TeamError> {
        Ok(self.template_categories(false).await?)
    }

    /// One category by id, hidden or not (a template's page names its category).
    pub async fn team_template_category(
        &self,
        id: TemplateCategoryId,
    ) -> Result<TemplateCategory, TeamError> {
        Ok(self.template_category(id).await?)
    }

    /// The latest version of a template that may still change, for its edit and delete
    /// pages (manage_templates; an archived one is not found).
    pub async fn editable_team_template(
        &self,
        actor: &User,
        service: ServiceId,
        id: TemplateId,
    ) -> Result<Template, TeamError> {
        self.require(actor, service, MemberPermission::ManageTemplates)
            .await?;
        match self.template(service, id, None).await? {
            template if template.archived => Err(TeamError::NotFound),
            template => Ok(template),
        }
    }

    /// Every version of a template, newest first (view_activity).
    pub async fn team_template_versions(
        &self,
        actor: &User,
        service: ServiceId,
        id: TemplateId,
    ) -> Result<Vec<Template>, TeamError> {
        self.require(actor, service, MemberPermission::ViewActivity)
            .await?;
        let versions = self.store().template_versions(service, id).await?;
        if versions.is_empty() {
            return Err(TeamError::NotFound);
        }
        Ok(versions)
    }

    /// Checks a draft as saving would, without saving it, and says what the preview shows
    /// (the form's Preview button; manage_templates).
    pub async fn preview_template_draft(
        &self,
        actor: &User,
        service: ServiceId,
        kind: NotificationType,
        draft: &TemplateDraft,
    ) -> Result<DraftPreview, TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ManageTemplates)
            .await?;
        let subject = subject_for(kind, draft.subject.clone());
        crate::template_admin::check_draft(kind, &draft.name, subject.as_deref(), &draft.content)
            .map_err(TeamError::from)?;
        let parsed = ParsedTemplate::parse_parts(kind, subject.as_deref(), &draft.content)
            .map_err(|e| TeamError::Template(e.into()))?;
        let mut placeholders = parsed.placeholder_names();
        let mut seen = std::collections::HashSet::new();
        placeholders.retain(|name| seen.insert(carillon_render::normalise_key(name)));
        // Rendered as it will be sent, each placeholder standing for itself: `((name))`.
        let values: serde_json::Map<String, serde_json::Value> = placeholders
            .iter()
            .map(|name| {
                (
                    name.clone(),
                    serde_json::Value::String(format!("(({name}))")),
                )
            })
            .collect();
        let values = Personalisation::from_json(&values);
        let prefix = found.prefix_sms.then_some(found.name.as_str());
        let (subject, content, parts) = match &parsed {
            ParsedTemplate::Email(email) => match email.preview(&values) {
                Ok(email) => (Some(email.subject), email.text, None),
                Err(_) => (subject, draft.content.clone(), None),
            },
            ParsedTemplate::Sms(sms) => match sms.preview(&values, prefix) {
                Ok(sms) => (None, sms.content, Some((sms.units, sms.fragments))),
                Err(_) => (None, draft.content.clone(), None),
            },
        };
        Ok(DraftPreview {
            subject,
            content,
            placeholders,
            sms_units: parts.map(|p| p.0),
            sms_parts: parts.map(|p| p.1),
        })
    }

    /// Creates a template from the form (manage_templates); its author is the actor.
    pub async fn create_team_template(
        &self,
        actor: &User,
        service: ServiceId,
        kind: NotificationType,
        draft: TemplateDraft,
    ) -> Result<Template, TeamError> {
        self.require(actor, service, MemberPermission::ManageTemplates)
            .await?;
        // The text's problems first, the category's after, as the form lists them.
        let subject = subject_for(kind, draft.subject.clone());
        crate::template_admin::check_draft(kind, &draft.name, subject.as_deref(), &draft.content)?;
        let new = CreateTemplate {
            name: draft.name.trim().to_owned(),
            kind,
            subject: subject_for(kind, draft.subject),
            content: draft.content,
            category_id: draft.category.ok_or(TeamError::CategoryMissing)?,
            process_type_override: None,
            created_by: Some(actor.email.as_str().to_owned()),
        };
        let template = self.create_template(service, new).await?;
        let detail = format!("template={} version=1", template.id);
        self.record_change(actor.into(), Some(service), "template.created", detail)
            .await?;
        Ok(template)
    }

    /// Saves the form as the template's next version (manage_templates).
    pub async fn update_team_template(
        &self,
        actor: &User,
        service: ServiceId,
        id: TemplateId,
        draft: TemplateDraft,
    ) -> Result<Template, TeamError> {
        self.require(actor, service, MemberPermission::ManageTemplates)
            .await?;
        let current = self.template(service, id, None).await?;
        let subject = subject_for(current.kind, draft.subject.clone());
        crate::template_admin::check_draft(
            current.kind,
            &draft.name,
            subject.as_deref(),
            &draft.content,
        )?;
        let changes = TemplateChanges {
            name: Some(draft.name.trim().to_owned()),
            subject: subject_for(current.kind, draft.subject),
            content: Some(draft.content),
            category_id: Some(draft.category.ok_or(TeamError::CategoryMissing)?),
            process_type_override: None,
            created_by: Some(actor.email.as_str().to_owned()),
        };
        let template = self.update_template(service, id, changes).await?;
        let detail = format!("template={id} version={}", template.version);
        self.record_change(actor.into(), Some(service), "template.updated", detail)
            .await?;
        Ok(template)
    }

    /// Archives a template (manage_templates): GC Notify's "delete".
    pub async fn archive_team_template(
        &self,
        actor: &User,
        service: ServiceId,
        id: TemplateId,
    ) -> Result<Template, TeamError> {
        self.require(actor, service, MemberPermission::ManageTemplates)
            .await?;
        let template = self.archive_template(service, id).await?;
        let detail = format!("template={id}");
        self.record_change(actor.into(), Some(service), "template.archived", detail)
            .await?;
        Ok(template)
    }
}

/// An email's subject as typed; a text message has none, whatever the form sent.
fn subject_for(kind: NotificationType, subject: Option<String>) -> Option<String> {
    match kind {
        NotificationType::Email => Some(subject.unwrap_or_default().trim().to_owned()),
        NotificationType::Sms => None,
    }
}
