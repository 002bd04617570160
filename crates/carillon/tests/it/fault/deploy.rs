//! The deployment under test: `carillon serve --role api` and `carillon serve --role worker`
//! as separate processes on one database, email through the SMTP provider to the real SMTP
//! sink, and a service, live key and email template made with the admin commands.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use carillon_crypto::MasterKey;
use carillon_domain::{KeyType, NotificationFilter, NotificationId, NotificationStatus, ServiceId};
use carillon_server::{Database, OpenMode};
use carillon_store::Store;
use carillon_test_support::KillOnDrop;
use carillon_test_support::smtp::SmtpSink;
use serde_json::Value;

use crate::binary::BIN;

/// The worker's claim: long enough that no batch outlives it (a PostgreSQL restart included)
/// on a slow, shared CI machine (the SMTP sink, one Python thread, takes a batch of 200 in
/// ten seconds there), short enough that a killed worker's rows come back within the test.
/// A batch that outlives its lease is claimed and sent again by the next claim.
pub(super) const LEASE_SECONDS: u32 = 30;

/// Where the processes' database, key, logs and SMTP server are.
struct Env {
    database_url: String,
    master_key: MasterKey,
    data: tempfile::TempDir,
    smtp_port: u16,
}

impl Env {
    /// `carillon` on this database, logging warnings to `log` in the data directory.
    fn carillon(&self, log: &str) -> Command {
        let mut command = Command::new(BIN);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data.path().join(log))
            .unwrap();
        command
            .arg("--data-dir")
            .arg(self.data.path())
            .args(["--database-url", &self.database_url])
            .args([
                "--email-provider",
                &format!("smtp://127.0.0.1:{}", self.smtp_port),
            ])
            .args(["--sending-domain", "fault.example.ca"])
            .env("CARILLON_MASTER_KEY", self.master_key.to_base64())
            .env("CARILLON_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::from(log));
        command
    }

    /// Runs an admin command with `--json` and returns what it printed.
    fn admin(&self, args: &[&str]) -> Value {
        let output = self
            .carillon("admin.log")
            .args(args)
            .arg("--json")
            .stdout(Stdio::piped())
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}: {}", self.logs());
        serde_json::from_slice(&output.stdout).unwrap()
    }

    /// The last lines of every process's log, for failure messages.
    fn logs(&self) -> String {
        let mut names: Vec<_> = std::fs::read_dir(self.data.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "log"))
            .collect();
        names.sort();
        let mut text = String::new();
        for name in names {
            let log = std::fs::read_to_string(&name).unwrap_or_default();
            let lines: Vec<_> = log.lines().collect();
            let tail = lines[lines.len().saturating_sub(20)..].join("\n");
            text.push_str(&format!("\n--- {}:\n{tail}", file_name(&name)));
        }
        text
    }
}

/// What the load needs to send.
pub(super) struct Seeded {
    pub(super) service: ServiceId,
    /// `ApiKey-v1 …` for the live key.
    pub(super) auth: String,
    pub(super) template: String,
}

/// A live service whose limits the load cannot reach, its live key and email template.
fn seed(env: &Env) -> Seeded {
    let service = env.admin(&[
        "service",
        "create",
        "--name",
        "Fault",
        "--email-from",
        "fault",
        "--live",
    ]);
    let id = service["id"].as_str().unwrap().to_owned();
    let high = "100000000";
    env.admin(&[
        "service",
        "update",
        "--service",
        &id,
        "--rate-limit",
        high,
        "--email-daily-limit",
        high,
        "--email-annual-limit",
        high,
    ]);
    let key = env.admin(&[
        "api-key",
        "create",
        "--service",
        &id,
        "--name",
        "load",
        "--type",
        "live",
    ]);
    let template = env.admin(&[
        "template",
        "create",
        "--service",
        &id,
        "--type",
        "email",
        "--name",
        "Code",
        "--subject",
        "Your code, ((name))",
        "--content",
        "Hello ((name)),\n\nYour code is **((code))**.",
    ]);
    Seeded {
        service: ServiceId::parse(&id).unwrap(),
        auth: format!("ApiKey-v1 {}", key["key"].as_str().unwrap()),
        template: template["id"].as_str().unwrap().to_owned(),
    }
}

pub(super) struct Deployment {
    env: Env,
    pub(super) sink: SmtpSink,
    pub(super) api_url: String,
    _api: KillOnDrop,
    worker: Option<KillOnDrop>,
    workers_started: usize,
    /// The test's own connection to the database, to read statuses as an operator would.
    pub(super) store: Arc<dyn Store>,
    pub(super) seeded: Seeded,
}

