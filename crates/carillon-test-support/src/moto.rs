//! `python/moto_server.py`: one moto server (AWS's APIs, faked in memory) per test binary,
//! started on first use.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use crate::python_with;

/// The script.
pub const MOTO_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/moto_server.py");

/// The running server: kept for the life of the test process. Its standard input closes when
/// the process exits, which stops it.
struct Server {
    _child: Mutex<Child>,
    _stdin: Mutex<ChildStdin>,
    url: String,
}

fn start() -> Option<Server> {
    let python = python_with("moto.server", "the AWS tests")?;
    let mut child = Command::new(python)
        .arg(MOTO_SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        // It outlives each test (it stops only once the test process has exited): holding the
        // test's stderr would keep the test's output open after it ends.
        .stderr(Stdio::null())
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
pub fn moto_url() -> Option<String> {
    static SERVER: OnceLock<Option<Server>> = OnceLock::new();
    SERVER.get_or_init(start).as_ref().map(|s| s.url.clone())
}
