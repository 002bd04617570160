//! `carillon send-bulk` never delivers by itself: a running `carillon serve` sends the job (with
//! its provider, not the outbox), and without one send-bulk says that no worker is running.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use carillon_domain::NotificationStatus;
use carillon_test_support::smtp::SmtpSink;

use crate::bulk::{carillon, set_limits};
use crate::harness::TestApp;
use crate::on_both_backends;
use crate::smtp::KillOnDrop;

/// A `carillon serve` process on the test's database (killed when dropped), with `global`
/// settings before the command and `serve_args` after it.
pub(crate) struct Server {
    _process: KillOnDrop,
    _data_dir: tempfile::TempDir,
}

pub(crate) fn serve(app: &TestApp, global: &[&str], serve_args: &[&str]) -> Server {
    let (settings, env) = app.process_settings();
    let data_dir = tempfile::tempdir().unwrap();
    let process = Command::new(env!("CARGO_BIN_EXE_carillon"))
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(&settings)
        .args(global)
        .arg("serve")
        .args(serve_args)
        .envs(env)
        .env("CARILLON_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start carillon serve");
    Server {
        _process: KillOnDrop(process),
        _data_dir: data_dir,
    }
}

/// A delivery worker process (the outbox provider) for tests that follow a job to its end.
pub(crate) fn worker(app: &TestApp) -> Server {
    serve(app, &[], &["--role", "worker"])
}

fn people(rows: usize) -> String {
    let mut csv = String::from("email address,name,code\n");
    for n in 0..rows {
        csv.push_str(&format!("person{n}@example.ca,Person {n},{n}\n"));
    }
    csv
}

const NO_WORKER: &str = "no worker is running: start `carillon serve` (role all or worker)";

on_both_backends! {
    send_bulk_is_sent_by_a_running_server_with_its_provider(app) {
        let Some(sink) = SmtpSink::start(&[]) else { return };
        set_limits(app, 1_000, 1_000).await;
        let provider = format!("smtp://127.0.0.1:{}", sink.port);
        let _server = serve(app, &["--email-provider", &provider], &["--listen", "127.0.0.1:0"]);

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("people.csv");
        std::fs::write(&file, people(20)).unwrap();
        let template = app.email_template.id.to_string();
        // send-bulk itself uses the default provider (the outbox): nothing may reach it.
        let out = carillon(app, &["send-bulk", file.to_str().unwrap(), "--template", &template]);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{stdout}{stderr}");
        assert!(stdout.contains("20 sending"), "{stdout}");
        assert_eq!(sink.messages().len(), 20, "every row to the SMTP server");
        let outbox = carillon(app, &["outbox", "list", "--json"]);
        assert!(outbox.status.success(), "{}", String::from_utf8_lossy(&outbox.stderr));
        let listed: serde_json::Value = serde_json::from_slice(&outbox.stdout).unwrap();
        assert_eq!(listed, serde_json::json!([]), "nothing to the outbox");
        assert!(app.store.outbox(10, None).await.unwrap().is_empty());

        let jobs = carillon(app, &["job", "list", "--json"]);
        assert!(jobs.status.success(), "{}", String::from_utf8_lossy(&jobs.stderr));
        let jobs: serde_json::Value = serde_json::from_slice(&jobs.stdout).unwrap();
        assert_eq!(jobs[0]["original_file_name"], "people.csv", "{jobs}");
        assert_eq!(jobs[0]["statistics"], serde_json::json!([{"status": "sending", "count": 20}]), "{jobs}");
    }

    send_bulk_says_when_no_worker_runs(app) {
        set_limits(app, 1_000, 1_000).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("people.csv");
        std::fs::write(&file, people(3)).unwrap();
        let template = app.email_template.id.to_string();

        // --no-wait: the job is stored, the warning printed, and the command succeeds.
        let out = carillon(app, &["send-bulk", file.to_str().unwrap(), "--template", &template, "--no-wait"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.contains(NO_WORKER), "{stderr}");
        let jobs = app.store.jobs(app.service.id).await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(
            app.store.job_counts(app.service.id, jobs[0].id).await.unwrap(),
            vec![(NotificationStatus::Created, 3)],
            "nothing sent from send-bulk"
        );

        // Following: it says so at once rather than waiting silently, and keeps following.
        let (settings, env) = app.process_settings();
        let data_dir = tempfile::tempdir().unwrap();
        let mut follow = KillOnDrop(
            Command::new(env!("CARGO_BIN_EXE_carillon"))
                .arg("--data-dir")
                .arg(data_dir.path())
                .args(&settings)
                .args(["send-bulk", file.to_str().unwrap(), "--template", &template])
                .envs(env)
                .env("CARILLON_LOG", "warn")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let stderr = follow.0.stderr.take().unwrap();
        let (lines, seen) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut printed = String::new();
        while !printed.contains(NO_WORKER) {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = seen.recv_timeout(left).unwrap_or_else(|_| panic!("no warning: {printed}"));
            printed.push_str(&line);
            printed.push('\n');
        }
        assert!(follow.0.try_wait().unwrap().is_none(), "still following: {printed}");

        // A worker appears: the follower sees both jobs through and ends.
        let _worker = worker(app);
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = follow.0.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "send-bulk never finished");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(status.success());
        // Both jobs, sent by the worker.
        while app.store.outbox(10, None).await.unwrap().len() < 6 {
            assert!(Instant::now() < deadline, "the first job was never sent");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
