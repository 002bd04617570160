//! Short-lived, per-process caches of what every request reads (services, keys, templates,
//! senders, safelists), so a send costs one database transaction instead of six.
//!
//! Entries live for `ttl` (a few seconds): a revoked key, a suspended service or an edited
//! template takes effect everywhere within that time, as with GC Notify's own caches.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use carillon_domain::{
    ApiKey, ReplyTo, SafelistEntry, Service, ServiceId, SmsSender, Template, TemplateId,
};

use crate::templates::ParsedTemplate;

/// More entries than this and the cache starts over: a bound on memory, not an eviction policy.
const MAX_ENTRIES: usize = 10_000;

/// A map whose entries expire.
#[derive(Debug)]
pub(crate) struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached value, or `load`'s, which is then cached.
    pub(crate) async fn get_or_load<E, F>(&self, key: &K, load: F) -> Result<V, E>
    where
        F: AsyncFnOnce() -> Result<V, E>,
    {
        self.get_or_load_at(key, Instant::now(), load).await
    }

    async fn get_or_load_at<E, F>(&self, key: &K, now: Instant, load: F) -> Result<V, E>
    where
        F: AsyncFnOnce() -> Result<V, E>,
    {
        if self.ttl.is_zero() {
            return load().await;
        }
        if let Ok(entries) = self.entries.lock()
            && let Some((at, value)) = entries.get(key)
            && now.saturating_duration_since(*at) < self.ttl
        {
            return Ok(value.clone());
        }
        let value = load().await?;
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(key.clone(), (now, value.clone()));
        }
        Ok(value)
    }
}

/// The caches of one process.
#[derive(Debug)]
pub(crate) struct Caches {
    pub(crate) services: TtlCache<ServiceId, Option<Service>>,
    pub(crate) keys: TtlCache<ServiceId, Arc<Vec<ApiKey>>>,
    pub(crate) key_by_secret: TtlCache<String, Option<ApiKey>>,
    pub(crate) templates: TtlCache<(ServiceId, TemplateId), Option<Template>>,
    pub(crate) reply_tos: TtlCache<ServiceId, Arc<Vec<ReplyTo>>>,
    pub(crate) sms_senders: TtlCache<ServiceId, Arc<Vec<SmsSender>>>,
    pub(crate) safelists: TtlCache<ServiceId, Arc<Vec<SafelistEntry>>>,
    /// Parsed templates by id and version: versions never change, so these never go stale.
    pub(crate) parsed: TtlCache<(TemplateId, i32), ParsedTemplate>,
}

impl Caches {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            services: TtlCache::new(ttl),
            keys: TtlCache::new(ttl),
            key_by_secret: TtlCache::new(ttl),
            templates: TtlCache::new(ttl),
            reply_tos: TtlCache::new(ttl),
            sms_senders: TtlCache::new(ttl),
            safelists: TtlCache::new(ttl),
            parsed: TtlCache::new(Duration::from_secs(3600)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn caches_until_the_ttl_passes() {
        let ttl = Duration::from_secs(5);
        let cache: TtlCache<u32, u32> = TtlCache::new(ttl);
        let start = Instant::now();
        let mut loads = 0;
        for _ in 0..3 {
            let value = cache
                .get_or_load_at(&1, start, async || {
                    loads += 1;
                    Ok::<_, ()>(7)
                })
                .await;
            assert_eq!(value, Ok(7));
        }
        assert_eq!(loads, 1);
        let later = start + ttl;
        let value = cache
            .get_or_load_at(&1, later, async || {
                loads += 1;
                Ok::<_, ()>(8)
            })
            .await;
        assert_eq!((value, loads), (Ok(8), 2));
    }

    #[tokio::test]
    async fn a_zero_ttl_never_caches() {
        let cache: TtlCache<u32, u32> = TtlCache::new(Duration::ZERO);
        let mut loads = 0;
        for _ in 0..2 {
            cache
                .get_or_load(&1, async || {
                    loads += 1;
                    Ok::<_, ()>(1)
                })
                .await
                .unwrap();
        }
        assert_eq!(loads, 2);
    }

    #[tokio::test]
    async fn errors_are_not_cached() {
        let cache: TtlCache<u32, u32> = TtlCache::new(Duration::from_secs(60));
        assert_eq!(
            cache.get_or_load(&1, async || Err::<u32, _>("down")).await,
            Err("down")
        );
        assert_eq!(
            cache.get_or_load(&1, async || Ok::<_, &str>(3)).await,
            Ok(3)
        );
    }
}
