//! The group-commit writer isolates failures, on SQLite and on PostgreSQL: when a batch's
//! transaction fails because of some of its rows, those rows get the error and every other
//! row of the batch is committed, counted once, and answered as inserted. And a database that
//! is briefly unavailable (a PostgreSQL restart) fails no request: the batch is tried again,
//! and a row an interrupted attempt did commit is answered as inserted, stored and counted once.
//!
//! PostgreSQL needs `CARILLON_TEST_POSTGRES_URL`; see `carillon_test_support::stores`.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "use_cases/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use carillon_app::Writer;
use carillon_domain::{
    KeyType, NewNotification, Notification, NotificationFilter, NotificationId, NotificationType,
    ServiceId,
};
use carillon_store::{
    Counter, CounterLimit, InsertOutcome, NotificationStore, Period, RateLimit, StoreError,
    StoreResult,
};
use fixture::Fixture;
use serde_json::json;
use time::OffsetDateTime;

/// The reference of the rows the database "refuses".
const REFUSED: &str = "refuse me";

/// How [`Refusing`] fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Any batch holding a row whose reference is [`REFUSED`], as a database refusing one
    /// row fails the whole transaction.
    RefuseReference,
    /// The first `n` calls, with nothing stored, as while PostgreSQL restarts.
    Unavailable(usize),
    /// The first `n` calls commit, then report the connection lost (the answer to a commit
    /// that did happen never arrives).
    LoseAnswer(usize),
}

/// Delegates to a real store, but fails as its [`Fault`] says.
#[derive(Debug)]
struct Refusing {
    inner: Arc<dyn carillon_store::Store>,
    fault: Fault,
    /// The size of every batch tried, and whether it failed.
    calls: Mutex<Vec<(usize, bool)>>,
}

impl Refusing {
    fn new(f: &Fixture, fault: Fault) -> Arc<Self> {
        Arc::new(Self {
            inner: Arc::clone(f.app.store()),
            fault,
            calls: Mutex::new(Vec::new()),
        })
    }
}

#[async_trait]
impl NotificationStore for Refusing {
    async fn insert_notifications(
        &self,
        batch: &[(NewNotification, Vec<CounterLimit>)],
    ) -> StoreResult<Vec<InsertOutcome>> {
        let call = self.calls.lock().unwrap().len();
        let (fails, commits) = match self.fault {
            Fault::RefuseReference => (
                batch
                    .iter()
                    .any(|(n, _)| n.client_reference.as_deref() == Some(REFUSED)),
                false,
            ),
            Fault::Unavailable(n) => (call < n, false),
            Fault::LoseAnswer(n) => (call < n, call < n),
        };
        self.calls.lock().unwrap().push((batch.len(), fails));
        match (fails, self.fault) {
            (false, _) => self.inner.insert_notifications(batch).await,
            (true, Fault::RefuseReference) => {
                Err(StoreError::Other("forced: the row cannot be stored".into()))
            }
            (true, _) => {
                if commits {
                    self.inner.insert_notifications(batch).await?;
                }
                Err(StoreError::Unavailable("forced: connection lost".into()))
            }
        }
    }

    async fn notification(
        &self,
        service: ServiceId,
        id: NotificationId,
    ) -> StoreResult<Option<Notification>> {
        self.inner.notification(service, id).await
    }

    async fn notifications(
        &self,
        service: ServiceId,
        filter: &NotificationFilter,
    ) -> StoreResult<Vec<Notification>> {
        self.inner.notifications(service, filter).await
    }

    async fn counter(&self, counter: &Counter) -> StoreResult<u64> {
        self.inner.counter(counter).await
    }

    async fn take_rate(
        &self,
        service: ServiceId,
        key_type: KeyType,
        requested: u32,
        rate: RateLimit,
        now: OffsetDateTime,
    ) -> StoreResult<u32> {
        self.inner
            .take_rate(service, key_type, requested, rate, now)
            .await
    }
}

