//! The service's templates (B2, B7, B8): the list with a type filter and a name search as
//! plain links and a GET form, one template's page, its versions and any version's content.
//! Creating, editing and archiving are in `template_form`.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use carillon_domain::{MemberPermission, NotificationType, ServiceId, TemplateId};
use carillon_i18n::{DisplayZone, format_date_time};
use serde::Deserialize;

use crate::form::Msg;
use crate::page::Page;
use crate::views::member::{Member, failure, not_found, service_id};
use crate::views::page_response;

/// The label of a template's channel.
pub(crate) fn kind_label(kind: NotificationType) -> Msg {
    match kind {
        NotificationType::Email => Msg("template-kind-email"),
        NotificationType::Sms => Msg("template-kind-sms"),
    }
}

/// The service and template ids of a path, if both are ids.
pub(crate) fn ids(service: &str, template: &str) -> Option<(ServiceId, TemplateId)> {
    Some((service_id(service)?, TemplateId::parse(template).ok()?))
}

struct Row {
    name: String,
    href: String,
    kind: Msg,
}

struct Filter {
    href: String,
    label: Msg,
    current: bool,
}

#[derive(Template)]
#[template(path = "templates/list.html")]
struct ListView {
    page: Page,
    banner: Option<Msg>,
    service_name: String,
    action: String,
    search: String,
    filters: Vec<Filter>,
    rows: Vec<Row>,
    create_href: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    q: Option<String>,
    /// Set after archiving a template: a banner says so.
    #[serde(default)]
    archived: Option<String>,
}

/// The templates, filtered by channel (`?kind=`) and name (`?q=`).
pub(crate) async fn list(
    m: Member,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    let kind = q.kind.as_deref().and_then(NotificationType::parse);
    let search = q.q.unwrap_or_default();
    let found = match m.app().team_templates(&m.user, id, kind, &search).await {
        Ok(found) => found,
        Err(error) => return failure(&m.ctx, &error),
    };
    let base = format!("/services/{id}/templates");
    let keep = match search.trim() {
        "" => String::new(),
        text => format!("&q={}", crate::context::encode(text)),
    };
    let filters = [
        (None, Msg("template-filter-all")),
        (Some(NotificationType::Email), Msg("template-filter-email")),
        (Some(NotificationType::Sms), Msg("template-filter-sms")),
    ]
    .into_iter()
    .map(|(option, label)| Filter {
        href: match option {
            None => format!("{base}?{}", keep.trim_start_matches('&')),
            Some(k) => format!("{base}?kind={}{keep}", k.as_str()),
        },
        label,
        current: option == kind,
    })
    .collect();
    let manage = found
        .permissions
        .contains(&MemberPermission::ManageTemplates);
    let view = ListView {
        page: m.ctx.page(Msg("templates-title"), Vec::new()),
        banner: q.archived.map(|_| Msg("template-done-archived")),
        service_name: found.service.name,
        action: base.clone(),
        search,
        filters,
        rows: found
            .templates
            .into_iter()
            .map(|t| Row {
                href: format!("{base}/{}", t.id),
                kind: kind_label(t.kind),
                name: t.name,
            })
            .collect(),
        create_href: manage.then(|| format!("{base}/create")),
    };
    page_response(false, &view)
}

#[derive(Template)]
#[template(path = "templates/show.html")]
struct ShowView {
    page: Page,
    banner: Option<Msg>,
    name: String,
    kind: Msg,
    category: String,
    subject: Option<String>,
    content: String,
    version: i32,
    /// When this version was made, in the page's language.
    edited: String,
    archived: bool,
    edit_href: Option<String>,
    archive_href: Option<String>,
    versions_href: Option<String>,
    /// Set when an older version is shown: the link back to the latest.
    latest_href: Option<String>,
    back_href: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn show_version(
    m: &Member,
    id: ServiceId,
    tid: TemplateId,
    version: Option<i32>,
    banner: Option<Msg>,
) -> Response {
    let (template, held) = match m.app().team_template(&m.user, id, tid, version).await {
        Ok(found) => found,
        Err(error) => return failure(&m.ctx, &error),
    };
    let category = match m.app().team_template_category(template.category_id).await {
        Ok(c) if m.ctx.lang == carillon_domain::Language::French => c.name_fr,
        Ok(c) => c.name_en,
        Err(error) => return failure(&m.ctx, &error),
    };
    let base = format!("/services/{id}/templates/{tid}");
    let manage = held.contains(&MemberPermission::ManageTemplates)
        && !template.archived
        && version.is_none();
    let edited = template.updated_at.unwrap_or(template.created_at);
    let view = ShowView {
        page: m.ctx.page(Msg("template-title"), Vec::new()),
        banner,
        kind: kind_label(template.kind),
        category,
        subject: template.subject,
        content: template.content,
        version: template.version,
        edited: format_date_time(m.ctx.lang, DisplayZone::default(), edited),
        archived: template.archived,
        edit_href: manage.then(|| format!("{base}/edit")),
        archive_href: manage.then(|| format!("{base}/archive")),
        versions_href: held
            .contains(&MemberPermission::ViewActivity)
            .then(|| format!("{base}/versions")),
        latest_href: version.map(|_| base.clone()),
        back_href: format!("/services/{id}/templates"),
        name: template.name,
    };
    page_response(false, &view)
}

/// A template's page ("ready to send?"), after a save with a banner.
pub(crate) async fn show(
    m: Member,
    Path((id, tid)): Path<(String, String)>,
    Query(q): Query<ShowQuery>,
) -> Response {
    let Some((id, tid)) = ids(&id, &tid) else {
        return not_found(&m.ctx);
    };
    let banner = match q.done.as_deref() {
        Some("created") => Some(Msg("template-done-created")),
        Some("saved") => Some(Msg("template-done-saved")),
        _ => None,
    };
    show_version(&m, id, tid, None, banner).await
}

/// One earlier version's content (view_activity).
pub(crate) async fn version(
    m: Member,
    Path((id, tid, version)): Path<(String, String, String)>,
) -> Response {
    let (Some((id, tid)), Ok(version)) = (ids(&id, &tid), version.parse::<i32>()) else {
        return not_found(&m.ctx);
    };
    show_version(&m, id, tid, Some(version), None).await
}

struct VersionRow {
    version: i32,
    href: String,
    name: String,
    made: String,
    by: String,
}

#[derive(Template)]
#[template(path = "templates/versions.html")]
struct VersionsView {
    page: Page,
    name: String,
    rows: Vec<VersionRow>,
    back_href: String,
}

/// Every version of a template, newest first (view_activity).
pub(crate) async fn versions(m: Member, Path((id, tid)): Path<(String, String)>) -> Response {
    let Some((id, tid)) = ids(&id, &tid) else {
        return not_found(&m.ctx);
    };
    let versions = match m.app().team_template_versions(&m.user, id, tid).await {
        Ok(versions) => versions,
        Err(error) => return failure(&m.ctx, &error),
    };
    let base = format!("/services/{id}/templates/{tid}");
    let view = VersionsView {
        page: m.ctx.page(Msg("template-versions-title"), Vec::new()),
        name: versions[0].name.clone(),
        rows: versions
            .into_iter()
            .map(|t| VersionRow {
                href: format!("{base}/versions/{}", t.version),
                version: t.version,
                made: format_date_time(
                    m.ctx.lang,
                    DisplayZone::default(),
                    t.updated_at.unwrap_or(t.created_at),
                ),
                by: t.created_by.unwrap_or_default(),
                name: t.name,
            })
            .collect(),
        back_href: base,
    };
    page_response(false, &view)
}
