//! The `carillon` program's hardening: errors without backtraces, and files only its owner reads.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::binary::{BIN, carillon};

#[test]
fn errors_print_their_chain_never_a_backtrace() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = carillon(dir.path()).arg("migrate").output().unwrap();
    assert!(migrated.status.success());
    let output = carillon(dir.path())
        .args(["service", "show"])
        .env("RUST_BACKTRACE", "1")
        .env("RUST_LIB_BACKTRACE", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .lines()
            .any(|line| line.starts_with("error: ") && line.contains("no service yet")),
        "{stderr}"
    );
    assert!(!stderr.to_lowercase().contains("backtrace"), "{stderr}");

    // A usage error keeps clap's exit code.
    let output = carillon(dir.path()).arg("--no-such-flag").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs `carillon --data-dir <dir> <args>` under `umask 000`.
fn under_open_umask(dir: &Path, args: &str) {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("umask 000; exec \"$0\" --data-dir \"$1\" {args}"))
        .arg(BIN)
        .arg(dir)
        .env_remove("CARILLON_DATABASE_URL")
        .env_remove("CARILLON_MASTER_KEY")
        .env("CARILLON_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_data_directory_and_database_are_private_whatever_the_umask() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    under_open_umask(&dir, "migrate");
    under_open_umask(&dir, "service create --name Private --email-from private");
    assert_eq!(mode(&dir), 0o700, "the data directory");
    for name in ["carillon.db", "carillon.db-wal", "carillon.db-shm"] {
        let path = dir.join(name);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{name}");
        }
    }
    assert!(dir.join("carillon.db").exists());
}
