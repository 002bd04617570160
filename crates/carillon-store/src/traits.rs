//! The storage traits, one per area. A backend implements each in its own module; callers
//! hold one [`crate::Store`] and call any area's methods through it.

use async_trait::async_trait;
use carillon_domain::{
    ApiKey, ApiKeyId, Job, JobId, KeyType, NewApiKey, NewJob, NewNotification, NewService,
    NewTemplate, Notification, NotificationFilter, NotificationId, NotificationStatus,
    NotificationType, ReplyTo, ReplyToId, SafelistEntry, SafelistId, Service, ServiceId, SmsSender,
    SmsSenderId, Template, TemplateCategory, TemplateCategoryId, TemplateId, TemplateUpdate,
};
use time::OffsetDateTime;

use crate::{
    CallbackConfig, CallbackKind, CallbackResult, Claim, Complaint, Counter, CounterLimit,
    DueCallback, InsertOutcome, JobOutcome, JobRows, NewComplaint, OutboxMessage, Outcome,
    RateLimit, Receipt, ReceiptOutcome, ReplyToVerification, StoreResult,
};

/// Services: who sends, with their limits and permissions.
#[async_trait]
pub trait ServiceStore: Send + Sync {
    async fn create_service(
        &self,
        service: &NewService,
        now: OffsetDateTime,
    ) -> StoreResult<Service>;

    async fn service(&self, id: ServiceId) -> StoreResult<Option<Service>>;

    async fn services(&self) -> StoreResult<Vec<Service>>;

    /// Saves every field of `service` but `id` and `created_at`.
    async fn update_service(&self, service: &Service) -> StoreResult<()>;
}

/// API keys (secrets sealed at rest, found by a keyed lookup hash).
#[async_trait]
pub trait KeyStore: Send + Sync {
    async fn create_api_key(&self, key: &NewApiKey, now: OffsetDateTime) -> StoreResult<ApiKey>;

    /// Every key of the service, revoked ones included (JWTs are checked against all).
    async fn api_keys(&self, service: ServiceId) -> StoreResult<Vec<ApiKey>>;

    /// The key whose secret this is, revoked or not.
    async fn api_key_by_secret(&self, secret: &str) -> StoreResult<Option<ApiKey>>;

    async fn revoke_api_key(
        &self,
        service: ServiceId,
        id: ApiKeyId,
        now: OffsetDateTime,
    ) -> StoreResult<()>;

    async fn record_api_key_use(&self, id: ApiKeyId, now: OffsetDateTime) -> StoreResult<()>;
}

/// Templates: every change makes a new version; older versions stay readable. A template's
/// `process_type` is kept as its override, else its category's lane for its channel.
#[async_trait]
pub trait TemplateStore: Send + Sync {
    /// Fails with `NotFound` when the category does not exist.
    async fn create_template(
        &self,
        template: &NewTemplate,
        now: OffsetDateTime,
    ) -> StoreResult<Template>;

    async fn update_template(
        &self,
        service: ServiceId,
        id: TemplateId,
        update: &TemplateUpdate,
        now: OffsetDateTime,
    ) -> StoreResult<Template>;

    /// The latest version, archived or not.
    async fn template(&self, service: ServiceId, id: TemplateId) -> StoreResult<Option<Template>>;

    async fn template_version(
        &self,
        service: ServiceId,
        id: TemplateId,
        version: i32,
    ) -> StoreResult<Option<Template>>;

    /// Every version of the template, newest first (none for another service's template).
    async fn template_versions(
        &self,
        service: ServiceId,
        id: TemplateId,
    ) -> StoreResult<Vec<Template>>;

    /// Latest versions of the service's templates that are not archived, oldest first.
    async fn templates(
        &self,
        service: ServiceId,
        kind: Option<NotificationType>,
    ) -> StoreResult<Vec<Template>>;

    /// Every template category, hidden ones included, by English name.
    async fn template_categories(&self) -> StoreResult<Vec<TemplateCategory>>;

    async fn template_category(
        &self,
        id: TemplateCategoryId,
    ) -> StoreResult<Option<TemplateCategory>>;
}

/// Reply-to addresses, SMS senders and the safelist of a service.
#[async_trait]
pub trait SenderStore: Send + Sync {
    /// Adds a reply-to address; a new default replaces the previous one.
    async fn add_reply_to(&self, reply_to: &ReplyTo) -> StoreResult<()>;

    async fn reply_tos(&self, service: ServiceId) -> StoreResult<Vec<ReplyTo>>;

    /// Replaces the pending verification of an unverified address (a new link: the old one
    /// stops working; a wish to become the default, once made, is kept);
    /// [`crate::StoreError::NotFound`] when the service has no such address
    /// that is neither verified nor archived.
    async fn set_reply_to_verification(
        &self,
        service: ServiceId,
        id: ReplyToId,
        verification: &ReplyToVerification,
    ) -> StoreResult<()>;

