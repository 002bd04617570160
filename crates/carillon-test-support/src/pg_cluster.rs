//! A throwaway PostgreSQL server of one test's own (initdb into a temporary directory, on a
//! free loopback port), which the test may stop and restart: the shared server on
//! `CARILLON_TEST_POSTGRES_URL` serves every other test and must never be restarted.
//!
//! The server is the test's child process (not daemonised by `pg_ctl`), so it goes with the
//! test. As root, initdb and the server run as the `postgres` account, which PostgreSQL
//! requires. The binaries are found as `scripts/postgres` finds them: the newest
//! `/usr/lib/postgresql/*/bin`, else `initdb` and `postgres` on `PATH`.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection;

use crate::in_ci;

/// A running throwaway server; dropping it stops it and deletes its files.
#[derive(Debug)]
pub struct PgCluster {
    server: Option<Child>,
    bin: PathBuf,
    data: PathBuf,
    /// Where it listens, on 127.0.0.1.
    pub port: u16,
    /// The account it runs as when the test runs as root.
    owner: Option<(u32, u32)>,
    _dir: tempfile::TempDir,
}

impl PgCluster {
    /// Creates and starts a server, or `None` when PostgreSQL is not installed here (never in
    /// CI: there it panics).
    pub async fn start() -> Option<Self> {
        let Some(bin) = binaries() else {
            assert!(
                !in_ci(),
                "PostgreSQL's initdb is not installed: CI must run the PostgreSQL fault tests"
            );
            eprintln!("SKIPPING a PostgreSQL fault test: no initdb in /usr/lib/postgresql/*/bin");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let owner = postgres_account();
        if let Some((uid, gid)) = owner {
            // The account must reach its data directory inside root's temporary one.
            std::fs::set_permissions(
                dir.path(),
                std::os::unix::fs::PermissionsExt::from_mode(0o755),
            )
            .unwrap();
            std::os::unix::fs::chown(&data, Some(uid), Some(gid)).unwrap();
        }
        let mut initdb = Command::new(bin.join("initdb"));
        initdb
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        as_owner(&mut initdb, owner);
        let output = initdb.output().expect("run initdb");
        assert!(
            output.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cluster = Self {
            server: None,
            bin,
            data,
            port,
            owner,
            _dir: dir,
        };
        cluster.run().await;
        Some(cluster)
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Restarts the server as `pg_ctl restart -m fast` does: open connections are ended
    /// (their transactions rolled back) and the server is stopped cleanly, then started
    /// again on the same port. Returns once it accepts connections again.
    pub async fn restart(&mut self) {
        self.stop("-INT");
        self.run().await;
    }

    /// Starts the server and waits (30 s at most) until it accepts connections.
    async fn run(&mut self) {
        let mut server = Command::new(self.bin.join("postgres"));
        server
            .arg("-D")
            .arg(&self.data)
            .args(["-p", &self.port.to_string(), "-k"])
            .arg(&self.data)
            // Disposable data: no flushes. Enough connections for several processes' pools.
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=200",
            ])
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(self.data.join("server.log"))
                    .map_or(Stdio::null(), Stdio::from),
            );
        as_owner(&mut server, self.owner);
        self.server = Some(server.spawn().expect("start postgres"));
        let deadline = Instant::now() + Duration::from_secs(30);
        while sqlx::PgConnection::connect(&self.url()).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "the throwaway PostgreSQL did not start; see {}",
                self.data.join("server.log").display()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends `signal` (`-INT`: fast shutdown, `-QUIT`: immediate) and waits for the server
    /// to exit.
    fn stop(&mut self, signal: &str) {
        let Some(mut server) = self.server.take() else {
            return;
        };
        // The server runs as another account only when we are root, who may signal it.
        let _ = Command::new("kill")
            .args([signal, &server.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = server.kill();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop("-QUIT");
    }
}

/// The directory of `initdb` and `postgres`.
fn binaries() -> Option<PathBuf> {
    let mut installed: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    installed.sort_by_key(|bin| version(bin));
    if let Some(newest) = installed.pop() {
        return Some(newest);
    }
    let on_path = Command::new("initdb")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    // An empty directory makes `join` name the program alone, found on PATH.
    on_path.then(PathBuf::new)
}

/// `/usr/lib/postgresql/15/bin` → 15, so that 16 sorts after 9.6.
fn version(bin: &Path) -> Vec<u32> {
    bin.parent()
        .and_then(Path::file_name)
        .and_then(|name| name.to_str())
        .map(|name| {
            name.split('.')
                .filter_map(|part| part.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The `postgres` account's uid and gid when running as root (initdb refuses root).
fn postgres_account() -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let output = Command::new("id").args([flag, "postgres"]).output().ok()?;
        String::from_utf8_lossy(&output.stdout).trim().parse().ok()
    };
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.starts_with(b"0\n"));
    if !root {
        return None;
    }
    Some((
        id("-u").expect("running as root needs a postgres account"),
        id("-g").expect("the postgres account's group"),
    ))
}

fn as_owner(command: &mut Command, owner: Option<(u32, u32)>) {
    if let Some((uid, gid)) = owner {
        command.uid(uid).gid(gid);
    }
}
