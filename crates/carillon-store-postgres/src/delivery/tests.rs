//! The claim's query plans on a queue whose head is 30,000 rows that are not due (held by a
//! claim, waiting to be retried, scheduled for tomorrow) in front of the due ones: neither
//! statement may read those rows, with the plan made for the values given or with the generic
//! plan a prepared statement may switch to. Needs `CARILLON_TEST_POSTGRES_URL`, like the tests
//! in `tests/`; skipped (loudly) without it outside CI.

use sqlx::{Connection, Executor, PgConnection};

use super::{PROMOTE, claim_sql};
use crate::scratch::scratch;

mod idle;

/// Lane 0: 10,000 held by a claim; lane 1: 10,000 to retry in an hour; lane 2: 10,000
/// scheduled for tomorrow, then 500 due. All stored before the due ones, so they come first
/// in (priority, seq) order.
const QUEUE: &str = "
    INSERT INTO services VALUES ('00000000-0000-0000-0000-000000000001', 's', 's', true, false,
        false, false, '{}', 1, 1, 1, 1, 1, 7, false, '2026-11-22 11:00:00Z');
    INSERT INTO notifications (id, service_id, template_id, template_version, key_type, kind,
        status, priority, billable_units, attempts, personal, created_at, scheduled_for,
        next_attempt_at, locked_until)
    SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', gen_random_uuid(), 1,
        'normal', 'email', 'created', LEAST((g - 1) / 10000, 2), 1, 0, '\\x00',
        '2026-11-22 11:00:00Z',
        CASE WHEN g BETWEEN 20001 AND 30000 THEN timestamptz '2026-11-23 12:00:00Z' END,
        CASE WHEN g <= 10000 THEN timestamptz '2026-11-22 12:05:00Z'
            WHEN g <= 20000 THEN timestamptz '2026-11-22 13:00:00Z'
            WHEN g <= 30000 THEN timestamptz '2026-11-23 12:00:00Z' END,
        CASE WHEN g <= 10000 THEN timestamptz '2026-11-22 12:05:00Z' END
    FROM generate_series(1, 30500) AS g;
    ANALYZE notifications;";

/// The plan of `statement`, run (EXPLAIN ANALYZE) without timings, so it can be compared.
async fn plan(conn: &mut PgConnection, statement: &str) -> String {
    let sql = format!("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {statement}");
    let lines: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await
        .unwrap();
    lines.join("\n")
}

/// How many rows the plan's UPDATE changed (`Update on notifications … (actual rows=N …`).
fn updated(plan: &str) -> Option<&str> {
    let line = plan
        .lines()
        .find(|line| line.contains("Update on notifications"))?;
    let rows = line.split("actual rows=").nth(1)?;
    rows.split_whitespace().next()
}

#[tokio::test]
async fn claims_read_only_due_rows_with_either_plan() {
    let Some((_scratch, store)) = scratch().await else {
        return;
    };
    let mut conn = store.pool.acquire().await.unwrap();
    conn.execute(QUEUE).await.unwrap();
    for mode in ["force_custom_plan", "force_generic_plan"] {
        let mut tx = conn.begin().await.unwrap();
        let setup = format!(
            "SET LOCAL plan_cache_mode = {mode};
             PREPARE promote_plan(timestamptz, bigint, timestamptz) AS {PROMOTE};
             PREPARE claim_plan(timestamptz, timestamptz, bigint, smallint, bigint) AS {};",
            claim_sql()
        );
        tx.execute(sqlx::AssertSqlSafe(setup)).await.unwrap();
        let now = "'2026-11-22 12:00:00Z'";
        let promote = plan(
            &mut tx,
            &format!("EXECUTE promote_plan({now}, 1000, '-infinity')"),
        )
        .await;
        let lease = "'2026-11-22 12:01:00Z'";
        let claim = plan(
            &mut tx,
            &format!("EXECUTE claim_plan({now}, {lease}, 100, 2, 0)"),
        )
        .await;
        // Lanes 0 and 1 hold nothing ready: their index ranges are empty.
        let empty_lane = plan(
            &mut tx,
            &format!("EXECUTE claim_plan({now}, {lease}, 100, 0, 0)"),
        )
        .await;
        tx.rollback().await.unwrap();
        // PREPARE outlives the transaction; sqlx keeps statements of its own on the connection.
        let deallocate = "DEALLOCATE promote_plan; DEALLOCATE claim_plan";
        conn.execute(deallocate).await.unwrap();

        // Nothing waiting is due: one index probe finds that out.
        assert!(
            promote.contains("Index Scan using notifications_waiting"),
            "{mode}\n{promote}"
        );
        assert_eq!(updated(&promote), Some("0"), "{mode}\n{promote}");
        // The claim reads the first 100 due rows and nothing else, then finds them by id.
        assert!(
            claim.contains("Index Scan using notifications_ready"),
            "{mode}\n{claim}"
        );
        assert!(claim.contains("on notifications_pkey"), "{mode}\n{claim}");
        assert_eq!(updated(&claim), Some("100"), "{mode}\n{claim}");
        assert_eq!(updated(&empty_lane), Some("0"), "{mode}\n{empty_lane}");
        for plan in [&promote, &claim, &empty_lane] {
            assert!(!plan.contains("Rows Removed by Filter"), "{mode}\n{plan}");
            assert!(!plan.contains("Seq Scan"), "{mode}\n{plan}");
        }
    }
    drop(conn);
    store.close().await;
}
