//! Reading the daily fact table that migration 0013's triggers keep in step with
//! `notifications`, through its primary key (service, day, ...).

use carillon_domain::{ServiceId, TemplateId};
use carillon_store::{DailyFact, StoreResult, TemplateFact, sort_daily};
use sqlx::postgres::PgRow;
use time::Date;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::{count, kind, status};
use crate::error::{col, db_err};

fn counts(row: &PgRow) -> StoreResult<(u64, u64)> {
    Ok((
        count(col::<i64>(row, "notifications")?, "notifications")?,
        count(col::<i64>(row, "billable_units")?, "billable_units")?,
    ))
}

const DAILY: &str = "SELECT day, kind, status, sum(notifications)::bigint AS notifications, \
        sum(billable_units)::bigint AS billable_units \
    FROM notification_facts WHERE service_id = $1 AND day BETWEEN $2 AND $3 \
    GROUP BY day, kind, status HAVING sum(notifications) > 0";

const PER_TEMPLATE: &str = "SELECT template_id, kind, status, \
        sum(notifications)::bigint AS notifications, \
        sum(billable_units)::bigint AS billable_units \
    FROM notification_facts WHERE service_id = $1 AND day BETWEEN $2 AND $3 \
    GROUP BY template_id, kind, status HAVING sum(notifications) > 0";

#[async_trait::async_trait]
impl carillon_store::FactStore for PgStore {
    async fn daily_facts(
        &self,
        service: ServiceId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<DailyFact>> {
        let rows = sqlx::query(DAILY)
            .bind(service.as_uuid())
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let mut facts = rows
            .iter()
            .map(|row| {
                let (notifications, billable_units) = counts(row)?;
                Ok(DailyFact {
                    day: col(row, "day")?,
                    kind: kind(&col::<String>(row, "kind")?)?,
                    status: status(&col::<String>(row, "status")?)?,
                    notifications,
                    billable_units,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        sort_daily(&mut facts);
        Ok(facts)
    }

    async fn template_facts(
        &self,
        service: ServiceId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<TemplateFact>> {
        let rows = sqlx::query(PER_TEMPLATE)
            .bind(service.as_uuid())
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|row| {
                let (notifications, billable_units) = counts(row)?;
                Ok(TemplateFact {
                    template: TemplateId::from_uuid(col::<Uuid>(row, "template_id")?),
                    kind: kind(&col::<String>(row, "kind")?)?,
                    status: status(&col::<String>(row, "status")?)?,
                    notifications,
                    billable_units,
                })
            })
            .collect()
    }
}
