//! `carillon send-bulk` with spreadsheets, which it reads in a child process with resource
//! limits: workbooks read and sent exactly as when they were read in process, and the inputs
//! that make calamine abort or reserve huge memory refused with a clear error, nothing stored.

use std::path::{Path, PathBuf};

use carillon_bulk::{Format, Options, TemplateSpec, read_rows};
use carillon_domain::{NewTemplate, NotificationStatus, NotificationType, ProcessType, TemplateId};
use time::OffsetDateTime;

use crate::bulk::{carillon, set_limits};
use crate::on_both_backends;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../carillon-bulk/tests/fixtures")
        .join(name)
}

fn fuzz_input(dir: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(dir)
        .join("bulk_spreadsheet")
        .join(name)
}

/// A copy of `from` named with `extension`, as an operator would save it.
fn named(dir: &Path, from: &Path, extension: &str) -> PathBuf {
    let to = dir.join(format!(
        "{}.{extension}",
        from.file_name().unwrap().to_string_lossy()
    ));
    std::fs::copy(from, &to).unwrap();
    to
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

on_both_backends! {
    send_bulk_reports_workbooks_as_read_in_process(app) {
        set_limits(app, 1_000, 1_000).await;
        let template = app.email_template.id.to_string();
        for name in ["rows.xlsx", "rows.xls", "rows.ods"] {
            let file = fixture(name);
            let out = carillon(app, &["send-bulk", file.to_str().unwrap(), "--template", &template]);
            assert!(!out.status.success(), "{name}");
            // The same report, line for line, as checking the rows read here gives.
            let spec = TemplateSpec {
                kind: NotificationType::Email,
                placeholders: vec!["name".to_owned(), "code".to_owned()],
                sms_content_chars: None,
            };
            let bytes = std::fs::read(&file).unwrap();
            let report = carillon_bulk::check(read_rows(&bytes, Format::Spreadsheet).unwrap(), spec, Options::default(), |_| {}).unwrap();
            let printed = stderr(&out);
            assert!(printed.starts_with(&report.to_string()), "{name}: {printed}\n---\n{report}");
            assert!(printed.contains("row 4, column \"email address\": Not a valid email address"), "{name}: {printed}");
            assert!(printed.contains("not sent: "), "{name}: {printed}");
        }
        assert!(app.store.jobs(app.service.id).await.unwrap().is_empty());
    }

    send_bulk_sends_workbooks_of_every_format(app) {
        set_limits(app, 1_000, 1_000).await;
        let _worker = crate::send_bulk_worker::worker(app);
        let dates = app.store.create_template(
            &NewTemplate {
                id: TemplateId::new(),
                service_id: app.service.id,
                name: "Dates".into(),
                kind: NotificationType::Email,
                subject: Some("On ((date))".into()),
                content: "((when)), ((time)), for ((duration))".into(),
                category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
                process_type_override: None,
                created_by: None,
            },
            OffsetDateTime::now_utc(),
        ).await.unwrap();
        let template = dates.id.to_string();
        for name in ["dates.xlsx", "dates.xls", "dates.ods"] {
            let out = carillon(app, &["send-bulk", fixture(name).to_str().unwrap(), "--template", &template]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{name}: {stdout}{}", stderr(&out));
            assert!(stdout.contains("2 delivered"), "{name}: {stdout}");
        }
        let outbox = app.store.outbox(100, None).await.unwrap();
        assert_eq!(outbox.len(), 6);
        for message in &outbox {
            // Dates, times and durations as typed, from every format.
            let expected = match message.to.as_str() {
                "one@example.ca" => ("On 2026-11-22", "2026-11-22 14:30, 09:05, for 36:30"),
                "two@example.ca" => ("On 2027-01-05", "2027-01-05 08:00:15, 23:59:30, for 00:45"),
                other => panic!("sent to {other}"),
            };
            assert_eq!(message.subject.as_deref(), Some(expected.0));
            assert!(message.text.contains(expected.1), "{}", message.text);
        }
        for job in app.store.jobs(app.service.id).await.unwrap() {
            assert_eq!(app.store.job_counts(app.service.id, job.id).await.unwrap(), vec![(NotificationStatus::Delivered, 2)]);
        }
    }

    send_bulk_refuses_workbooks_that_abort_or_exhaust_the_reader(app) {
        set_limits(app, 1_000, 1_000).await;
        let template = app.email_template.id.to_string();
        let dir = tempfile::tempdir().unwrap();
        let unsafe_to_read = "the workbook is malformed or too large to read safely";
        let inputs = [
            // calamine reserves ~210 TB for a sheet's DIMENSIONS: the allocation fails and
            // the reader aborts.
            (fuzz_input("isolated", "xls-dimensions-reserve-abort"), [unsafe_to_read, unsafe_to_read]),
            // ~668 MB reserved the same way: within the limit calamine then refuses the
            // workbook (unless the machine will not lend that much address space at all).
            (fuzz_input("isolated", "xls-dimensions-reserve-oom"), ["Cannot detect file format", unsafe_to_read]),
            // Refused by the reader itself, in the child as in process (and not as a child
            // that did not finish).
            (fuzz_input("corpus", "xls-calamine-assert"), ["the workbook is malformed\n"; 2]),
            (fuzz_input("corpus", "xls-cfb-chain-loop"), ["the workbook is malformed\n"; 2]),
        ];
        for (input, expected) in inputs {
            // Workbooks are told apart by their bytes; the name only says "spreadsheet".
            let file = named(dir.path(), &input, "xls");
            let out = carillon(app, &["send-bulk", file.to_str().unwrap(), "--template", &template]);
            let printed = stderr(&out);
            assert!(!out.status.success(), "{}: {printed}", file.display());
            assert!(
                expected.iter().any(|error| printed.contains(&format!(
                    "Error converting to CSV: the file could not be read as a spreadsheet: {error}"
                ))),
                "{}: {printed}",
                file.display()
            );
            assert!(!printed.contains("panicked"), "{printed}");
        }
        assert!(app.store.jobs(app.service.id).await.unwrap().is_empty());
        assert!(app.store.outbox(10, None).await.unwrap().is_empty());
    }
}

#[test]
fn the_reader_is_hidden_from_help() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carillon"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("send-bulk"), "{help}");
    assert!(!help.contains("read-sheet"), "{help}");
}

/// The child sets its limits before it reads a byte: seen from outside while it waits for its
/// input.
#[cfg(target_os = "linux")]
#[test]
fn the_reader_limits_itself_before_reading() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_carillon"))
        .args([
            "read-sheet",
            "--memory-limit",
            "987654321",
            "--cpu-seconds",
            "7",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let proc_limits = format!("/proc/{}/limits", child.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let limit = |text: &str, name: &str| -> Option<String> {
        let line = text.lines().find(|line| line.starts_with(name))?;
        Some(
            line[name.len()..]
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" "),
        )
    };
    loop {
        let text = std::fs::read_to_string(&proc_limits).unwrap();
        if limit(&text, "Max address space").as_deref() == Some("987654321 987654321") {
            assert_eq!(
                limit(&text, "Max cpu time").as_deref(),
                Some("7 8"),
                "{text}"
            );
            assert_eq!(
                limit(&text, "Max core file size").as_deref(),
                Some("0 0"),
                "{text}"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no limits set: {text}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(child.stdin.take());
    // No input is no workbook: a read error, framed, and a clean exit.
    assert!(child.wait().unwrap().success());
}
