//! Finding a Python with the test servers' modules, and child processes that die with the test.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// Names the Python to use (`scripts/test` points it at its virtualenv).
pub const PYTHON_VAR: &str = "CARILLON_TEST_PYTHON";

/// Whether tests run in CI (`CI` set to anything but empty, `0` or `false`), where a missing
/// Python or database is a failure, never a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.as_str(), "" | "0" | "false"))
}

/// A Python that can import `module`: `CARILLON_TEST_PYTHON` when set, else
/// `~/.cache/carillon-test-venv`'s, else `python3`. `None` (after saying on stderr that
/// `tests` are skipped) when there is none, outside CI only: in CI it panics.
pub fn python_with(module: &str, tests: &str) -> Option<PathBuf> {
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
            .args(["-c", &format!("import {module}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if imports {
            return Some(python.clone());
        }
    }
    let message = format!(
        "no Python with {module} among {candidates:?}: run scripts/test, or `python3 -m venv \
         ~/.cache/carillon-test-venv && ~/.cache/carillon-test-venv/bin/pip install -r \
         crates/carillon-test-support/python/requirements.txt`, or set {PYTHON_VAR}"
    );
    assert!(!in_ci(), "{tests} may not be skipped in CI: {message}");
    eprintln!("SKIPPING {tests}: {message}");
    None
}

/// Kills a child process when dropped, so a failed assertion leaves nothing running.
#[derive(Debug)]
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
