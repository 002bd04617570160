//! The `carillon` program's connection handling. Started with a low soft open-file limit, as
//! many systems set one, it raises it to the hard limit and sizes its connection cap from it,
//! so `/_status` is still answered while 2,000 idle connections are open; the timeouts come
//! from the settings like every other serve option.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::binary::{BIN, carillon, stop};

const IDLE: usize = 2_000;

#[tokio::test]
async fn status_is_answered_while_two_thousand_connections_are_idle() {
    // This process holds the client side of every connection: it needs the room too.
    let limit = getrlimit(Resource::Nofile);
    let hard = limit.maximum.unwrap_or(u64::MAX);
    assert!(
        hard >= 8_192,
        "this test needs a hard open-file limit of at least 8192 (`ulimit -Hn`), not {hard}"
    );
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        },
    )
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(
            "ulimit -S -n 1024 && exec \"$0\" --data-dir \"$1\" demo --listen 127.0.0.1:0 \
             --header-timeout-seconds 300",
        )
        .arg(BIN)
        .arg(dir.path())
        .env_remove("CARILLON_DATABASE_URL")
        .env_remove("CARILLON_MASTER_KEY")
        .env("CARILLON_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut child = Stopped(Some(child));
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let demo: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    let api = demo["api_url"].as_str().unwrap().to_owned();
    let address = api.trim_start_matches("http://").to_owned();

    let mut idle = Vec::with_capacity(IDLE);
    tokio::time::timeout(Duration::from_secs(30), async {
        for _ in 0..IDLE {
            idle.push(TcpStream::connect(&address).await.unwrap());
        }
    })
    .await
    .expect("2,000 connections accepted (or held in the backlog)");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let status = client
        .get(format!("{api}/_status"))
        .send()
        .await
        .expect("/_status answered while 2,000 connections are idle");
    assert_eq!(status.status(), 200);
    // Stopping does not wait for the idle connections' timeouts.
    stop(child.0.take().unwrap());
    drop(idle);
}

/// The server, killed if the test fails before stopping it.
struct Stopped(Option<Child>);

impl Drop for Stopped {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test]
async fn connection_timeouts_come_from_the_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("carillon.toml");
    std::fs::write(
        &config,
        "listen = \"127.0.0.1:0\"\nheader_timeout_seconds = 1\nmax_connections = 100\n",
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
    let stdout = child.stdout.take().unwrap();
    let mut child = Stopped(Some(child));
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let demo: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    let address = demo["api_url"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://")
        .to_owned();
    let mut half = TcpStream::connect(&address).await.unwrap();
    half.write_all(b"GET /_status HTTP/1.1\r\n").await.unwrap();
    // Closed after the file's 1 s, not the default 10 s.
    let mut byte = [0_u8; 1];
    let read = tokio::time::timeout(Duration::from_secs(8), half.read(&mut byte))
        .await
        .expect("closed by the header timeout from the file");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    stop(child.0.take().unwrap());

    std::fs::write(&config, "idle_timeout_seconds = 0\n").unwrap();
    let output = carillon(dir.path())
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("idle_timeout_seconds"), "{stderr}");
}
