//! Checks for listing a service's notifications.

use carillon_domain::{
    KeyType, NewNotification, NotificationFilter, NotificationId, NotificationStatus,
    NotificationType, Service,
};

use super::fixtures::{at, ids, notification, service, template};
use crate::Store;

/// Five notifications of one service, oldest first, plus one of another service:
/// 0 email normal "r-a"; 1 sms normal; 2 email test "r-b"; 3 sms team "r-a"; 4 email normal.
async fn five(store: &dyn Store) -> (Service, Vec<NewNotification>, NewNotification) {
    let ours = service(store, "Listing").await;
    let theirs = service(store, "Listing other").await;
    let email = template(store, &ours, NotificationType::Email, at(0)).await;
    let sms = template(store, &ours, NotificationType::Sms, at(0)).await;
    let shape = [
        (&email, KeyType::Normal, Some("r-a")),
        (&sms, KeyType::Normal, None),
        (&email, KeyType::Test, Some("r-b")),
        (&sms, KeyType::Team, Some("r-a")),
        (&email, KeyType::Normal, None),
    ];
    let mut made = Vec::new();
    for (n, (template, key_type, reference)) in (0..).zip(shape) {
        let mut new = notification(template, n, at(i64::from(n) + 1));
        new.key_type = key_type;
        new.client_reference = reference.map(str::to_owned);
        // Stored in several batches, as the API would.
        store
            .insert_notifications(&[(new.clone(), Vec::new())])
            .await
            .unwrap();
        made.push(new);
    }
    let their_template = template(store, &theirs, NotificationType::Email, at(0)).await;
    let theirs_new = notification(&their_template, 9, at(10));
    store
        .insert_notifications(&[(theirs_new.clone(), Vec::new())])
        .await
        .unwrap();
    (ours, made, theirs_new)
}

fn filter(limit: u32) -> NotificationFilter {
    NotificationFilter {
        limit,
        ..NotificationFilter::default()
    }
}

/// Newest first, at most `limit`, only the service's own.
pub async fn listing_newest_first_with_limit(store: &dyn Store) {
    let (ours, made, _) = five(store).await;
    let all = store.notifications(ours.id, &filter(100)).await.unwrap();
    let expected: Vec<_> = made.iter().rev().map(|n| n.id).collect();
    assert_eq!(ids(&all), expected);
    assert_eq!(
        all[0].body, made[4].body,
        "listed notifications are complete"
    );
    let two = store.notifications(ours.id, &filter(2)).await.unwrap();
    assert_eq!(ids(&two), [made[4].id, made[3].id]);
    let none = store.notifications(ours.id, &filter(0)).await.unwrap();
    assert_eq!(ids(&none), []);
}

/// Channel, status, client reference and key type filters (one key type, or all but test
/// keys), alone and together.
pub async fn listing_filters(store: &dyn Store) {
    let (ours, made, _) = five(store).await;
    let list = |filter: NotificationFilter| async move {
        ids(&store.notifications(ours.id, &filter).await.unwrap())
    };
    let id = |n: usize| made[n].id;

    let sms = NotificationFilter {
        kinds: vec![NotificationType::Sms],
        ..filter(100)
    };
    assert_eq!(list(sms).await, [id(3), id(1)]);
    let both = NotificationFilter {
        kinds: vec![NotificationType::Email, NotificationType::Sms],
        ..filter(100)
    };
    assert_eq!(list(both).await.len(), 5);

    let created = NotificationFilter {
        statuses: vec![NotificationStatus::Created, NotificationStatus::Sending],
        ..filter(100)
    };
    assert_eq!(list(created).await.len(), 5);
    let failed = NotificationFilter {
        statuses: NotificationStatus::FAILURES.to_vec(),
        ..filter(100)
    };
    assert_eq!(list(failed).await, []);

    let reference = NotificationFilter {
        client_reference: Some("r-a".into()),
        ..filter(100)
    };
    assert_eq!(list(reference).await, [id(3), id(0)]);
    let unknown = NotificationFilter {
        client_reference: Some("r-z".into()),
        ..filter(100)
    };
    assert_eq!(list(unknown).await, []);

    let test = NotificationFilter {
        key_type: Some(KeyType::Test),
        ..filter(100)
    };
    assert_eq!(list(test).await, [id(2)]);
    let normal = NotificationFilter {
        key_type: Some(KeyType::Normal),
        ..filter(100)
    };
    assert_eq!(list(normal).await, [id(4), id(1), id(0)]);

    let combined = NotificationFilter {
        kinds: vec![NotificationType::Email],
        key_type: Some(KeyType::Normal),
        older_than: Some(id(4)),
        ..filter(100)
    };
    assert_eq!(list(combined).await, [id(0)]);

    // The sent-messages page leaves test sends out, as the dashboard's figures do.
    let real = NotificationFilter {
        exclude_test_keys: true,
        ..filter(100)
    };
    assert_eq!(list(real).await, [id(4), id(3), id(1), id(0)]);
    let real_email = NotificationFilter {
        kinds: vec![NotificationType::Email],
        exclude_test_keys: true,
        ..filter(100)
    };
    assert_eq!(list(real_email).await, [id(4), id(0)]);
}

/// `older_than` pages through without skipping or repeating; an unknown cursor, or another
/// service's notification, yields nothing.
pub async fn listing_older_than_cursor(store: &dyn Store) {
    let (ours, made, theirs) = five(store).await;
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = NotificationFilter {
            older_than: cursor,
            ..filter(2)
        };
        let page = store.notifications(ours.id, &page).await.unwrap();
        let Some(last) = page.last() else { break };
        cursor = Some(last.id);
        seen.extend(ids(&page));
    }
    let expected: Vec<_> = made.iter().rev().map(|n| n.id).collect();
    assert_eq!(seen, expected);

    for cursor in [NotificationId::new(), theirs.id] {
        let page = NotificationFilter {
            older_than: Some(cursor),
            ..filter(100)
        };
        assert_eq!(ids(&store.notifications(ours.id, &page).await.unwrap()), []);
    }
}
