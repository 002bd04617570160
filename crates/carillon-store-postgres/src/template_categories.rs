//! Template categories: GC Notify's defaults, seeded by migration 0012 and only read here.

use carillon_domain::{NotificationType, ProcessType, TemplateCategory, TemplateCategoryId};
use carillon_store::{StoreError, StoreResult};
use sqlx::postgres::{PgConnection, PgRow};

use crate::PgStore;
use crate::codec::process_type;
use crate::error::{col, db_err};

const COLUMNS: &str = "id, name_en, name_fr, description_en, description_fr, \
    sms_process_type, email_process_type, hidden";

pub(crate) async fn all(store: &PgStore) -> StoreResult<Vec<TemplateCategory>> {
    let sql = format!("SELECT {COLUMNS} FROM template_categories ORDER BY name_en");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&store.pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(decode).collect()
}

pub(crate) async fn one(
    store: &PgStore,
    id: TemplateCategoryId,
) -> StoreResult<Option<TemplateCategory>> {
    let sql = format!("SELECT {COLUMNS} FROM template_categories WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .fetch_optional(&store.pool)
        .await
        .map_err(db_err)?;
    row.as_ref().map(decode).transpose()
}

/// The lane of a template of `kind` in category `id`: `chosen` when the template overrides
/// it, else the category's. Read in the template's transaction; `NotFound` when the category
/// does not exist, so no template is left pointing at nothing.
pub(crate) async fn lane(
    conn: &mut PgConnection,
    id: TemplateCategoryId,
    chosen: Option<ProcessType>,
    kind: NotificationType,
) -> StoreResult<ProcessType> {
    let sql = format!("SELECT {COLUMNS} FROM template_categories WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .fetch_optional(conn)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound)?;
    Ok(chosen.unwrap_or(decode(&row)?.process_type(kind)))
}

fn decode(row: &PgRow) -> StoreResult<TemplateCategory> {
    Ok(TemplateCategory {
        id: TemplateCategoryId::from_uuid(col(row, "id")?),
        name_en: col(row, "name_en")?,
        name_fr: col(row, "name_fr")?,
        description_en: col(row, "description_en")?,
        description_fr: col(row, "description_fr")?,
        sms_process_type: process_type(col(row, "sms_process_type")?)?,
        email_process_type: process_type(col(row, "email_process_type")?)?,
        hidden: col(row, "hidden")?,
    })
}
