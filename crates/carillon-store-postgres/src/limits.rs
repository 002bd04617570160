//! Sending limits: counters locked, checked and moved with each batch of notifications, and
//! request rates as a generic cell rate algorithm (GCRA) on one row per service and key type.

use std::collections::{BTreeMap, BTreeSet};

use carillon_domain::{KeyType, NewNotification, ServiceId};
use carillon_store::support::{CounterKey, counter_key, gcra};
use carillon_store::{Counter, CounterLimit, RateLimit, StoreResult};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::{count, from_micros, kind, micros, to_int, truncate};
use crate::error::{col, db_err};

/// Locks every counter the batch names until the transaction ends (creating missing ones at
/// 0) and reads their values, in one statement.
pub(crate) async fn lock_counters(
    conn: &mut PgConnection,
    batch: &[(NewNotification, Vec<CounterLimit>)],
) -> StoreResult<BTreeMap<CounterKey, u64>> {
    let keys: BTreeSet<CounterKey> = batch
        .iter()
        .flat_map(|(_, limits)| limits.iter().map(|limit| counter_key(&limit.counter)))
        .collect();
    if keys.is_empty() {
        return Ok(BTreeMap::new());
    }
    let services: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
    let kinds: Vec<&str> = keys.iter().map(|k| k.1).collect();
    let periods: Vec<&str> = keys.iter().map(|k| k.2.as_str()).collect();
    // The no-op update takes each row lock, in `ord` order, whether the row is new or not.
    let rows = sqlx::query(
        "INSERT INTO counters (service_id, kind, period, value) \
         SELECT k.service_id, k.kind, k.period, 0 \
         FROM UNNEST($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY \
             AS k(service_id, kind, period, ord) \
         ORDER BY k.ord \
         ON CONFLICT (service_id, kind, period) DO UPDATE SET value = counters.value \
         RETURNING service_id, kind, period, value",
    )
    .bind(services)
    .bind(kinds)
    .bind(periods)
    .fetch_all(conn)
    .await
    .map_err(db_err)?;
    let mut values = BTreeMap::new();
    for row in &rows {
        let key = (
            col(row, "service_id")?,
            kind(col(row, "kind")?)?.as_str(),
            col(row, "period")?,
        );
        values.insert(key, count(col::<i64>(row, "value")?, "counter")?);
    }
    Ok(values)
}

/// Writes counters whose value changed, in one statement.
pub(crate) async fn save_counters(
    conn: &mut PgConnection,
    before: &BTreeMap<CounterKey, u64>,
    after: &BTreeMap<CounterKey, u64>,
) -> StoreResult<()> {
    let changed: Vec<(&CounterKey, &u64)> = after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(*value))
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let services: Vec<Uuid> = changed.iter().map(|(k, _)| k.0).collect();
    let kinds: Vec<&str> = changed.iter().map(|(k, _)| k.1).collect();
    let periods: Vec<&str> = changed.iter().map(|(k, _)| k.2.as_str()).collect();
    let values = changed
        .iter()
        .map(|(_, v)| to_int::<i64, _>(**v, "counter"))
        .collect::<StoreResult<Vec<i64>>>()?;
    sqlx::query(
        "UPDATE counters SET value = u.value \
         FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::bigint[]) \
             AS u(service_id, kind, period, value) \
         WHERE counters.service_id = u.service_id AND counters.kind = u.kind \
             AND counters.period = u.period",
    )
    .bind(services)
    .bind(kinds)
    .bind(periods)
    .bind(values)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn counter(store: &PgStore, counter: &Counter) -> StoreResult<u64> {
    let value: Option<i64> = sqlx::query_scalar(
        "SELECT value FROM counters WHERE service_id = $1 AND kind = $2 AND period = $3",
    )
    .bind(counter.service_id.as_uuid())
    .bind(counter.kind.as_str())
    .bind(counter.period.key())
    .fetch_optional(&store.pool)
    .await
    .map_err(db_err)?;
    value.map_or(Ok(0), |value| count(value, "counter"))
}

pub(crate) async fn take_rate(
    store: &PgStore,
    service: ServiceId,
    key_type: KeyType,
    requested: u32,
    rate: RateLimit,
    now: OffsetDateTime,
) -> StoreResult<u32> {
    let now = truncate(now);
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    // Creates the row at `now` (a full allowance) or locks the existing one, and reads it.
    let tat: OffsetDateTime = sqlx::query_scalar(
        "INSERT INTO rate_limits (service_id, key_type, tat) VALUES ($1, $2, $3) \
         ON CONFLICT (service_id, key_type) DO UPDATE SET tat = rate_limits.tat \
         RETURNING tat",
    )
    .bind(service.as_uuid())
    .bind(key_type.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    let (granted, next) = gcra(Some(micros(tat)), micros(now), requested, rate);
    if granted > 0 {
        sqlx::query("UPDATE rate_limits SET tat = $1 WHERE service_id = $2 AND key_type = $3")
            .bind(from_micros(next)?)
            .bind(service.as_uuid())
            .bind(key_type.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(granted)
}
