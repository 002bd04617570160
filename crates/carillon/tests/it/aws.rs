//! Amazon SES and SNS through a real moto server (`carillon-test-support`'s `moto_server.py`,
//! one per test binary): the program sends email with `--email-provider ses`, and helpers for
//! the receipts tests. Needs a Python with moto[server] (`scripts/test` provides one); without
//! one these tests fail under `CI=true` and are skipped elsewhere.

use std::process::{Command, Stdio};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sesv2::config::Credentials;
use serde_json::Value;

pub(crate) use carillon_test_support::moto::moto_url;

use crate::smtp::{KillOnDrop, send_one_email_through_demo};

/// An SDK configuration for moto, with SES allowed to send from `domain`.
pub(crate) async fn moto_config(url: &str, domain: &str) -> SdkConfig {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("ca-central-1"))
        .endpoint_url(url)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .load()
        .await;
    aws_sdk_sesv2::Client::new(&config)
        .create_email_identity()
        .email_identity(domain)
        .send()
        .await
        .unwrap();
    config
}

/// The SES message id of the email sent for notification `id` (its Message-ID names it), and
/// the raw message.
pub(crate) async fn ses_message_for(url: &str, id: &str) -> Option<(String, String)> {
    let data: Value = reqwest::get(format!("{url}/moto-api/data.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let marker = format!("Message-ID: <{id}@");
    data["ses"]["RawMessage"]
        .as_array()?
        .iter()
        .find(|m| {
            m["raw_data"]
                .as_str()
                .is_some_and(|raw| raw.contains(&marker))
        })
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_owned(),
                m["raw_data"].as_str().unwrap().to_owned(),
            )
        })
}

#[tokio::test]
async fn demo_sends_email_through_ses() {
    let Some(moto) = moto_url() else { return };
    moto_config(&moto, "notification.example.ca").await;
    let data = tempfile::tempdir().unwrap();
    let demo = Command::new(env!("CARGO_BIN_EXE_carillon"))
        .arg("--data-dir")
        .arg(data.path())
        .args([
            "--email-provider",
            "ses",
            "--sending-domain",
            "notification.example.ca",
            "demo",
            "--listen",
            "127.0.0.1:0",
        ])
        .env_remove("CARILLON_DATABASE_URL")
        .env_remove("CARILLON_MASTER_KEY")
        .env("CARILLON_AWS_ENDPOINT_URL", &moto)
        .env("CARILLON_AWS_REGION", "ca-central-1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("CARILLON_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start carillon demo");
    let mut demo = KillOnDrop(demo);
    let (id, status) = send_one_email_through_demo(&mut demo).await;
    assert_eq!(
        status, "sending",
        "SES's acceptance is not a delivery receipt"
    );
    let (reference, raw) = ses_message_for(&moto, &id)
        .await
        .expect("the email reached SES");
    assert!(!reference.is_empty());
    assert!(raw.contains("multipart/alternative"), "{raw}");
    assert!(raw.contains("Reply-To: demo-reply@example.gc.ca"), "{raw}");
    assert!(raw.contains("@notification.example.ca>"), "{raw}");
    drop(demo);
}