impl Deployment {
    /// Seeds `database_url` (SQLite when `None`: a file in the data directory), starts the API
    /// process and one worker process.
    pub(super) async fn start(database_url: Option<String>) -> Self {
        let data = tempfile::tempdir().unwrap();
        let database_url = database_url
            .unwrap_or_else(|| format!("sqlite://{}", data.path().join("carillon.db").display()));
        let sink = SmtpSink::start(&[]).expect("the SMTP sink (CI provides aiosmtpd)");
        let env = Env {
            database_url,
            master_key: MasterKey::generate(),
            data,
            smtp_port: sink.port,
        };
        let seeded = seed(&env);
        let database = match env.database_url.strip_prefix("sqlite://") {
            Some(path) => Database::Sqlite(PathBuf::from(path)),
            None => Database::Postgres(env.database_url.clone()),
        };
        let store = carillon_server::open_store(&database, &env.master_key, OpenMode::Existing)
            .await
            .expect("open the database");
        let port = free_port();
        let api = env
            .carillon("api.log")
            .args([
                "serve",
                "--role",
                "api",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .spawn()
            .expect("start the API process");
        let mut deployment = Self {
            env,
            sink,
            api_url: format!("http://127.0.0.1:{port}"),
            _api: KillOnDrop(api),
            worker: None,
            workers_started: 0,
            store,
            seeded,
        };
        deployment.wait_for_api().await;
        deployment.start_worker();
        deployment
    }

    pub(super) fn logs(&self) -> String {
        self.env.logs()
    }

    async fn wait_for_api(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = reqwest::Client::new();
        loop {
            let status = client.get(format!("{}/_status", self.api_url)).send().await;
            if status.is_ok_and(|s| s.status().is_success()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the API did not start: {}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub(super) fn start_worker(&mut self) {
        self.workers_started += 1;
        let log = format!("worker-{}.log", self.workers_started);
        let lease = LEASE_SECONDS.to_string();
        let worker = self
            .env
            .carillon(&log)
            .args([
                "serve",
                "--role",
                "worker",
                "--worker-lease-seconds",
                &lease,
            ])
            .spawn()
            .expect("start a worker process");
        self.worker = Some(KillOnDrop(worker));
    }

    /// `kill -9` of the worker process, waiting until it is gone.
    pub(super) fn kill_worker(&mut self) {
        let mut worker = self.worker.take().expect("a running worker");
        worker.0.kill().unwrap();
        worker.0.wait().unwrap();
    }

    /// The notifications (of the live key) whose status is `status`.
    pub(super) async fn with_status(&self, status: NotificationStatus) -> Vec<NotificationId> {
        let filter = NotificationFilter {
            statuses: vec![status],
            key_type: Some(KeyType::Normal),
            limit: 1_000_000,
            ..NotificationFilter::default()
        };
        let found = self
            .store
            .notifications(self.seeded.service, &filter)
            .await
            .unwrap();
        found.into_iter().map(|n| n.id).collect()
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Reads the sink's messages, each file once: how many copies of each notification arrived
/// (the SMTP provider's `Message-ID` is `<{notification id}@{domain}>`).
#[derive(Default)]
pub(super) struct Arrivals {
    seen: HashMap<PathBuf, String>,
}

impl Arrivals {
    pub(super) fn read(&mut self, sink: &SmtpSink) -> HashMap<String, usize> {
        for entry in std::fs::read_dir(sink.dir()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|x| x != "eml") || self.seen.contains_key(&path) {
                continue;
            }
            let raw = std::fs::read(&path).unwrap();
            let id = message_id(&String::from_utf8_lossy(&raw))
                .unwrap_or_else(|| panic!("no Message-ID in {}", path.display()));
            self.seen.insert(path, id);
        }
        let mut counts = HashMap::new();
        for id in self.seen.values() {
            *counts.entry(id.clone()).or_insert(0) += 1;
        }
        counts
    }
}

/// The notification id in a message's `Message-ID: <id@domain>` header.
fn message_id(raw: &str) -> Option<String> {
    raw.lines()
        .take_while(|line| !line.is_empty())
        .find(|line| line.to_ascii_lowercase().starts_with("message-id:"))
        .and_then(|line| line.split_once('<'))
        .and_then(|(_, rest)| rest.split_once('@'))
        .map(|(id, _)| id.to_owned())
}
