//! `python/smtp_sink.py` (aiosmtpd): an SMTP server on a free loopback port that keeps every
//! message it accepts as files, for as long as the test holds it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

use tempfile::TempDir;

use crate::python_with;

/// The script; its docstring lists its options (`--auth`, `--slow-seconds`, `--smtputf8`,
/// `--tls-cert`/`--tls-key`, `--implicit-tls`).
pub const SINK_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/smtp_sink.py");

/// The running sink; dropping it stops it.
#[derive(Debug)]
pub struct SmtpSink {
    child: Child,
    /// Closing it tells the sink to stop.
    stdin: Option<ChildStdin>,
    dir: TempDir,
    /// Where it listens, on 127.0.0.1.
    pub port: u16,
}

/// A message the sink kept.
#[derive(Debug, Clone)]
pub struct SunkMessage {
    /// The bytes after DATA.
    pub raw: Vec<u8>,
    /// `{"mail_from", "rcpt_tos", "peer"}` (peer: the client's address and port).
    pub meta: serde_json::Value,
}

impl SmtpSink {
    /// Starts the sink with `args` (the script's options), or `None` when no Python with
    /// aiosmtpd is found here (never in CI).
    pub fn start(args: &[&str]) -> Option<Self> {
        let python = python_with("aiosmtpd", "the SMTP test")?;
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(python)
            .arg(SINK_SCRIPT)
            .arg(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the SMTP sink printed {line:?}, not its port"));
        let stdin = child.stdin.take();
        Some(Self {
            child,
            stdin,
            dir,
            port,
        })
    }

    /// Where the messages are kept (`NNNNNN.eml` beside `NNNNNN.json`).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The messages kept so far, in the order they arrived.
    pub fn messages(&self) -> Vec<SunkMessage> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|path| SunkMessage {
                raw: std::fs::read(&path).unwrap(),
                meta: serde_json::from_slice(&std::fs::read(path.with_extension("json")).unwrap())
                    .unwrap(),
            })
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
