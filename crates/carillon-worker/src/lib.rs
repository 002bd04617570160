//! Delivery workers: the notification row is the job. A worker claims a batch of due rows
//! (with a lease, so a crashed worker's rows are claimed again), renders each with the
//! template version it was accepted with, hands them to the providers in batches, and records
//! every outcome in one transaction. Test-key and research-mode messages get simulated
//! outcomes and never reach a provider.

pub mod callbacks;
mod housekeeping;
mod record;
mod render;
pub mod retry;
mod simulate;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use carillon_domain::{
    Clock, KeyType, Notification, NotificationStatus, NotificationType, Service, ServiceId,
    SystemClock, TemplateId,
};
use carillon_providers::{Accepted, EmailProvider, ProviderError, SmsProvider};
use carillon_render::Branding;
use carillon_store::{Outcome, Store, StoreError};
use time::{Duration, OffsetDateTime};
use tokio::sync::{Notify, watch};

use crate::render::{Prepared, Rendered, render};

pub use callbacks::{CallbackDispatcher, CallbackSettings};

/// How workers behave.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Rows claimed at once.
    pub batch_size: u32,
    /// How long a claim holds before another worker may take the row.
    pub lease: Duration,
    /// How often an idle worker looks for work when nobody wakes it.
    pub idle_poll: StdDuration,
    /// Domain of From addresses.
    pub sending_domain: String,
    /// The header drawn above every email.
    pub branding: Branding,
    /// Batches in flight at once. With one, the providers sit idle while a batch is claimed
    /// and recorded, and the database while it is sent; a few overlap the two.
    pub concurrency: usize,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            batch_size: 200,
            lease: Duration::minutes(5),
            idle_poll: StdDuration::from_secs(1),
            sending_domain: carillon_domain::PLACEHOLDER_SENDING_DOMAIN.to_owned(),
            branding: Branding::None,
            concurrency: 2,
        }
    }
}

/// One delivery worker.
#[derive(Debug, Clone)]
pub struct Worker {
    store: Arc<dyn Store>,
    email: Arc<dyn EmailProvider>,
    sms: Arc<dyn SmsProvider>,
    settings: WorkerSettings,
    /// Woken when the API (in this process) accepts a notification.
    wake: Arc<Notify>,
    /// Woken after outcomes are recorded, which may have queued callback notices.
    callbacks: Option<Arc<Notify>>,
    /// Where "now" comes from for claims, leases, outcomes, retries and housekeeping.
    clock: Arc<dyn Clock>,
}

impl Worker {
    pub fn new(
        store: Arc<dyn Store>,
        email: Arc<dyn EmailProvider>,
        sms: Arc<dyn SmsProvider>,
        settings: WorkerSettings,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            email,
            sms,
            settings,
            wake,
            callbacks: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads "now" from `clock` instead of the system clock (the process's one clock, or a
    /// fixed one in tests).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Wakes `callbacks` (a [`CallbackDispatcher`]'s signal) after each batch of outcomes.
    #[must_use]
    pub fn with_callback_wake(mut self, callbacks: Arc<Notify>) -> Self {
        self.callbacks = Some(callbacks);
        self
    }

    /// Works until `shutdown` turns true, finishing the batches in hand.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        tracing::info!(
            email = self.email.name(),
            sms = self.sms.name(),
            concurrency = self.settings.concurrency.max(1),
            "delivery worker started"
        );
        let mut siblings = tokio::task::JoinSet::new();
        for _ in 1..self.settings.concurrency.max(1) {
            siblings.spawn(self.clone().work(shutdown.clone(), false));
        }
        self.work(shutdown, true).await;
        while let Some(joined) = siblings.join_next().await {
            if let Err(error) = joined {
                tracing::error!(%error, "a delivery loop panicked");
            }
        }
        tracing::info!("delivery worker stopped");
    }

    /// One loop of claiming and delivering batches; only one loop per worker housekeeps (and
    /// records the worker's heartbeat).
    async fn work(self, mut shutdown: watch::Receiver<bool>, housekeeps: bool) {
        let mut heartbeat = housekeeping::Heartbeat::default();
        while !*shutdown.borrow() {
            if housekeeps {
                heartbeat.beat(&self.store, self.clock.now()).await;
                housekeeping::run_due(&self.store, self.clock.now()).await;
            }
            let handled = match self.run_once().await {
                Ok(handled) => handled,
                Err(error) => {
                    tracing::error!(%error, "delivery batch failed; retrying shortly");
                    0
                }
            };
            if handled >= self.settings.batch_size as usize {
                // A full batch means more is queued: wake an idle sibling to share it (the
                // API wakes only one loop per acceptance).
                self.wake.notify_one();
            } else {
                tokio::select! {
                    () = self.wake.notified() => {},
                    () = self.store.queued_elsewhere() => {},
                    () = tokio::time::sleep(self.settings.idle_poll) => {},
                    _ = shutdown.changed() => {},
                }
            }
        }
    }

