//! A worker process killed with SIGKILL in the middle of its work loses nothing: another
//! worker takes over its claimed notifications once their lease passes, and every
//! notification is delivered exactly once.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use carillon_domain::{KeyType, NotificationFilter, NotificationStatus, ProcessType};
use serde_json::json;

use crate::harness::TestApp;
use crate::on_both_backends;

const TOTAL: usize = 6000;

pub(crate) fn start_worker(app: &TestApp, data_dir: &std::path::Path) -> Child {
    let (args, env) = app.process_settings();
    Command::new(env!("CARGO_BIN_EXE_carillon"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(&args)
        .args(["serve", "--role", "worker", "--worker-lease-seconds", "1"])
        .envs(env)
        .env("CARILLON_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a worker process")
}

pub(crate) async fn delivered(app: &TestApp) -> usize {
    let filter = NotificationFilter {
        statuses: vec![NotificationStatus::Delivered],
        key_type: Some(KeyType::Normal),
        limit: 100_000,
        ..NotificationFilter::default()
    };
    app.store
        .notifications(app.service.id, &filter)
        .await
        .unwrap()
        .len()
}

on_both_backends! {
    a_killed_worker_loses_nothing(app) {
        for chunk in 0..TOTAL / 500 {
            let batch: Vec<_> = (0..500)
                .map(|n| {
                    let to = format!("person{chunk}-{n}@example.ca");
                    (app.new_email(&to, json!({"name": "Ada", "code": n}), ProcessType::Bulk), Vec::new())
                })
                .collect();
            app.store.insert_notifications(&batch).await.unwrap();
        }
        let data_dir = tempfile::tempdir().unwrap();
        let mut first = start_worker(app, data_dir.path());
        // Kill it as soon as it has delivered something, while most is still to do.
        let deadline = Instant::now() + Duration::from_secs(60);
        while delivered(app).await == 0 {
            assert!(Instant::now() < deadline, "the first worker delivered nothing");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        first.kill().unwrap();
        first.wait().unwrap();
        let at_kill = delivered(app).await;
        assert!(at_kill < TOTAL, "the worker finished before it could be killed; raise TOTAL");

        let mut second = start_worker(app, data_dir.path());
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let done = delivered(app).await;
            if done == TOTAL {
                break;
            }
            assert!(Instant::now() < deadline, "only {done} of {TOTAL} delivered after the restart");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        second.kill().unwrap();
        second.wait().unwrap();
        // Exactly one outbox entry per notification: nothing lost, nothing twice.
        assert_eq!(app.store.outbox(100_000, None).await.unwrap().len(), TOTAL);
        eprintln!("killed after {at_kill} of {TOTAL} deliveries; the restarted worker did the rest");
    }
}
