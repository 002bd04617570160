//! A batch that takes longer than its claims' lease to hand to a slow provider is still sent
//! once: its worker renews the claims while it sends, so a second worker polling the same
//! database never claims them again; and a worker that was stopped past the end of its claims
//! sends no more of the batch, giving the rest back without counting an attempt. On both
//! backends.
//!
//! PostgreSQL needs `CARILLON_TEST_POSTGRES_URL`; see `carillon_test_support::stores`.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use carillon_app::services::CreateService;
use carillon_app::template_admin::CreateTemplate;
use carillon_app::{App, AppSettings, BulkFile};
use carillon_bulk::Format;
use carillon_domain::{
    EmailLocalPart, KeyType, NotificationId, NotificationStatus, NotificationType, ProcessType,
    ServiceId, SystemClock,
};
use carillon_providers::{
    Accepted, EmailMessage, EmailProvider, Gate, Outbox, ProviderError, Sent,
};
use carillon_store::Store;
use carillon_test_support::stores::TestStore;
use carillon_worker::{Worker, WorkerSettings};

/// The claims' lease in these tests: short, so a slow provider outlasts it.
const LEASE: Duration = Duration::from_secs(2);

/// An email provider that takes `per_message` for each message, one after the other, and
/// counts how often each notification was handed to it. Like the SMTP provider, it looks at
/// the gate as each message's turn comes.
#[derive(Debug)]
struct Slow {
    per_message: Duration,
    /// Block the thread instead of waiting (what a stopped process looks like to the rest
    /// of it: nothing else runs, renewals included).
    stall: bool,
    handed: Mutex<HashMap<NotificationId, u32>>,
}

impl Slow {
    fn new(per_message: Duration, stall: bool) -> Self {
        Self {
            per_message,
            stall,
            handed: Mutex::default(),
        }
    }

    fn handed(&self) -> HashMap<NotificationId, u32> {
        self.handed.lock().unwrap().clone()
    }

    async fn send(&self, message: &EmailMessage) -> Result<Accepted, ProviderError> {
        *self.handed.lock().unwrap().entry(message.id).or_default() += 1;
        if self.stall {
            std::thread::sleep(self.per_message);
        } else {
            tokio::time::sleep(self.per_message).await;
        }
        Ok(Accepted {
            reference: message.id.to_string(),
            delivered: true,
        })
    }
}

#[async_trait]
impl EmailProvider for Slow {
    fn name(&self) -> &'static str {
        "slow"
    }

    async fn send_emails(&self, messages: &[EmailMessage]) -> Vec<Result<Accepted, ProviderError>> {
        let mut results = Vec::new();
        for message in messages {
            results.push(self.send(message).await);
        }
        results
    }

    async fn send_emails_through(&self, messages: &[EmailMessage], gate: &Gate) -> Vec<Sent> {
        let mut results = Vec::new();
        for message in messages {
            results.push(match gate.is_open() {
                true => Some(self.send(message).await),
                false => None,
            });
        }
        results
    }
}

/// Queues `count` emails (a bulk send, due at once) and returns the service.
async fn queue(store: &Arc<dyn Store>, count: usize) -> ServiceId {
    let app = App::new(
        Arc::clone(store),
        Arc::new(SystemClock),
        AppSettings::default(),
    );
    let service = app
        .create_service(CreateService {
            name: "Lease".into(),
            email_from: EmailLocalPart::parse("lease").unwrap(),
            live: true,
        })
        .await
        .unwrap();
    let template = app
        .create_template(
            service.id,
            CreateTemplate {
                name: "Hello".into(),
                kind: NotificationType::Email,
                subject: Some("Hello".into()),
                content: "Hello ((name))".into(),
                category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
                process_type_override: None,
                created_by: None,
            },
        )
        .await
        .unwrap();
    let mut csv = String::from("email address,name\n");
    for n in 0..count {
        writeln!(csv, "person{n}@example.ca,P{n}").unwrap();
    }
    let file = BulkFile {
        name: "people.csv".into(),
        bytes: csv.into_bytes(),
        format: Format::Csv,
        scheduled_for: None,
        reply_to_id: None,
    };
    let checked = app
        .check_bulk(&service, KeyType::Normal, &template, &file)
        .await
        .unwrap();
    app.submit_bulk(&service, None, &file, checked)
        .await
        .unwrap();
    service.id
}

fn worker(store: Arc<dyn Store>, email: Arc<Slow>) -> Worker {
    let outbox = Arc::new(Outbox::new(Arc::clone(&store)));
    let settings = WorkerSettings {
        batch_size: 50,
        lease: time::Duration::try_from(LEASE).unwrap(),
        idle_poll: Duration::from_millis(50),
        concurrency: 1,
        ..WorkerSettings::default()
    };
    Worker::new(store, email, outbox, settings, Arc::default())
}

/// The stored statuses and attempts of the service's notifications.
async fn stored(store: &Arc<dyn Store>, service: ServiceId) -> Vec<(NotificationStatus, u32)> {
    let filter = carillon_domain::NotificationFilter {
        include_jobs: true,
        limit: 1_000,
        ..Default::default()
    };
    let listed = store.notifications(service, &filter).await.unwrap();
    listed.iter().map(|n| (n.status, n.attempts)).collect()
}

