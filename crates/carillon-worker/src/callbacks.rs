//! Sends service callbacks: claims due notices from the durable queue (with a lease, so a
//! crashed process's notices are sent again), POSTs each through one shared, pooled HTTP
//! client, and records results in batches.
//!
//! A slow or failing receiver must not hold back other services: requests run as independent
//! tasks (nothing waits for a whole batch), each service has at most
//! [`CallbackSettings::per_service_in_flight`] requests in flight (a claim takes at most that
//! many of one service; the ones without a free slot wait in memory for one), and a claim
//! skips services holding that many already, so a hanging receiver ties up only its own slots
//! until its requests time out.

mod payload;
mod send;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use carillon_domain::{Clock, ServiceId, SystemClock};
use carillon_store::{CallbackResolution, CallbackResult, DueCallback, Store};
use thiserror::Error;
use time::{Duration, OffsetDateTime};
use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;

/// Results recorded in one transaction, at most; a full batch is recorded at once.
const RECORD_BATCH: usize = 256;
/// How long a result may wait for others to share its transaction.
const RECORD_DELAY: StdDuration = StdDuration::from_millis(10);

/// How callbacks are sent.
#[derive(Debug, Clone)]
pub struct CallbackSettings {
    /// Requests in flight at once, over all services.
    pub max_in_flight: usize,
    /// Requests in flight at once to one service.
    pub per_service_in_flight: usize,
    /// How long one request may take (GC Notify: 5 s).
    pub timeout: StdDuration,
    /// Retries after the first try, on network errors, timeouts, 5xx and 429 (GC Notify: 5).
    pub max_retries: u32,
    /// Wait before a retry (GC Notify: 300 s).
    pub retry_delay: Duration,
    /// How long a claim holds; longer than `timeout`.
    pub lease: Duration,
    /// How often to look for notices when nobody wakes the dispatcher.
    pub idle_poll: StdDuration,
}

impl Default for CallbackSettings {
    fn default() -> Self {
        Self {
            max_in_flight: 512,
            per_service_in_flight: 64,
            timeout: StdDuration::from_secs(5),
            max_retries: 5,
            retry_delay: Duration::seconds(300),
            lease: Duration::minutes(2),
            idle_poll: StdDuration::from_millis(250),
        }
    }
}

/// The HTTP client could not be built.
#[derive(Debug, Error)]
#[error("cannot build the callbacks HTTP client: {0}")]
pub struct ClientError(String);

/// Sends queued callback notices until shut down.
#[derive(Debug, Clone)]
pub struct CallbackDispatcher {
    store: Arc<dyn Store>,
    client: reqwest::Client,
    settings: CallbackSettings,
    /// Woken when notices may have been queued (a worker recorded outcomes).
    wake: Arc<Notify>,
    /// Where "now" comes from for claims, leases and retry times.
    clock: Arc<dyn Clock>,
}

