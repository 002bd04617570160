//! One moto server for the whole test binary (`carillon-test-support`), and SDK configurations
//! pointing at it.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sesv2::config::Credentials;
use serde_json::Value;

/// moto's URL, starting it on first use; `None` when it cannot run here (never in CI).
pub(crate) fn url() -> Option<String> {
    carillon_test_support::moto::moto_url()
}

/// An SDK configuration for `endpoint` with fixed test credentials.
pub(crate) async fn config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("ca-central-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .load()
        .await
}

/// Everything moto holds, by service and model.
pub(crate) async fn data(url: &str) -> Value {
    reqwest::get(format!("{url}/moto-api/data.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A port nothing listens on.
pub(crate) fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Starts moto's request recorder (idempotent; it records every request from then on).
pub(crate) async fn start_recording(url: &str) {
    let response = reqwest::Client::new()
        .post(format!("{url}/moto-api/recorder/start-recording"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

/// The form-encoded bodies of the requests recorded so far (the query protocol SNS uses).
pub(crate) async fn recorded_forms(url: &str) -> Vec<Vec<(String, String)>> {
    use base64::Engine;
    let text = reqwest::get(format!("{url}/moto-api/recorder/download-recording"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|request| {
            let body = request["body"].as_str()?.to_owned();
            let bytes = if request["body_encoded"] == true {
                base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .ok()?
            } else {
                body.into_bytes()
            };
            Some(
                form_urlencoded::parse(&bytes)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            )
        })
        .collect()
}
