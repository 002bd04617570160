//! Writing templates (B3–B6, B9): choosing email or text, the form (a plain Markdown textarea
//! with the formatting help in `<details>`, so no editor script is needed), Preview before
//! saving (the form again, with the message as written, its placeholders and, for a text
//! message, its length and parts), saving a new template or a new version, and archiving one
//! behind a confirmation page.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use carillon_app::team::{DraftPreview, TeamError, TemplateDraft};
use carillon_app::template_admin::TemplateAdminError;
use carillon_domain::{Language, NotificationType, ServiceId, TemplateCategoryId, TemplateId};

use crate::form::{Msg, Problem};
use crate::page::Page;
use crate::security::CSRF_FIELD;
use crate::views::member::{Member, confirm_page, failure, field, not_found, service_id};
use crate::views::templates::ids;
use crate::views::{page_response, see_other};

#[derive(Template)]
#[template(path = "templates/choose.html")]
struct ChooseView {
    page: Page,
    action: String,
    csrf_field: &'static str,
    error: Option<Msg>,
}

fn choose_page(m: &Member, id: ServiceId, problems: Vec<Problem>) -> Response {
    let error = problems.first().map(|p| p.message);
    let erred = !problems.is_empty();
    let view = ChooseView {
        page: m.ctx.page(Msg("template-choose-title"), problems),
        action: format!("/services/{id}/templates/create"),
        csrf_field: CSRF_FIELD,
        error,
    };
    page_response(erred, &view)
}