impl CallbackDispatcher {
    /// # Errors
    /// When the HTTP client cannot be built (TLS set-up).
    pub fn new(
        store: Arc<dyn Store>,
        settings: CallbackSettings,
        wake: Arc<Notify>,
    ) -> Result<Self, ClientError> {
        let client = reqwest::Client::builder()
            .connect_timeout(settings.timeout)
            // A redirect is an answer we do not follow: the token must not travel elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(settings.per_service_in_flight.max(1))
            .tcp_nodelay(true)
            .user_agent(concat!("carillon/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError(e.to_string()))?;
        Ok(Self {
            store,
            client,
            settings,
            wake,
            clock: Arc::new(SystemClock),
        })
    }

    /// Reads "now" from `clock` instead of the system clock (the process's one clock, or a
    /// fixed one in tests).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Runs until `shutdown` turns true, then waits for the requests in flight, hands back
    /// the notices claimed but not started, and records every result.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!("callback dispatcher started");
        let cap = self.settings.per_service_in_flight.max(1);
        let (sender, mut results) = mpsc::unbounded_channel::<(ServiceId, CallbackResult)>();
        let mut held = Held::default();
        let mut poll = tokio::time::interval(self.settings.idle_poll);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut claim = true;
        // Whether the last claim found anything: then the queue may hold more.
        let mut found = false;
        let mut finished = Vec::new();
        let mut flush_at: Option<Instant> = None;
        loop {
            let stopping = *shutdown.borrow();
            if stopping {
                finished.extend(held.release_waiting(self.clock.now()));
                if held.total == 0 {
                    break;
                }
            } else if claim && held.total < self.settings.max_in_flight {
                found = match self.claim(&mut held, &sender).await {
                    Ok(found) => found,
                    Err(error) => {
                        tracing::error!(%error, "claiming callbacks failed; retrying shortly");
                        false
                    }
                };
            }
            claim = false;
            let flush_due = flush_at.is_some_and(|at| at <= Instant::now());
            if finished.len() >= RECORD_BATCH || flush_due || (stopping && !finished.is_empty()) {
                self.record(&mut finished).await;
                flush_at = None;
            }
            let flush = async move {
                match flush_at {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                Some((service, result)) = results.recv() => {
                    let saturated = held.saturated(cap).len();
                    finished.push(result);
                    self.finish(&mut held, service, &sender);
                    while let Ok((service, result)) = results.try_recv() {
                        finished.push(result);
                        self.finish(&mut held, service, &sender);
                    }
                    flush_at.get_or_insert_with(|| Instant::now() + RECORD_DELAY);
                    // Claim again if the queue may hold more, or a service got room back.
                    claim = found || held.saturated(cap).len() < saturated;
                },
                () = flush => {},
                () = self.wake.notified() => claim = true,
                _ = poll.tick() => claim = true,
                _ = shutdown.changed(), if !stopping => {},
            }
        }
        self.record(&mut finished).await;
        tracing::info!("callback dispatcher stopped");
    }

    /// Claims what fits, starts what each service has room for and keeps the rest waiting for
    /// a slot of its service; returns whether it claimed anything.
    async fn claim(
        &self,
        held: &mut Held,
        sender: &mpsc::UnboundedSender<(ServiceId, CallbackResult)>,
    ) -> Result<bool, carillon_store::StoreError> {
        let cap = self.settings.per_service_in_flight.max(1);
        let room = self.settings.max_in_flight - held.total;
        let limit = u32::try_from(room).unwrap_or(u32::MAX);
        let per_service = u32::try_from(cap).unwrap_or(u32::MAX);
        let skip = held.saturated(cap);
        let now = self.clock.now();
        let claimed = self
            .store
            .claim_callbacks(now, now + self.settings.lease, limit, per_service, &skip)
            .await?;
        let found = !claimed.is_empty();
        for callback in claimed {
            if let Some(callback) = held.admit(callback, cap) {
                self.spawn(callback, sender.clone());
            }
        }
        Ok(found)
    }

    /// A request of `service` finished: its slot goes to the service's next waiting notice.
    fn finish(
        &self,
        held: &mut Held,
        service: ServiceId,
        sender: &mpsc::UnboundedSender<(ServiceId, CallbackResult)>,
    ) {
        if let Some(next) = held.finish(service) {
            self.spawn(next, sender.clone());
        }
    }

    fn spawn(
        &self,
        callback: DueCallback,
        sender: mpsc::UnboundedSender<(ServiceId, CallbackResult)>,
    ) {
        let client = self.client.clone();
        let settings = self.settings.clone();
        let clock = Arc::clone(&self.clock);
        tokio::spawn(async move {
            let result = send::deliver(
                &client,
                clock.as_ref(),
                &callback,
                settings.timeout,
                settings.max_retries,
                settings.retry_delay,
            )
            .await;
            let _ = sender.send((callback.service_id, result));
        });
    }

    /// Records finished results in one transaction. On failure they are dropped: the claims'
    /// leases run out and the notices are sent again.
    async fn record(&self, finished: &mut Vec<CallbackResult>) {
        if finished.is_empty() {
            return;
        }
        if let Err(error) = self.store.record_callback_results(finished).await {
            tracing::error!(%error, count = finished.len(), "recording callback results failed");
        }
        finished.clear();
    }
}

/// Claimed notices per service: in flight, and waiting for a slot of their service (at most
/// one claim's worth, `per_service_in_flight`; a slot frees within one request timeout, far
/// inside the lease).
#[derive(Debug, Default)]
struct Held {
    services: HashMap<ServiceId, Service>,
    /// In flight and waiting, over all services.
    total: usize,
}

#[derive(Debug, Default)]
struct Service {
    in_flight: usize,
    waiting: VecDeque<DueCallback>,
}

impl Held {
    /// Takes a claimed notice; returns it if it may start now.
    fn admit(&mut self, callback: DueCallback, cap: usize) -> Option<DueCallback> {
        self.total += 1;
        let service = self.services.entry(callback.service_id).or_default();
        if service.in_flight < cap {
            service.in_flight += 1;
            Some(callback)
        } else {
            service.waiting.push_back(callback);
            None
        }
    }

    /// A request finished; returns the service's next notice to start, if any.
    fn finish(&mut self, id: ServiceId) -> Option<DueCallback> {
        self.total = self.total.saturating_sub(1);
        let service = self.services.get_mut(&id)?;
        if let Some(next) = service.waiting.pop_front() {
            return Some(next);
        }
        service.in_flight = service.in_flight.saturating_sub(1);
        if service.in_flight == 0 {
            self.services.remove(&id);
        }
        None
    }

    /// Services holding `cap` or more notices: the next claim skips them.
    fn saturated(&self, cap: usize) -> Vec<ServiceId> {
        self.services
            .iter()
            .filter(|(_, s)| s.in_flight + s.waiting.len() >= cap)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Hands back every waiting notice (due again at `now`, attempt not counted).
    fn release_waiting(&mut self, now: OffsetDateTime) -> Vec<CallbackResult> {
        let mut released = Vec::new();
        for service in self.services.values_mut() {
            for callback in service.waiting.drain(..) {
                released.push(CallbackResult {
                    id: callback.id,
                    attempt: callback.attempt,
                    resolution: CallbackResolution::Release(now),
                });
            }
        }
        self.total -= released.len();
        released
    }
}

#[cfg(test)]
mod tests {
    use carillon_domain::{NotificationId, NotificationStatus, NotificationType};
    use carillon_store::{BearerToken, CallbackId, Notice, StatusNotice};

    use super::*;

    fn due(id: i64, service: ServiceId) -> DueCallback {
        let now = OffsetDateTime::now_utc();
        DueCallback {
            id: CallbackId(id),
            attempt: 1,
            service_id: service,
            url: "http://127.0.0.1/".into(),
            bearer_token: BearerToken::new("token-token"),
            notice: Notice::Status(StatusNotice {
                notification_id: NotificationId::new(),
                reference: None,
                to: "a@example.com".into(),
                status: NotificationStatus::Delivered,
                kind: NotificationType::Email,
                provider_response: None,
                created_at: now,
                updated_at: None,
                sent_at: None,
            }),
        }
    }

    #[test]
    fn a_service_never_has_more_than_its_cap_in_flight() {
        let (a, b) = (ServiceId::new(), ServiceId::new());
        let mut held = Held::default();
        let started: Vec<_> = (1..=3)
            .filter_map(|n| held.admit(due(n, a), 2))
            .map(|c| c.id.0)
            .collect();
        assert_eq!(started, [1, 2], "the third waits for a slot");
        assert!(
            held.admit(due(4, b), 2).is_some(),
            "another service is not held back"
        );
        assert_eq!(held.total, 4);
        assert_eq!(held.saturated(2), [a]);
        // A finished request of `a` hands its slot to the waiting notice.
        assert_eq!(held.finish(a).map(|c| c.id.0), Some(3));
        assert!(held.finish(a).is_none());
        assert!(held.saturated(2).is_empty());
        assert!(held.finish(a).is_none() && held.finish(b).is_none());
        assert_eq!((held.total, held.services.len()), (0, 0));
    }

    #[test]
    fn waiting_notices_are_handed_back_at_shutdown() {
        let a = ServiceId::new();
        let mut held = Held::default();
        for n in 1..=3 {
            held.admit(due(n, a), 1);
        }
        let now = OffsetDateTime::now_utc();
        let released = held.release_waiting(now);
        let ids: Vec<_> = released.iter().map(|r| r.id.0).collect();
        assert_eq!(ids, [2, 3]);
        assert!(
            released
                .iter()
                .all(|r| r.resolution == CallbackResolution::Release(now))
        );
        assert_eq!(held.total, 1, "the one in flight is still held");
    }
}
