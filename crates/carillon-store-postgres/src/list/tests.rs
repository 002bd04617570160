//! The sent-messages listing's query plans on 60,000 notifications of one service (a text in
//! ten, two failures in a hundred, a few still sending, recipients spread over 2,000 hashes):
//! a recipient search reads `notifications_recipient`, and a page of one channel and status
//! group reads that group's partial index newest first, stopping at the limit, with the plan
//! made for the values given or the generic plan a prepared statement may switch to.

use carillon_domain::{NotificationFilter, NotificationType, Recipient, ServiceId, StatusGroup};
use carillon_store::support::recipient_hash;
use sqlx::{Connection, Executor, Row};

use super::select;
use crate::scratch::scratch;

const SERVICE: &str = "00000000-0000-0000-0000-000000000001";

/// Rows a second apart. The recipient hashes are stand-ins; the test gives a few rows the real
/// hash of one address.
const ROWS: &str = "
    INSERT INTO services
    SELECT '00000000-0000-0000-0000-000000000001'::uuid, 's', 's', true, false, false, false,
        '{}', 1, 1, 1, 1, 1, 7, false, '2026-01-01 00:00:00Z';
    INSERT INTO notifications (id, service_id, template_id, template_version, key_type, kind,
        status, priority, billable_units, attempts, personal, created_at, recipient_hash)
    SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001'::uuid,
        gen_random_uuid(), 1, 'normal', CASE WHEN g % 10 = 0 THEN 'sms' ELSE 'email' END,
        CASE WHEN g % 100 IN (1, 10) THEN 'permanent-failure'
            WHEN g % 500 = 2 THEN 'sending' ELSE 'delivered' END, 1, 1, 1, '\\x00',
        timestamptz '2026-11-22 00:00:00Z' - g * interval '1 second',
        sha256(('r' || g % 2000)::bytea)
    FROM generate_series(1, 60000) AS g;";

fn filter(change: impl FnOnce(&mut NotificationFilter)) -> NotificationFilter {
    let mut filter = NotificationFilter {
        limit: 50,
        ..NotificationFilter::default()
    };
    change(&mut filter);
    filter
}

#[tokio::test]
async fn searches_and_status_pages_read_their_indexes() {
    let Some((_scratch, store)) = scratch().await else {
        return;
    };
    let service = ServiceId::from_uuid(SERVICE.parse().unwrap());
    let mut conn = store.pool.acquire().await.unwrap();
    conn.execute(ROWS).await.unwrap();
    let ada = Recipient::parse(NotificationType::Email, "ada@example.ca").unwrap();
    let hash = recipient_hash(&store.cipher, service, &ada.normalised());
    sqlx::query("UPDATE notifications SET recipient_hash = $1 WHERE seq % 7000 = 3")
        .bind(hash.to_vec())
        .execute(&mut *conn)
        .await
        .unwrap();
    conn.execute("ANALYZE services; ANALYZE notifications")
        .await
        .unwrap();

    let search = filter(|f| f.recipient = Some(ada.clone()));
    let failed_sms = filter(|f| {
        f.kinds = vec![NotificationType::Sms];
        f.status_group = Some(StatusGroup::Failed);
    });
    let sending_email = filter(|f| {
        f.kinds = vec![NotificationType::Email];
        f.status_group = Some(StatusGroup::Sending);
    });
    let cases = [
        (&search, "notifications_recipient"),
        (&failed_sms, "notifications_group_failed"),
        (&sending_email, "notifications_group_sending"),
    ];
    for mode in ["force_custom_plan", "force_generic_plan"] {
        for (filter, index) in cases {
            let mut tx = conn.begin().await.unwrap();
            let setup = format!("SET LOCAL plan_cache_mode = {mode}");
            tx.execute(sqlx::AssertSqlSafe(setup)).await.unwrap();
            let explain = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ";
            let mut query = select(&store, service, filter, explain);
            let rows = query.build().fetch_all(&mut *tx).await.unwrap();
            let plan: Vec<String> = rows.iter().map(|row| row.get::<String, _>(0)).collect();
            let plan = plan.join("\n");
            tx.rollback().await.unwrap();
            assert!(
                plan.contains(&format!("Index Scan using {index}")),
                "{mode}\n{plan}"
            );
            // Newest first straight from the index: nothing to sort.
            assert!(!plan.contains("Sort"), "{mode}\n{plan}");
        }
    }
}
