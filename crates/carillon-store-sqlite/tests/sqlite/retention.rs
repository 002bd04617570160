//! Retention, checked where only raw access can see it: the purged row stays, without its
//! personal data.

use carillon_domain::NotificationStatus;
use carillon_store::{OutboxMessage, Outcome};
use sqlx::{Connection, Row};

use super::*;

/// Retention purges personal data but keeps the row for reports: in the file, the purged
/// notification is still there with its status, template, channel and counts, `personal` is
/// NULL (the client reference with it, and the lookup hashes of reference and recipient), and its outbox entry is gone.
#[tokio::test]
async fn purged_rows_stay_without_personal_data() {
    let test = store().await.unwrap();
    let new = store_personal_data(&*test).await;
    // Past the service's default retention of 7 days.
    let now = new.created_at + time::Duration::days(8);
    let claimed = test
        .claim_notifications(now, now + time::Duration::MINUTE, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    let delivered = Outcome {
        id: new.id,
        attempt: 1,
        status: NotificationStatus::Delivered,
        provider_reference: Some("ses-1".into()),
        provider_response: None,
        sent_at: Some(now),
        retry_at: None,
        updated_at: now,
    };
    test.record_outcomes(&[delivered]).await.unwrap();
    let message = OutboxMessage {
        notification_id: new.id,
        service_id: new.service_id,
        kind: new.kind,
        to: RECIPIENT.into(),
        from: "At rest <at.rest@example.com>".into(),
        reply_to: None,
        subject: Some(SUBJECT.into()),
        html: None,
        text: new.body.clone(),
        created_at: now,
    };
    test.put_outbox(&[message]).await.unwrap();
    assert_eq!(test.purge_personal_data(now, 100).await.unwrap(), 1);
    test.close().await;

    let path = test.dir.path().join("carillon.db");
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let row = sqlx::query(
        "SELECT status, template_id, kind, billable_units, client_reference, \
         client_reference_hash, recipient_hash, provider_reference, personal FROM notifications WHERE id = ?",
    )
    .bind(new.id.as_uuid())
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("status"), "delivered");
    assert_eq!(
        row.get::<uuid::Uuid, _>("template_id"),
        *new.template_id.as_uuid()
    );
    assert_eq!(row.get::<String, _>("kind"), "email");
    assert_eq!(row.get::<i64, _>("billable_units"), 1);
    // The client reference is personal data too: sealed in `personal`, its hash gone with it.
    assert_eq!(row.get::<Option<String>, _>("client_reference"), None);
    assert_eq!(row.get::<Option<Vec<u8>>, _>("client_reference_hash"), None);
    // So is the recipient: its search hash goes too.
    assert_eq!(row.get::<Option<Vec<u8>>, _>("recipient_hash"), None);
    assert_eq!(row.get::<String, _>("provider_reference"), "ses-1");
    assert_eq!(row.get::<Option<Vec<u8>>, _>("personal"), None);
    let outbox: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox_messages")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(outbox, 0);
    conn.close().await.unwrap();
}
