//! Rate limiting shared by every process that accepts notifications: allowances are taken from the database's cell
//! rate, in leases sized to the traffic, so a busy service costs one database call per many
//! requests while the limit still holds across processes.
//!
//! A lease is good for one second; its unused tokens are dropped (under-allowing slightly,
//! never over-allowing). Its size doubles while leases run out before they expire and falls
//! back to one when they do not, so a quiet service spends exactly one token per request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carillon_domain::{ApiKeyId, KeyType, ServiceId};
use carillon_store::{RateLimit, StoreError};
use time::OffsetDateTime;

use crate::App;
use crate::transient::retrying;

const LEASE_LIFETIME: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy)]
struct Lease {
    tokens: u32,
    expires: Instant,
    next_size: u32,
}

/// Held while one request refreshes a lease from the database.
type RefreshLock = Arc<tokio::sync::Mutex<()>>;

/// This process's leases, per service and key type.
#[derive(Debug, Default)]
pub(crate) struct RateLeases {
    leases: Mutex<HashMap<(ServiceId, KeyType), Lease>>,
    /// When each key's use was last written, so busy keys write it once per interval.
    key_use: Mutex<HashMap<ApiKeyId, Instant>>,
    /// One refresh at a time per service and key type: when a lease runs out under load, the
    /// requests in flight would otherwise all queue on the same database row at once.
    refreshing: Mutex<HashMap<(ServiceId, KeyType), RefreshLock>>,
}

/// GC Notify records a key's last use at most once per 10 seconds.
const KEY_USE_INTERVAL: Duration = Duration::from_secs(10);

impl RateLeases {
    fn refresh_lock(&self, key: (ServiceId, KeyType)) -> RefreshLock {
        match self.refreshing.lock() {
            Ok(mut locks) => Arc::clone(locks.entry(key).or_default()),
            Err(_) => Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// Whether this key's use should be written now (and notes that it is).
    pub(crate) fn key_use_due(&self, key: ApiKeyId, now: Instant) -> bool {
        let Ok(mut seen) = self.key_use.lock() else {
            return false;
        };
        if seen.len() > 100_000 {
            seen.clear();
        }
        match seen.get(&key) {
            Some(at) if now.saturating_duration_since(*at) < KEY_USE_INTERVAL => false,
            _ => {
                seen.insert(key, now);
                true
            }
        }
    }
}

impl RateLeases {
    /// Spends one token from a valid lease; otherwise says how many to ask the database for.
    fn spend(&self, key: (ServiceId, KeyType), now: Instant, ceiling: u32) -> Result<(), u32> {
        let Ok(mut leases) = self.leases.lock() else {
            return Err(1);
        };
        match leases.get_mut(&key) {
            Some(lease) if lease.expires > now && lease.tokens > 0 => {
                lease.tokens -= 1;
                Ok(())
            }
            Some(lease) if lease.expires > now => Err(lease.next_size),
            // Expired: if tokens were left, traffic is low; start again from one.
            Some(lease) => Err(if lease.tokens > 0 { 1 } else { lease.next_size }.min(ceiling)),
            None => Err(1),
        }
    }

    /// Records a grant of `granted` tokens (one of which the caller spends now).
    fn grant(
        &self,
        key: (ServiceId, KeyType),
        now: Instant,
        requested: u32,
        granted: u32,
        ceiling: u32,
    ) {
        let Ok(mut leases) = self.leases.lock() else {
            return;
        };
        let lease = leases.entry(key).or_insert(Lease {
            tokens: 0,
            expires: now,
            next_size: 1,
        });
        let left = if lease.expires > now { lease.tokens } else { 0 };
        *lease = Lease {
            tokens: left + granted.saturating_sub(1),
            expires: now + LEASE_LIFETIME,
            next_size: (requested.saturating_mul(2)).clamp(1, ceiling),
        };
    }
}

/// Takes one request from the service's allowance for this key type.
pub(crate) async fn take_one(
    state: &App,
    service: ServiceId,
    key_type: KeyType,
    rate: RateLimit,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    // No lease may hold more than a twentieth of the window's allowance.
    let ceiling = (rate.limit / 20).clamp(1, 200);
    let key = (service, key_type);
    if state
        .rate_leases
        .spend(key, Instant::now(), ceiling)
        .is_ok()
    {
        return Ok(true);
    }
    let lock = state.rate_leases.refresh_lock(key);
    let _refreshing = lock.lock().await;
    // Another request may have refreshed the lease while this one waited.
    let requested = match state.rate_leases.spend(key, Instant::now(), ceiling) {
        Ok(()) => return Ok(true),
        Err(size) => size,
    };
    let store = &state.store;
    let granted = retrying(|| store.take_rate(service, key_type, requested, rate, now)).await?;
    if granted == 0 {
        return Ok(false);
    }
    state
        .rate_leases
        .grant(key, Instant::now(), requested, granted, ceiling);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> (ServiceId, KeyType) {
        (ServiceId::new(), KeyType::Normal)
    }

    #[test]
    fn leases_grow_under_load_and_shrink_when_quiet() {
        let leases = RateLeases::default();
        let key = key();
        let t0 = Instant::now();
        assert_eq!(leases.spend(key, t0, 50), Err(1));
        leases.grant(key, t0, 1, 1, 50);
        // The lease is used up before it expires: ask for twice as many next time.
        assert_eq!(leases.spend(key, t0, 50), Err(2));
        leases.grant(key, t0, 2, 2, 50);
        assert_eq!(leases.spend(key, t0, 50), Ok(()));
        assert_eq!(leases.spend(key, t0, 50), Err(4));
        leases.grant(key, t0, 4, 4, 50);
        // Quiet: the lease expires with tokens left; back to one at a time.
        let later = t0 + LEASE_LIFETIME + Duration::from_millis(1);
        assert_eq!(leases.spend(key, later, 50), Err(1));
    }

    #[test]
    fn key_use_is_written_once_per_interval() {
        let leases = RateLeases::default();
        let key = ApiKeyId::new();
        let t0 = Instant::now();
        assert!(leases.key_use_due(key, t0));
        assert!(!leases.key_use_due(key, t0 + Duration::from_secs(9)));
        assert!(leases.key_use_due(key, t0 + KEY_USE_INTERVAL));
    }

    #[test]
    fn lease_sizes_are_capped() {
        let leases = RateLeases::default();
        let key = key();
        let t0 = Instant::now();
        leases.grant(key, t0, 40, 1, 50);
        assert_eq!(leases.spend(key, t0, 50), Err(50));
    }
}
