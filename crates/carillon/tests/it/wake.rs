//! Workers in one process start on notifications accepted by another process at once
//! (PostgreSQL's LISTEN/NOTIFY), not at their next poll.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{Backend, TestApp};

#[tokio::test]
async fn a_worker_in_another_process_is_woken_by_postgres() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    // The worker shares nothing with the API but the database: its own connections, and an
    // in-process signal nobody raises. It polls once a minute, so only a NOTIFY can make it
    // deliver within the few seconds allowed below.
    let store = app.another_store().await;
    let settings = carillon_server::ServerSettings {
        role: carillon_server::Role::Worker,
        worker: carillon_worker::WorkerSettings {
            idle_poll: Duration::from_secs(60),
            ..carillon_worker::WorkerSettings::default()
        },
        ..crate::harness::test_settings()
    };
    let worker = carillon_server::Server::from_store(store, settings)
        .await
        .unwrap()
        .worker();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    // The first send may be found by the worker's start-up pass or its first listen; the later
    // ones can only be found through announcements.
    for _ in 0..3 {
        let started = Instant::now();
        let (_, sent) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        app.eventually_status(sent["id"].as_str().unwrap(), "delivered")
            .await;
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    stop.send(true).unwrap();
    running.await.unwrap();
    app.finish().await;
}
