//! `carillon callback …` against a real receiver: the health check accepts or rejects URLs.

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::TestApp;
use crate::on_both_backends;
use crate::receiver::Receiver;

const BIN: &str = env!("CARGO_BIN_EXE_carillon");
const TOKEN: &str = "health-check-token-42";

/// Runs `carillon <args>` on the app's database off the runtime's thread (the receiver runs
/// on it); returns success, stdout and stderr.
async fn carillon(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let (flags, env) = app.process_settings();
    let mut command = Command::new(BIN);
    command.args(flags).args(args).env("CARILLON_LOG", "warn");
    command.env_remove("CARILLON_CALLBACK_BEARER_TOKEN");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn set(app: &TestApp, url: &str, token: &str) -> (bool, String, String) {
    let service = app.service.id.to_string();
    carillon(
        app,
        &[
            "callback",
            "set",
            "--service",
            &service,
            "--kind",
            "delivery-status",
            "--url",
            url,
            "--bearer-token",
            token,
        ],
    )
    .await
}

on_both_backends! {
    health_check_accepts_and_rejects(app) {
        let receiver = Receiver::start().await;
        receiver.script("unauthorised", &[401]);
        receiver.script("broken", &[500]);

        let (ok, _, stderr) = set(app, &format!("{}/unauthorised", receiver.url), TOKEN).await;
        assert!(!ok && stderr.contains("health check") && stderr.contains("401"), "{stderr}");
        assert!(app.store.callbacks(app.service.id).await.unwrap().is_empty());

        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let closed_url = format!("http://{}/x", closed.local_addr().unwrap());
        drop(closed);
        let (ok, _, stderr) = set(app, &closed_url, TOKEN).await;
        assert!(!ok && stderr.contains("health check"), "{stderr}");

        let (ok, _, stderr) = set(app, "http://example.com/cb", TOKEN).await;
        assert!(!ok && stderr.contains("https://"), "{stderr}");
        let (ok, _, stderr) = set(app, &format!("{}/ok", receiver.url), "short").await;
        assert!(!ok && stderr.contains("at least 10"), "{stderr}");

        // A 5xx passes, as in GC Notify.
        let (ok, _, stderr) = set(app, &format!("{}/broken", receiver.url), TOKEN).await;
        assert!(ok, "{stderr}");
        let (ok, _, stderr) = set(app, &format!("{}/ok", receiver.url), TOKEN).await;
        assert!(ok, "{stderr}");
        let checks = receiver.wait_for("ok", 1, Duration::from_secs(5)).await;
        assert_eq!(checks[0].body, json!({"health_check": true}));
        assert_eq!(checks[0].authorization.as_deref(), Some(format!("Bearer {TOKEN}").as_str()));

        let service = app.service.id.to_string();
        let (ok, stdout, _) = carillon(app, &["callback", "suspend", "--service", &service, "--kind", "delivery-status"]).await;
        assert!(ok);
        let (ok, stdout_list, _) = carillon(app, &["callback", "list", "--service", &service, "--json"]).await;
        assert!(ok, "{stdout}");
        let list: Value = serde_json::from_str(&stdout_list).unwrap();
        assert_eq!(list[0]["type"], "delivery_status");
        assert_eq!(list[0]["url"], format!("{}/ok", receiver.url));
        assert_eq!(list[0]["suspended"], true);
        assert!(!stdout_list.contains(TOKEN), "the token is printed");
        let (ok, _, _) = carillon(app, &["callback", "remove", "--service", &service, "--kind", "delivery-status"]).await;
        assert!(ok);
        let (ok, _, stderr) = carillon(app, &["callback", "remove", "--service", &service, "--kind", "delivery-status"]).await;
        assert!(!ok && stderr.contains("no delivery_status callback"), "{stderr}");
    }
}

/// A `serve --role worker` process delivers the notification and sends its callback.
async fn worker_process_sends_callbacks(app: &TestApp) {
    let receiver = Receiver::start().await;
    crate::callbacks::set_callback(
        &app.store,
        app.service.id,
        carillon_store::CallbackKind::DeliveryStatus,
        format!("{}/status", receiver.url),
    )
    .await;
    let (_, sent) = app
        .send_email(
            &app.live,
            "a@example.ca",
            json!({"reference": "from-a-process"}),
        )
        .await;
    let (flags, env) = app.process_settings();
    let data_dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(flags)
        .args(["serve", "--role", "worker"])
        .envs(env)
        .env("CARILLON_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let received = receiver
        .wait_for("status", 1, Duration::from_secs(20))
        .await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(received[0].body["id"], sent["id"]);
    assert_eq!(received[0].body["reference"], "from-a-process");
    assert_eq!(received[0].body["status"], "delivered");
}

on_both_backends! {
    worker_processes_send_callbacks(app) {
        worker_process_sends_callbacks(app).await;
    }
}
