//! The query plans of the client reference statements on 60,000 notifications of one
//! service, a third of them with a reference and 1,000 still holding one in clear: the lookup
//! reads `notifications_reference` (no scan of the service's rows, no sort) and the conversion
//! `notifications_clear_reference`, with the plan made for the values given or with the
//! generic plan a prepared statement may switch to. Needs `CARILLON_TEST_POSTGRES_URL`, like
//! the tests in `tests/`; skipped (loudly) without it outside CI.

use sqlx::{Connection, Executor, PgConnection};

use super::CLEAR;
use crate::scratch::scratch;

const ROWS: &str = "
    INSERT INTO services VALUES ('00000000-0000-0000-0000-000000000001', 's', 's', true, false,
        false, false, '{}', 1, 1, 1, 1, 1, 7, false, '2026-11-22 11:00:00Z');
    INSERT INTO notifications (id, service_id, template_id, template_version, key_type, kind,
        status, priority, billable_units, attempts, personal, created_at,
        client_reference_hash, client_reference)
    SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', gen_random_uuid(), 1,
        'normal', 'email', 'delivered', 1, 1, 1, '\\x00',
        timestamptz '2026-11-22 00:00:00Z' - g * interval '1 minute',
        CASE WHEN g % 3 = 0 THEN sha256(convert_to((g % 600)::text, 'UTF8')) END,
        CASE WHEN g > 59000 THEN 'old-' || g END
    FROM generate_series(1, 60000) AS g;
    ANALYZE notifications;";

/// What the listing asks for a reference (see `list::filtered`).
const LOOKUP: &str = "SELECT id FROM notifications \
    WHERE service_id = $1 AND personal IS NOT NULL AND client_reference_hash = $2 \
    ORDER BY seq DESC LIMIT $3";

/// The plan of `statement`, run (EXPLAIN ANALYZE) without timings, so it can be compared.
async fn plan(conn: &mut PgConnection, statement: &str) -> String {
    let sql = format!("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {statement}");
    let lines: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await
        .unwrap();
    lines.join("\n")
}

#[tokio::test]
async fn reference_statements_read_through_their_partial_indexes() {
    let Some((_scratch, store)) = scratch().await else {
        return;
    };
    let mut conn = store.pool.acquire().await.unwrap();
    conn.execute(ROWS).await.unwrap();
    for mode in ["force_custom_plan", "force_generic_plan"] {
        let mut tx = conn.begin().await.unwrap();
        let clear = CLEAR.replace("$1", "$1::int8");
        let setup = format!(
            "SET LOCAL plan_cache_mode = {mode};
             PREPARE lookup_plan(uuid, bytea, int8) AS {LOOKUP};
             PREPARE clear_plan(int8) AS {clear};"
        );
        tx.execute(sqlx::AssertSqlSafe(setup)).await.unwrap();
        let lookup = plan(
            &mut tx,
            "EXECUTE lookup_plan('00000000-0000-0000-0000-000000000001', \
                 sha256(convert_to('42', 'UTF8')), 250)",
        )
        .await;
        let clear = plan(&mut tx, "EXECUTE clear_plan(500)").await;
        tx.rollback().await.unwrap();
        conn.execute("DEALLOCATE lookup_plan; DEALLOCATE clear_plan")
            .await
            .unwrap();

        assert!(
            lookup.contains("Index Scan using notifications_reference"),
            "{mode}\n{lookup}"
        );
        // 20,000 rows with a reference (every third), 200 references: 100 rows each.
        assert!(
            lookup.contains("Limit (actual rows=100 loops=1)"),
            "{mode}\n{lookup}"
        );
        assert!(
            clear.contains("Index Scan using notifications_clear_reference"),
            "{mode}\n{clear}"
        );
        assert!(
            clear.contains("LockRows (actual rows=500"),
            "{mode}\n{clear}"
        );
        for plan in [&lookup, &clear] {
            assert!(
                !plan.contains("Seq Scan on notifications"),
                "{mode}\n{plan}"
            );
            assert!(!plan.contains("Sort"), "{mode}\n{plan}");
        }
    }
    drop(conn);
    store.close().await;
}
