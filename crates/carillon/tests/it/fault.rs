//! Fault injection, on both backends: `carillon serve --role api` and `--role worker` as
//! separate processes, email through the SMTP provider to a real SMTP server, loaded by
//! several clients of valid emails while one client sends poison the whole time. Meanwhile
//! PostgreSQL restarts (a throwaway server of the test's own; SQLite has no server to
//! restart) and the worker is killed with SIGKILL in the middle of its deliveries, then
//! started again. Then:
//!
//! - every valid request was answered 201, every poison request a 4xx;
//! - every acknowledged notification reached the SMTP server, and nothing else did;
//! - each arrived exactly once, except the messages the killed worker had handed to the SMTP
//!   server but not yet recorded when it died. Those are sent again by the next worker once
//!   the claim's lease passes, and arrive twice: SMTP has no way to ask whether a message was
//!   taken, so a worker can only deliver at least once (the copies share their `Message-ID`,
//!   so mail systems can drop the second). The test checks that every duplicate is one of
//!   those, read from the database and the SMTP server at the moment of the kill.

mod deploy;
mod load;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use carillon_domain::NotificationStatus;
use carillon_test_support::pg_cluster::PgCluster;

use deploy::{Arrivals, Deployment, LEASE_SECONDS};
use load::Load;

/// Clients of valid emails at once.
const CLIENTS: usize = 6;
/// Acknowledged notifications before PostgreSQL restarts, before the worker is killed, and
/// before the load stops.
const RESTART_AT: usize = 200;
const KILL_AT: usize = 450;
const STOP_AT: usize = 800;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite() {
    run(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres() {
    let Some(cluster) = PgCluster::start().await else {
        return;
    };
    run(Some(cluster)).await;
}

/// What the database and the SMTP server held right after the worker was killed.
struct AtKill {
    /// Notifications the killed worker had not recorded an outcome for.
    unrecorded: HashSet<String>,
    /// Notifications the SMTP server had received.
    arrived: HashSet<String>,
}

async fn run(mut cluster: Option<PgCluster>) {
    let started = Instant::now();
    let mut deployment = Deployment::start(cluster.as_ref().map(PgCluster::url)).await;
    let load = Load::start(&deployment, CLIENTS);

    load.until_acknowledged(RESTART_AT).await;
    if let Some(cluster) = &mut cluster {
        cluster.restart().await;
        eprintln!(
            "PostgreSQL restarted at {} acknowledged",
            load.acknowledged()
        );
    }

    load.until_acknowledged(KILL_AT).await;
    let mut arrivals = Arrivals::default();
    let at_kill = kill_the_worker(&mut deployment, &mut arrivals).await;
    deployment.start_worker();

    load.until_acknowledged(STOP_AT).await;
    let tally = load.stop().await;
    let logs = || deployment.logs();
    assert!(
        tally.failed.is_empty(),
        "{} valid requests failed: {:?}{}",
        tally.failed.len(),
        &tally.failed[..tally.failed.len().min(5)],
        logs()
    );
    assert!(
        tally.poison_accepted.is_empty(),
        "poison not refused: {:?}",
        tally.poison_accepted
    );
    assert!(
        tally.poison.values().all(|&sent| sent > 0) && tally.poison.len() >= 11,
        "{:?}",
        tally.poison
    );

    let acknowledged: HashSet<String> = tally.acknowledged.iter().cloned().collect();
    assert_eq!(
        acknowledged.len(),
        tally.acknowledged.len(),
        "an id was given twice"
    );
    let arrived = until_delivered(&deployment, &mut arrivals, &acknowledged).await;

    let strays: Vec<_> = arrived
        .keys()
        .filter(|id| !acknowledged.contains(*id))
        .collect();
    assert!(
        strays.is_empty(),
        "{} messages arrived that were never acknowledged: {strays:?}",
        strays.len()
    );
    let mut duplicates = Vec::new();
    for (id, &copies) in &arrived {
        if copies > 1 {
            let explained =
                copies == 2 && at_kill.unrecorded.contains(id) && at_kill.arrived.contains(id);
            assert!(
                explained,
                "{id} arrived {copies} times, and not because the worker was killed after sending it"
            );
            duplicates.push(id);
        }
    }
    let sending = deployment.with_status(NotificationStatus::Sending).await;
    assert_eq!(
        sending.len(),
        acknowledged.len(),
        "every notification handed to the SMTP server{}",
        logs()
    );
    eprintln!(
        "{} acknowledged, all delivered; poison refused: {:?}; {} handed over but unrecorded when the \
         worker was killed, {} of them sent twice; {:.1} s",
        acknowledged.len(),
        tally.poison,
        at_kill.unrecorded.intersection(&at_kill.arrived).count(),
        duplicates.len(),
        started.elapsed().as_secs_f64()
    );
}

/// `kill -9` of the worker in the middle of its work; what was sent and recorded by then.
async fn kill_the_worker(deployment: &mut Deployment, arrivals: &mut Arrivals) -> AtKill {
    deployment.kill_worker();
    // Messages whose DATA the sink finished just before the kill are written promptly; no
    // other process sends until the next worker starts.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let arrived: HashSet<String> = arrivals.read(&deployment.sink).into_keys().collect();
    let unrecorded: HashSet<String> = deployment
        .with_status(NotificationStatus::Created)
        .await
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        !arrived.is_empty(),
        "the worker was killed before it delivered anything"
    );
    assert!(
        !unrecorded.is_empty(),
        "the worker was killed with nothing left to do"
    );
    eprintln!(
        "worker killed with {} delivered, {} not yet recorded",
        arrived.len(),
        unrecorded.len()
    );
    AtKill {
        unrecorded,
        arrived,
    }
}

/// Waits until every acknowledged notification arrived and none is left to send (so any
/// second copy has arrived too); returns the copies of each that arrived.
async fn until_delivered(
    deployment: &Deployment,
    arrivals: &mut Arrivals,
    acknowledged: &HashSet<String>,
) -> HashMap<String, usize> {
    // The killed worker's rows wait for their lease; then the batches are sent.
    let deadline = Instant::now() + Duration::from_secs(u64::from(LEASE_SECONDS) + 60);
    loop {
        let arrived = arrivals.read(&deployment.sink);
        let missing = acknowledged
            .iter()
            .filter(|id| !arrived.contains_key(*id))
            .count();
        if missing == 0
            && deployment
                .with_status(NotificationStatus::Created)
                .await
                .is_empty()
        {
            return arrived;
        }
        assert!(
            Instant::now() < deadline,
            "{missing} acknowledged notifications never arrived{}",
            deployment.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
