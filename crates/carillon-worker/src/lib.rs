//! Delivery workers: the notification row is the job. A worker claims a batch of due rows
//! (with a lease, so a crashed worker's rows are claimed again, renewed while the batch is
//! sent: see `hold.rs`), renders each with the template version it was accepted with, hands
//! them to the providers in batches, and records every outcome in one transaction. Test-key and research-mode messages get simulated
//! outcomes and never reach a provider.

pub mod callbacks;
mod hold;
mod housekeeping;
mod outcome;
mod record;
mod render;
pub mod retry;
mod simulate;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use carillon_domain::{Clock, KeyType, Notification, Service, ServiceId, SystemClock, TemplateId};
use carillon_providers::{EmailMessage, EmailProvider, Gate, Sent, SmsMessage, SmsProvider};
use carillon_render::Branding;
use carillon_store::{Claim, Outcome, Store, StoreError};
use time::{Duration, OffsetDateTime};
use tokio::sync::{Notify, watch};

use crate::hold::Hold;
use crate::outcome::{after_provider, failed, finished};
use crate::render::{Prepared, Rendered, render};

pub use callbacks::{CallbackDispatcher, CallbackSettings};

/// How workers behave.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Rows claimed at once.
    pub batch_size: u32,
    /// How long a claim holds before another worker may take the row. A batch being sent
    /// renews its claims every quarter of it, and hands nothing over in the last quarter
    /// of a claim it could not renew.
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
        let hold = Hold::new(tokio::time::Instant::now(), self.settings.lease);
        let claimed = self
            .store
            .claim_notifications(now, now + self.settings.lease, self.settings.batch_size)
            .await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let claims: Vec<Claim> = claimed.iter().map(Claim::of).collect();
        let work = async {
            let mut batch = self.prepare(&claimed, now).await?;
            self.send(&mut batch, hold.gate(), now).await;
            Ok::<_, StoreError>(batch)
        };
        let batch = hold
            .keep(self.store.as_ref(), self.clock.as_ref(), &claims, work)
            .await?;
        let until = record::deadline(hold.ends_at());
        record::outcomes(self.store.as_ref(), &batch.outcomes, until).await?;
        if !batch.unsent.is_empty() {
            self.give_back(&batch.unsent).await;
        }
        if let Some(callbacks) = &self.callbacks {
            callbacks.notify_one();
        }
        metrics::counter!("carillon_notifications_processed_total")
            .increment(batch.outcomes.len() as u64);
        Ok(claimed.len())
    }

    /// Renders the claimed notifications; those that need no provider (simulated) or cannot
    /// be sent get their outcome here.
    async fn prepare<'a>(
        &self,
        claimed: &'a [Notification],
        now: OffsetDateTime,
    ) -> Result<Batch<'a>, StoreError> {
        let mut lookups = Lookups::default();
        let mut batch = Batch::default();
        for notification in claimed {
            let service = lookups
                .service(&self.store, notification.service_id)
                .await?;
            let simulated = notification.key_type == KeyType::Test
                || service.as_ref().is_some_and(|s| s.research_mode);
            if simulated {
                let status = simulate::outcome(notification);
                batch
                    .outcomes
                    .push(finished(notification, status, None, now));
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
                let reason = "service or template no longer exists";
                batch.outcomes.push(failed(notification, reason, now));
                continue;
            };
            match render(
                notification,
                &service,
                &template,
                &self.settings.sending_domain,
                &self.settings.branding,
            ) {
                Ok(Rendered::Email(message)) => batch.emails.push((notification, message)),
                Ok(Rendered::Sms(message)) => batch.sms.push((notification, message)),
                Err(reason) => batch.outcomes.push(failed(notification, &reason, now)),
            }
        }
        Ok(batch)
    }

    /// Hands the rendered messages to the providers through `gate`: each gets an outcome, or
    /// joins `unsent` if the gate closed before its turn.
    async fn send(&self, batch: &mut Batch<'_>, gate: &Gate, now: OffsetDateTime) {
        if !batch.emails.is_empty() {
            let (notifications, messages): (Vec<_>, Vec<_>) = batch.emails.drain(..).unzip();
            let results = self.email.send_emails_through(&messages, gate).await;
            batch.sent(notifications, results, now);
        }
        if !batch.sms.is_empty() {
            let (notifications, messages): (Vec<_>, Vec<_>) = batch.sms.drain(..).unzip();
            let results = self.sms.send_sms_through(&messages, gate).await;
            batch.sent(notifications, results, now);
        }
    }

    /// Gives back the claims of messages never sent, so they go out soon, from any worker,
    /// without an attempt counted. When that fails they are claimed again once the lease
    /// has passed, with one counted.
    async fn give_back(&self, unsent: &[Claim]) {
        metrics::counter!("carillon_notifications_given_back_total").increment(unsent.len() as u64);
        tracing::warn!(
            count = unsent.len(),
            "a batch in hand was near the end of its claims: gave back the messages not sent"
        );
        if let Err(error) = self.store.release_claims(unsent, self.clock.now()).await {
            tracing::warn!(%error, "cannot give back unsent claims; they wait for the lease to pass");
        }
    }
}

/// One claimed batch on its way: messages to send, outcomes to record, claims to give back.
#[derive(Default)]
struct Batch<'a> {
    emails: Vec<(&'a Notification, EmailMessage)>,
    sms: Vec<(&'a Notification, SmsMessage)>,
    outcomes: Vec<Outcome>,
    unsent: Vec<Claim>,
}

impl<'a> Batch<'a> {
    fn sent(
        &mut self,
        notifications: Vec<&'a Notification>,
        results: Vec<Sent>,
        now: OffsetDateTime,
    ) {
        for (notification, result) in notifications.into_iter().zip(results) {
            match result {
                Some(result) => self
                    .outcomes
                    .push(after_provider(notification, result, now)),
                None => self.unsent.push(Claim::of(notification)),
            }
        }
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