    /// Takes the verification whose token hashes to `hash`, if it has not expired at `now`
    /// and its address is not archived: the address is verified and the link works no more.
    /// Answers the address as it now is and whether it was added as the default.
    async fn verify_reply_to(
        &self,
        hash: &[u8; 32],
        now: OffsetDateTime,
    ) -> StoreResult<Option<(ReplyTo, bool)>>;

    /// Makes a verified address the default in place of the previous one;
    /// [`crate::StoreError::NotFound`] when the service has no such verified, unarchived one.
    async fn set_default_reply_to(&self, service: ServiceId, id: ReplyToId) -> StoreResult<()>;

    /// Adds an SMS sender; a new default replaces the previous one.
    async fn add_sms_sender(&self, sender: &SmsSender) -> StoreResult<()>;

    async fn sms_senders(&self, service: ServiceId) -> StoreResult<Vec<SmsSender>>;

    async fn add_safelist_entry(&self, entry: &SafelistEntry) -> StoreResult<()>;

    async fn safelist(&self, service: ServiceId) -> StoreResult<Vec<SafelistEntry>>;

    /// Archives a reply-to address (it stays listed, marked archived, and is no longer the
    /// default); [`crate::StoreError::NotFound`] when the service has no such address that
    /// is not archived already.
    async fn remove_reply_to(&self, service: ServiceId, id: ReplyToId) -> StoreResult<()>;

    /// Archives an SMS sender, as [`SenderStore::remove_reply_to`] does a reply-to address.
    async fn remove_sms_sender(&self, service: ServiceId, id: SmsSenderId) -> StoreResult<()>;

    /// Deletes a safelist entry; [`crate::StoreError::NotFound`] when the service has none
    /// with that id.
    async fn remove_safelist_entry(&self, service: ServiceId, id: SafelistId) -> StoreResult<()>;
}

/// Notifications as the API stores and reads them, with the counters and rate cells that limit them.
#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Stores a batch of notifications in one transaction (group commit). For each, the
    /// counters named in `limits` are checked and incremented in the same transaction, so the
    /// limits hold across processes; a notification over a limit is not stored. Returns one
    /// outcome per notification, in order. Nothing is stored if the call fails.
    async fn insert_notifications(
        &self,
        batch: &[(NewNotification, Vec<CounterLimit>)],
    ) -> StoreResult<Vec<InsertOutcome>>;

    async fn notification(
        &self,
        service: ServiceId,
        id: NotificationId,
    ) -> StoreResult<Option<Notification>>;

    /// Newest first, at most `filter.limit`.
    async fn notifications(
        &self,
        service: ServiceId,
        filter: &NotificationFilter,
    ) -> StoreResult<Vec<Notification>>;

    /// Current value of a counter (0 when never incremented).
    async fn counter(&self, counter: &Counter) -> StoreResult<u64>;

    /// Takes up to `requested` requests from the service's allowance for `key_type` (a
    /// generic cell rate: `limit` requests per `window`), returning how many were granted.
    async fn take_rate(
        &self,
        service: ServiceId,
        key_type: KeyType,
        requested: u32,
        rate: RateLimit,
        now: OffsetDateTime,
    ) -> StoreResult<u32>;
}

/// Bulk sends (jobs) and their rows.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Stores a job and all its rows as notifications in one transaction: the `limits`
    /// (whole-job amounts) are checked and moved first, then `rows` is drained batch by batch
    /// (multi-row inserts). Each notification carries the job's id and its row number; the
    /// rows of a job scheduled for later wait for `job.scheduled_for`. A job starts `pending`,
    /// or `scheduled` when it has a time. Nothing is stored if the call fails, a batch is an
    /// error, or a limit would be exceeded. The limits of a counted job name the counters of
    /// [`crate::job_counters`] for `job.created_at`: those are what [`JobStore::cancel_job`] gives back.
    async fn create_job(
        &self,
        job: &NewJob,
        limits: &[CounterLimit],
        rows: &mut JobRows<'_>,
    ) -> StoreResult<JobOutcome>;

    async fn job(&self, service: ServiceId, id: JobId) -> StoreResult<Option<Job>>;

    /// The service's jobs, newest first.
    async fn jobs(&self, service: ServiceId) -> StoreResult<Vec<Job>>;

    /// How many of the job's notifications are in each status (statuses with none left out).
    async fn job_counts(
        &self,
        service: ServiceId,
        id: JobId,
    ) -> StoreResult<Vec<(NotificationStatus, u64)>>;

    /// Cancels a job that has not started (`scheduled`, time not yet come): its notifications
    /// are deleted unsent and it becomes `cancelled`. In the same transaction the sending
    /// limits get back what those rows took: when any of the job's rows is not a test one
    /// (the API counts a job unless its key is a test key or every recipient is a smoke-test
    /// one), the counters of [`crate::job_counters`] go down by [`crate::job_rows_amount`] of the deleted
    /// rows, never below zero. [`crate::StoreError::NotFound`] for an unknown job,
    /// [`crate::StoreError::Conflict`] for one that is not scheduled or whose time has come.
    async fn cancel_job(
        &self,
        service: ServiceId,
        id: JobId,
        now: OffsetDateTime,
    ) -> StoreResult<Job>;

    /// Moves jobs on at `now`: `pending` ones and `scheduled` ones whose time has come become
    /// `in progress` (`processing_started`), `in progress` ones with no notification left in
    /// `created` become `finished` (`processing_finished`), and finished or cancelled jobs
    /// older than their service's retention are archived. Returns how many jobs changed.
    async fn advance_jobs(&self, now: OffsetDateTime) -> StoreResult<u64>;
}

