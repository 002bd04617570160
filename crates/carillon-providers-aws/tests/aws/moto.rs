//! One moto server for the whole test binary, and SDK configurations pointing at it.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sesv2::config::Credentials;
use serde_json::Value;

const PYTHON_VAR: &str = "CARILLON_TEST_PYTHON";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.as_str(), "" | "0" | "false"))
}

/// A Python that can import moto, or `None` (after saying why) outside CI.
fn python() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os(PYTHON_VAR) {
        Some(python) => vec![python.into()],
        None => {
            let mut found = Vec::new();
            if let Some(home) = std::env::var_os("HOME") {
                found.push(PathBuf::from(home).join(".cache/carillon-test-venv/bin/python"));
            }
            found.push("python3".into());
            found
        }
    };
    for python in &candidates {
        let imports = Command::new(python)
            .args(["-c", "import moto.server"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if imports {
            return Some(python.clone());
        }
    }
    let message = format!(
        "no Python with moto[server] among {candidates:?}: run scripts/test, or `python3 -m \
         venv ~/.cache/carillon-test-venv && ~/.cache/carillon-test-venv/bin/pip install -r \
         crates/carillon-providers-aws/tests/requirements.txt`, or set {PYTHON_VAR}"
    );
    assert!(!in_ci(), "{message}");
    eprintln!("skipping the AWS provider test: {message}");
    None
}

/// The running server: kept for the life of the test process. Its standard input closes when
/// the process exits, which stops it.
struct Server {
    _child: Mutex<Child>,
    _stdin: Mutex<ChildStdin>,
    url: String,
}

fn start() -> Option<Server> {
    let python = python()?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/moto_server.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start moto");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("moto printed {line:?}, not its port"));
    let stdin = child.stdin.take().unwrap();
    Some(Server {
        _child: Mutex::new(child),
        _stdin: Mutex::new(stdin),
        url: format!("http://127.0.0.1:{port}"),
    })
}

/// moto's URL, starting it on first use; `None` when it cannot run here (never in CI).
pub(crate) fn url() -> Option<String> {
    static SERVER: OnceLock<Option<Server>> = OnceLock::new();
    SERVER.get_or_init(start).as_ref().map(|s| s.url.clone())
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
