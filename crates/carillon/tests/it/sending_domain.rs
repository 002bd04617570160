//! A new install sends from a placeholder domain, never another organisation's, and says so at
//! start when email goes to a real provider without `--sending-domain`.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::binary::{carillon, stop};

/// Starts `carillon serve` with `extra` settings and returns the log lines printed before it
/// serves HTTP.
fn lines_at_start(extra: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut child = carillon(dir.path())
        .args(extra)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("CARILLON_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kept open until the program has stopped, so its last lines have somewhere to go.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        let read = stderr.read_line(&mut line).unwrap();
        assert!(read > 0, "carillon ended before serving: {lines:#?}");
        if line.contains("serving HTTP") {
            break;
        }
        lines.push(line);
    }
    stop(child);
    lines
}

#[test]
fn a_real_email_provider_without_a_sending_domain_is_warned_about_at_start() {
    let smtp = ["--email-provider", "smtp://127.0.0.1:2525"];
    let lines = lines_at_start(&smtp);
    let warning = lines
        .iter()
        .find(|line| line.contains("no sending domain is set"))
        .unwrap_or_else(|| panic!("no warning in {lines:#?}"));
    assert!(warning.contains("WARN"), "{warning}");
    assert!(
        warning.contains("@sending-domain-not-set.invalid"),
        "{warning}"
    );
    assert!(warning.contains("--sending-domain"), "{warning}");

    let set = [&smtp[..], &["--sending-domain", "notify.example.ca"]].concat();
    let lines = lines_at_start(&set);
    assert!(
        !lines.iter().any(|l| l.contains("sending domain")),
        "{lines:#?}"
    );
    // The outbox sends nothing anywhere: no warning either.
    let lines = lines_at_start(&[]);
    assert!(
        !lines.iter().any(|l| l.contains("sending domain")),
        "{lines:#?}"
    );
}
