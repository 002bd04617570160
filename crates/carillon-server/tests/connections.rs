//! Slow, idle and oversized clients against a real server on a real socket: half-written
//! heads and idle connections are closed by their timeouts, late bodies answered 408,
//! oversized bodies 413 before they are sent, long targets and large headers 414 and 431 in
//! GC Notify's error format, and clients beyond the connection cap served once one ends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use carillon_server::{ConnectionSettings, Database, MasterKey, Server, ServerSettings};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Longer than any timeout a test sets: what a test waits at most for something to happen.
const PATIENCE: Duration = Duration::from_secs(15);

struct Running {
    address: SocketAddr,
    stop: oneshot::Sender<()>,
    running: JoinHandle<Result<(), carillon_server::ServerError>>,
    _dir: tempfile::TempDir,
}

impl Running {
    async fn start(connections: ConnectionSettings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let settings = ServerSettings {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            connections,
            ..ServerSettings::new(
                Database::Sqlite(dir.path().join("carillon.db")),
                MasterKey::generate(),
            )
        };
        let server = Server::build(settings).await.unwrap();
        let listeners = server.bind().await.unwrap();
        let address = listeners.api_address().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let running = tokio::spawn(server.run(listeners, async {
            let _ = stopped.await;
        }));
        Self {
            address,
            stop,
            running,
            _dir: dir,
        }
    }

