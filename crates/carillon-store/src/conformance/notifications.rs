//! Checks for storing notifications with their counters.

use carillon_domain::{ApiKeyId, KeyType, NotificationId, NotificationType, ProcessType};
use serde_json::json;

use super::fixtures::{T0, annual, at, daily, notification, one_of, service, stored, template};
use crate::{CounterLimit, InsertOutcome, Store, StoreError};

use InsertOutcome::{Inserted, LimitExceeded};

/// Every field reads back as written, personal data included (unicode, JSON lists and
/// objects), with times at microsecond precision.
pub async fn notifications_round_trip_every_field(store: &dyn Store) {
    let ours = service(store, "Round trip").await;
    let email = template(store, &ours, NotificationType::Email, at(1)).await;
    let sms = template(store, &ours, NotificationType::Sms, at(1)).await;

    let mut full = notification(&email, 1, T0.replace_nanosecond(123_456_789).unwrap());
    full.api_key_id = Some(ApiKeyId::new());
    full.key_type = KeyType::Team;
    full.to = "Zoë.Ñandú+test@Exämple.gc.ca".to_owned();
    full.normalised_to = "zoë.ñandú+test@exämple.gc.ca".to_owned();
    full.personalisation = json!({
        "name": "Zoë \"Z\" O'Neil",
        "items": ["un", "deux 🎉", "日本語"],
        "numbers": [1, -2, 3.25, 1e300, null, true],
        "nested": { "list": [[], {}], "empty": "" },
        "line\nbreak": "tab\there",
    });
    full.body = "Bonjour Zoë,\n\n* un\n* deux 🎉\n\n^ مرحبا\r\nfin".to_owned();
    full.subject = Some("Votre demande — ✔".to_owned());
    full.client_reference = Some("réf-42".to_owned());
    full.sender = Some("reply@example.gc.ca".to_owned());
    full.process_type = ProcessType::Priority;
    full.billable_units = 3;
    full.scheduled_for = Some(at(3600).replace_nanosecond(999_999_999).unwrap());

    let mut bare = notification(&sms, 2, at(2));
    bare.personalisation = json!({});
    bare.subject = None;
    bare.body = String::new();
    bare.process_type = ProcessType::Bulk;

    let list = json!([1, "two", { "three": 3 }]);
    let mut listed = notification(&sms, 3, at(3));
    listed.personalisation = list;

    let batch = vec![
        (full.clone(), Vec::new()),
        (bare.clone(), Vec::new()),
        (listed.clone(), Vec::new()),
    ];
    assert_eq!(
        store.insert_notifications(&batch).await.unwrap(),
        [Inserted, Inserted, Inserted]
    );
    for new in [&full, &bare, &listed] {
        let read = store.notification(ours.id, new.id).await.unwrap();
        assert_eq!(read, Some(stored(new)));
    }
    let read = store.notification(ours.id, full.id).await.unwrap().unwrap();
    assert_eq!(read.created_at.nanosecond(), 123_456_000);
    assert_eq!(read.scheduled_for.unwrap().nanosecond(), 999_999_000);
}

/// A notification is only visible to its own service.
pub async fn notifications_scoped_to_service(store: &dyn Store) {
    let ours = service(store, "Scope").await;
    let theirs = service(store, "Scope other").await;
    let email = template(store, &ours, NotificationType::Email, at(1)).await;
    let new = notification(&email, 1, at(2));
    store
        .insert_notifications(&[(new.clone(), Vec::new())])
        .await
        .unwrap();
    assert!(store.notification(ours.id, new.id).await.unwrap().is_some());
    assert_eq!(store.notification(theirs.id, new.id).await.unwrap(), None);
    assert_eq!(
        store
            .notification(ours.id, NotificationId::new())
            .await
            .unwrap(),
        None
    );
}

/// An empty batch stores nothing and succeeds.
pub async fn notifications_empty_batch(store: &dyn Store) {
    assert_eq!(store.insert_notifications(&[]).await.unwrap(), []);
}

/// A batch fills a counter exactly to its ceiling; the rest are refused and not stored.
pub async fn notifications_batch_stops_at_ceiling(store: &dyn Store) {
    let ours = service(store, "Ceiling").await;
    let email = template(store, &ours, NotificationType::Email, at(1)).await;
    let counter = daily(&ours, NotificationType::Email);
    let batch: Vec<_> = (0..5)
        .map(|n| (notification(&email, n, at(2)), vec![one_of(&counter, 3)]))
        .collect();
    let outcomes = store.insert_notifications(&batch).await.unwrap();
    assert_eq!(
        outcomes,
        [
            Inserted,
            Inserted,
            Inserted,
            LimitExceeded(0),
            LimitExceeded(0)
        ]
    );
    assert_eq!(store.counter(&counter).await.unwrap(), 3);
    for ((new, _), outcome) in batch.iter().zip(&outcomes) {
        let read = store.notification(ours.id, new.id).await.unwrap();
        assert_eq!(read.is_some(), *outcome == Inserted, "{outcome:?}");
    }

    let next = [(notification(&email, 9, at(3)), vec![one_of(&counter, 3)])];
    assert_eq!(
        store.insert_notifications(&next).await.unwrap(),
        [LimitExceeded(0)]
    );
    // A higher ceiling (the service went live) lets sends through again; amounts add up.
    let sms = template(store, &ours, NotificationType::Sms, at(1)).await;
    let fragments = daily(&ours, NotificationType::Sms);
    let limit = CounterLimit {
        counter: fragments.clone(),
        amount: 3,
        ceiling: 5,
    };
    let batch = [
        (notification(&sms, 10, at(4)), vec![limit.clone()]),
        (notification(&sms, 11, at(4)), vec![limit]),
    ];
    assert_eq!(
        store.insert_notifications(&batch).await.unwrap(),
        [Inserted, LimitExceeded(0)]
    );
    assert_eq!(store.counter(&fragments).await.unwrap(), 3);
    let raised = [(notification(&email, 12, at(5)), vec![one_of(&counter, 4)])];
    assert_eq!(
        store.insert_notifications(&raised).await.unwrap(),
        [Inserted]
    );
    assert_eq!(store.counter(&counter).await.unwrap(), 4);
}

