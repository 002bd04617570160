//! Templates: every change writes a new immutable row in `template_versions` and moves the
//! `templates` row (the current state) forward, under a row lock so concurrent edits queue.

use carillon_domain::{
    NewTemplate, NotificationType, ProcessType, ServiceId, Template, TemplateCategory,
    TemplateCategoryId, TemplateId, TemplateUpdate,
};
use carillon_store::{StoreError, StoreResult};
use sqlx::PgConnection;
use sqlx::postgres::PgRow;
use time::OffsetDateTime;

use crate::PgStore;
use crate::codec::{kind, process_type, truncate};
use crate::error::{col, db_err};
use crate::template_categories::lane;

const COLUMNS: &str = "service_id, name, kind, subject, content, version, archived, \
    process_type, text_direction_rtl, created_at, updated_at, created_by, category_id, \
    process_type_override";

pub(crate) async fn create(
    store: &PgStore,
    new: &NewTemplate,
    now: OffsetDateTime,
) -> StoreResult<Template> {
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    let process_type = lane(
        &mut tx,
        new.category_id,
        new.process_type_override,
        new.kind,
    )
    .await?;
    let template = Template {
        id: new.id,
        service_id: new.service_id,
        name: new.name.clone(),
        kind: new.kind,
        subject: new.subject.clone(),
        content: new.content.clone(),
        version: 1,
        archived: false,
        process_type,
        category_id: new.category_id,
        process_type_override: new.process_type_override,
        text_direction_rtl: false,
        created_at: truncate(now),
        updated_at: None,
        created_by: new.created_by.clone(),
    };
    sqlx::query(
        "INSERT INTO templates (id, service_id, name, kind, subject, content, version, \
         archived, process_type, text_direction_rtl, created_at, updated_at, created_by, \
         category_id, process_type_override) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(template.id.as_uuid())
    .bind(template.service_id.as_uuid())
    .bind(&template.name)
    .bind(template.kind.as_str())
    .bind(&template.subject)
    .bind(&template.content)
    .bind(template.version)
    .bind(template.archived)
    .bind(template.process_type.as_str())
    .bind(template.text_direction_rtl)
    .bind(template.created_at)
    .bind(template.updated_at)
    .bind(&template.created_by)
    .bind(template.category_id.as_uuid())
    .bind(template.process_type_override.map(ProcessType::as_str))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    insert_version(&mut tx, &template).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(template)
}

pub(crate) async fn update(
    store: &PgStore,
    service: ServiceId,
    id: TemplateId,
    update: &TemplateUpdate,
    now: OffsetDateTime,
) -> StoreResult<Template> {
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    let sql = format!(
        "SELECT {COLUMNS} FROM templates WHERE id = $1 AND service_id = $2 FOR NO KEY UPDATE"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .bind(service.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound)?;
    let current = decode(id, &row)?;
    let mut next = Template {
        name: update.name.clone().unwrap_or(current.name),
        subject: update.subject.clone().or(current.subject),
        content: update.content.clone().unwrap_or(current.content),
        category_id: update.category_id.unwrap_or(current.category_id),
        process_type_override: update
            .process_type_override
            .or(current.process_type_override),
        archived: update.archived.unwrap_or(current.archived),
        created_by: update.created_by.clone().or(current.created_by),
        version: current.version + 1,
        updated_at: Some(truncate(now)),
        ..current
    };
    // The lane follows the category unless overridden; the category must exist.
    next.process_type = lane(
        &mut tx,
        next.category_id,
        next.process_type_override,
        next.kind,
    )
    .await?;
    sqlx::query(
        "UPDATE templates SET name = $1, subject = $2, content = $3, version = $4, \
         archived = $5, process_type = $6, updated_at = $7, created_by = $8, \
         category_id = $9, process_type_override = $10 WHERE id = $11",
    )
    .bind(&next.name)
    .bind(&next.subject)
    .bind(&next.content)
    .bind(next.version)
    .bind(next.archived)
    .bind(next.process_type.as_str())
    .bind(next.updated_at)
    .bind(&next.created_by)
    .bind(next.category_id.as_uuid())
    .bind(next.process_type_override.map(ProcessType::as_str))
    .bind(next.id.as_uuid())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    insert_version(&mut tx, &next).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(next)
}

async fn insert_version(conn: &mut PgConnection, template: &Template) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO template_versions (template_id, version, service_id, name, kind, subject, \
         content, archived, process_type, text_direction_rtl, created_at, updated_at, \
         created_by, category_id, process_type_override) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(template.id.as_uuid())
    .bind(template.version)
    .bind(template.service_id.as_uuid())
    .bind(&template.name)
    .bind(template.kind.as_str())
    .bind(&template.subject)
    .bind(&template.content)
    .bind(template.archived)
    .bind(template.process_type.as_str())
    .bind(template.text_direction_rtl)
    .bind(template.created_at)
    .bind(template.updated_at)
    .bind(&template.created_by)
    .bind(template.category_id.as_uuid())
    .bind(template.process_type_override.map(ProcessType::as_str))
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn latest(
    store: &PgStore,
    service: ServiceId,
    id: TemplateId,
) -> StoreResult<Option<Template>> {
    let sql = format!("SELECT {COLUMNS} FROM templates WHERE id = $1 AND service_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .bind(service.as_uuid())
        .fetch_optional(&store.pool)
        .await
        .map_err(db_err)?;
    row.map(|row| decode(id, &row)).transpose()
}

pub(crate) async fn version(
    store: &PgStore,
    service: ServiceId,
    id: TemplateId,
    version: i32,
) -> StoreResult<Option<Template>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM template_versions \
         WHERE template_id = $1 AND version = $2 AND service_id = $3"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .bind(version)
        .bind(service.as_uuid())
        .fetch_optional(&store.pool)
        .await
        .map_err(db_err)?;
    row.map(|row| decode(id, &row)).transpose()
}

pub(crate) async fn versions(
    store: &PgStore,
    service: ServiceId,
    id: TemplateId,
) -> StoreResult<Vec<Template>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM template_versions \
         WHERE template_id = $1 AND service_id = $2 ORDER BY version DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .bind(service.as_uuid())
        .fetch_all(&store.pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(|row| decode(id, row)).collect()
}

pub(crate) async fn of_service(
    store: &PgStore,
    service: ServiceId,
    kind: Option<NotificationType>,
) -> StoreResult<Vec<Template>> {
    let sql = format!(
        "SELECT id, {COLUMNS} FROM templates \
         WHERE service_id = $1 AND NOT archived AND ($2::text IS NULL OR kind = $2) \
         ORDER BY created_at, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(service.as_uuid())
        .bind(kind.map(NotificationType::as_str))
        .fetch_all(&store.pool)
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|row| decode(TemplateId::from_uuid(col(row, "id")?), row))
        .collect()
}

fn decode(id: TemplateId, row: &PgRow) -> StoreResult<Template> {
    Ok(Template {
        id,
        service_id: ServiceId::from_uuid(col(row, "service_id")?),
        name: col(row, "name")?,
        kind: kind(col(row, "kind")?)?,
        subject: col(row, "subject")?,
        content: col(row, "content")?,
        version: col(row, "version")?,
        archived: col(row, "archived")?,
        process_type: process_type(col(row, "process_type")?)?,
        text_direction_rtl: col(row, "text_direction_rtl")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
        created_by: col(row, "created_by")?,
        category_id: TemplateCategoryId::from_uuid(col(row, "category_id")?),
        process_type_override: col::<Option<String>>(row, "process_type_override")?
            .as_deref()
            .map(process_type)
            .transpose()?,
    })
}

#[async_trait::async_trait]
impl carillon_store::TemplateStore for PgStore {
    async fn create_template(
        &self,
        template: &NewTemplate,
        now: OffsetDateTime,
    ) -> StoreResult<Template> {
        create(self, template, now).await
    }

    async fn update_template(
        &self,
        service: ServiceId,
        id: TemplateId,
        update: &TemplateUpdate,
        now: OffsetDateTime,
    ) -> StoreResult<Template> {
        self::update(self, service, id, update, now).await
    }

    async fn template(&self, service: ServiceId, id: TemplateId) -> StoreResult<Option<Template>> {
        latest(self, service, id).await
    }

    async fn template_version(
        &self,
        service: ServiceId,
        id: TemplateId,
        version: i32,
    ) -> StoreResult<Option<Template>> {
        self::version(self, service, id, version).await
    }

    async fn template_versions(
        &self,
        service: ServiceId,
        id: TemplateId,
    ) -> StoreResult<Vec<Template>> {
        versions(self, service, id).await
    }

    async fn templates(
        &self,
        service: ServiceId,
        kind: Option<NotificationType>,
    ) -> StoreResult<Vec<Template>> {
        of_service(self, service, kind).await
    }

    async fn template_categories(&self) -> StoreResult<Vec<TemplateCategory>> {
        crate::template_categories::all(self).await
    }

    async fn template_category(
        &self,
        id: TemplateCategoryId,
    ) -> StoreResult<Option<TemplateCategory>> {
        crate::template_categories::one(self, id).await
    }
}
