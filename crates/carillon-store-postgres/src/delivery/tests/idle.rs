//! An idle claim on a table full of finished rows whose dead versions nobody vacuumed (as with
//! autovacuum off, or lagging): the claim's statements, run with the floors the store keeps,
//! must read a handful of pages, not the thousands the dead index entries fill.

use std::time::{Duration as StdDuration, Instant};

use sqlx::{Executor, PgConnection};
use time::macros::datetime;

use super::super::{PROMOTE, claim_sql, earliest};
use crate::PgStore;
use crate::floors::{LANES, Plan};
use crate::scratch::scratch;

/// Finished rows: each was stored ready, claimed (so it also waited, until its lease), then
/// delivered, as the worker does it, leaving two dead versions in the queue's indexes.
const FINISHED: i64 = 50_000;

const HISTORY: &str = "
    ALTER TABLE notifications SET (autovacuum_enabled = false);
    INSERT INTO services VALUES ('00000000-0000-0000-0000-000000000001', 's', 's', true, false,
        false, false, '{}', 1, 1, 1, 1, 1, 7, false, '2026-11-22 11:00:00Z');
    INSERT INTO notifications (id, service_id, template_id, template_version, key_type, kind,
        status, priority, billable_units, attempts, personal, created_at)
    SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', gen_random_uuid(), 1,
        'normal', 'email', 'created', g % 3, 1, 0, '\\x00', '2026-11-22 11:00:00Z'
    FROM generate_series(1, $FINISHED) AS g;
    UPDATE notifications SET attempts = 1, locked_until = '2026-11-22 11:05:00Z',
        next_attempt_at = '2026-11-22 11:05:00Z';
    UPDATE notifications SET status = 'delivered', sent_at = '2026-11-22 11:01:00Z',
        updated_at = '2026-11-22 11:02:00Z', locked_until = NULL, next_attempt_at = NULL;";

const NOW: time::OffsetDateTime = datetime!(2026-11-22 12:00 UTC);

/// Shared pages (found in memory or read) that `statement` touched, run with EXPLAIN ANALYZE:
/// the first `Buffers:` line is the top node's, which counts everything below it.
async fn pages(conn: &mut PgConnection, statement: &str, plan: &Plan, lane: usize) -> u64 {
    let sql = format!("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) {statement}");
    let query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).bind(NOW);
    let query = if statement == PROMOTE {
        query
            .bind(1000_i64)
            .bind(plan.due_from.unwrap_or_else(earliest))
    } else {
        query
            .bind(NOW + time::Duration::minutes(5))
            .bind(64_i64)
            .bind(i16::try_from(lane).unwrap())
            .bind(plan.lanes[lane])
    };
    let lines = query.fetch_all(conn).await.unwrap();
    let buffers = lines
        .iter()
        .find(|line| line.trim_start().starts_with("Buffers:"))
        .unwrap_or_else(|| panic!("no buffers in {lines:#?}"));
    // "Buffers: shared hit=12 read=3 dirtied=1": hit and read, either may be missing.
    let count = |key: &str| {
        buffers
            .split_whitespace()
            .find_map(|word| word.strip_prefix(key))
            .map_or(0, |n| n.parse::<u64>().unwrap())
    };
    count("hit=") + count("read=")
}

/// Every statement of one claim made with `plan`: the promotion and each lane.
async fn claim_pages(conn: &mut PgConnection, plan: &Plan) -> Vec<u64> {
    let mut all = vec![pages(conn, PROMOTE, plan, 0).await];
    for lane in 0..LANES {
        all.push(pages(conn, &claim_sql(), plan, lane).await);
    }
    all
}

/// Starts the queued-work listener, as a waiting worker does, and waits until it hears.
async fn listening(store: &PgStore) {
    store.wake.start_listening();
    let deadline = Instant::now() + StdDuration::from_secs(10);
    while !store.wake.epoch().1 {
        assert!(Instant::now() < deadline, "the listener never started");
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_idle_claim_reads_a_handful_of_pages_whatever_the_dead_rows() {
    let Some((_scratch, store)) = scratch().await else {
        return;
    };
    let history = HISTORY.replace("$FINISHED", &FINISHED.to_string());
    store
        .pool
        .execute(sqlx::AssertSqlSafe(history))
        .await
        .unwrap();
    listening(&store).await;
    // The claim a worker makes after the last row of a run was delivered: nothing to do.
    let lease = NOW + time::Duration::minutes(5);
    let claimed = carillon_store::DeliveryStore::claim_notifications(&store, NOW, lease, 64);
    assert!(claimed.await.unwrap().is_empty());

    let (epoch, heard_all) = store.wake.epoch();
    let plan = store.floors.plan(epoch, heard_all, NOW, Instant::now());
    assert!(!plan.full, "{plan:?}");
    let mut from_start = plan.clone();
    from_start.lanes = [0; LANES];
    from_start.due_from = None;
    let mut conn = store.pool.acquire().await.unwrap();
    // The first use of a connection fills PostgreSQL's catalogue caches (a few dozen pages
    // that a worker's long-lived connections pay once): measured on the second.
    claim_pages(&mut conn, &plan).await;
    let idle = claim_pages(&mut conn, &plan).await;
    let whole = claim_pages(&mut conn, &from_start).await;
    drop(conn);
    // The same statements read from the start walk the dead entries (about 200 index pages
    // for each index, even once the first claim has marked them dead): the fixture is what it
    // should be, against fewer than ten pages for each statement from the floors.
    assert!(whole.iter().sum::<u64>() > 300, "{whole:?}");
    assert!(
        idle.iter().all(|&pages| pages < 10),
        "{idle:?} (from the start: {whole:?})"
    );
    store.close().await;
}
