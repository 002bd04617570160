//! The load: clients sending valid emails as fast as they are answered, and one client
//! sending poison (requests that must be refused) the whole time, each answer recorded.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::deploy::Deployment;

/// What the clients got back.
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// Ids of the notifications answered 201.
    pub(super) acknowledged: Vec<String>,
    /// Valid requests not answered 201, with what they got.
    pub(super) failed: Vec<String>,
    /// Poison requests sent, by kind.
    pub(super) poison: BTreeMap<&'static str, usize>,
    /// Poison requests answered with anything but a 4xx, with what they got.
    pub(super) poison_accepted: Vec<String>,
}

pub(super) struct Load {
    tally: Arc<Mutex<Tally>>,
    stop: Arc<AtomicBool>,
    clients: Vec<tokio::task::JoinHandle<()>>,
}

/// A request of a client: the body (raw bytes, not always JSON) and the authorization.
struct Request {
    body: Vec<u8>,
    auth: String,
}

impl Load {
    /// Starts `valid` clients of valid emails and one client of poison.
    pub(super) fn start(deployment: &Deployment, valid: usize) -> Self {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let stop = Arc::new(AtomicBool::new(false));
        // No answer may take long: a request that hangs is a failure, not a wait.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let url = format!("{}/v2/notifications/email", deployment.api_url);
        let auth = deployment.seeded.auth.clone();
        let template = deployment.seeded.template.clone();
        let mut clients = Vec::new();
        for client in 0..valid {
            let (http, url, auth, template) =
                (http.clone(), url.clone(), auth.clone(), template.clone());
            let (tally, stop) = (Arc::clone(&tally), Arc::clone(&stop));
            clients.push(tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let body = json!({
                        "email_address": format!("client{client}-{n}@example.ca"),
                        "template_id": template,
                        "personalisation": {"name": format!("Client {client}"), "code": n},
                        "reference": format!("client{client}-{n}"),
                    });
                    let request = Request {
                        body: body.to_string().into_bytes(),
                        auth: auth.clone(),
                    };
                    let (status, body) = send(&http, &url, request).await;
                    let mut tally = tally.lock().unwrap();
                    match (status, body["id"].as_str()) {
                        (Some(StatusCode::CREATED), Some(id)) => {
                            tally.acknowledged.push(id.to_owned())
                        }
                        _ => tally.failed.push(format!("{status:?} {body}")),
                    }
                }
            }));
        }
        let (tally_, stop_) = (Arc::clone(&tally), Arc::clone(&stop));
        // A connection of its own per poison request: the server closes one whose body it
        // refused unread (over the limit), and a connection must not be reused after that.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        clients.push(tokio::spawn(async move {
            let poisons = poisons(&auth, &template);
            let mut n = 0;
            while !stop_.load(Ordering::Relaxed) {
                let (kind, request) = &poisons[n % poisons.len()];
                n += 1;
                let request = Request {
                    body: request.body.clone(),
                    auth: request.auth.clone(),
                };
                let (status, body) = send(&http, &url, request).await;
                let mut tally = tally_.lock().unwrap();
                *tally.poison.entry(kind).or_insert(0) += 1;
                if !status.is_some_and(|s| s.is_client_error()) {
                    tally
                        .poison_accepted
                        .push(format!("{kind}: {status:?} {body}"));
                }
            }
        }));
        Self {
            tally,
            stop,
            clients,
        }
    }

    /// How many valid requests were answered 201 so far.
    pub(super) fn acknowledged(&self) -> usize {
        self.tally.lock().unwrap().acknowledged.len()
    }

    /// Waits until `count` valid requests were answered 201 (two minutes at most).
    pub(super) async fn until_acknowledged(&self, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while self.acknowledged() < count {
            assert!(
                Instant::now() < deadline,
                "only {} acknowledged",
                self.acknowledged()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops every client after its request in flight and returns what they got.
    pub(super) async fn stop(self) -> Tally {
        self.stop.store(true, Ordering::Relaxed);
        for client in self.clients {
            client.await.unwrap();
        }
        std::mem::take(&mut *self.tally.lock().unwrap())
    }
}

/// POSTs a request; the status (`None` when no answer came) and the body as JSON (or text).
async fn send(http: &reqwest::Client, url: &str, request: Request) -> (Option<StatusCode>, Value) {
    let sent = http
        .post(url)
        .header("Authorization", request.auth)
        .header("Content-Type", "application/json")
        .body(request.body)
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            (
                Some(status),
                serde_json::from_str(&text).unwrap_or(Value::String(text)),
            )
        }
        Err(error) => (None, Value::String(error.to_string())),
    }
}

/// Requests the API must refuse, each with a 4xx and without storing anything.
fn poisons(auth: &str, template: &str) -> Vec<(&'static str, Request)> {
    let valid = || {
        json!({
            "email_address": "poison@example.ca",
            "template_id": template,
            "personalisation": {"name": "Poison", "code": "1"},
        })
    };
    let with = |field: &str, value: Value| {
        let mut body = valid();
        body[field] = value;
        body.to_string().into_bytes()
    };
    let mut nested = String::new();
    for _ in 0..5_000 {
        nested.push('[');
    }
    let json = |body: Vec<u8>| Request {
        body,
        auth: auth.to_owned(),
    };
    vec![
        (
            "NUL in reference",
            json(with("reference", json!("ref\u{0}erence"))),
        ),
        (
            "NUL in personalisation",
            json(with(
                "personalisation",
                json!({"name": "A\u{0}", "code": "1"}),
            )),
        ),
        (
            "invalid JSON",
            json(b"{\"email_address\": \"poison@example.ca\", ".to_vec()),
        ),
        (
            "huge body",
            json(with(
                "personalisation",
                json!({"name": "x".repeat(3 << 20), "code": "1"}),
            )),
        ),
        (
            "unknown template",
            json(with("template_id", json!(uuid::Uuid::new_v4().to_string()))),
        ),
        (
            "malformed template id",
            json(with("template_id", json!("not-a-uuid"))),
        ),
        (
            "invalid address",
            json(with("email_address", json!("not an address"))),
        ),
        (
            "personalisation not an object",
            json(with("personalisation", json!("a string"))),
        ),
        (
            "deeply nested JSON",
            json(format!("{{\"personalisation\": {nested}").into_bytes()),
        ),
        ("empty object", json(b"{}".to_vec())),
        (
            "bad key",
            Request {
                body: valid().to_string().into_bytes(),
                auth: "ApiKey-v1 not-a-key".into(),
            },
        ),
    ]
}
