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

    let page = reqwest::get(format!("http://{api}/sign-in")).await.unwrap();
    assert_eq!(page.status(), 200);

    let scraped = reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(
        text.contains("# TYPE carillon_http_requests_total counter"),
        "{text}"
    );
    assert!(
        text.contains(r#"carillon_http_request_duration_seconds{method="GET",route="/sign-in",quantile="0.99"}"#),
        "the web app's pages are timed by route: {text}"
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

/// GETs `path` from a server of `role` and returns the status and content type.
async fn answer(dir: &tempfile::TempDir, role: Role, paths: &[&str]) -> Vec<(u16, String)> {
    let server = Server::build(settings(dir, role, false)).await.unwrap();
    let listeners = server.bind().await.unwrap();
    let address = listeners.api_address().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(listeners, async {
        let _ = stopped.await;
    }));
    let mut answers = Vec::new();
    for path in paths {
        let response = reqwest::get(format!("http://{address}{path}"))
            .await
            .unwrap();
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        answers.push((response.status().as_u16(), kind));
    }
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
    answers
}

#[tokio::test]
async fn the_web_app_is_served_beside_the_api_or_alone() {
    let dir = tempfile::tempdir().unwrap();
    let paths = ["/sign-in", "/v2/templates", "/no-such-page"];
    let html = "text/html; charset=utf-8".to_owned();
    let json = "application/json".to_owned();
    // Both: pages and the API on one listener; unknown paths get the API's JSON 404.
    assert_eq!(
        answer(&dir, Role::All, &paths).await,
        vec![
            (200, html.clone()),
            (401, json.clone()),
            (404, json.clone())
        ]
    );
    // The web app alone: no API, HTML 404s.
    assert_eq!(
        answer(&dir, Role::Web, &paths).await,
        vec![(200, html.clone()), (404, html.clone()), (404, html)]
    );
    // The API alone: no pages.
    assert_eq!(
        answer(&dir, Role::Api, &paths).await,
        vec![(404, json.clone()), (401, json.clone()), (404, json)]
    );
}
