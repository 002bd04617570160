//! The `carillon` program's settings: `serve` and `demo` options from the TOML file, and
//! commands that only read, which never create a directory, a key or a database.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::Value;

use crate::binary::{carillon, stop};
use crate::harness::postgres_url;

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn serve_options_come_from_the_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    let (api, metrics) = (free_port(), free_port());
    let config = dir.path().join("carillon.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{api}\"\nmetrics_listen = \"127.0.0.1:{metrics}\"\n\
             worker_concurrency = 3\ncallback_max_retries = 2\nrole = \"all\"\n"
        ),
    )
    .unwrap();
    let mut child = carillon(dir.path())
        .arg("--config")
        .arg(&config)
        .arg("demo")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let demo: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    assert_eq!(demo["api_url"], format!("http://127.0.0.1:{api}"));
    assert_eq!(
        demo["metrics_url"],
        format!("http://127.0.0.1:{metrics}/metrics")
    );
    let response = reqwest::get(demo["metrics_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    stop(child);

    std::fs::write(&config, "worker_concurrency = 0\n").unwrap();
    let output = carillon(dir.path())
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("worker_concurrency"), "{stderr}");
}

/// Every command that only reads, for a service that need not exist.
fn reading_commands() -> Vec<Vec<String>> {
    let service = uuid::Uuid::new_v4().to_string();
    let mut commands: Vec<Vec<String>> = vec![
        vec!["service".into(), "list".into()],
        vec!["outbox".into(), "list".into()],
        vec!["outbox".into(), "show".into(), service.clone()],
    ];
    for command in [
        "api-key",
        "template",
        "reply-to",
        "sms-sender",
        "safelist",
        "callback",
        "job",
    ] {
        commands.push(vec![
            command.into(),
            "list".into(),
            "--service".into(),
            service.clone(),
        ]);
    }
    commands
}

#[test]
fn reading_commands_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for command in reading_commands() {
        let output = carillon(&data).args(&command).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{command:?} succeeded");
        assert!(
            stderr.contains(&format!(
                "{} does not exist",
                data.join("carillon.db").display()
            )),
            "{command:?}: {stderr}"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{command:?} created something"
        );
    }
}

#[test]
fn reading_commands_name_a_missing_postgres_database_without_its_password() {
    let Some(admin) = postgres_url() else { return };
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_password(Some("hunter2")).unwrap();
    let name = format!("carillon_missing_{}", uuid::Uuid::new_v4().simple());
    url.set_path(&format!("/{name}"));
    let dir = tempfile::tempdir().unwrap();
    for command in reading_commands() {
        let output = carillon(dir.path())
            .args(["--database-url", url.as_str()])
            .env(
                "CARILLON_MASTER_KEY",
                carillon_crypto::MasterKey::generate().to_base64(),
            )
            .args(&command)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{command:?} succeeded");
        assert!(
            stderr.contains(&name) && stderr.contains("does not exist"),
            "{command:?}: {stderr}"
        );
        assert!(!stderr.contains("hunter2"), "{command:?}: {stderr}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

#[test]
fn an_unreachable_postgres_is_named_quickly() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 1: the connection is refused at once.
    let url = "postgres://u:secret@127.0.0.1:1/db";
    for command in [&["service", "list"][..], &["migrate"][..]] {
        let started = std::time::Instant::now();
        let output = carillon(dir.path())
            .arg("--database-url")
            .arg(url)
            .args(command)
            .env(
                "CARILLON_MASTER_KEY",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            )
            .output()
            .unwrap();
        let elapsed = started.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{command:?}: {stderr}");
        assert!(
            elapsed < std::time::Duration::from_secs(6),
            "{command:?}: {elapsed:?}"
        );
        assert!(stderr.contains("127.0.0.1:1"), "{command:?}: {stderr}");
        assert!(!stderr.contains("secret"), "{command:?}: {stderr}");
        assert!(!stderr.contains("pool timed out"), "{command:?}: {stderr}");
    }
}