/// What delivery workers and receipts change: claims, outcomes, provider receipts.
#[async_trait]
pub trait DeliveryStore: Send + Sync {
    /// Claims up to `limit` notifications that are due (status `created`, `scheduled_for` and
    /// any retry time passed, not held by another worker's unexpired claim), priority lane
    /// first, oldest first. Each claim holds until `lease_until` and counts an attempt; a
    /// worker that dies leaves its rows to be claimed again once the lease has passed.
    /// Test-key notifications are claimed too (their outcome is simulated).
    async fn claim_notifications(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<Notification>>;

    /// Records outcomes of claimed notifications in one transaction and releases the claims.
    /// An outcome is ignored when its `attempt` is no longer the row's (the lease expired and
    /// the row was claimed again) and for a notification whose personal data was purged.
    async fn record_outcomes(&self, outcomes: &[Outcome]) -> StoreResult<()>;

    /// Extends to `lease_until` each claim still held: the row's `attempts` is still the
    /// claim's and it is still queued (`created`, no outcome recorded). Returns how many were
    /// extended; fewer than `claims.len()` means another worker claimed some since (their lease
    /// had passed), and the caller must not send those. A claim whose lease passed but that
    /// nobody claimed since is extended: nobody else can have sent it.
    async fn renew_claims(&self, claims: &[Claim], lease_until: OffsetDateTime)
    -> StoreResult<u64>;

    /// Gives back claims whose notifications were never handed to a provider: each row still
    /// held by its claim (as for [`renew_claims`](Self::renew_claims)) is due again at `now`
    /// and its `attempts` goes back down, so the claim does not count as an attempt. A late
    /// outcome of the claim before it then applies again, which is right: that claim's worker
    /// did hand the message over. Returns how many were given back.
    async fn release_claims(&self, claims: &[Claim], now: OffsetDateTime) -> StoreResult<u64>;

    /// Applies providers' delivery receipts, matching notifications by `provider_reference`
    /// and channel, in one transaction; returns one outcome per receipt, in order. The
    /// transition rules are enforced by the database statement itself (see
    /// [`crate::ReceiptOutcome::Ignored`]), so two processes applying receipts for one notification
    /// at once cannot break them. An applied receipt sets `status`, `updated_at` (the
    /// completion time) and, when it has one, `provider_response`.
    async fn apply_receipts(&self, receipts: &[Receipt]) -> StoreResult<Vec<ReceiptOutcome>>;

    /// Completes when another process may have queued notifications since the previous call
    /// (PostgreSQL: `LISTEN`/`NOTIFY`), so a worker need not wait for its next poll. Backends
    /// without such a signal never complete; workers poll as well.
    async fn queued_elsewhere(&self) {
        std::future::pending::<()>().await;
    }
}

/// The built-in outbox provider's messages.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Keeps messages in the built-in outbox (personal data encrypted like notifications).
    async fn put_outbox(&self, messages: &[OutboxMessage]) -> StoreResult<()>;

    /// The outbox, newest first; `before` pages back from a message.
    async fn outbox(
        &self,
        limit: u32,
        before: Option<NotificationId>,
    ) -> StoreResult<Vec<OutboxMessage>>;

    async fn outbox_message(&self, id: NotificationId) -> StoreResult<Option<OutboxMessage>>;
}

/// Health, schema version and the periodic jobs (purge, time-outs) that keep the database in shape.
#[async_trait]
pub trait HousekeepingStore: Send + Sync {
    /// Checks the database answers.
    async fn ping(&self) -> StoreResult<()>;

    /// The schema version the database is at, for `/_status`.
    async fn schema_version(&self) -> StoreResult<i64>;

