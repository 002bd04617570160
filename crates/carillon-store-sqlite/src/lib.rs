//! Carillon's storage on an embedded SQLite file: [`SqliteStore`] implements
//! [`carillon_store::Store`] for single-machine installs.
//!
//! One connection writes (SQLite allows one writer at a time; funnelling writes through one
//! connection and starting write transactions with `BEGIN IMMEDIATE` avoids `SQLITE_BUSY` lock
//! upgrades) and a small pool reads, which WAL lets run alongside the writer.

mod callback_queue;
mod callbacks;
mod codec;
mod delivery;
mod error;
mod housekeeping;
mod jobs;
mod keys;
mod limits;
mod list;
mod migrations;
mod notifications;
mod outbox;
mod receipts;
mod senders;
mod services;
mod templates;

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use carillon_crypto::Cipher;
use carillon_domain::{
    ApiKey, ApiKeyId, Job, JobId, KeyType, NewApiKey, NewJob, NewNotification, NewService,
    NewTemplate, Notification, NotificationFilter, NotificationId, NotificationStatus,
    NotificationType, ReplyTo, SafelistEntry, Service, ServiceId, SmsSender, Template, TemplateId,
    TemplateUpdate,
};
use carillon_store::{
    CallbackConfig, CallbackKind, CallbackResult, Complaint, Counter, CounterLimit, DueCallback,
    InsertOutcome, JobOutcome, JobRows, NewComplaint, OutboxMessage, Outcome, RateLimit, Receipt,
    ReceiptOutcome, Store, StoreError, StoreResult,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use time::OffsetDateTime;

use crate::error::db_err;

/// Readers run alongside the writer; more than a few only contend for the 2 cores we plan for.
const READERS: u32 = 4;
/// How long a call waits for a connection before reporting the database unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// [`Store`] on an SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// The one connection every write goes through.
    writer: SqlitePool,
    readers: SqlitePool,
    cipher: Cipher,
}

