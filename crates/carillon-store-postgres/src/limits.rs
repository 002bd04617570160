//! Sending limits: counters locked, checked and moved with each batch of notifications, and
//! request rates as a generic cell rate algorithm (GCRA) on one row per service and key type.

use std::collections::{BTreeMap, BTreeSet};

use carillon_domain::{KeyType, NewNotification, ServiceId};
use carillon_store::{Counter, CounterLimit, InsertOutcome, RateLimit, StoreResult};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::codec::{count, from_micros, kind, micros, to_int, truncate};
use crate::error::{col, db_err};

/// A counter's primary key. Batches lock counters in this type's order, so two batches
/// naming the same counters always queue and never deadlock.
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
}
