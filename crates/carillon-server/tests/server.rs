//! A server built from settings alone: what each role listens on, and Prometheus metrics on
//! their own listener only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use carillon_server::{Database, MasterKey, Role, Server, ServerSettings};

fn settings(dir: &tempfile::TempDir, role: Role, metrics: bool) -> ServerSettings {
    let any_port = SocketAddr::from(([127, 0, 0, 1], 0));
    ServerSettings {
        role,
        listen: any_port,
        metrics_listen: metrics.then_some(any_port),
        ..ServerSettings::new(
            Database::Sqlite(dir.path().join("nested/carillon.db")),
            MasterKey::generate(),
        )
    }
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_only() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::build(settings(&dir, Role::All, true))
        .await
        .unwrap();
    let listeners = server.bind().await.unwrap();
    let api = listeners.api_address().unwrap();
    let metrics = listeners.metrics_address().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(listeners, async {
        let _ = stopped.await;
    }));

    let status = reqwest::get(format!("http://{api}/_status")).await.unwrap();
    assert_eq!(status.status(), 200);
    let public = reqwest::get(format!("http://{api}/metrics")).await.unwrap();
    assert_eq!(public.status(), 404);
    let body: serde_json::Value = public.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"result": "error", "message": "Not found"})
    );

    let scraped = reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(
        text.contains("# TYPE carillon_http_requests_total counter"),
        "{text}"
    );

    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
}

#[tokio::test]
async fn each_role_binds_what_it_serves() {
    let dir = tempfile::tempdir().unwrap();
    let worker = Server::build(settings(&dir, Role::Worker, false))
        .await
        .unwrap();
    let listeners = worker.bind().await.unwrap();
    assert!(listeners.api_address().is_none(), "workers answer no API");
    assert!(
        listeners.metrics_address().is_none(),
        "no metrics unless asked"
    );
    worker.run(listeners, async {}).await.unwrap();

    let api = Server::build(settings(&dir, Role::Api, false))
        .await
        .unwrap();
    let listeners = api.bind().await.unwrap();
    assert!(listeners.api_address().is_some());
    api.run(listeners, async {}).await.unwrap();
}