fn row(f: &Fixture, n: usize, reference: &str, now: OffsetDateTime) -> NewNotification {
    let to = format!("person{n}@example.ca");
    NewNotification {
        id: NotificationId::new(),
        service_id: f.service.id,
        template_id: f.email_template.id,
        template_version: f.email_template.version,
        api_key_id: Some(f.key.id),
        key_type: KeyType::Normal,
        kind: NotificationType::Email,
        normalised_to: to.clone(),
        to,
        personalisation: json!({"name": "Ada", "code": n}),
        body: format!("Hello Ada, your code is {n}"),
        subject: Some("Code for Ada".to_owned()),
        client_reference: Some(reference.to_owned()),
        sender: None,
        process_type: f.email_template.process_type,
        billable_units: 1,
        scheduled_for: None,
        created_at: now,
    }
}

fn writer(store: &Arc<Refusing>, retry_for: Duration) -> Writer {
    Writer::start_with(
        &(Arc::clone(store) as Arc<dyn NotificationStore>),
        retry_for,
    )
}

fn daily(f: &Fixture, now: OffsetDateTime) -> Counter {
    Counter {
        service_id: f.service.id,
        kind: NotificationType::Email,
        period: Period::Day(now.date()),
    }
}

/// Sends `count` valid rows at once (so they share batches), counted against `counter`;
/// returns each row's id and answer.
async fn send_at_once(
    f: &Fixture,
    writer: &Writer,
    counter: &Counter,
    count: usize,
) -> Vec<(NotificationId, Result<InsertOutcome, StoreError>)> {
    let now = OffsetDateTime::now_utc();
    let requests: Vec<_> = (0..count)
        .map(|n| {
            let notification = row(f, n, &format!("valid {n}"), now);
            let id = notification.id;
            let limits = vec![CounterLimit {
                counter: counter.clone(),
                amount: 1,
                ceiling: 1_000,
            }];
            let writer = writer.clone();
            (
                id,
                tokio::spawn(async move { writer.insert(notification, limits).await }),
            )
        })
        .collect();
    let mut answers = Vec::new();
    for (id, answer) in requests {
        answers.push((id, answer.await.unwrap()));
    }
    answers
}

/// Every row answered as inserted, stored, and counted once.
async fn all_inserted_once(
    f: &Fixture,
    counter: &Counter,
    answers: &[(NotificationId, Result<InsertOutcome, StoreError>)],
) {
    for (id, answer) in answers {
        assert!(matches!(answer, Ok(InsertOutcome::Inserted)), "{answer:?}");
        let stored = f.app.store().notification(f.service.id, *id).await.unwrap();
        assert!(stored.is_some(), "an inserted row is stored");
    }
    assert_eq!(
        f.app.store().counter(counter).await.unwrap(),
        answers.len() as u64
    );
}

async fn an_unavailable_database_is_retried(f: &Fixture) {
    let store = Refusing::new(f, Fault::Unavailable(3));
    let counter = daily(f, OffsetDateTime::now_utc());
    let answers = send_at_once(f, &writer(&store, Duration::from_secs(10)), &counter, 8).await;
    all_inserted_once(f, &counter, &answers).await;
    let calls = store.calls.lock().unwrap().clone();
    assert_eq!(
        calls.iter().filter(|&&(_, failed)| failed).count(),
        3,
        "{calls:?}"
    );
}

async fn a_lost_commit_answer_is_not_an_error(f: &Fixture) {
    let store = Refusing::new(f, Fault::LoseAnswer(1));
    let counter = daily(f, OffsetDateTime::now_utc());
    let answers = send_at_once(f, &writer(&store, Duration::from_secs(10)), &counter, 8).await;
    // The first batch was committed once, though its first attempt said it failed.
    all_inserted_once(f, &counter, &answers).await;
}

