//! The claim's query plans: each statement walks the partial index of its state in the order
//! it needs (no sorting, no scan of the table) and updates rows by key.

use carillon_crypto::Cipher;

use super::{PROMOTE, claim_sql};
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
async fn claims_walk_the_partial_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("plans.db"), Cipher::new([7; 32]))
        .await
        .unwrap();
    let promote = plan(&store, PROMOTE, &[0, 1_000]).await;
    let claim = plan(&store, &claim_sql(), &[0, 60, 100]).await;
    store.close().await;

    assert!(
        promote.contains("USING INDEX notifications_waiting"),
        "{promote}"
    );
    assert!(claim.contains("USING INDEX notifications_ready"), "{claim}");
    for plan in [&promote, &claim] {
        assert!(
            plan.contains("USING INTEGER PRIMARY KEY (rowid=?)"),
            "{plan}"
        );
        assert!(
            !plan.contains("TEMP B-TREE"),
            "sorts instead of using the index:\n{plan}"
        );
        assert!(
            !plan
                .lines()
                .any(|step| step.trim_end() == "SCAN notifications"),
            "scans the table:\n{plan}"
        );
    }
}
