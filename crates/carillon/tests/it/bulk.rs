//! POST /v2/notifications/bulk: GC Notify's job object, every error message in GC Notify's
//! order, scheduled and cancelled jobs, limits, and delivery of every row.

use carillon_domain::{JobId, JobStatus, NotificationStatus, Service};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::harness::{TestApp, messages};
use crate::on_both_backends;

fn bulk(app: &TestApp, extra: Value) -> Value {
    let mut body = json!({"name": "people.csv", "template_id": app.email_template.id.to_string()});
    if let Value::Object(extra) = extra {
        for (key, value) in extra {
            body[key] = value;
        }
    }
    body
}

async fn refused(app: &TestApp, body: &Value) -> String {
    let (status, answer) = app.post("/v2/notifications/bulk", &app.live, body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["errors"][0]["error"], "BadRequestError", "{answer}");
    messages(&answer).join(" | ")
}

fn people(n: usize) -> String {
    let mut csv = String::from("email address,name,code,reference\n");
    for i in 0..n {
        csv.push_str(&format!("person{i}@example.ca,Person {i},{i},ref-{i}\n"));
    }
    csv
}

pub(crate) async fn set_limits(app: &TestApp, daily: u32, annual: u64) {
    let service = Service {
        email_daily_limit: daily,
        email_annual_limit: annual,
        ..app.store.service(app.service.id).await.unwrap().unwrap()
    };
    app.store.update_service(&service).await.unwrap();
}

