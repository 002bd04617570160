//! Sends service callbacks: claims due notices from the durable queue (with a lease, so a
//! crashed process's notices are sent again), POSTs each through one shared, pooled HTTP
//! client, and records results in batches.
//!
//! A slow or failing receiver must not hold back other services: requests run as independent
//! tasks (nothing waits for a whole batch), each service has at most
//! [`CallbackSettings::per_service_in_flight`] requests in flight, and a claim skips services
//! already at that limit, so a hanging receiver ties up only its own slots until its requests
//! time out.

mod payload;
mod send;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use carillon_domain::ServiceId;
use carillon_store::{CallbackResolution, CallbackResult, DueCallback, Store};
use thiserror::Error;
use time::{Duration, OffsetDateTime};
use tokio::sync::{Notify, mpsc, watch};

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
            per_service_in_flight: 32,
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
        })
    }

    /// Runs until `shutdown` turns true, then waits for the requests in flight and records
    /// their results.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!("callback dispatcher started");
        let (sender, mut results) = mpsc::unbounded_channel::<(ServiceId, CallbackResult)>();
        let mut flight = InFlight::default();
        let mut poll = tokio::time::interval(self.settings.idle_poll);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut claim = true;
        let mut finished = Vec::new();
        loop {
            let stopping = *shutdown.borrow();
            if stopping && flight.total == 0 {
                break;
            }
            if claim && !stopping && flight.total < self.settings.max_in_flight {
                claim = match self
                    .claim_and_start(&mut flight, &sender, &mut finished)
                    .await
                {
                    Ok(full) => full,
                    Err(error) => {
                        tracing::error!(%error, "claiming callbacks failed; retrying shortly");
                        false
                    }
                };
            }
            if !finished.is_empty() {
                self.record(&mut finished).await;
            }
            tokio::select! {
                Some((service, result)) = results.recv() => {
                    flight.finish(service);
                    finished.push(result);
                    while let Ok((service, result)) = results.try_recv() {
                        flight.finish(service);
                        finished.push(result);
                    }
                    self.record(&mut finished).await;
                    // Freed slots: claim again if the queue may hold more.
                    claim |= flight.total < self.settings.max_in_flight;
                },
                () = self.wake.notified() => claim = true,
                _ = poll.tick() => claim = true,
                _ = shutdown.changed() => {},
            }
        }
        self.record(&mut finished).await;
        tracing::info!("callback dispatcher stopped");
    }

    /// Claims what fits and starts a request for each; returns whether the claim was full.
    async fn claim_and_start(
        &self,
        flight: &mut InFlight,
        sender: &mpsc::UnboundedSender<(ServiceId, CallbackResult)>,
        finished: &mut Vec<CallbackResult>,
    ) -> Result<bool, carillon_store::StoreError> {
        let room = self.settings.max_in_flight - flight.total;
        let limit = u32::try_from(room).unwrap_or(u32::MAX);
        let skip = flight.saturated(self.settings.per_service_in_flight);
        let now = OffsetDateTime::now_utc();
        let claimed = self
            .store
            .claim_callbacks(now, now + self.settings.lease, limit, &skip)
            .await?;
        let full = claimed.len() == room;
        for callback in claimed {
            if flight.of(callback.service_id) >= self.settings.per_service_in_flight {
                // More of one service than it may have in flight: back in the queue, due now
                // (claims skip the service until a slot frees).
                finished.push(CallbackResult {
                    id: callback.id,
                    attempt: callback.attempt,
                    resolution: CallbackResolution::Release(now),
                });
                continue;
            }
            flight.start(callback.service_id);
            self.spawn(callback, sender.clone());
        }
        Ok(full)
    }

    fn spawn(
        &self,
        callback: DueCallback,
        sender: mpsc::UnboundedSender<(ServiceId, CallbackResult)>,
    ) {
        let client = self.client.clone();
        let settings = self.settings.clone();
        tokio::spawn(async move {
            let result = send::deliver(
                &client,
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

/// Requests in flight, per service and in all.
#[derive(Debug, Default)]
struct InFlight {
    per_service: HashMap<ServiceId, usize>,
    total: usize,
}

impl InFlight {
    fn of(&self, service: ServiceId) -> usize {
        self.per_service.get(&service).copied().unwrap_or(0)
    }

    fn start(&mut self, service: ServiceId) {
        *self.per_service.entry(service).or_default() += 1;
        self.total += 1;
    }

    fn finish(&mut self, service: ServiceId) {
        if let Some(count) = self.per_service.get_mut(&service) {
            *count -= 1;
            if *count == 0 {
                self.per_service.remove(&service);
            }
        }
        self.total = self.total.saturating_sub(1);
    }

    fn saturated(&self, limit: usize) -> Vec<ServiceId> {
        self.per_service
            .iter()
            .filter(|(_, count)| **count >= limit)
            .map(|(service, _)| *service)
            .collect()
    }
}
