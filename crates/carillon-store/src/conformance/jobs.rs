//! Checks for the lock of periodic jobs: of several processes, one runs each job per period.

use time::Duration;

use super::fixtures::at;
use crate::Store;

/// A job starts the first time, not again within its period, and again once the period has
/// passed since its last start (exactly then included). Each name has a period of its own.
pub async fn jobs_start_once_per_period(store: &dyn Store) {
    let hour = Duration::HOUR;
    let start = |name: &'static str, now, every| store.try_start_job(name, now, every);
    assert!(start("purge", at(0), hour).await.unwrap());
    assert!(!start("purge", at(0), hour).await.unwrap());
    assert!(!start("purge", at(10), hour).await.unwrap());
    let almost = at(3_600) - Duration::microseconds(1);
    assert!(!start("purge", almost, hour).await.unwrap());
    assert!(start("timeouts", at(10), hour).await.unwrap());
    assert!(start("purge", at(3_600), hour).await.unwrap());
    assert!(!start("purge", at(3_700), hour).await.unwrap());
    // A period counts from the last start that got true, not from the last call.
    assert!(!start("timeouts", at(3_000), hour).await.unwrap());
    assert!(start("timeouts", at(3_610), hour).await.unwrap());
    // A shorter period for the same job counts from the same last start.
    let minute = Duration::MINUTE;
    assert!(start("purge", at(3_700), minute).await.unwrap());
    assert!(!start("purge", at(3_710), minute).await.unwrap());
}

/// Callers racing for the same job in the same period (as processes do): exactly one starts
/// it, the first time and every period after.
pub async fn jobs_concurrent_callers_exactly_one_starts(store: &dyn Store) {
    for round in 0..4 {
        let now = at(round * 60);
        let start = || store.try_start_job("race", now, Duration::MINUTE);
        let (a, b, c, d, e, f) = tokio::join!(start(), start(), start(), start(), start(), start());
        let started = [a, b, c, d, e, f]
            .into_iter()
            .filter(|outcome| *outcome.as_ref().unwrap())
            .count();
        assert_eq!(started, 1, "round {round}");
    }
}

/// The worker heartbeat: none before any worker ran; then the latest time recorded, which an
/// earlier time (a slow worker's late write) never moves back.
pub async fn worker_heartbeat_keeps_the_latest(store: &dyn Store) {
    assert_eq!(store.last_worker_heartbeat().await.unwrap(), None);
    store.record_worker_heartbeat(at(10)).await.unwrap();
    assert_eq!(store.last_worker_heartbeat().await.unwrap(), Some(at(10)));
    store.record_worker_heartbeat(at(15)).await.unwrap();
    store.record_worker_heartbeat(at(12)).await.unwrap();
    assert_eq!(store.last_worker_heartbeat().await.unwrap(), Some(at(15)));
}