impl SqliteStore {
    /// Opens the database at `path` (creating the file if missing) and brings its schema up to
    /// date. `cipher` seals personal data and API key secrets.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the file cannot be opened, or the migration error.
    pub async fn open(path: &Path, cipher: Cipher) -> Result<Self, StoreError> {
        // Settings every connection needs; WAL is a property of the file, so the writer sets it.
        let base = SqliteConnectOptions::new()
            .filename(path)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .synchronous(SqliteSynchronous::Normal)
            // Purged personal data is overwritten on disk rather than left in free pages.
            .pragma("secure_delete", "ON");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            // Keeping the writer open keeps the WAL and shared-memory files the readers need.
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(
                base.clone()
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // A bulk job writes all its rows in one transaction; with SQLite's default
                    // 2 MiB page cache its index pages are evicted and read back over and over.
                    .pragma("cache_size", "-32768"),
            )
            .await
            .map_err(db_err)?;
        migrations::migrator()
            .run(&writer)
            .await
            .map_err(|e| StoreError::Other(format!("migrating the database: {e}")))?;
        let readers = SqlitePoolOptions::new()
            .max_connections(READERS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // A write through a reader would bypass the single writer; refuse it outright.
            .connect_with(base.read_only(true))
            .await
            .map_err(db_err)?;
        Ok(Self {
            writer,
            readers,
            cipher,
        })
    }

    /// Closes every connection, checkpointing the WAL into the database file.
    pub async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.readers)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn schema_version(&self) -> StoreResult<i64> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.readers)
                .await
                .map_err(db_err)?;
        Ok(version.unwrap_or(0))
    }

    async fn create_service(
        &self,
        service: &NewService,
        now: OffsetDateTime,
    ) -> StoreResult<Service> {
        services::create(self, service, now).await
    }

    async fn service(&self, id: ServiceId) -> StoreResult<Option<Service>> {
        services::get(self, id).await
    }

    async fn services(&self) -> StoreResult<Vec<Service>> {
        services::all(self).await
    }

    async fn update_service(&self, service: &Service) -> StoreResult<()> {
        services::update(self, service).await
    }

    async fn create_api_key(&self, key: &NewApiKey, now: OffsetDateTime) -> StoreResult<ApiKey> {
        keys::create(self, key, now).await
    }

    async fn api_keys(&self, service: ServiceId) -> StoreResult<Vec<ApiKey>> {
        keys::of_service(self, service).await
    }

    async fn api_key_by_secret(&self, secret: &str) -> StoreResult<Option<ApiKey>> {
        keys::by_secret(self, secret).await
    }

    async fn revoke_api_key(
        &self,
        service: ServiceId,
        id: ApiKeyId,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        keys::revoke(self, service, id, now).await
    }

    async fn record_api_key_use(&self, id: ApiKeyId, now: OffsetDateTime) -> StoreResult<()> {
        keys::record_use(self, id, now).await
    }

    async fn create_template(
        &self,
        template: &NewTemplate,
        now: OffsetDateTime,
    ) -> StoreResult<Template> {
        templates::create(self, template, now).await
    }

    async fn update_template(
        &self,
        service: ServiceId,
        id: TemplateId,
        update: &TemplateUpdate,
        now: OffsetDateTime,
    ) -> StoreResult<Template> {
        templates::update(self, service, id, update, now).await
    }

    async fn template(&self, service: ServiceId, id: TemplateId) -> StoreResult<Option<Template>> {
        templates::latest(self, service, id).await
    }

    async fn template_version(
        &self,
        service: ServiceId,
        id: TemplateId,
        version: i32,
    ) -> StoreResult<Option<Template>> {
        templates::version(self, service, id, version).await
    }

    async fn templates(
        &self,
        service: ServiceId,
        kind: Option<NotificationType>,
    ) -> StoreResult<Vec<Template>> {
        templates::of_service(self, service, kind).await
    }

    async fn add_reply_to(&self, reply_to: &ReplyTo) -> StoreResult<()> {
        senders::add_reply_to(self, reply_to).await
    }

    async fn reply_tos(&self, service: ServiceId) -> StoreResult<Vec<ReplyTo>> {
        senders::reply_tos(self, service).await
    }

    async fn add_sms_sender(&self, sender: &SmsSender) -> StoreResult<()> {
        senders::add_sms_sender(self, sender).await
    }

    async fn sms_senders(&self, service: ServiceId) -> StoreResult<Vec<SmsSender>> {
        senders::sms_senders(self, service).await
    }

    async fn add_safelist_entry(&self, entry: &SafelistEntry) -> StoreResult<()> {
        senders::add_safelist_entry(self, entry).await
    }

    async fn safelist(&self, service: ServiceId) -> StoreResult<Vec<SafelistEntry>> {
        senders::safelist(self, service).await
    }

    async fn insert_notifications(
        &self,
        batch: &[(NewNotification, Vec<CounterLimit>)],
    ) -> StoreResult<Vec<InsertOutcome>> {
        notifications::insert(self, batch).await
    }

    async fn notification(
        &self,
        service: ServiceId,
        id: NotificationId,
    ) -> StoreResult<Option<Notification>> {
        list::one(self, service, id).await
    }

    async fn notifications(
        &self,
        service: ServiceId,
        filter: &NotificationFilter,
    ) -> StoreResult<Vec<Notification>> {
        list::filtered(self, service, filter).await
    }

    async fn counter(&self, counter: &Counter) -> StoreResult<u64> {
        limits::counter(self, counter).await
    }

    async fn create_job(
        &self,
        job: &NewJob,
        limits: &[CounterLimit],
        rows: &mut JobRows<'_>,
    ) -> StoreResult<JobOutcome> {
        jobs::create(self, job, limits, rows).await
    }

    async fn job(&self, service: ServiceId, id: JobId) -> StoreResult<Option<Job>> {
        jobs::get(self, service, id).await
    }

    async fn jobs(&self, service: ServiceId) -> StoreResult<Vec<Job>> {
        jobs::list(self, service).await
    }

    async fn job_counts(
        &self,
        service: ServiceId,
        id: JobId,
    ) -> StoreResult<Vec<(NotificationStatus, u64)>> {
        jobs::counts(self, service, id).await
    }

    async fn cancel_job(
        &self,
        service: ServiceId,
        id: JobId,
        now: OffsetDateTime,
    ) -> StoreResult<Job> {
        jobs::cancel(self, service, id, now).await
    }

    async fn advance_jobs(&self, now: OffsetDateTime) -> StoreResult<u64> {
        jobs::advance(self, now).await
    }

    async fn claim_notifications(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<Notification>> {
        delivery::claim(self, now, lease_until, limit).await
    }

    async fn record_outcomes(&self, outcomes: &[Outcome]) -> StoreResult<()> {
        delivery::record(self, outcomes).await
    }

    async fn apply_receipts(&self, receipts: &[Receipt]) -> StoreResult<Vec<ReceiptOutcome>> {
        receipts::apply(self, receipts).await
    }

    async fn put_outbox(&self, messages: &[OutboxMessage]) -> StoreResult<()> {
        outbox::put(self, messages).await
    }

    async fn outbox(
        &self,
        limit: u32,
        before: Option<NotificationId>,
    ) -> StoreResult<Vec<OutboxMessage>> {
        outbox::page(self, limit, before).await
    }

    async fn outbox_message(&self, id: NotificationId) -> StoreResult<Option<OutboxMessage>> {
        outbox::one(self, id).await
    }

    async fn purge_personal_data(&self, now: OffsetDateTime, batch: u32) -> StoreResult<u64> {
        housekeeping::purge(self, now, batch).await
    }

    async fn time_out_notifications(
        &self,
        older_than: OffsetDateTime,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<NotificationId>> {
        housekeeping::time_out(self, older_than, now).await
    }

    async fn try_start_job(
        &self,
        name: &str,
        now: OffsetDateTime,
        every: time::Duration,
    ) -> StoreResult<bool> {
        housekeeping::try_start_job(self, name, now, every).await
    }

    async fn set_callback(&self, config: &CallbackConfig) -> StoreResult<()> {
        callbacks::set(self, config).await
    }

    async fn callbacks(&self, service: ServiceId) -> StoreResult<Vec<CallbackConfig>> {
        callbacks::of_service(self, service).await
    }

    async fn remove_callback(&self, service: ServiceId, kind: CallbackKind) -> StoreResult<()> {
        callbacks::remove(self, service, kind).await
    }

    async fn suspend_callback(
        &self,
        service: ServiceId,
        kind: CallbackKind,
        suspended: bool,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        callbacks::suspend(self, service, kind, suspended, now).await
    }

    async fn record_complaints(
        &self,
        complaints: &[NewComplaint],
    ) -> StoreResult<Vec<Option<Complaint>>> {
        callbacks::record_complaints(self, complaints).await
    }

    async fn claim_callbacks(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
        per_service: u32,
        skip: &[ServiceId],
    ) -> StoreResult<Vec<DueCallback>> {
        callback_queue::claim(self, now, lease_until, limit, per_service, skip).await
    }

    async fn record_callback_results(&self, results: &[CallbackResult]) -> StoreResult<()> {
        callback_queue::record(self, results).await
    }

    async fn take_rate(
        &self,
        service: ServiceId,
        key_type: KeyType,
        requested: u32,
        rate: RateLimit,
        now: OffsetDateTime,
    ) -> StoreResult<u32> {
        limits::take_rate(self, service, key_type, requested, rate, now).await
    }
}
