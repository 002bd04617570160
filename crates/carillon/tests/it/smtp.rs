//! The program delivers email through a real SMTP server (aiosmtpd): `carillon demo
//! --email-provider smtp://…`. Statuses move to `sending` (an SMTP server's acceptance is not a
//! delivery receipt), and the message arrives as rendered.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use carillon_test_support::smtp::SmtpSink;
use serde_json::{Value, json};

pub(crate) use carillon_test_support::KillOnDrop;

/// A Python that can import aiosmtpd (`scripts/test` provides one); `None` outside CI only.
pub(crate) fn python() -> Option<std::path::PathBuf> {
    carillon_test_support::python_with("aiosmtpd", "the SMTP tests")
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
    let Some(sink) = SmtpSink::start(&[]) else {
        return;
    };
    let port = sink.port;

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
    let stored: Vec<_> = std::fs::read_dir(sink.dir())
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