/// Six messages at half a lease each, three leases in all: the first worker claims them all,
/// a second polls the same database throughout. Each message reaches the provider once, all
/// from the first worker, which renewed its claims until it was done.
async fn a_slow_batch_is_sent_once_by_two_workers(test: &TestStore) {
    const COUNT: usize = 6;
    let first_store = Arc::clone(&test.store);
    let second_store = test.another().await;
    let service = queue(&first_store, COUNT).await;
    let slow = Arc::new(Slow::new(LEASE / 2, false));
    let other = Arc::new(Slow::new(LEASE / 2, false));
    let handed = || {
        let mut both = slow.handed();
        for (id, times) in other.handed() {
            *both.entry(id).or_default() += times;
        }
        both
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);

    let first = tokio::spawn(worker(first_store.clone(), slow.clone()).run(stopped.clone()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while slow.handed().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "nothing sent");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let second = tokio::spawn(worker(second_store, other.clone()).run(stopped));
    loop {
        let handed = handed();
        let twice: Vec<_> = handed.values().filter(|n| **n != 1).collect();
        assert!(
            twice.is_empty(),
            "handed to the provider more than once: {handed:?}"
        );
        let statuses = stored(&first_store, service).await;
        if statuses.len() == COUNT
            && statuses
                .iter()
                .all(|(status, _)| *status == NotificationStatus::Delivered)
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not all delivered: {statuses:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A late duplicate would come from a claim taken once a lease passed: wait out one more.
    tokio::time::sleep(LEASE + LEASE / 2).await;
    stop.send(true).unwrap();
    first.await.unwrap();
    second.await.unwrap();

    let handed = handed();
    assert_eq!(handed.len(), COUNT);
    let twice: Vec<_> = handed.values().filter(|n| **n != 1).collect();
    assert!(
        twice.is_empty(),
        "handed to the provider more than once: {handed:?}"
    );
    let attempts: Vec<_> = stored(&first_store, service)
        .await
        .into_iter()
        .map(|(_, attempts)| attempts)
        .collect();
    assert_eq!(attempts, [1; COUNT], "each claimed once");
    assert_eq!(
        other.handed().len(),
        0,
        "the first worker kept its claims for the whole batch"
    );
}

/// A worker stopped (its thread blocked) for longer than its claims' lease while handing the
/// first message sends none of the rest of the batch: they are given back, still due, their
/// attempt not counted, and the next batch sends them, each once.
async fn a_stopped_worker_sends_no_more_and_gives_the_rest_back(test: &TestStore) {
    const COUNT: usize = 4;
    let store = Arc::clone(&test.store);
    let service = queue(&store, COUNT).await;
    let stalled = Arc::new(Slow::new(LEASE + LEASE / 4, true));
    assert_eq!(
        worker(store.clone(), stalled.clone())
            .run_once()
            .await
            .unwrap(),
        COUNT
    );
    assert_eq!(stalled.handed().len(), 1, "only the first message went");
    let mut statuses = stored(&store, service).await;
    statuses.sort_by_key(|(status, _)| *status == NotificationStatus::Created);
    assert_eq!(
        statuses,
        [
            (NotificationStatus::Delivered, 1),
            (NotificationStatus::Created, 0),
            (NotificationStatus::Created, 0),
            (NotificationStatus::Created, 0),
        ],
        "the rest given back without an attempt"
    );

    let prompt = Arc::new(Slow::new(Duration::ZERO, false));
    let handled = worker(store.clone(), prompt.clone()).run_once().await;
    assert_eq!(
        handled.unwrap(),
        COUNT - 1,
        "given back rows are due at once"
    );
    let sent_first: Vec<_> = stalled.handed().into_keys().collect();
    let sent_next = prompt.handed();
    assert_eq!(sent_next.len(), COUNT - 1);
    assert!(sent_next.values().all(|n| *n == 1));
    assert!(!sent_next.contains_key(&sent_first[0]), "sent once only");
    let statuses = stored(&store, service).await;
    assert_eq!(statuses, [(NotificationStatus::Delivered, 1); COUNT]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_batch_is_sent_once_sqlite() {
    a_slow_batch_is_sent_once_by_two_workers(&TestStore::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_batch_is_sent_once_postgres() {
    let Some(store) = TestStore::postgres().await else {
        return;
    };
    a_slow_batch_is_sent_once_by_two_workers(&store).await;
}

// One thread: while the provider blocks it, nothing else of the worker runs.
#[tokio::test]
async fn a_stopped_worker_gives_the_rest_back_sqlite() {
    a_stopped_worker_sends_no_more_and_gives_the_rest_back(&TestStore::sqlite().await).await;
}

#[tokio::test]
async fn a_stopped_worker_gives_the_rest_back_postgres() {
    let Some(store) = TestStore::postgres().await else {
        return;
    };
    a_stopped_worker_sends_no_more_and_gives_the_rest_back(&store).await;
}
