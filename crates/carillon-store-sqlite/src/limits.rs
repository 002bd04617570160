//! Sending limits: counters checked and incremented with each batch of notifications, and
//! request rates as a generic cell rate algorithm (GCRA) on one row per service and key type.

use std::collections::BTreeMap;

use carillon_domain::{KeyType, NewNotification, ServiceId};
use carillon_store::{Counter, CounterLimit, InsertOutcome, RateLimit, StoreResult};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::SqliteStore;
use crate::codec::{count, micros, to_i64};
use crate::error::db_err;

/// A counter's primary key, ordered so every process locks counters in the same order.
pub(crate) type CounterKey = (Uuid, &'static str, String);

pub(crate) fn counter_key(counter: &Counter) -> CounterKey {
    (
        *counter.service_id.as_uuid(),
        counter.kind.as_str(),
        counter.period.key(),
    )
}

/// Decides which notifications of a batch fit their limits, given the counters' values
/// before the batch, and moves `values` to what they are after it. A notification over any
/// limit changes no counter.
pub(crate) fn decide(
    batch: &[(NewNotification, Vec<CounterLimit>)],
    values: &mut BTreeMap<CounterKey, u64>,
) -> Vec<InsertOutcome> {
    batch
        .iter()
        .map(|(_, limits)| {
            let mut tentative: Vec<(CounterKey, u64)> = Vec::with_capacity(limits.len());
            for (index, limit) in limits.iter().enumerate() {
                let key = counter_key(&limit.counter);
                // A counter named twice by one notification counts both amounts.
                let before = tentative
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| *v)
                    .or_else(|| values.get(&key).copied())
                    .unwrap_or(0);
                match before.checked_add(limit.amount) {
                    Some(after) if after <= limit.ceiling => tentative.push((key, after)),
                    _ => return InsertOutcome::LimitExceeded(index),
                }
            }
            values.extend(tentative);
            InsertOutcome::Inserted
        })
        .collect()
}

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

/// How many of `requested` cells the GCRA grants at `now` (microseconds), and the theoretical
/// arrival time after granting them. A full allowance is `limit` cells; one cell comes back
/// every `window / limit`.
pub(crate) fn gcra(tat: Option<i64>, now: i64, requested: u32, rate: RateLimit) -> (u32, i64) {
    let tat = tat.map_or(now, |tat| tat.max(now));
    if rate.limit == 0 || requested == 0 {
        return (0, tat);
    }
    let limit = i64::from(rate.limit);
    let window = i64::from(rate.window_seconds) * 1_000_000;
    // Rounded up so `limit` cells never take less than the window to come back.
    let interval = ((window + limit - 1) / limit).max(1);
    let room = (now + interval * limit - tat).max(0) / interval;
    let granted = room.min(i64::from(requested));
    (
        u32::try_from(granted).unwrap_or(0),
        tat + granted * interval,
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    const PER_MINUTE: RateLimit = RateLimit {
        limit: 3,
        window_seconds: 60,
    };

    #[test]
    fn gcra_grants_the_full_allowance_then_refills_one_cell_per_interval() {
        let (granted, tat) = gcra(None, 0, 5, PER_MINUTE);
        assert_eq!(granted, 3);
        assert_eq!(gcra(Some(tat), 0, 1, PER_MINUTE).0, 0);
        assert_eq!(gcra(Some(tat), 19_999_999, 1, PER_MINUTE).0, 0);
        assert_eq!(gcra(Some(tat), 20_000_000, 5, PER_MINUTE).0, 1);
        assert_eq!(gcra(Some(tat), 600_000_000, 5, PER_MINUTE).0, 3);
    }

    #[test]
    fn gcra_with_an_uneven_interval_still_grants_the_limit() {
        let rate = RateLimit {
            limit: 7,
            window_seconds: 60,
        };
        assert_eq!(gcra(None, 0, 100, rate).0, 7);
        assert_eq!(
            gcra(
                None,
                0,
                100,
                RateLimit {
                    limit: 0,
                    window_seconds: 60
                }
            )
            .0,
            0
        );
    }
}
