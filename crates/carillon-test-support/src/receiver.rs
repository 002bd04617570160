//! A real HTTP server on 127.0.0.1:0 that records the callbacks it receives and answers as
//! scripted: per path, a list of status codes to answer in turn (then 200); `/hang` never
//! answers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: Value,
    pub at: Instant,
}

#[derive(Debug, Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    script: Mutex<HashMap<String, Vec<u16>>>,
}

/// The running receiver.
#[derive(Debug, Clone)]
pub struct Receiver {
    pub url: String,
    shared: Arc<Shared>,
}

impl Receiver {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = axum::Router::new()
            .route("/{path}", axum::routing::post(answer))
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, shared }
    }

    /// Answers the next requests to `/path` with `codes`, in turn.
    pub fn script(&self, path: &str, codes: &[u16]) {
        let mut script = self.shared.script.lock().unwrap();
        script.insert(path.to_owned(), codes.iter().rev().copied().collect());
    }

    pub fn received(&self, path: &str) -> Vec<Received> {
        let received = self.shared.received.lock().unwrap();
        received
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// Waits (polling, `within` at most) until `/path` has received `count` requests.
    pub async fn wait_for(&self, path: &str, count: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.received(path);
            if got.len() >= count {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "/{path} received {} of {count} callbacks within {within:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

async fn answer(
    State(shared): State<Arc<Shared>>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    shared.received.lock().unwrap().push(Received {
        path: path.clone(),
        authorization: header("authorization"),
        content_type: header("content-type"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        at: Instant::now(),
    });
    if path == "hang" {
        tokio::time::sleep(Duration::from_secs(600)).await;
    }
    let code = shared
        .script
        .lock()
        .unwrap()
        .get_mut(&path)
        .and_then(Vec::pop)
        .unwrap_or(200);
    StatusCode::from_u16(code).unwrap()
}