/// The outcome names the limit that failed, and a refused notification moves no counter.
pub async fn notifications_limit_index_and_no_partial_increment(store: &dyn Store) {
    let ours = service(store, "Index").await;
    let email = template(store, &ours, NotificationType::Email, at(1)).await;
    let year = annual(&ours, NotificationType::Email);
    let day = daily(&ours, NotificationType::Email);
    let limits = vec![one_of(&year, 100), one_of(&day, 1)];
    let batch = [
        (notification(&email, 1, at(2)), limits.clone()),
        (notification(&email, 2, at(2)), limits.clone()),
        // Test keys are not counted.
        (notification(&email, 3, at(2)), Vec::new()),
    ];
    let outcomes = store.insert_notifications(&batch).await.unwrap();
    assert_eq!(outcomes, [Inserted, LimitExceeded(1), Inserted]);
    assert_eq!(store.counter(&year).await.unwrap(), 1);
    assert_eq!(store.counter(&day).await.unwrap(), 1);

    let year_first = vec![one_of(&year, 1), one_of(&day, 100)];
    let batch = [(notification(&email, 4, at(3)), year_first)];
    assert_eq!(
        store.insert_notifications(&batch).await.unwrap(),
        [LimitExceeded(0)]
    );
    assert_eq!(store.counter(&day).await.unwrap(), 1);
}

/// Counters are per service, channel and period, and 0 until first used.
pub async fn notifications_counters_are_separate(store: &dyn Store) {
    let ours = service(store, "Counters").await;
    let theirs = service(store, "Counters other").await;
    let email = template(store, &ours, NotificationType::Email, at(1)).await;
    let counters = [
        daily(&ours, NotificationType::Email),
        daily(&ours, NotificationType::Sms),
        annual(&ours, NotificationType::Email),
        daily(&theirs, NotificationType::Email),
    ];
    for counter in &counters {
        assert_eq!(store.counter(counter).await.unwrap(), 0);
    }
    let batch: Vec<_> = (0..2)
        .map(|n| {
            (
                notification(&email, n, at(2)),
                vec![one_of(&counters[0], 10)],
            )
        })
        .collect();
    store.insert_notifications(&batch).await.unwrap();
    let values = [
        store.counter(&counters[0]).await.unwrap(),
        store.counter(&counters[1]).await.unwrap(),
        store.counter(&counters[2]).await.unwrap(),
        store.counter(&counters[3]).await.unwrap(),
    ];
    assert_eq!(values, [2, 0, 0, 0]);
}

/// A batch that fails (a duplicate id, an unknown service) stores nothing and counts nothing.
pub async fn notifications_failed_batch_stores_nothing(store: &dyn Store) {
    let ours = service(store, "Atomic").await;
    let email = template(store, &ours, NotificationType::Email, at(1)).await;
    let counter = daily(&ours, NotificationType::Email);
    let first = notification(&email, 1, at(2));
    store
        .insert_notifications(&[(first.clone(), vec![one_of(&counter, 10)])])
        .await
        .unwrap();

    let fresh = notification(&email, 2, at(3));
    let batch = [
        (fresh.clone(), vec![one_of(&counter, 10)]),
        (first.clone(), vec![one_of(&counter, 10)]),
    ];
    let result = store.insert_notifications(&batch).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(store.notification(ours.id, fresh.id).await.unwrap(), None);
    assert_eq!(store.counter(&counter).await.unwrap(), 1);

    let mut orphan = notification(&email, 3, at(4));
    orphan.service_id = carillon_domain::ServiceId::new();
    let result = store.insert_notifications(&[(orphan, Vec::new())]).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// Batches racing for one counter never take it past its ceiling.
pub async fn notifications_concurrent_batches_respect_ceiling(store: &dyn Store) {
    let ours = service(store, "Race").await;
    let email = template(store, &ours, NotificationType::Email, at(1)).await;
    let day = daily(&ours, NotificationType::Email);
    let year = annual(&ours, NotificationType::Email);
    let batch = |first: u32, limits: &dyn Fn() -> Vec<CounterLimit>| -> Vec<_> {
        (first..first + 5)
            .map(|n| (notification(&email, n, at(2)), limits()))
            .collect()
    };
    // Half the batches name the counters in the opposite order: no deadlock either way.
    let forward = || vec![one_of(&day, 7), one_of(&year, 1_000)];
    let backward = || vec![one_of(&year, 1_000), one_of(&day, 7)];
    let batches = [
        batch(0, &forward),
        batch(10, &backward),
        batch(20, &forward),
        batch(30, &backward),
    ];
    let (a, b, c, d) = tokio::join!(
        store.insert_notifications(&batches[0]),
        store.insert_notifications(&batches[1]),
        store.insert_notifications(&batches[2]),
        store.insert_notifications(&batches[3]),
    );
    let inserted = [a, b, c, d]
        .into_iter()
        .flat_map(Result::unwrap)
        .filter(|outcome| *outcome == Inserted)
        .count();
    assert_eq!(inserted, 7);
    assert_eq!(store.counter(&day).await.unwrap(), 7);
    assert_eq!(store.counter(&year).await.unwrap(), 7);
}