    /// What the database's own configuration will cost a long-running process, if anything
    /// (PostgreSQL: autovacuum turned off). Servers log it once at start; one-off commands
    /// don't, so their output stays what the user asked for.
    async fn maintenance_warning(&self) -> Option<&'static str> {
        None
    }

    /// Purges the personal data of up to `batch` notifications created longer ago than their
    /// service's `retention_days` (whole 24-hour days before `now`) whose status is final (not
    /// `created`, `sending` or `pending`): the sealed recipient, personalisation, body and
    /// subject are dropped and the notification's outbox message deleted, in one transaction.
    /// The row itself stays (status, times, template, channel, billable units) for reports,
    /// but reads treat it as gone: `notification` returns `None` and `notifications` skips it,
    /// as GC Notify shows only notifications within retention, and outcomes no longer apply
    /// to it. Returns how many were purged; callers repeat until it returns 0.
    async fn purge_personal_data(&self, now: OffsetDateTime, batch: u32) -> StoreResult<u64>;

    /// Gives up on notifications created before `older_than` (GC Notify: three days ago) that
    /// have not reached a final status: still `created` becomes `technical-failure`, still
    /// `sending` or `pending` becomes `temporary-failure` (an SMS left `sent` is not timed
    /// out). A scheduled notification counts from its scheduled time rather than from when it
    /// was accepted, and one a worker holds an unexpired claim on is left to that worker.
    /// Sets `updated_at` to `now` and returns the ids changed, in the order they were stored.
    async fn time_out_notifications(
        &self,
        older_than: OffsetDateTime,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<NotificationId>>;

    /// Starts the periodic job `name` if it never ran or last started at least `every` before
    /// `now`: records `now` as its start and returns true. Atomic, so of several processes
    /// asking in one period exactly one gets true.
    async fn try_start_job(
        &self,
        name: &str,
        now: OffsetDateTime,
        every: time::Duration,
    ) -> StoreResult<bool>;

    /// Records that a delivery worker is running at `now` (every worker calls it every few
    /// seconds). The latest time recorded is kept: an earlier `now` changes nothing.
    async fn record_worker_heartbeat(&self, now: OffsetDateTime) -> StoreResult<()>;

    /// The latest time a worker recorded with [`record_worker_heartbeat`](Self::record_worker_heartbeat),
    /// if any ever did.
    async fn last_worker_heartbeat(&self) -> StoreResult<Option<OffsetDateTime>>;
}

/// Service callbacks, complaints and the durable queue of notices to call back.
#[async_trait]
pub trait CallbackStore: Send + Sync {
    /// Creates or replaces the service's callback of `config.kind` (the bearer token is
    /// sealed at rest). [`crate::StoreError::NotFound`] when the service does not exist.
    async fn set_callback(&self, config: &CallbackConfig) -> StoreResult<()>;

    /// The service's callbacks, in [`crate::CallbackKind`] order.
    async fn callbacks(&self, service: ServiceId) -> StoreResult<Vec<CallbackConfig>>;

    /// Removes a callback; [`crate::StoreError::NotFound`] when there is none.
    async fn remove_callback(&self, service: ServiceId, kind: CallbackKind) -> StoreResult<()>;

    /// Suspends or resumes a callback; [`crate::StoreError::NotFound`] when there is none.
    async fn suspend_callback(
        &self,
        service: ServiceId,
        kind: CallbackKind,
        suspended: bool,
        now: OffsetDateTime,
    ) -> StoreResult<()>;

    /// Stores complaints, each against the notification whose `provider_reference` it names,
    /// and queues a complaint notice for services with an active complaint callback, in one
    /// transaction. The notification's status is left as it is. Returns one entry per
    /// complaint, `None` when no notification (with personal data) has that reference.
    async fn record_complaints(
        &self,
        complaints: &[NewComplaint],
    ) -> StoreResult<Vec<Option<Complaint>>>;

    /// Claims up to `limit` queued notices due at `now`, oldest due first, at most
    /// `per_service` of any one service, skipping the services in `skip`; each claim holds
    /// until `lease_until` and counts an attempt. Only the oldest due notices (a few times
    /// `limit`) are considered, so a claim costs the same however long the queue. Notices that
    /// can no longer be sent (callback removed or suspended, notification purged) are dropped
    /// instead of claimed.
    async fn claim_callbacks(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
        per_service: u32,
        skip: &[ServiceId],
    ) -> StoreResult<Vec<DueCallback>>;

    /// Records what became of claimed notices, in one transaction. A result whose `attempt`
    /// is no longer the row's (the lease passed and it was claimed again) is ignored.
    async fn record_callback_results(&self, results: &[CallbackResult]) -> StoreResult<()>;
}
