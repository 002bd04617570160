//! The housekeeping statements' query plans on 60,000 notifications of 20 services with
//! retentions of 3 to 22 days: the purge reads each service's rows through
//! `notifications_retention` up to its own cutoff (no sort, which would read them all), the
//! time-out only rows in flight through `notifications_in_flight`, with the plan made for the
//! values given or with the generic plan a prepared statement may switch to; listing walks
//! `notifications_service`.

use sqlx::{Connection, Executor, PgConnection};

use super::{PURGE, TIME_OUT};
use crate::scratch::scratch;

/// One row a minute back from 2026-11-22, for services in turn; every 50th still `sending`.
const ROWS: &str = "
    INSERT INTO services
    SELECT ('00000000-0000-0000-0000-0000000000' || lpad(g::text, 2, '0'))::uuid, 's' || g,
        's' || g, true, false, false, false, '{}', 1, 1, 1, 1, 1, 2 + g, false,
        '2026-01-01 00:00:00Z'
    FROM generate_series(1, 20) AS g;
    INSERT INTO notifications (id, service_id, template_id, template_version, key_type, kind,
        status, priority, billable_units, attempts, personal, created_at)
    SELECT gen_random_uuid(),
        ('00000000-0000-0000-0000-0000000000' || lpad((1 + g % 20)::text, 2, '0'))::uuid,
        gen_random_uuid(), 1, 'normal', 'email',
        CASE WHEN g % 50 = 0 THEN 'sending' ELSE 'delivered' END, 1, 1, 1, '\\x00',
        timestamptz '2026-11-22 00:00:00Z' - g * interval '1 minute'
    FROM generate_series(1, 60000) AS g;
    ANALYZE services;
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

#[tokio::test]
async fn housekeeping_reads_through_its_partial_indexes() {
    let Some((_scratch, store)) = scratch().await else {
        return;
    };
    let mut conn = store.pool.acquire().await.unwrap();
    conn.execute(ROWS).await.unwrap();
    for mode in ["force_custom_plan", "force_generic_plan"] {
        let mut tx = conn.begin().await.unwrap();
        let setup = format!(
            "SET LOCAL plan_cache_mode = {mode};
             PREPARE purge_plan(timestamptz, bigint) AS {PURGE};
             PREPARE time_out_plan(timestamptz, timestamptz) AS {TIME_OUT};"
        );
        tx.execute(sqlx::AssertSqlSafe(setup)).await.unwrap();
        let purge = plan(&mut tx, "EXECUTE purge_plan('2026-11-22 00:00:00Z', 500)").await;
        let time_out = plan(
            &mut tx,
            "EXECUTE time_out_plan('2026-11-19 00:00:00Z', '2026-11-22 00:00:00Z')",
        )
        .await;
        let listing = plan(
            &mut tx,
            "SELECT id FROM notifications \
             WHERE service_id = '00000000-0000-0000-0000-000000000001' \
                 AND personal IS NOT NULL ORDER BY seq DESC LIMIT 50",
        )
        .await;
        tx.rollback().await.unwrap();
        conn.execute("DEALLOCATE purge_plan; DEALLOCATE time_out_plan")
            .await
            .unwrap();

        // A plain or a bitmap index scan: either stops at the limit.
        assert!(
            purge.contains("Index Scan using notifications_retention")
                || purge.contains("Bitmap Index Scan on notifications_retention"),
            "{mode}\n{purge}"
        );
        assert!(
            purge.contains("Update on notifications notifications_1 (actual rows=500"),
            "{mode}\n{purge}"
        );
        // In flight and accepted before 2026-11-19 (4,320 minutes back): every 50th row after.
        assert!(
            time_out.contains("Index Scan using notifications_in_flight"),
            "{mode}\n{time_out}"
        );
        assert!(
            time_out.contains("Update on notifications (actual rows=1114"),
            "{mode}\n{time_out}"
        );
        assert!(
            listing.contains("Index Scan using notifications_service"),
            "{mode}\n{listing}"
        );
        for plan in [&purge, &time_out, &listing] {
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