    /// Runs the periodic jobs that are due (retention purge, 3-day timeouts) unless another
    /// process already runs them this period.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn housekeep(&self) -> Result<(), StoreError> {
        housekeeping::run(&self.store, self.clock.now()).await
    }

    /// Claims and delivers one batch; returns how many notifications it handled.
    ///
    /// # Errors
    /// Storage errors; providers' failures become outcomes, not errors.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let now = self.clock.now();
        let claimed_at = tokio::time::Instant::now();
        let claimed = self
            .store
            .claim_notifications(now, now + self.settings.lease, self.settings.batch_size)
            .await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let mut lookups = Lookups::default();
        let mut outcomes = Vec::with_capacity(claimed.len());
        let mut emails = Vec::new();
        let mut sms = Vec::new();
        for notification in &claimed {
            let service = lookups
                .service(&self.store, notification.service_id)
                .await?;
            let simulated = notification.key_type == KeyType::Test
                || service.as_ref().is_some_and(|s| s.research_mode);
            if simulated {
                outcomes.push(finished(
                    notification,
                    simulate::outcome(notification),
                    None,
                    now,
                ));
                continue;
            }
            let template = lookups
                .template(
                    &self.store,
                    notification.service_id,
                    notification.template_id,
                    notification.template_version,
                )
                .await?;
            let (Some(service), Some(template)) = (service, template) else {
                outcomes.push(failed(
                    notification,
                    "service or template no longer exists",
                    now,
                ));
                continue;
            };
            match render(
                notification,
                &service,
                &template,
                &self.settings.sending_domain,
                &self.settings.branding,
            ) {
                Ok(Rendered::Email(message)) => emails.push((notification, message)),
                Ok(Rendered::Sms(message)) => sms.push((notification, message)),
                Err(reason) => outcomes.push(failed(notification, &reason, now)),
            }
        }
        if !emails.is_empty() {
            let (notifications, messages): (Vec<_>, Vec<_>) = emails.into_iter().unzip();
            let results = self.email.send_emails(&messages).await;
            for (notification, result) in notifications.into_iter().zip(results) {
                outcomes.push(after_provider(notification, result, now));
            }
        }
        if !sms.is_empty() {
            let (notifications, messages): (Vec<_>, Vec<_>) = sms.into_iter().unzip();
            let results = self.sms.send_sms(&messages).await;
            for (notification, result) in notifications.into_iter().zip(results) {
                outcomes.push(after_provider(notification, result, now));
            }
        }
        let until = record::deadline(claimed_at, self.settings.lease);
        record::outcomes(self.store.as_ref(), &outcomes, until).await?;
        if let Some(callbacks) = &self.callbacks {
            callbacks.notify_one();
        }
        metrics::counter!("carillon_notifications_processed_total")
            .increment(outcomes.len() as u64);
        Ok(claimed.len())
    }
}

/// Services and template versions read (and templates parsed) once per batch.
#[derive(Default)]
struct Lookups {
    services: HashMap<ServiceId, Option<Arc<Service>>>,
    templates: HashMap<(TemplateId, i32), Option<Arc<Prepared>>>,
}

impl Lookups {
    async fn service(
        &mut self,
        store: &Arc<dyn Store>,
        id: ServiceId,
    ) -> Result<Option<Arc<Service>>, StoreError> {
        if let Some(found) = self.services.get(&id) {
            return Ok(found.clone());
        }
        let found = store.service(id).await?.map(Arc::new);
        self.services.insert(id, found.clone());
        Ok(found)
    }

    async fn template(
        &mut self,
        store: &Arc<dyn Store>,
        service: ServiceId,
        id: TemplateId,
        version: i32,
    ) -> Result<Option<Arc<Prepared>>, StoreError> {
        if let Some(found) = self.templates.get(&(id, version)) {
            return Ok(found.clone());
        }
        let found = store
            .template_version(service, id, version)
            .await?
            .map(|template| Arc::new(Prepared::new(template)));
        self.templates.insert((id, version), found.clone());
        Ok(found)
    }
}

fn finished(
    notification: &Notification,
    status: NotificationStatus,
    reference: Option<String>,
    now: OffsetDateTime,
) -> Outcome {
    Outcome {
        id: notification.id,
        attempt: notification.attempts,
        status,
        provider_reference: reference,
        provider_response: None,
        sent_at: Some(now),
        retry_at: None,
        updated_at: now,
    }
}

fn failed(notification: &Notification, reason: &str, now: OffsetDateTime) -> Outcome {
    Outcome {
        id: notification.id,
        attempt: notification.attempts,
        status: NotificationStatus::TechnicalFailure,
        provider_reference: None,
        provider_response: Some(reason.to_owned()),
        sent_at: None,
        retry_at: None,
        updated_at: now,
    }
}

/// A jitter fraction derived from the notification, so retries of one outage spread out.
fn jitter(notification: &Notification) -> f64 {
    let bits = notification.id.as_uuid().as_u128() ^ u128::from(notification.attempts);
    (bits % 1000) as f64 / 1000.0
}

fn after_provider(
    notification: &Notification,
    result: Result<Accepted, ProviderError>,
    now: OffsetDateTime,
) -> Outcome {
    match result {
        Ok(accepted) => {
            let status = match (accepted.delivered, notification.kind) {
                (true, _) => NotificationStatus::Delivered,
                (false, NotificationType::Email) => NotificationStatus::Sending,
                (false, NotificationType::Sms) => NotificationStatus::Sent,
            };
            finished(notification, status, Some(accepted.reference), now)
        }
        Err(ProviderError::Permanent(reason)) => failed(notification, &reason, now),
        Err(ProviderError::Transient(reason)) => {
            match retry::backoff(
                notification.attempts,
                notification.process_type,
                jitter(notification),
            ) {
                Some(wait) => Outcome {
                    id: notification.id,
                    attempt: notification.attempts,
                    status: NotificationStatus::Created,
                    provider_reference: None,
                    provider_response: Some(reason),
                    sent_at: None,
                    retry_at: Some(now + wait),
                    updated_at: now,
                },
                None => failed(notification, &reason, now),
            }
        }
    }
}