on_both_backends! {
    rows_and_csv_make_gc_jobs_delivered_row_by_row(app) {
        set_limits(app, 1_000, 1_000).await;
        let rows = json!([["email address", "name", "code"], ["a@example.ca", "Ada", "1"], ["b@example.ca", "Bo", "2"]]);
        let (status, answer) = app.post("/v2/notifications/bulk", &app.live, &bulk(app, json!({"rows": rows}))).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let job = &answer["data"];
        assert_eq!(job["job_status"], "pending");
        assert_eq!(job["notification_count"], 2);
        assert_eq!(job["original_file_name"], "people.csv");
        assert_eq!(job["template"], app.email_template.id.to_string());
        assert_eq!(job["template_type"], "email");
        assert_eq!(job["template_version"], 1);
        assert_eq!(job["service"], app.service.id.to_string());
        assert_eq!(job["service_name"], json!({"name": "Test Service"}));
        assert_eq!(job["api_key"], json!({"id": app.live.id.to_string(), "key_type": "normal", "name": "live key"}));
        assert_eq!(job["created_by"], json!({"id": "6af522d0-2915-4e52-83a3-3690455a5fe6", "name": "Notify service user"}));
        assert_eq!(job["archived"], false);
        for null in ["scheduled_for", "processing_started", "processing_finished", "updated_at", "sender_id"] {
            assert_eq!(job[null], Value::Null, "{null}");
        }
        assert!(job["created_at"].as_str().unwrap().ends_with("+00:00"));

        let (status, answer) = app.post("/v2/notifications/bulk", &app.live, &bulk(app, json!({"csv": people(50)}))).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let id = JobId::parse(answer["data"]["id"].as_str().unwrap()).unwrap();
        assert_eq!(app.store.job_counts(app.service.id, id).await.unwrap(), vec![(NotificationStatus::Created, 50)]);

        let worker = app.worker();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while app.store.outbox(1_000, None).await.unwrap().len() < 52 {
            assert!(std::time::Instant::now() < deadline, "rows left undelivered");
            worker.run_once().await.unwrap();
        }
        let outbox = app.store.outbox(1_000, None).await.unwrap();
        assert_eq!(outbox.len(), 52);
        let mut to: Vec<&str> = outbox.iter().map(|m| m.to.as_str()).collect();
        to.sort_unstable();
        to.dedup();
        assert_eq!(to.len(), 52, "every row once");
        let ada = outbox.iter().find(|m| m.to == "a@example.ca").unwrap();
        assert_eq!(ada.subject.as_deref(), Some("Hello Ada"));
        // The `reference` column is each row's client reference.
        let (_, listed) = app.get("/v2/notifications?reference=ref-7", &app.live).await;
        assert_eq!(listed["notifications"][0]["email_address"], "person7@example.ca", "{listed}");

        app.store.advance_jobs(OffsetDateTime::now_utc()).await.unwrap();
        app.store.advance_jobs(OffsetDateTime::now_utc()).await.unwrap();
        let job = app.store.job(app.service.id, id).await.unwrap().unwrap();
        assert_eq!(job.status, JobStatus::Finished);
        assert_eq!(app.store.job_counts(app.service.id, id).await.unwrap(), vec![(NotificationStatus::Delivered, 50)]);
    }

    scheduled_jobs_wait_and_can_be_cancelled(app) {
        set_limits(app, 3, 1_000).await;
        let at = OffsetDateTime::now_utc() + time::Duration::hours(1);
        let text = carillon_api::format_datetime(at);
        let (status, answer) = app.post("/v2/notifications/bulk", &app.live, &bulk(app, json!({"csv": people(3), "scheduled_for": text}))).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        assert_eq!(answer["data"]["job_status"], "scheduled");
        assert!(answer["data"]["scheduled_for"].as_str().unwrap().ends_with("+00:00"));
        assert_eq!(app.worker().run_once().await.unwrap(), 0, "not before its time");
        let id = JobId::parse(answer["data"]["id"].as_str().unwrap()).unwrap();
        assert_eq!(
            refused(app, &bulk(app, json!({"csv": people(1)}))).await,
            "You only have 0 remaining messages before you reach your daily limit. You've tried to send 1 messages."
        );
        let cancelled = app.store.cancel_job(app.service.id, id, OffsetDateTime::now_utc()).await.unwrap();
        assert_eq!(cancelled.status, JobStatus::Cancelled);
        assert!(app.store.job_counts(app.service.id, id).await.unwrap().is_empty());
        // Its three messages are given back to the day's limit: they can be sent now.
        let (status, answer) = app.post("/v2/notifications/bulk", &app.live, &bulk(app, json!({"csv": people(3)}))).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }

    request_errors_in_gc_order(app) {
        let (status, answer) = app.post("/v2/notifications/bulk", &app.live, &json!({"rows": "x", "zz": 1})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(messages(&answer), vec![
            "rows x is not of type array",
            "template_id is a required property",
            "name is a required property",
            "Additional properties are not allowed (zz was unexpected)",
        ]);
        assert_eq!(refused(app, &bulk(app, json!({}))).await, "You should specify either rows or csv");
        assert_eq!(refused(app, &bulk(app, json!({"rows": [["a"], ["b"]], "csv": "a\nb"}))).await, "You should specify either rows or csv");
        let missing = json!({"name": "x", "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6", "csv": "a\nb"});
        assert_eq!(refused(app, &missing).await, "Template not found");
        let reply_to = "0b0d0a49-67a8-4d2f-a6e5-0f6c2bd7e9a1";
        assert_eq!(
            refused(app, &bulk(app, json!({"csv": people(1), "reply_to_id": reply_to}))).await,
            format!("email_reply_to_id {reply_to} does not exist in database for service id {}", app.service.id)
        );
        assert_eq!(refused(app, &bulk(app, json!({"csv": "name\nAda"}))).await, "Missing column headers: code, email address");
        assert_eq!(
            refused(app, &bulk(app, json!({"csv": "email address,Email_Address,name,code\na@b.ca,a@b.ca,A,1"}))).await,
            "Duplicate column headers: Email_Address, email address"
        );
        let huge = format!("email address,name,code\na@b.ca,{},1", "x".repeat(131_073));
        assert_eq!(
            refused(app, &bulk(app, json!({"csv": huge}))).await,
            "Error converting to CSV: field larger than field limit (131072)"
        );
    }

    row_errors_as_gc_lists_them(app) {
        let rows = json!([
            ["email address", "name", "code"],
            ["foo@example.com", "Foo", "1"],
            ["bar@example.com"],
            ["nope", "nope", "1"],
            ["baz@example.com", "", "1"],
            ["baz@example.com", " ", "1"],
        ]);
        assert_eq!(
            refused(app, &bulk(app, json!({"rows": rows}))).await,
            "Some rows have errors. Row 1 - `name`: Missing,`code`: Missing. Row 2 - `email address`: invalid recipient. Row 3 - `name`: Missing. Row 4 - `name`: Missing."
        );
        let long = "x".repeat(600);
        let sms = json!({"name": "texts", "template_id": app.sms_template.id.to_string(),
            "rows": [["phone number", "name", "code"], ["6135550123", "A", "1"], ["6135550124", long, "1"]]});
        assert_eq!(
            refused(app, &sms).await,
            "Row 2 - has a character count greater than 612 characters. Some messages may be too long due to custom content."
        );
    }

    limits_are_checked_for_the_whole_file(app) {
        set_limits(app, 2, 1).await;
        assert_eq!(
            refused(app, &bulk(app, json!({"csv": people(3)}))).await,
            "You only have 1 remaining messages before you reach your annual limit. You've tried to send 3 messages."
        );
        set_limits(app, 2, 100).await;
        assert_eq!(
            refused(app, &bulk(app, json!({"csv": people(3)}))).await,
            "You only have 2 remaining messages before you reach your daily limit. You've tried to send 3 messages."
        );
        let (status, _) = app.post("/v2/notifications/bulk", &app.live, &bulk(app, json!({"csv": people(2)}))).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(
            refused(app, &bulk(app, json!({"csv": people(1)}))).await,
            "You only have 0 remaining messages before you reach your daily limit. You've tried to send 1 messages."
        );
        let small = app.another_server(carillon_server::ServerSettings {
            bulk_max_rows: 3,
            cache_ttl: std::time::Duration::ZERO,
            ..crate::harness::default_settings()
        }).await;
        set_limits(app, 1_000, 1_000).await;
        let response = reqwest::Client::new()
            .post(format!("{small}/v2/notifications/bulk"))
            .header("Authorization", app.api_key_header(&app.live))
            .json(&bulk(app, json!({"csv": people(4)})))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(messages(&answer), vec!["Too many rows. Maximum number of rows allowed is 3"]);
    }

    team_keys_reach_only_the_safelist(app) {
        let (status, answer) = app.post("/v2/notifications/bulk", &app.team, &bulk(app, json!({"csv": people(1)}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(messages(&answer), vec!["You cannot send to these recipients because you used a team and safelist API key."]);
    }
}

const CRASH_ROWS: usize = 3_000;

on_both_backends! {
    a_job_survives_a_killed_worker_without_duplicates_or_gaps(app) {
        use std::time::{Duration, Instant};
        set_limits(app, 100_000, 100_000).await;
        let (status, answer) = app.post("/v2/notifications/bulk", &app.live, &bulk(app, json!({"csv": people(CRASH_ROWS)}))).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let id = JobId::parse(answer["data"]["id"].as_str().unwrap()).unwrap();
        let data_dir = tempfile::tempdir().unwrap();
        let mut first = crate::crash::start_worker(app, data_dir.path());
        let deadline = Instant::now() + Duration::from_secs(60);
        while crate::crash::delivered(app).await == 0 {
            assert!(Instant::now() < deadline, "the first worker delivered nothing");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        first.kill().unwrap();
        first.wait().unwrap();
        let at_kill = crate::crash::delivered(app).await;
        assert!(at_kill < CRASH_ROWS, "the worker finished before it could be killed");
        let mut second = crate::crash::start_worker(app, data_dir.path());
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let counts = app.store.job_counts(app.service.id, id).await.unwrap();
            if counts == vec![(NotificationStatus::Delivered, CRASH_ROWS as u64)] {
                break;
            }
            assert!(Instant::now() < deadline, "job stuck at {counts:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The restarted worker's housekeeping moves the job on.
        let deadline = Instant::now() + Duration::from_secs(30);
        while app.store.job(app.service.id, id).await.unwrap().unwrap().status != JobStatus::Finished {
            assert!(Instant::now() < deadline, "the job never finished");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        second.kill().unwrap();
        second.wait().unwrap();
        let outbox = app.store.outbox(100_000, None).await.unwrap();
        let mut to: Vec<&str> = outbox.iter().map(|m| m.to.as_str()).collect();
        to.sort_unstable();
        to.dedup();
        assert_eq!((outbox.len(), to.len()), (CRASH_ROWS, CRASH_ROWS), "each row exactly once");
    }
}

pub(crate) fn carillon(app: &TestApp, args: &[&str]) -> std::process::Output {
    let (settings, env) = app.process_settings();
    let data_dir = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_carillon"));
    command
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(&settings)
        .args(args)
        .envs(env)
        .env("CARILLON_LOG", "warn");
    output_within(command, std::time::Duration::from_secs(120))
}

/// Runs `command` to its end, killing it (and failing the test) after `limit`: send-bulk
/// follows its job for as long as it takes, so a test whose job never ends must not hang.
pub(crate) fn output_within(
    mut command: std::process::Command,
    limit: std::time::Duration,
) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run carillon");
    // Read both pipes while it runs, so a chatty child never blocks on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
            panic!("carillon did not finish within {limit:?}: {stderr}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

on_both_backends! {
    send_bulk_checks_sends_and_follows_a_file(app) {
        set_limits(app, 1_000, 1_000).await;
        let _worker = crate::send_bulk_worker::worker(app);
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "email address,name,code\na@example.ca,Ada,1\nnope,,1\n").unwrap();
        let template = app.email_template.id.to_string();
        let out = carillon(app, &["send-bulk", bad.to_str().unwrap(), "--template", &template]);
        assert!(!out.status.success());
        let report = String::from_utf8_lossy(&out.stderr);
        assert!(report.contains("row 3, column \"email address\": Not a valid email address"), "{report}");
        assert!(report.contains("row 3, column \"name\": Missing"), "{report}");
        assert!(report.contains("Some rows have errors. Row 1 - `email address`: invalid recipient,`name`: Missing."), "{report}");
        assert!(app.store.jobs(app.service.id).await.unwrap().is_empty());

        let tsv = dir.path().join("people.tsv");
        std::fs::write(&tsv, "email address\tname\tcode\na@example.ca\tAda\t1\nb@example.ca\tBo\t2\n").unwrap();
        let out = carillon(app, &["send-bulk", tsv.to_str().unwrap(), "--template", &template]);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{stdout}{stderr}");
        assert!(stdout.contains(" pending") && stdout.contains("2 delivered"), "{stdout}");
        // Not a terminal: plain progress lines.
        assert!(stderr.contains("2/2 sent (100%)"), "{stderr}");
        assert_eq!(app.store.outbox(10, None).await.unwrap().len(), 2);

        let later = carillon_api::format_datetime(OffsetDateTime::now_utc() + time::Duration::hours(2));
        let later = later.replace(".000000Z", "Z");
        let out = carillon(app, &["send-bulk", tsv.to_str().unwrap(), "--template", &template, "--scheduled-for", &later, "--json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let job: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(job["job_status"], "scheduled");
        assert_eq!(job["api_key"], Value::Null);
        let id = job["id"].as_str().unwrap();
        let service = app.service.id.to_string();
        let out = carillon(app, &["job", "cancel", "--service", &service, id]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("job {id} cancelled"));
    }
}

const SMTP_ROWS: usize = 200;

on_both_backends! {
    send_bulk_delivers_every_row_to_a_real_smtp_server(app) {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};
        let Some(python) = crate::smtp::python() else { return };
        set_limits(app, 1_000, 1_000).await;
        let sink_dir = tempfile::tempdir().unwrap();
        let sink = Command::new(python)
            .arg(carillon_test_support::smtp::SINK_SCRIPT)
            .arg(sink_dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the SMTP sink");
        let mut sink = crate::smtp::KillOnDrop(sink);
        let mut port = String::new();
        BufReader::new(sink.0.stdout.take().unwrap()).read_line(&mut port).unwrap();
        let provider = format!("smtp://127.0.0.1:{}", port.trim());
        let _worker = crate::send_bulk_worker::serve(app, &["--email-provider", &provider], &["--role", "worker"]);

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("people.csv");
        std::fs::write(&file, people(SMTP_ROWS)).unwrap();
        let template = app.email_template.id.to_string();
        let out = carillon(app, &["--email-provider", &provider, "send-bulk", file.to_str().unwrap(), "--template", &template]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        // Handed to SMTP: `sending` (an SMTP server's acceptance is not a delivery receipt).
        assert!(stdout.contains(&format!("{SMTP_ROWS} sending")), "{stdout}");
        let mut ids: Vec<String> = std::fs::read_dir(sink_dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .map(|p| {
                let raw = String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
                raw.lines().find(|l| l.starts_with("Message-ID:")).unwrap().to_owned()
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SMTP_ROWS, "every row once");
    }
}