async fn a_long_outage_is_answered_unavailable(f: &Fixture) {
    let store = Refusing::new(f, Fault::Unavailable(usize::MAX));
    let counter = daily(f, OffsetDateTime::now_utc());
    let answers = send_at_once(f, &writer(&store, Duration::from_millis(300)), &counter, 4).await;
    for (id, answer) in &answers {
        assert!(
            matches!(answer, Err(StoreError::Unavailable(_))),
            "{answer:?}"
        );
        assert!(
            f.app
                .store()
                .notification(f.service.id, *id)
                .await
                .unwrap()
                .is_none()
        );
    }
    assert!(
        store.calls.lock().unwrap().len() > 1,
        "retried before giving up"
    );
}

async fn a_bad_row_fails_only_itself(f: &Fixture) {
    let store = Refusing::new(f, Fault::RefuseReference);
    let writer = writer(&store, Duration::from_secs(1));
    let now = OffsetDateTime::now_utc();
    let counter = daily(f, now);
    // Rows 3 and 11 are refused; the others are valid and counted against a daily limit.
    let refused = [3, 11];
    let mut requests = Vec::new();
    for n in 0..16 {
        let reference = if refused.contains(&n) {
            REFUSED.to_owned()
        } else {
            format!("valid {n}")
        };
        let notification = row(f, n, &reference, now);
        let id = notification.id;
        let limits = vec![CounterLimit {
            counter: counter.clone(),
            amount: 1,
            ceiling: 1_000,
        }];
        let writer = writer.clone();
        // Sent at once, so that they queue up and share a batch.
        let answer = tokio::spawn(async move { writer.insert(notification, limits).await });
        requests.push((n, id, answer));
    }
    for (n, id, answer) in requests {
        let answer = answer.await.unwrap();
        let stored = f.app.store().notification(f.service.id, id).await.unwrap();
        if refused.contains(&n) {
            assert!(
                matches!(&answer, Err(StoreError::Other(m)) if m.starts_with("forced")),
                "row {n}: {answer:?}"
            );
            assert!(stored.is_none(), "row {n} was refused yet stored");
        } else {
            assert_eq!(answer.unwrap(), InsertOutcome::Inserted, "row {n}");
            let stored = stored.expect("a valid row is stored");
            assert_eq!(stored.client_reference, Some(format!("valid {n}")));
        }
    }
    // Each valid row counted once: the failed attempts were rolled back.
    assert_eq!(f.app.store().counter(&counter).await.unwrap(), 14);
    let calls = store.calls.lock().unwrap().clone();
    assert!(
        calls.iter().any(|&(size, failed)| failed && size > 2),
        "the refused rows shared a batch with valid ones: {calls:?}"
    );
    // Only single refused rows are answered with the error.
    assert_eq!(
        calls
            .iter()
            .filter(|&&(size, failed)| failed && size == 1)
            .count(),
        2,
        "{calls:?}"
    );
}

async fn a_good_batch_is_one_call(f: &Fixture) {
    let store = Refusing::new(f, Fault::RefuseReference);
    let writer = writer(&store, Duration::from_secs(1));
    let now = OffsetDateTime::now_utc();
    let answers: Vec<_> = (0..8)
        .map(|n| {
            let writer = writer.clone();
            let notification = row(f, n, &format!("valid {n}"), now);
            tokio::spawn(async move { writer.insert(notification, Vec::new()).await })
        })
        .collect();
    for answer in answers {
        assert_eq!(answer.await.unwrap().unwrap(), InsertOutcome::Inserted);
    }
    let calls = store.calls.lock().unwrap().clone();
    assert_eq!(calls.iter().map(|&(size, _)| size).sum::<usize>(), 8);
    assert!(calls.iter().all(|&(_, failed)| !failed));
}

macro_rules! on_both_backends {
    ($($name:ident),*) => {$(
        mod $name {
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                super::$name(&Fixture::sqlite().await).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(f) = Fixture::postgres().await {
                    super::$name(&f).await;
                }
            }
        }
    )*};
}

on_both_backends!(
    a_bad_row_fails_only_itself,
    a_good_batch_is_one_call,
    an_unavailable_database_is_retried,
    a_lost_commit_answer_is_not_an_error,
    a_long_outage_is_answered_unavailable
);
