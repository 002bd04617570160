//! The outbox use cases on both backends: newest first, paged, bounded, one message whole,
//! and an unknown id as its own error.
//!
//! PostgreSQL needs `CARILLON_TEST_POSTGRES_URL`; see `carillon_test_support::stores`.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use carillon_app::outbox::OutboxError;
use carillon_app::{App, AppSettings};
use carillon_domain::{NotificationId, NotificationType, ServiceId, SystemClock};
use carillon_store::OutboxMessage;
use carillon_test_support::stores::TestStore;
use time::macros::datetime;

fn message(n: i64) -> OutboxMessage {
    OutboxMessage {
        notification_id: NotificationId::new(),
        service_id: ServiceId::new(),
        kind: NotificationType::Sms,
        to: format!("+1613555{n:04}"),
        from: "CANADA.CA".to_owned(),
        reply_to: None,
        subject: None,
        html: None,
        text: format!("message {n}"),
        created_at: datetime!(2026-12-01 12:00:00 UTC) + time::Duration::seconds(n),
    }
}

async fn read_newest_first_paged_and_whole(store: TestStore) {
    let app = App::new(
        Arc::clone(&store.store),
        Arc::new(SystemClock),
        AppSettings::default(),
    );
    let kept: Vec<_> = (0..3).map(message).collect();
    store.store.put_outbox(&kept).await.unwrap();

    let page = app.outbox(2, None).await.unwrap();
    let texts: Vec<_> = page.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["message 2", "message 1"]);
    let rest = app.outbox(2, Some(page[1].notification_id)).await.unwrap();
    assert_eq!(rest, [kept[0].clone()]);
    // A limit of 0 still shows one message rather than an empty page.
    assert_eq!(app.outbox(0, None).await.unwrap().len(), 1);

    assert_eq!(
        app.outbox_message(kept[1].notification_id).await.unwrap(),
        kept[1]
    );
    let unknown = NotificationId::new();
    assert!(matches!(
        app.outbox_message(unknown).await,
        Err(OutboxError::NotFound(id)) if id == unknown
    ));
}

#[tokio::test]
async fn outbox_read_on_sqlite() {
    read_newest_first_paged_and_whole(TestStore::sqlite().await).await;
}

#[tokio::test]
async fn outbox_read_on_postgres() {
    if let Some(store) = TestStore::postgres().await {
        read_newest_first_paged_and_whole(store).await;
    }
}
