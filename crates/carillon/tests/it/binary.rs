//! The `carillon` program itself: demo, admin commands, settings, metrics, shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_carillon");

pub(crate) fn carillon(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("CARILLON_DATABASE_URL")
        .env_remove("CARILLON_MASTER_KEY")
        .env("CARILLON_LOG", "warn");
    command
}

/// Starts `carillon demo` with `extra` flags and reads its one JSON line.
fn start_demo(data_dir: &std::path::Path, extra: &[&str]) -> (Child, Value) {
    let mut child = carillon(data_dir)
        .args(["demo", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start carillon demo");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the demo line");
    let demo: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    (child, demo)
}

/// Sends SIGTERM and waits for a clean exit.
pub(crate) fn stop(mut child: Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "carillon exited with {status}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "carillon did not stop within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn demo_serves_sends_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let (child, demo) = start_demo(dir.path(), &["--metrics-listen", "127.0.0.1:0"]);
    for field in [
        "api_url",
        "service_id",
        "email_reply_to_id",
        "sms_sender_id",
    ] {
        assert!(demo[field].is_string(), "{field} missing from {demo}");
    }
    for key in ["live", "team", "test", "manage"] {
        assert!(
            demo["api_keys"][key]
                .as_str()
                .unwrap()
                .starts_with("gcntfy-")
        );
    }
    let api = demo["api_url"].as_str().unwrap();
    let client = reqwest::Client::new();
    let live = format!("ApiKey-v1 {}", demo["api_keys"]["live"].as_str().unwrap());
    let response = client
        .post(format!("{api}/v2/notifications/email"))
        .header("Authorization", &live)
        .json(&json!({"email_address": "newcomer@example.ca", "template_id": demo["templates"]["email"],
                      "personalisation": {"name": "Newcomer"}, "email_reply_to_id": demo["email_reply_to_id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let sent: Value = response.json().await.unwrap();
    let email_id = sent["id"].as_str().unwrap().to_owned();
    // The demo's worker delivers to the built-in outbox.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got: Value = client
            .get(format!("{api}/v2/notifications/{email_id}"))
            .header("Authorization", &live)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if got["status"] == "delivered" {
            break;
        }
        assert!(Instant::now() < deadline, "never delivered: {got}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sms = client
        .post(format!("{api}/v2/notifications/sms"))
        .header("Authorization", &live)
        .json(
            &json!({"phone_number": "+16135550123", "template_id": demo["templates"]["sms"],
                      "personalisation": {"name": "N"}, "sms_sender_id": demo["sms_sender_id"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(sms.status(), 201);
    // Metrics are for operators: never on the public port, which answers GC Notify's 404.
    let public = client.get(format!("{api}/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404);
    assert_eq!(
        public.json::<Value>().await.unwrap(),
        json!({"result": "error", "message": "Not found"})
    );
    let metrics = client
        .get(demo["metrics_url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("carillon_http_requests_total"),
        "{metrics}"
    );
    assert!(
        metrics.contains("carillon_notifications_accepted_total"),
        "{metrics}"
    );
    demo_account_signs_in(&demo).await;
    stop(child);

    let listed = json_output(carillon(dir.path()).args(["outbox", "list", "--json"]));
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == email_id.as_str()),
        "{listed}"
    );
    let shown = carillon(dir.path())
        .args(["outbox", "show", &email_id])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("To: newcomer@example.ca") && shown.contains("Subject: Hello Newcomer"),
        "{shown}"
    );
    assert!(
        shown.contains("Reply-To: demo-reply@example.gc.ca"),
        "{shown}"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("master.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the generated master key is readable by its owner only"
        );
    }

    // Again on the same data: same service and keys, nothing duplicated.
    let (child, again) = start_demo(dir.path(), &[]);
    assert_eq!(again["service_id"], demo["service_id"]);
    assert_eq!(again["api_keys"], demo["api_keys"]);
    assert_eq!(again["templates"], demo["templates"]);
    assert!(
        again.get("metrics_url").is_none(),
        "no metrics listener unless asked"
    );
    stop(child);
}

#[test]
fn production_refuses_to_start_without_a_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let output = carillon(dir.path())
        .args([
            "--database-url",
            "postgres://nobody@127.0.0.1:9/none",
            "migrate",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("master key is required"), "{stderr}");
}

#[test]
fn unknown_database_schemes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = carillon(dir.path())
        .args(["--database-url", "mysql://x/y", "migrate"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unsupported database URL scheme"));
    assert!(
        !dir.path().join("carillon.db").exists(),
        "no database is created on a typo"
    );
}

#[test]
fn help_explains_every_setting() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for env in [
        "CARILLON_DATABASE_URL",
        "CARILLON_DATA_DIR",
        "CARILLON_MASTER_KEY",
        "CARILLON_SENDING_DOMAIN",
        "CARILLON_PUBLIC_URL",
        "CARILLON_LOG_FORMAT",
        "CARILLON_CONFIG",
        "CARILLON_EMAIL_PROVIDER",
        "CARILLON_SMS_PROVIDER",
        "CARILLON_SMS_GATEWAY_TOKEN",
        "CARILLON_AWS_REGION",
        "CARILLON_AWS_ENDPOINT_URL",
        "CARILLON_SES_CONFIGURATION_SET",
        "CARILLON_SNS_SENDER_ID",
        "CARILLON_SNS_TOPIC_ARNS",
        "CARILLON_SNS_TRUSTED_ORIGINS",
    ] {
        assert!(help.contains(env), "--help does not mention {env}");
    }
    for word in ["`ses`", "`sns`", "ca-central-1", "AWS_ACCESS_KEY_ID"] {
        assert!(help.contains(word), "--help does not explain {word}");
    }
}

fn json_output(command: &mut Command) -> Value {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn admin_commands_print_json_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let service = json_output(carillon(dir.path()).args([
        "service",
        "create",
        "--name",
        "Benefits",
        "--email-from",
        "benefits",
        "--json",
    ]));
    let id = service["id"].as_str().unwrap().to_owned();
    assert_eq!(
        service["restricted"], true,
        "new services start in trial mode"
    );
    let key = json_output(carillon(dir.path()).args([
        "api-key",
        "create",
        "--service",
        &id,
        "--name",
        "Prod key",
        "--type",
        "team",
        "--permission",
        "manage-templates",
        "--json",
    ]));
    assert!(key["key"].as_str().unwrap().starts_with("gcntfy-prod_key-"));
    assert_eq!(key["permissions"], serde_json::json!(["manage_templates"]));
    let template = json_output(carillon(dir.path()).args([
        "template",
        "create",
        "--service",
        &id,
        "--type",
        "sms",
        "--name",
        "Code",
        "--content",
        "Your code is ((code))",
        "--json",
    ]));
    assert_eq!(template["version"], 1);
    json_output(carillon(dir.path()).args([
        "reply-to",
        "add",
        "--service",
        &id,
        "--email",
        "reply@example.gc.ca",
        "--json",
    ]));
    json_output(carillon(dir.path()).args([
        "sms-sender",
        "add",
        "--service",
        &id,
        "--sender",
        "GCBENEFITS",
        "--json",
    ]));
    assert!(
        carillon(dir.path())
            .args([
                "safelist",
                "add",
                "--service",
                &id,
                "--recipient",
                "613-555-0123"
            ])
            .status()
            .unwrap()
            .success()
    );
    let services = json_output(carillon(dir.path()).args(["service", "list", "--json"]));
    assert_eq!(services.as_array().unwrap().len(), 1);
    let keys =
        json_output(carillon(dir.path()).args(["api-key", "list", "--service", &id, "--json"]));
    assert!(keys[0].get("key").is_none(), "secrets are never listed");
    assert_eq!(
        keys[0]["permissions"],
        serde_json::json!(["manage_templates"])
    );
    let safelist =
        json_output(carillon(dir.path()).args(["safelist", "list", "--service", &id, "--json"]));
    assert_eq!(safelist[0]["recipient"], "+16135550123");
    let bad = carillon(dir.path())
        .args(["sms-sender", "add", "--service", &id, "--sender", "no"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

/// A sending address or SMS sender GC Notify would refuse is refused at the command line,
/// naming the option and the rule, and nothing is stored.
#[test]
fn bad_sending_address_and_sms_sender_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |args: &[&str], option: &str, rule: &str| {
        let output = carillon(dir.path()).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert!(
            stderr.contains(option) && stderr.contains(rule),
            "{args:?}: {stderr}"
        );
    };
    for (email_from, rule) in [
        ("Benefits", "lower-case letters, digits"),
        ("two words", "lower-case letters, digits"),
        ("double..dot", "cannot start or end with '.' or hold '..'"),
    ] {
        refused(
            &[
                "service",
                "create",
                "--name",
                "Benefits",
                "--email-from",
                email_from,
            ],
            "--email-from",
            rule,
        );
    }
    // Refused before the database is opened: not even the file exists.
    assert!(
        !dir.path().join("carillon.db").exists(),
        "nothing is created"
    );

    let service = json_output(carillon(dir.path()).args([
        "service",
        "create",
        "--name",
        "Benefits",
        "--email-from",
        "benefits",
        "--json",
    ]));
    let id = service["id"].as_str().unwrap().to_owned();
    for (sender, rule) in [
        ("no", "4 to 11 characters"),
        ("GC NOTIFY", "letters, digits and full stops"),
        ("0012345", "cannot start with 00"),
        ("+1613", "a + followed by 8 to 15 digits"),
    ] {
        refused(
            &["sms-sender", "add", "--service", &id, "--sender", sender],
            "--sender",
            rule,
        );
    }
    let senders =
        json_output(carillon(dir.path()).args(["sms-sender", "list", "--service", &id, "--json"]));
    assert_eq!(senders, json!([]), "nothing is added");
}

#[test]
fn configuration_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("carillon.toml");
    let data = dir.path().join("from-file");
    std::fs::write(
        &config,
        format!("data_dir = {:?}\n", data.display().to_string()),
    )
    .unwrap();
    let output = Command::new(BIN)
        .args(["--config"])
        .arg(&config)
        .arg("migrate")
        .env("CARILLON_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(data.join("carillon.db").exists());
    std::fs::write(&config, "colour = \"blue\"\n").unwrap();
    let output = Command::new(BIN)
        .args(["--config"])
        .arg(&config)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success(), "unknown settings are refused");
}

#[test]
fn bad_provider_settings_are_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let output = carillon(dir.path())
        .args([
            "--email-provider",
            "ftp://nope",
            "serve",
            "--role",
            "worker",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--email-provider"));
    let output = carillon(dir.path())
        .args([
            "--sms-provider",
            "https://gateway.example.ca/send",
            "serve",
            "--role",
            "worker",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("CARILLON_SMS_GATEWAY_TOKEN"));
}

/// The demo's sign-in page answers, and its web account's password is accepted: the next
/// step is the emailed code.
async fn demo_account_signs_in(demo: &Value) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sign_in = demo["sign_in_url"].as_str().unwrap();
    let page = client.get(sign_in).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let cookie = page.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    assert!(
        cookie.starts_with("carillon_session="),
        "loopback: {cookie}"
    );
    let html = page.text().await.unwrap();
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let token = &html[start..start + html[start..].find('"').unwrap()];
    let account = &demo["web_account"];
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("email", account["email"].as_str().unwrap())
        .append_pair("password", account["password"].as_str().unwrap())
        .append_pair("csrf_token", token)
        .finish();
    let answer = client
        .post(sign_in)
        .header("Cookie", &cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303, "{}", answer.text().await.unwrap());
    assert_eq!(answer.headers()["location"], "/sign-in/code");
}
