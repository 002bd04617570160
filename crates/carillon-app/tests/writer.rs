//! The group-commit writer isolates failures, on SQLite and on PostgreSQL: when a batch's
//! transaction fails because of some of its rows, those rows get the error and every other
//! row of the batch is committed, counted once, and answered as inserted.
//!
//! PostgreSQL needs `CARILLON_TEST_POSTGRES_URL`; see `carillon_test_support::stores`.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "use_cases/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use std::sync::{Arc, Mutex};

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

/// Delegates to a real store, but fails any batch holding a row whose reference is
/// [`REFUSED`], as a database refusing one row fails the whole transaction.
#[derive(Debug)]
struct Refusing {
    inner: Arc<dyn carillon_store::Store>,
    /// The size of every batch tried, and whether it failed.
    calls: Mutex<Vec<(usize, bool)>>,
}

#[async_trait]
impl NotificationStore for Refusing {
    async fn insert_notifications(
        &self,
        batch: &[(NewNotification, Vec<CounterLimit>)],
    ) -> StoreResult<Vec<InsertOutcome>> {
        let refused = batch
            .iter()
            .any(|(n, _)| n.client_reference.as_deref() == Some(REFUSED));
        self.calls.lock().unwrap().push((batch.len(), refused));
        if refused {
            return Err(StoreError::Other("forced: the row cannot be stored".into()));
        }
        self.inner.insert_notifications(batch).await
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

async fn a_bad_row_fails_only_itself(f: &Fixture) {
    let store = Arc::new(Refusing {
        inner: Arc::clone(f.app.store()),
        calls: Mutex::new(Vec::new()),
    });
    let writer = Writer::start_with(&(Arc::clone(&store) as Arc<dyn NotificationStore>));
    let now = OffsetDateTime::now_utc();
    let counter = Counter {
        service_id: f.service.id,
        kind: NotificationType::Email,
        period: Period::Day(now.date()),
    };
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
    let store = Arc::new(Refusing {
        inner: Arc::clone(f.app.store()),
        calls: Mutex::new(Vec::new()),
    });
    let writer = Writer::start_with(&(Arc::clone(&store) as Arc<dyn NotificationStore>));
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

on_both_backends!(a_bad_row_fails_only_itself, a_good_batch_is_one_call);