    async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.address).await.unwrap()
    }

    /// Stops the server; it must have stopped within `PATIENCE`.
    async fn stop(self) {
        self.stop.send(()).unwrap();
        tokio::time::timeout(PATIENCE, self.running)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

fn timeouts(header: u64, body: u64, idle: u64) -> ConnectionSettings {
    ConnectionSettings {
        header_timeout: Duration::from_millis(header),
        body_timeout: Duration::from_millis(body),
        idle_timeout: Duration::from_millis(idle),
        max_connections: None,
    }
}

/// An answer as read off the socket.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {:?} {:?}", self.head, self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Reads one answer (head and `Content-Length` body).
async fn read_answer(stream: &mut TcpStream) -> Answer {
    tokio::time::timeout(PATIENCE, async {
        let mut bytes = Vec::new();
        let end = loop {
            if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0_u8; 4096];
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed before an answer: {bytes:?}");
            bytes.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
        let status = head[9..12].parse().unwrap();
        let mut answer = Answer {
            status,
            head,
            body: bytes[end..].to_vec(),
        };
        let length: usize = answer
            .header("content-length")
            .map_or(0, |length| length.parse().unwrap());
        while answer.body.len() < length {
            let mut chunk = [0_u8; 4096];
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed within the body");
            answer.body.extend_from_slice(&chunk[..n]);
        }
        answer
    })
    .await
    .expect("an answer in time")
}

/// Sends `request` on a new connection and reads the answer.
async fn exchange(running: &Running, request: &[u8]) -> (Answer, TcpStream) {
    let mut stream = running.connect().await;
    stream.write_all(request).await.unwrap();
    let answer = read_answer(&mut stream).await;
    (answer, stream)
}

/// Waits until the server closes the connection; how long that took.
async fn closed(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    tokio::time::timeout(PATIENCE, async {
        let mut chunk = [0_u8; 1024];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .expect("the server closes the connection");
    started.elapsed()
}

/// Whether nothing arrives on `stream` for `quiet`.
async fn silent_for(stream: &mut TcpStream, quiet: Duration) -> bool {
    let mut chunk = [0_u8; 1];
    tokio::time::timeout(quiet, stream.read(&mut chunk))
        .await
        .is_err()
}

const STATUS: &[u8] = b"GET /_status HTTP/1.1\r\nHost: carillon\r\n\r\n";

#[tokio::test]
async fn a_half_written_request_head_is_closed_within_the_header_timeout() {
    let running = Running::start(timeouts(300, 30_000, 30_000)).await;
    let mut half = running.connect().await;
    half.write_all(b"GET /_status HTTP/1.1\r\nHost: car")
        .await
        .unwrap();
    let mut silent = running.connect().await;
    // Closed by the header timeout, well before the idle timeout.
    assert!(closed(&mut half).await < Duration::from_secs(10));
    assert!(closed(&mut silent).await < Duration::from_secs(10));
    // Everyone else is still served.
    let (answer, _) = exchange(&running, STATUS).await;
    assert_eq!(answer.status, 200);
    running.stop().await;
}

#[tokio::test]
async fn a_kept_alive_connection_waits_the_idle_timeout_not_the_header_timeout() {
    let running = Running::start(timeouts(200, 30_000, 1_500)).await;
    let (answer, mut stream) = exchange(&running, STATUS).await;
    assert_eq!(answer.status, 200);
    // Idle for longer than a head may take: still open, and serves the next request.
    tokio::time::sleep(Duration::from_millis(600)).await;
    stream.write_all(STATUS).await.unwrap();
    assert_eq!(read_answer(&mut stream).await.status, 200);
    // Closed by the idle timeout.
    let waited = closed(&mut stream).await;
    assert!(
        waited >= Duration::from_millis(1_000),
        "closed after {waited:?}"
    );
    running.stop().await;
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_408() {
    let running = Running::start(timeouts(30_000, 400, 30_000)).await;
    let mut stream = running.connect().await;
    stream
        .write_all(
            b"POST /receipts/ses HTTP/1.1\r\nHost: carillon\r\nContent-Type: text/plain\r\n\
              Content-Length: 100\r\n\r\n{\"Type\": ",
        )
        .await
        .unwrap();
    let answer = read_answer(&mut stream).await;
    assert_eq!(answer.status, 408, "{answer:?}");
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(answer.header("x-request-id").is_some(), "{answer:?}");
    let body = answer.json();
    assert_eq!(body["status_code"], 408);
    assert_eq!(body["errors"][0]["error"], "BadRequestError");
    assert_eq!(
        body["errors"][0]["message"],
        "Request body was not received within 0.4 seconds"
    );
    closed(&mut stream).await;
    running.stop().await;
}

#[tokio::test]
async fn a_declared_body_over_the_limit_is_refused_before_it_is_sent() {
    let running = Running::start(ConnectionSettings::default()).await;
    let (answer, mut stream) = exchange(
        &running,
        b"POST /v2/notifications/email HTTP/1.1\r\nHost: carillon\r\n\
          Content-Type: application/json\r\nExpect: 100-continue\r\n\
          Content-Length: 10000000000\r\n\r\n",
    )
    .await;
    assert_eq!(answer.status, 413, "{answer:?}");
    assert_eq!(answer.header("connection"), Some("close"));
    assert_eq!(
        answer.json(),
        serde_json::json!({"status_code": 413, "errors": [{
            "error": "BadRequestError",
            "message": "Request body is too large: at most 2097152 bytes",
        }]})
    );
    closed(&mut stream).await;

    // The bulk route takes larger bodies: 3 MiB is not refused up front (the missing key is).
    let declared = |length: u64| {
        format!(
            "POST /v2/notifications/bulk HTTP/1.1\r\nHost: carillon\r\n\
             Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        )
    };
    let (answer, _) = exchange(&running, declared(3 << 20).as_bytes()).await;
    assert_eq!(answer.status, 401, "{answer:?}");
    let (answer, _) = exchange(&running, declared((64 << 20) + 1).as_bytes()).await;
    assert_eq!(answer.status, 413, "{answer:?}");
    assert_eq!(
        answer.json()["errors"][0]["message"],
        "Request body is too large: at most 67108864 bytes"
    );
    running.stop().await;
}

#[tokio::test]
async fn a_client_still_sending_an_over_limit_body_can_finish_and_read_the_413() {
    // Most clients write their whole body before reading: the 413 comes while they are still
    // writing. Were the server to close at once, the rest of the body would meet a reset
    // connection and such a client would report a failed write instead of the answer.
    let running = Running::start(ConnectionSettings::default()).await;
    let mut stream = running.connect().await;
    let body_length = 3 << 20;
    stream
        .write_all(
            format!(
                "POST /v2/notifications/email HTTP/1.1\r\nHost: carillon\r\n\
                 Content-Type: application/json\r\nContent-Length: {body_length}\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let chunk = vec![b' '; 64 * 1024];
    for sent in (0..body_length).step_by(chunk.len()) {
        // Slowly enough that the answer is written long before the body is.
        tokio::time::sleep(Duration::from_millis(5)).await;
        if let Err(error) = stream.write_all(&chunk).await {
            panic!("the server stopped reading after {sent} bytes of the body: {error}");
        }
    }
    let answer = read_answer(&mut stream).await;
    assert_eq!(answer.status, 413, "{answer:?}");
    assert_eq!(answer.json()["status_code"], 413);
    running.stop().await;
}

#[tokio::test]
async fn long_targets_and_large_headers_are_answered_in_json() {
    let running = Running::start(ConnectionSettings::default()).await;
    let long = format!(
        "GET /v2/notifications?reference={} HTTP/1.1\r\nHost: carillon\r\n\r\n",
        "a".repeat(9_000)
    );
    let (answer, _) = exchange(&running, long.as_bytes()).await;
    assert_eq!(answer.status, 414, "{answer:?}");
    assert_eq!(
        answer.json()["errors"][0]["message"],
        "Request URI is too long: at most 8192 bytes"
    );

    let many: String = (0..101).map(|n| format!("X-N{n}: {n}\r\n")).collect();
    let many = format!("GET /_status HTTP/1.1\r\nHost: carillon\r\n{many}\r\n");
    let (answer, _) = exchange(&running, many.as_bytes()).await;
    assert_eq!(answer.status, 431, "{answer:?}");
    assert_eq!(
        answer.json(),
        serde_json::json!({"status_code": 431, "errors": [{
            "error": "BadRequestError",
            "message": "Too many request headers: at most 100",
        }]})
    );

    let large = format!(
        "GET /_status HTTP/1.1\r\nHost: carillon\r\nX-Large: {}\r\n\r\n",
        "a".repeat(40_000)
    );
    let (answer, _) = exchange(&running, large.as_bytes()).await;
    assert_eq!(answer.status, 431, "{answer:?}");
    assert_eq!(
        answer.json()["errors"][0]["message"],
        "Request headers are too large: at most 32768 bytes"
    );

    // What the HTTP parser refuses itself is answered without a body (docs/compatibility.md):
    // a head over 64 KiB, more than 128 headers, a NUL in a header.
    let huge = format!(
        "GET /_status HTTP/1.1\r\nHost: carillon\r\nX-Huge: {}\r\n\r\n",
        "a".repeat(70_000)
    );
    let (answer, _) = exchange(&running, huge.as_bytes()).await;
    assert_eq!(answer.status, 431, "{answer:?}");
    let (answer, _) = exchange(
        &running,
        b"GET /_status HTTP/1.1\r\nHost: carillon\r\nX-Nul: a\0b\r\n\r\n",
    )
    .await;
    assert_eq!(answer.status, 400, "{answer:?}");
    running.stop().await;
}

#[tokio::test]
async fn beyond_the_cap_clients_wait_and_are_served_once_a_connection_ends() {
    let running = Running::start(ConnectionSettings {
        max_connections: NonZeroUsize::new(50),
        ..timeouts(2_000, 30_000, 30_000)
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..50 {
        idle.push(running.connect().await);
    }
    // The 51st connects (the kernel's backlog holds it) but is not served while 50 are open.
    let mut waiting = running.connect().await;
    waiting.write_all(STATUS).await.unwrap();
    assert!(
        silent_for(&mut waiting, Duration::from_millis(700)).await,
        "answered beyond the cap"
    );
    // Once the idle connections time out, it is served: back-pressure, not refusal.
    assert_eq!(read_answer(&mut waiting).await.status, 200);
    for mut stream in idle {
        closed(&mut stream).await;
    }
    running.stop().await;
}

#[tokio::test]
async fn shutdown_closes_idle_connections_without_waiting_for_their_timeout() {
    let running = Running::start(timeouts(60_000, 60_000, 60_000)).await;
    let (answer, mut kept) = exchange(&running, STATUS).await;
    assert_eq!(answer.status, 200);
    let started = Instant::now();
    running.stop().await;
    closed(&mut kept).await;
    assert!(started.elapsed() < Duration::from_secs(30));
}
