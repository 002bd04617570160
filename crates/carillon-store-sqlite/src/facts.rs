//! Reading the daily fact table that migration 0013's triggers keep in step with
//! `notifications`. Days are stored as whole UTC days since 1970-01-01.

use carillon_domain::{ServiceId, TemplateId};
use carillon_store::{DailyFact, StoreError, StoreResult, TemplateFact, sort_daily};
use sqlx::sqlite::SqliteRow;
use time::Date;
use uuid::Uuid;

use crate::SqliteStore;
use crate::codec::{count, kind, status};
use crate::error::{col, db_err};

const EPOCH: Date = time::macros::date!(1970 - 01 - 01);

/// The stored number of a UTC day.
fn day_number(day: Date) -> i64 {
    (day - EPOCH).whole_days()
}

fn day_of(number: i64) -> StoreResult<Date> {
    i32::try_from(number)
        .ok()
        .and_then(|days| days.checked_add(EPOCH.to_julian_day()))
        .and_then(|julian| Date::from_julian_day(julian).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("day {number} is out of range")))
}

fn counts(row: &SqliteRow) -> StoreResult<(u64, u64)> {
    Ok((
        count(col(row, "notifications")?, "notifications")?,
        count(col(row, "billable_units")?, "billable_units")?,
    ))
}

const DAILY: &str = "SELECT day, kind, status, sum(notifications) AS notifications, \
        sum(billable_units) AS billable_units \
    FROM notification_facts WHERE service_id = ? AND day BETWEEN ? AND ? \
    GROUP BY day, kind, status HAVING sum(notifications) > 0";

const PER_TEMPLATE: &str = "SELECT template_id, kind, status, \
        sum(notifications) AS notifications, sum(billable_units) AS billable_units \
    FROM notification_facts WHERE service_id = ? AND day BETWEEN ? AND ? \
    GROUP BY template_id, kind, status HAVING sum(notifications) > 0";

#[async_trait::async_trait]
impl carillon_store::FactStore for SqliteStore {
    async fn daily_facts(
        &self,
        service: ServiceId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<DailyFact>> {
        let rows = sqlx::query(DAILY)
            .bind(service.as_uuid())
            .bind(day_number(from))
            .bind(day_number(to))
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        let mut facts = rows
            .iter()
            .map(|row| {
                let (notifications, billable_units) = counts(row)?;
                Ok(DailyFact {
                    day: day_of(col(row, "day")?)?,
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
            .bind(day_number(from))
            .bind(day_number(to))
            .fetch_all(&self.readers)
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn days_are_counted_from_the_epoch() {
        assert_eq!(day_number(date!(1970 - 01 - 02)), 1);
        assert_eq!(day_number(date!(2026 - 12 - 04)), 20_791);
        assert_eq!(day_of(20_791).unwrap(), date!(2026 - 12 - 04));
    }
}
