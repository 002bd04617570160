//! The program delivers email through a real SMTP server (aiosmtpd): `carillon demo
//! --email-provider smtp://…`. Statuses move to `sending` (an SMTP server's acceptance is not a
//! delivery receipt), and the message arrives as rendered.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Kills a child process when dropped, so a failed assertion leaves nothing running.
pub(crate) struct KillOnDrop(pub(crate) std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Python that can import aiosmtpd (`scripts/test` provides one); `None` outside CI only.
pub(crate) fn python() -> Option<String> {
    python_with("aiosmtpd", "the SMTP tests")
}

/// A Python that can import `module` (`scripts/test`'s virtualenv has every module the tests
/// use); `None` outside CI only, where `tests` are then skipped loudly.
pub(crate) fn python_with(module: &str, tests: &str) -> Option<String> {
    let candidates = [
        std::env::var("CARILLON_TEST_PYTHON").ok(),
        std::env::var("HOME")
            .ok()
            .map(|h| format!("{h}/.cache/carillon-test-venv/bin/python")),
        Some("python3".to_owned()),
    ];
    for python in candidates.into_iter().flatten() {
        let ok = Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(python);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "no Python with {module}: {tests} may not be skipped in CI"
    );
    eprintln!("SKIPPING {tests}: no Python with {module}");
    None
}

/// Reads a started `carillon demo`'s JSON line, sends one email with its live key, and waits
/// (20 s at most) until the notification leaves `created`. Returns the notification id and
/// the status it moved to.
pub(crate) async fn send_one_email_through_demo(demo: &mut KillOnDrop) -> (String, Value) {
    let mut line = String::new();
    BufReader::new(demo.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    let api = info["api_url"].as_str().unwrap();
    let auth = format!("ApiKey-v1 {}", info["api_keys"]["live"].as_str().unwrap());
    let client = reqwest::Client::new();
    let sent: Value = client
        .post(format!("{api}/v2/notifications/email"))
        .header("Authorization", &auth)
        .json(&json!({"email_address": "lea@example.ca", "template_id": info["templates"]["email"], "personalisation": {"name": "Léa"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = sent["id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got: Value = client
            .get(format!("{api}/v2/notifications/{id}"))
            .header("Authorization", &auth)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if got["status"] != "created" {
            return (id, got["status"].clone());
        }
        assert!(Instant::now() < deadline, "never handed to the provider");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn demo_delivers_through_a_real_smtp_server() {
    let Some(python) = python() else { return };
    let sink_dir = tempfile::tempdir().unwrap();
    let sink_script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../carillon-providers/tests/smtp_sink.py"
    );
    let sink = Command::new(python)
        .arg(sink_script)
        .arg(sink_dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the SMTP sink");
    let mut sink = KillOnDrop(sink);
    let mut port = String::new();
    BufReader::new(sink.0.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let port = port.trim().to_owned();

    let data = tempfile::tempdir().unwrap();
    let demo = Command::new(env!("CARGO_BIN_EXE_carillon"))
        .arg("--data-dir")
        .arg(data.path())
        .args([
            "--email-provider",
            &format!("smtp://127.0.0.1:{port}"),
            "demo",
            "--listen",
            "127.0.0.1:0",
        ])
        .env_remove("CARILLON_DATABASE_URL")
        .env_remove("CARILLON_MASTER_KEY")
        .env("CARILLON_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start carillon demo");
    let mut demo = KillOnDrop(demo);
    let (id, status) = send_one_email_through_demo(&mut demo).await;
    assert_eq!(
        status, "sending",
        "an SMTP hand-over is not a delivery receipt"
    );
    let stored: Vec<_> = std::fs::read_dir(sink_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(stored.len(), 1);
    let raw = String::from_utf8_lossy(&std::fs::read(&stored[0]).unwrap()).into_owned();
    assert!(raw.contains(&format!("Message-ID: <{id}@")), "{raw}");
    assert!(raw.contains("Reply-To: demo-reply@example.gc.ca"), "{raw}");
    assert!(raw.contains("multipart/alternative"), "{raw}");

    // Dropping the guards stops the demo and the sink.
    drop(demo);
    drop(sink);
}
