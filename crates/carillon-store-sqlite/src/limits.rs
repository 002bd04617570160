//! Sending limits: counters checked and incremented with each batch of notifications, and
//! request rates as a generic cell rate algorithm (GCRA) on one row per service and key type.

use std::collections::BTreeMap;

use carillon_domain::{KeyType, NewNotification, ServiceId};
use carillon_store::support::{CounterKey, counter_key, gcra};
use carillon_store::{Counter, CounterLimit, RateLimit, StoreResult};
use time::OffsetDateTime;

use crate::SqliteStore;
use crate::codec::{count, micros, to_i64};
use crate::error::db_err;

pub(crate) async fn counter(store: &SqliteStore, counter: &Counter) -> StoreResult<u64> {
    let value: Option<i64> = sqlx::query_scalar(
        "SELECT value FROM counters WHERE service_id = ? AND kind = ? AND period = ?",
    )
    .bind(counter.service_id.as_uuid())
    .bind(counter.kind.as_str())
    .bind(counter.period.key())
    .fetch_optional(&store.readers)
    .await
    .map_err(db_err)?;
    value.map_or(Ok(0), |value| count(value, "counter"))
}

pub(crate) async fn take_rate(
    store: &SqliteStore,
    service: ServiceId,
    key_type: KeyType,
    requested: u32,
    rate: RateLimit,
    now: OffsetDateTime,
) -> StoreResult<u32> {
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let tat: Option<i64> =
        sqlx::query_scalar("SELECT tat FROM rate_limits WHERE service_id = ? AND key_type = ?")
            .bind(service.as_uuid())
            .bind(key_type.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
    let (granted, next) = gcra(tat, micros(now), requested, rate);
    if granted > 0 {
        sqlx::query(
            "INSERT INTO rate_limits (service_id, key_type, tat) VALUES (?, ?, ?) \
             ON CONFLICT (service_id, key_type) DO UPDATE SET tat = excluded.tat",
        )
        .bind(service.as_uuid())
        .bind(key_type.as_str())
        .bind(next)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(granted)
}

/// Reads the counters a batch names, before the batch.
pub(crate) async fn load_counters(
    conn: &mut sqlx::SqliteConnection,
    batch: &[(NewNotification, Vec<CounterLimit>)],
) -> StoreResult<BTreeMap<CounterKey, u64>> {
    let mut values = BTreeMap::new();
    for (_, limits) in batch {
        for limit in limits {
            let key = counter_key(&limit.counter);
            if values.contains_key(&key) {
                continue;
            }
            let value: Option<i64> = sqlx::query_scalar(
                "SELECT value FROM counters WHERE service_id = ? AND kind = ? AND period = ?",
            )
            .bind(key.0)
            .bind(key.1)
            .bind(&key.2)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_err)?;
            values.insert(key, value.map_or(Ok(0), |v| count(v, "counter"))?);
        }
    }
    Ok(values)
}

/// Writes counters whose value changed.
pub(crate) async fn save_counters(
    conn: &mut sqlx::SqliteConnection,
    before: &BTreeMap<CounterKey, u64>,
    after: &BTreeMap<CounterKey, u64>,
) -> StoreResult<()> {
    for (key, value) in after {
        if before.get(key) == Some(value) {
            continue;
        }
        sqlx::query(
            "INSERT INTO counters (service_id, kind, period, value) VALUES (?, ?, ?, ?) \
             ON CONFLICT (service_id, kind, period) DO UPDATE SET value = excluded.value",
        )
        .bind(key.0)
        .bind(key.1)
        .bind(&key.2)
        .bind(to_i64(*value, "counter")?)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}