/// "Email or text message?" (manage_templates).
pub(crate) async fn show_choose(m: Member, Path(id): Path<String>) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    match m
        .app()
        .require(
            &m.user,
            id,
            carillon_domain::MemberPermission::ManageTemplates,
        )
        .await
    {
        Ok(_) => choose_page(&m, id, Vec::new()),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// On to the chosen kind's form.
pub(crate) async fn submit_choose(
    m: Member,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    match NotificationType::parse(field(&f, "kind")) {
        Some(kind) => see_other(&format!("/services/{id}/templates/new/{}", kind.as_str())),
        None => {
            let problem = Problem::new("kind-email", Msg("template-error-kind-missing"));
            choose_page(&m, id, vec![problem])
        }
    }
}

#[derive(Template)]
#[template(path = "templates/form.html")]
struct FormView {
    page: Page,
    action: String,
    csrf_field: &'static str,
    email: bool,
    name: String,
    subject: String,
    content: String,
    name_error: Option<Msg>,
    subject_error: Option<Msg>,
    content_error: Option<Msg>,
    categories: Vec<CategoryOption>,
    category_error: Option<Msg>,
    preview: Option<DraftPreview>,
    back_href: String,
}

/// A category as the form offers it: GC Notify's name and description in the page's language.
struct CategoryOption {
    id: String,
    name: String,
    hint: Option<String>,
    checked: bool,
}

/// Where the form posts and what it is headed, for a new template or an edit.
struct Target {
    service: ServiceId,
    kind: NotificationType,
    /// `None` for a new template.
    template: Option<TemplateId>,
}

impl Target {
    fn action(&self) -> String {
        match self.template {
            Some(t) => format!("/services/{}/templates/{t}/edit", self.service),
            None => format!(
                "/services/{}/templates/new/{}",
                self.service,
                self.kind.as_str()
            ),
        }
    }

    fn heading(&self) -> Msg {
        match (self.template, self.kind) {
            (Some(_), _) => Msg("template-edit-title"),
            (None, NotificationType::Email) => Msg("template-new-email-title"),
            (None, NotificationType::Sms) => Msg("template-new-sms-title"),
        }
    }
}

async fn form_page(
    m: &Member,
    target: &Target,
    draft: &TemplateDraft,
    problems: Vec<Problem>,
    preview: Option<DraftPreview>,
) -> Response {
    let categories = match m.app().team_template_categories().await {
        Ok(categories) => categories,
        Err(error) => return failure(&m.ctx, &error),
    };
    let french = m.ctx.lang == Language::French;
    let categories = categories
        .into_iter()
        .map(|c| CategoryOption {
            id: c.id.to_string(),
            checked: draft.category == Some(c.id),
            name: if french { c.name_fr } else { c.name_en },
            hint: if french {
                c.description_fr
            } else {
                c.description_en
            },
        })
        .collect();
    let error = |name: &str| problems.iter().find(|p| p.field == name).map(|p| p.message);
    let (name_error, subject_error, content_error) =
        (error("name"), error("subject"), error("content"));
    let category_error = error(CATEGORY_FIELD);
    let erred = !problems.is_empty();
    let view = FormView {
        action: target.action(),
        csrf_field: CSRF_FIELD,
        email: target.kind == NotificationType::Email,
        name: draft.name.clone(),
        subject: draft.subject.clone().unwrap_or_default(),
        content: draft.content.clone(),
        name_error,
        subject_error,
        content_error,
        categories,
        category_error,
        preview,
        back_href: match target.template {
            Some(t) => format!("/services/{}/templates/{t}", target.service),
            None => format!("/services/{}/templates", target.service),
        },
        page: m.ctx.page(target.heading(), problems),
    };
    page_response(erred, &view)
}

/// Where the error summary sends a category problem: the first category's radio.
const CATEGORY_FIELD: &str = "category-first";

/// The form's problem for a template the use cases refused, or `None` for another refusal.
fn problem(error: &TeamError) -> Option<Problem> {
    let error = match error {
        TeamError::CategoryMissing => {
            return Some(Problem::new(CATEGORY_FIELD, Msg("template-error-category")));
        }
        TeamError::Template(error) => error,
        _ => return None,
    };
    Some(match error {
        TemplateAdminError::EmptyName | TemplateAdminError::NameTooLong => {
            Problem::new("name", Msg("template-error-name"))
        }
        TemplateAdminError::MissingSubject => {
            Problem::new("subject", Msg("template-error-subject"))
        }
        TemplateAdminError::EmptyContent => {
            Problem::new("content", Msg("template-error-content-missing"))
        }
        TemplateAdminError::ContentTooLong { limit } if *limit < 1_000 => {
            Problem::new("content", Msg("template-error-sms-too-long"))
        }
        TemplateAdminError::ContentTooLong { .. } => {
            Problem::new("content", Msg("template-error-email-too-long"))
        }
        TemplateAdminError::Unparsable(_) => {
            Problem::new("content", Msg("template-error-placeholders"))
        }
        _ => return None,
    })
}

fn draft(kind: NotificationType, f: &[(String, String)]) -> TemplateDraft {
    TemplateDraft {
        name: field(f, "name").to_owned(),
        subject: (kind == NotificationType::Email).then(|| field(f, "subject").to_owned()),
        // Browsers send CRLF line ends; templates keep LF, as the API stores them.
        content: field(f, "content").replace("\r\n", "\n"),
        category: TemplateCategoryId::parse(field(f, "category")).ok(),
    }
}

/// Previews or saves the form, by the button pressed.
async fn submit_form(m: &Member, target: Target, f: &[(String, String)]) -> Response {
    let draft = draft(target.kind, f);
    let app = m.app();
    if field(f, "action") == "preview" {
        return match app
            .preview_template_draft(&m.user, target.service, target.kind, &draft)
            .await
        {
            Ok(preview) => form_page(m, &target, &draft, Vec::new(), Some(preview)).await,
            Err(error) => refused(m, &target, &draft, &error).await,
        };
    }
    let saved = match target.template {
        Some(t) => {
            app.update_team_template(&m.user, target.service, t, draft.clone())
                .await
        }
        None => {
            app.create_team_template(&m.user, target.service, target.kind, draft.clone())
                .await
        }
    };
    match saved {
        Ok(template) => {
            let done = if target.template.is_some() {
                "saved"
            } else {
                "created"
            };
            see_other(&format!(
                "/services/{}/templates/{}?done={done}",
                target.service, template.id
            ))
        }
        Err(error) => refused(m, &target, &draft, &error).await,
    }
}

async fn refused(
    m: &Member,
    target: &Target,
    draft: &TemplateDraft,
    error: &TeamError,
) -> Response {
    match problem(error) {
        Some(problem) => form_page(m, target, draft, vec![problem], None).await,
        None => failure(&m.ctx, error),
    }
}

/// The form for a new template of `kind` (manage_templates).
pub(crate) async fn show_new(m: Member, Path((id, kind)): Path<(String, String)>) -> Response {
    let (Some(id), Some(kind)) = (service_id(&id), NotificationType::parse(&kind)) else {
        return not_found(&m.ctx);
    };
    match m
        .app()
        .require(
            &m.user,
            id,
            carillon_domain::MemberPermission::ManageTemplates,
        )
        .await
    {
        Ok(_) => {
            let target = Target {
                service: id,
                kind,
                template: None,
            };
            let draft = TemplateDraft {
                subject: Some(String::new()),
                ..TemplateDraft::default()
            };
            form_page(&m, &target, &draft, Vec::new(), None).await
        }
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Previews or creates the new template.
pub(crate) async fn submit_new(
    m: Member,
    Path((id, kind)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let (Some(id), Some(kind)) = (service_id(&id), NotificationType::parse(&kind)) else {
        return not_found(&m.ctx);
    };
    submit_form(
        &m,
        Target {
            service: id,
            kind,
            template: None,
        },
        &f,
    )
    .await
}

/// The form filled with the template's latest version (manage_templates).
pub(crate) async fn show_edit(m: Member, Path((id, tid)): Path<(String, String)>) -> Response {
    let Some((id, tid)) = ids(&id, &tid) else {
        return not_found(&m.ctx);
    };
    match m.app().editable_team_template(&m.user, id, tid).await {
        Ok(template) => {
            let target = Target {
                service: id,
                kind: template.kind,
                template: Some(tid),
            };
            let draft = TemplateDraft {
                name: template.name,
                subject: template.subject,
                content: template.content,
                category: Some(template.category_id),
            };
            form_page(&m, &target, &draft, Vec::new(), None).await
        }
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Previews or saves the template's next version.
pub(crate) async fn submit_edit(
    m: Member,
    Path((id, tid)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let Some((id, tid)) = ids(&id, &tid) else {
        return not_found(&m.ctx);
    };
    match m.app().team_template(&m.user, id, tid, None).await {
        Ok((template, _)) => {
            submit_form(
                &m,
                Target {
                    service: id,
                    kind: template.kind,
                    template: Some(tid),
                },
                &f,
            )
            .await
        }
        Err(error) => failure(&m.ctx, &error),
    }
}

fn archive_page(m: &Member, id: ServiceId, tid: TemplateId, name: String) -> Response {
    let base = format!("/services/{id}/templates/{tid}");
    let texts = [
        Msg("template-archive-title"),
        Msg("template-archive-body"),
        Msg("template-archive-submit"),
    ];
    confirm_page(
        &m.ctx,
        texts,
        Some(name),
        format!("{base}/archive"),
        base,
        Vec::new(),
    )
}

/// "Are you sure?" before archiving (manage_templates).
pub(crate) async fn show_archive(m: Member, Path((id, tid)): Path<(String, String)>) -> Response {
    let Some((id, tid)) = ids(&id, &tid) else {
        return not_found(&m.ctx);
    };
    match m.app().editable_team_template(&m.user, id, tid).await {
        Ok(template) => archive_page(&m, id, tid, template.name),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Archives the template, then back to the list.
pub(crate) async fn submit_archive(m: Member, Path((id, tid)): Path<(String, String)>) -> Response {
    let Some((id, tid)) = ids(&id, &tid) else {
        return not_found(&m.ctx);
    };
    match m.app().archive_team_template(&m.user, id, tid).await {
        Ok(_) => see_other(&format!("/services/{id}/templates?archived=1")),
        Err(TeamError::Template(TemplateAdminError::AlreadyArchived)) => not_found(&m.ctx),
        Err(error) => failure(&m.ctx, &error),
    }
}
