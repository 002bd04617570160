//! `carillon user …` end to end: create with a password on standard input or a generated one
//! printed once, list (text and JSON), set a password, grant and revoke platform admin, suspend
//! and resume, and the errors for a duplicate address, a weak password and an unknown account.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_carillon");

fn run(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("CARILLON_DATABASE_URL")
        .env_remove("CARILLON_MASTER_KEY")
        .env("CARILLON_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn ok(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let output = run(data_dir, args, stdin);
    assert!(
        output.status.success(),
        "carillon {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn fails(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let output = run(data_dir, args, stdin);
    assert!(!output.status.success(), "carillon {args:?} succeeded");
    String::from_utf8(output.stderr).unwrap()
}

fn users(data_dir: &Path) -> Vec<Value> {
    let stdout = ok(data_dir, &["user", "list", "--json"], None);
    let Value::Array(users) = serde_json::from_str(&stdout).unwrap() else {
        panic!("{stdout}")
    };
    users
}

#[test]
fn users_are_created_listed_and_changed() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let created = ok(
        dir,
        &[
            "user",
            "create",
            "--email",
            "ada@canada.ca",
            "--name",
            "Ada Lovelace",
            "--password-stdin",
            "--json",
        ],
        Some("a long enough passphrase\n"),
    );
    let created: Value = serde_json::from_str(&created).unwrap();
    assert_eq!(created["state"], "active");
    assert_eq!(created["platform_admin"], false);
    assert!(
        created.get("password").is_none(),
        "a given password is never printed"
    );

    let generated = ok(
        dir,
        &[
            "user",
            "create",
            "--email",
            "admin@canada.ca",
            "--name",
            "Admin",
            "--platform-admin",
        ],
        None,
    );
    let password_line = generated
        .lines()
        .find_map(|line| line.strip_prefix("password (shown once): "))
        .unwrap_or_else(|| panic!("{generated}"));
    assert_eq!(password_line.len(), 43);

    let listed = users(dir);
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["email"], "ada@canada.ca");
    assert_eq!(listed[1]["platform_admin"], true);
    let text = ok(dir, &["user", "list"], None);
    assert!(
        text.contains("admin@canada.ca  Admin  (active)  platform admin"),
        "{text}"
    );
    assert!(!text.contains(password_line), "passwords are never listed");

    let duplicate = fails(
        dir,
        &[
            "user",
            "create",
            "--email",
            "ADA@canada.ca",
            "--name",
            "Ada",
            "--password-stdin",
        ],
        Some("another passphrase"),
    );
    assert!(duplicate.contains("already exists"), "{duplicate}");
    let weak = fails(
        dir,
        &[
            "user",
            "create",
            "--email",
            "bob@canada.ca",
            "--name",
            "Bob",
            "--password-stdin",
        ],
        Some("password"),
    );
    assert!(weak.contains("too common"), "{weak}");
    assert!(!weak.contains("password\n"), "{weak}");

    ok(
        dir,
        &["user", "platform-admin", "--email", "ada@canada.ca"],
        None,
    );
    assert_eq!(users(dir)[0]["platform_admin"], true);
    ok(
        dir,
        &[
            "user",
            "platform-admin",
            "--email",
            "ada@canada.ca",
            "--revoke",
        ],
        None,
    );
    assert_eq!(users(dir)[0]["platform_admin"], false);

    ok(
        dir,
        &["user", "set-password", "--email", "ada@canada.ca"],
        Some("a new passphrase\n"),
    );
    let short = fails(
        dir,
        &["user", "set-password", "--email", "ada@canada.ca"],
        Some("short"),
    );
    assert!(short.contains("at least 8"), "{short}");
    let unknown = fails(
        dir,
        &["user", "set-password", "--email", "nobody@canada.ca"],
        Some("a new passphrase"),
    );
    assert!(unknown.contains("no account"), "{unknown}");
}

#[test]
fn accounts_are_suspended_and_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    ok(
        dir,
        &[
            "user",
            "create",
            "--email",
            "ada@canada.ca",
            "--name",
            "Ada Lovelace",
            "--password-stdin",
        ],
        Some("a long enough passphrase\n"),
    );
    let suspended = ok(dir, &["user", "suspend", "--email", "ADA@canada.ca"], None);
    assert!(suspended.contains("suspended"), "{suspended}");
    assert_eq!(users(dir)[0]["state"], "suspended");
    let resumed = ok(dir, &["user", "resume", "--email", "ada@canada.ca"], None);
    assert!(resumed.contains("active again"), "{resumed}");
    assert_eq!(users(dir)[0]["state"], "active");
    let unknown = fails(
        dir,
        &["user", "suspend", "--email", "nobody@canada.ca"],
        None,
    );
    assert!(unknown.contains("no account"), "{unknown}");
    let invalid = fails(dir, &["user", "resume", "--email", "not an address"], None);
    assert!(invalid.contains("not a valid email address"), "{invalid}");
}
