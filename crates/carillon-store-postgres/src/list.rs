//! Reading notifications back: one by id, or a page of a service's, newest first. Purged
//! notifications (personal data NULL, past retention) are not found.

use carillon_domain::{
    ApiKeyId, Notification, NotificationFilter, NotificationId, ServiceId, TemplateId,
};
use carillon_store::StoreResult;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder};

use crate::PgStore;
use crate::codec::{count, from_priority, key_type, kind, open_personal, reference_hash, status};
use crate::error::{col, corrupt, db_err};
use carillon_store::support::{recipient_hash, status_group_sql};

pub(crate) const COLUMNS: &str = "id, service_id, template_id, template_version, api_key_id, key_type, \
    kind, status, priority, billable_units, attempts, sender, \
    created_by_name, personal, created_at, scheduled_for, sent_at, updated_at, \
    provider_reference, provider_response";

pub(crate) async fn one(
    store: &PgStore,
    service: ServiceId,
    id: NotificationId,
) -> StoreResult<Option<Notification>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM notifications \
         WHERE id = $1 AND service_id = $2 AND personal IS NOT NULL"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_uuid())
        .bind(service.as_uuid())
        .fetch_optional(&store.pool)
        .await
        .map_err(db_err)?;
    row.map(|row| decode(store, &row)).transpose()
}

/// Newest first means most recently stored first: `seq` order, which the `older_than`
/// cursor also uses, so pages never skip or repeat a row. Only the filters in use reach the
/// SQL, so each combination gets a plan of its own.
pub(crate) async fn filtered(
    store: &PgStore,
    service: ServiceId,
    filter: &NotificationFilter,
) -> StoreResult<Vec<Notification>> {
    let mut query = select(store, service, filter, "");
    let rows = query.build().fetch_all(&store.pool).await.map_err(db_err)?;
    rows.iter().map(|row| decode(store, row)).collect()
}

/// The listing statement, after `prefix` (the plan tests put EXPLAIN there).
pub(crate) fn select(
    store: &PgStore,
    service: ServiceId,
    filter: &NotificationFilter,
    prefix: &str,
) -> QueryBuilder<Postgres> {
    let mut query =
        QueryBuilder::<Postgres>::new(format!("{prefix}SELECT {COLUMNS} FROM notifications"));
    // Purged rows are past retention: gone, as far as readers are concerned.
    query
        .push(" WHERE service_id = ")
        .push_bind(service.as_uuid())
        .push(" AND personal IS NOT NULL");
    if let [kind] = filter.kinds.as_slice() {
        // Equality, so the per-channel indexes also give the order (an array would not).
        query.push(" AND kind = ").push_bind(kind.as_str());
    } else if !filter.kinds.is_empty() {
        let kinds: Vec<&str> = filter.kinds.iter().map(|k| k.as_str()).collect();
        query.push(" AND kind = ANY(").push_bind(kinds).push(")");
    }
    if !filter.statuses.is_empty() {
        let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        query
            .push(" AND status = ANY(")
            .push_bind(statuses)
            .push(")");
    }
    if let Some(reference) = &filter.client_reference {
        // References are sealed; their keyed hash finds them (equality is all GC Notify offers).
        query
            .push(" AND client_reference_hash = ")
            .push_bind(reference_hash(&store.cipher, service, reference).to_vec());
    }
    if let Some(recipient) = &filter.recipient {
        // Recipients are sealed; the keyed hash of the normalised form finds them.
        let hash = recipient_hash(&store.cipher, service, &recipient.normalised());
        query
            .push(" AND recipient_hash = ")
            .push_bind(hash.to_vec());
    }
    if let Some(group) = filter.status_group {
        // Written out, not bound, so the group's partial index serves the query.
        query.push(" AND ").push(status_group_sql(group));
    }
    if let Some(template) = filter.template {
        query
            .push(" AND template_id = ")
            .push_bind(*template.as_uuid());
    }
    if let Some(job) = filter.job {
        query.push(" AND job_id = ").push_bind(*job.as_uuid());
    }
    if let Some(key_type) = filter.key_type {
        query.push(" AND key_type = ").push_bind(key_type.as_str());
    }
    if filter.exclude_test_keys {
        query.push(" AND key_type <> 'test'");
    }
    if let Some(older_than) = filter.older_than {
        // An unknown cursor yields no rows, as in GC Notify.
        query
            .push(" AND seq < (SELECT seq FROM notifications WHERE id = ")
            .push_bind(older_than.as_uuid())
            .push(" AND service_id = ")
            .push_bind(service.as_uuid())
            .push(" AND personal IS NOT NULL)");
    }
    query
        .push(" ORDER BY seq DESC LIMIT ")
        .push_bind(i64::from(filter.limit));
    query
}

#[cfg(test)]
mod tests;

pub(crate) fn decode(store: &PgStore, row: &PgRow) -> StoreResult<Notification> {
    // Readers skip purged rows, and purged rows never return to the queue.
    let sealed: Option<&[u8]> = col(row, "personal")?;
    let sealed = sealed.ok_or_else(|| corrupt("the notification's personal data was purged"))?;
    let personal = open_personal(&store.cipher, sealed)?;
    let api_key_id: Option<uuid::Uuid> = col(row, "api_key_id")?;
    Ok(Notification {
        id: NotificationId::from_uuid(col(row, "id")?),
        service_id: ServiceId::from_uuid(col(row, "service_id")?),
        template_id: TemplateId::from_uuid(col(row, "template_id")?),
        template_version: col(row, "template_version")?,
        api_key_id: api_key_id.map(ApiKeyId::from_uuid),
        key_type: key_type(col(row, "key_type")?)?,
        kind: kind(col(row, "kind")?)?,
        to: personal.to,
        normalised_to: personal.normalised_to,
        personalisation: personal.personalisation,
        body: personal.body,
        subject: personal.subject,
        client_reference: personal.reference,
        sender: col(row, "sender")?,
        process_type: from_priority(col(row, "priority")?)?,
        billable_units: count(col::<i32>(row, "billable_units")?, "billable_units")?,
        scheduled_for: col(row, "scheduled_for")?,
        status: status(col(row, "status")?)?,
        created_at: col(row, "created_at")?,
        sent_at: col(row, "sent_at")?,
        updated_at: col(row, "updated_at")?,
        provider_response: col(row, "provider_response")?,
        provider_reference: col(row, "provider_reference")?,
        attempts: count(col::<i32>(row, "attempts")?, "attempts")?,
        created_by_name: col(row, "created_by_name")?,
    })
}
