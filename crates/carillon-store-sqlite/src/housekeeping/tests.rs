//! The housekeeping statements' query plans: each walks the partial index made for it (no
//! sorting, no scan of the table), and listing a service's notifications walks its index.

use carillon_crypto::Cipher;

use super::{PURGEABLE, TIME_OUT};
use crate::SqliteStore;

/// SQLite's plan for `statement` (its parameters bound to `binds`), one step a line.
async fn plan(store: &SqliteStore, statement: &str, binds: &[i64]) -> String {
    let sql = format!("EXPLAIN QUERY PLAN {statement}");
    let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(sql));
    for bind in binds {
        query = query.bind(*bind);
    }
    let steps = query.fetch_all(&store.writer).await.unwrap();
    steps
        .into_iter()
        .map(|(_, _, _, detail)| detail)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn housekeeping_walks_its_partial_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plans.db"), Cipher::new([7; 32]))
        .await
        .unwrap();
    let purge = plan(&store, PURGEABLE, &[0, 1_000]).await;
    let time_out = plan(&store, TIME_OUT, &[0, 0]).await;
    let listing = plan(
        &store,
        &format!(
            "SELECT {} FROM notifications WHERE service_id = x'00' AND personal IS NOT NULL \
             ORDER BY seq DESC LIMIT 10",
            crate::list::COLUMNS
        ),
        &[],
    )
    .await;
    store.close().await;

    assert!(
        purge.contains("USING INDEX notifications_retention (service_id=? AND created_at<?)"),
        "{purge}"
    );
    assert!(
        time_out.contains("USING INDEX notifications_in_flight (created_at<?)"),
        "{time_out}"
    );
    assert!(
        listing.contains("USING INDEX notifications_service (service_id=?)"),
        "{listing}"
    );
    for plan in [&purge, &time_out, &listing] {
        assert!(
            !plan.contains("TEMP B-TREE"),
            "sorts instead of using the index:\n{plan}"
        );
        assert!(
            !plan
                .lines()
                .any(|step| step.trim_end() == "SCAN notifications" || step.trim_end() == "SCAN n"),
            "scans the table:\n{plan}"
        );
    }
}
