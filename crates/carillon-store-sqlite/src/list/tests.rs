//! The sent-messages listing's query plans: a recipient search walks
//! `notifications_recipient`, and a page of one channel and status group walks that group's
//! partial index newest first, with no sort.

use carillon_crypto::Cipher;
use carillon_domain::{NotificationFilter, NotificationType, Recipient, ServiceId, StatusGroup};
use sqlx::Row;

use super::select;
use crate::SqliteStore;

fn filter(change: impl FnOnce(&mut NotificationFilter)) -> NotificationFilter {
    let mut filter = NotificationFilter {
        limit: 50,
        ..NotificationFilter::default()
    };
    change(&mut filter);
    filter
}

#[tokio::test]
async fn searches_and_status_pages_walk_their_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plans.db"), Cipher::new([7; 32]))
        .await
        .unwrap();
    let ada = Recipient::parse(NotificationType::Email, "ada@example.ca").unwrap();
    let cases = [
        (
            filter(|f| f.recipient = Some(ada)),
            "notifications_recipient (service_id=? AND recipient_hash=?)",
        ),
        (
            filter(|f| {
                f.kinds = vec![NotificationType::Sms];
                f.status_group = Some(StatusGroup::Failed);
            }),
            "notifications_group_failed (service_id=? AND kind=?)",
        ),
        (
            filter(|f| {
                f.kinds = vec![NotificationType::Email];
                f.status_group = Some(StatusGroup::Delivered);
            }),
            "notifications_group_delivered (service_id=? AND kind=?)",
        ),
    ];
    for (filter, index) in cases {
        let mut query = select(&store, ServiceId::new(), &filter, "EXPLAIN QUERY PLAN ");
        let rows = query.build().fetch_all(&store.writer).await.unwrap();
        let plan: Vec<String> = rows.iter().map(|row| row.get::<String, _>(3)).collect();
        let plan = plan.join("\n");
        assert!(plan.contains(&format!("USING INDEX {index}")), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "sorts instead:\n{plan}");
    }
    store.close().await;
}
