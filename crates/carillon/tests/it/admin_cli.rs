//! The admin commands of the `carillon` program: service show/update, template
//! show/update/archive, removing safelist entries, reply-to addresses and SMS senders,
//! `--json` on listings, `--service` left out, and the shape of `--help`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_carillon");

fn carillon(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("CARILLON_DATABASE_URL")
        .env_remove("CARILLON_MASTER_KEY")
        .env("CARILLON_LOG", "warn");
    command
}

/// Runs a command that must succeed and returns its standard output.
fn ok(data_dir: &Path, args: &[&str]) -> String {
    let output = carillon(data_dir, args).output().unwrap();
    assert!(
        output.status.success(),
        "carillon {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs a command that must succeed and prints JSON.
fn json(data_dir: &Path, args: &[&str]) -> Value {
    let stdout = ok(data_dir, args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Runs a command that must fail and returns its standard error.
fn fails(data_dir: &Path, args: &[&str]) -> String {
    let output = carillon(data_dir, args).output().unwrap();
    assert!(!output.status.success(), "carillon {args:?} succeeded");
    String::from_utf8(output.stderr).unwrap()
}

fn create_service(data_dir: &Path, name: &str) -> String {
    let service = json(
        data_dir,
        &[
            "service",
            "create",
            "--name",
            name,
            "--email-from",
            &name.to_lowercase(),
            "--json",
        ],
    );
    service["id"].as_str().unwrap().to_owned()
}

#[test]
fn service_is_optional_with_one_service_only() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // `service show` only reads: the database must exist first.
    let stderr = fails(dir, &["service", "show"]);
    assert!(stderr.contains("does not exist"), "{stderr}");
    let migrated = carillon(dir, &["migrate"]).output().unwrap();
    assert!(migrated.status.success());
    let stderr = fails(dir, &["service", "show"]);
    assert!(stderr.contains("no service yet"), "{stderr}");
    let first = create_service(dir, "Benefits");
    let shown = json(dir, &["service", "show", "--json"]);
    assert_eq!(shown["id"], first.as_str());
    json(
        dir,
        &[
            "reply-to",
            "add",
            "--email",
            "reply@example.gc.ca",
            "--json",
        ],
    );
    let second = create_service(dir, "Passports");
    let stderr = fails(dir, &["reply-to", "list"]);
    assert!(
        stderr.contains("--service") && stderr.contains(&first) && stderr.contains(&second),
        "the error names the choices: {stderr}"
    );
    let listed = json(dir, &["reply-to", "list", "--service", &first, "--json"]);
    assert_eq!(listed[0]["email_address"], "reply@example.gc.ca");
}

#[test]
fn service_show_and_update() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let id = create_service(dir, "Benefits");
    let shown = json(dir, &["service", "show", "--service", &id, "--json"]);
    assert_eq!(shown["restricted"], true);
    assert_eq!(shown["email_daily_limit"], 50);
    assert_eq!(shown["sms_daily_limit"], 50);
    assert_eq!(shown["rate_limit"], 1000);
    let text = ok(dir, &["service", "show"]);
    assert!(
        text.contains("trial") && text.contains("50 emails"),
        "{text}"
    );

    let updated = json(
        dir,
        &[
            "service",
            "update",
            "--live",
            "--sms-daily-limit",
            "2000",
            "--email-annual-limit",
            "1000000",
            "--rate-limit",
            "60",
            "--sms-prefix",
            "off",
            "--suspend",
            "--permissions",
            "email,sms",
            "--json",
        ],
    );
    assert_eq!(updated["restricted"], false);
    assert_eq!(updated["active"], false);
    assert_eq!(updated["prefix_sms"], false);
    assert_eq!(updated["email_daily_limit"], 10_000, "live default");
    assert_eq!(updated["sms_daily_limit"], 2000);
    assert_eq!(updated["email_annual_limit"], 1_000_000);
    assert_eq!(updated["rate_limit"], 60);
    assert_eq!(updated["permissions"], serde_json::json!(["email", "sms"]));
    assert_eq!(json(dir, &["service", "show", "--json"]), updated);

    let text = ok(
        dir,
        &["service", "update", "--resume", "--name", "Benefits Canada"],
    );
    assert!(text.contains("updated service Benefits Canada"), "{text}");
    let stderr = fails(dir, &["service", "update", "--email-daily-limit", "0"]);
    assert!(stderr.contains("at least 1"), "{stderr}");
    let stderr = fails(dir, &["service", "update"]);
    assert!(stderr.contains("nothing to change"), "{stderr}");
    let listed = json(dir, &["service", "list", "--json"]);
    assert_eq!(listed[0]["active"], true);
}

/// `service update` goes through the platform admin's use cases: every limit is checked
/// before anything changes, and limits given with `--live` win over the live defaults.
#[test]
fn service_update_checks_everything_first() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    create_service(dir, "Benefits");
    let stderr = fails(
        dir,
        &[
            "service",
            "update",
            "--live",
            "--suspend",
            "--rate-limit",
            "0",
        ],
    );
    assert!(stderr.contains("rate limit must be at least 1"), "{stderr}");
    let shown = json(dir, &["service", "show", "--json"]);
    assert_eq!(shown["restricted"], true, "nothing changed");
    assert_eq!(shown["active"], true);
    let updated = json(
        dir,
        &[
            "service",
            "update",
            "--live",
            "--email-daily-limit",
            "20",
            "--json",
        ],
    );
    assert_eq!(updated["restricted"], false);
    assert_eq!(updated["email_daily_limit"], 20);
    assert_eq!(updated["sms_daily_limit"], 1_500);
    let back = json(dir, &["service", "update", "--trial", "--json"]);
    assert_eq!(back["restricted"], true);
    assert_eq!(back["email_daily_limit"], 20, "trial keeps the limits");
}

#[test]
fn template_show_update_and_archive() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    create_service(dir, "Benefits");
    let body = dir.join("body.md");
    std::fs::write(&body, "Hello ((name))").unwrap();
    let subject = dir.join("subject.txt");
    std::fs::write(&subject, "Welcome").unwrap();
    let created = json(
        dir,
        &[
            "template",
            "create",
            "--type",
            "email",
            "--name",
            "Welcome",
            "--subject-file",
            subject.to_str().unwrap(),
            "--content-file",
            body.to_str().unwrap(),
            "--json",
        ],
    );
    let id = created["id"].as_str().unwrap().to_owned();
    let shown = json(dir, &["template", "show", "--id", &id, "--json"]);
    assert_eq!(shown["subject"], "Welcome");
    assert_eq!(shown["content"], "Hello ((name))");
    assert_eq!(shown["version"], 1);

    std::fs::write(&body, "Bonjour ((name))").unwrap();
    let updated = json(
        dir,
        &[
            "template",
            "update",
            "--id",
            &id,
            "--content-file",
            body.to_str().unwrap(),
            "--lane",
            "priority",
            "--json",
        ],
    );
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["content"], "Bonjour ((name))");
    assert_eq!(updated["process_type"], "priority");
    let old = json(
        dir,
        &[
            "template",
            "show",
            "--id",
            &id,
            "--template-version",
            "1",
            "--json",
        ],
    );
    assert_eq!(old["content"], "Hello ((name))");
    let text = ok(dir, &["template", "show", "--id", &id]);
    assert!(
        text.contains("Subject: Welcome") && text.contains("Bonjour ((name))"),
        "{text}"
    );
    let stderr = fails(dir, &["template", "update", "--id", &id, "--subject", " "]);
    assert!(stderr.contains("subject"), "{stderr}");

    ok(dir, &["template", "archive", "--id", &id]);
    let stderr = fails(dir, &["template", "archive", "--id", &id]);
    assert!(stderr.contains("already archived"), "{stderr}");
    assert_eq!(
        json(dir, &["template", "list", "--json"]),
        serde_json::json!([])
    );
    assert_eq!(
        json(dir, &["template", "show", "--id", &id, "--json"])["archived"],
        true
    );
}

#[test]
fn senders_and_safelist_entries_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    create_service(dir, "Benefits");
    let first = json(
        dir,
        &[
            "reply-to",
            "add",
            "--email",
            "first@example.gc.ca",
            "--json",
        ],
    );
    let second = json(
        dir,
        &[
            "reply-to",
            "add",
            "--email",
            "second@example.gc.ca",
            "--json",
        ],
    );
    let stderr = fails(
        dir,
        &["reply-to", "remove", "--id", first["id"].as_str().unwrap()],
    );
    assert!(stderr.contains("default"), "{stderr}");
    ok(
        dir,
        &["reply-to", "remove", "--id", second["id"].as_str().unwrap()],
    );
    let listed = json(dir, &["reply-to", "list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], first["id"]);

    let default = json(
        dir,
        &["sms-sender", "add", "--sender", "GCBENEFITS", "--json"],
    );
    let other = json(
        dir,
        &["sms-sender", "add", "--sender", "+16135550123", "--json"],
    );
    let stderr = fails(
        dir,
        &[
            "sms-sender",
            "remove",
            "--id",
            default["id"].as_str().unwrap(),
        ],
    );
    assert!(stderr.contains("default SMS sender"), "{stderr}");
    ok(
        dir,
        &[
            "sms-sender",
            "remove",
            "--id",
            other["id"].as_str().unwrap(),
        ],
    );
    let listed = json(dir, &["sms-sender", "list", "--json"]);
    assert_eq!(
        listed,
        serde_json::json!([{"id": default["id"], "sms_sender": "GCBENEFITS", "is_default": true}])
    );

    let entry = json(
        dir,
        &["safelist", "add", "--recipient", "613-555-0123", "--json"],
    );
    ok(
        dir,
        &["safelist", "add", "--recipient", "kept@example.gc.ca"],
    );
    ok(
        dir,
        &["safelist", "remove", "--id", entry["id"].as_str().unwrap()],
    );
    let listed = json(dir, &["safelist", "list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["recipient"], "kept@example.gc.ca");
    let stderr = fails(
        dir,
        &["safelist", "remove", "--id", entry["id"].as_str().unwrap()],
    );
    assert!(stderr.contains("no safelist entry"), "{stderr}");
}

#[test]
fn every_listing_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    create_service(dir, "Benefits");
    for listing in [
        &["service", "list"][..],
        &["api-key", "list"],
        &["template", "list"],
        &["reply-to", "list"],
        &["sms-sender", "list"],
        &["safelist", "list"],
        &["callback", "list"],
        &["outbox", "list"],
    ] {
        let mut args = listing.to_vec();
        args.push("--json");
        assert!(json(dir, &args).is_array(), "{listing:?}");
    }
}

/// The lines of one heading's section of a help text.
fn section<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|line| *line != heading)
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with(' '))
        .collect()
}

#[test]
fn help_shows_own_options_then_global_settings() {
    let dir = tempfile::tempdir().unwrap();
    for command in [
        &["service", "update"][..],
        &["service", "show"],
        &["template", "update"],
        &["template", "create"],
        &["reply-to", "remove"],
        &["safelist", "add"],
        &["callback", "set"],
        &["api-key", "create"],
        &["outbox", "show"],
    ] {
        for flag in ["-h", "--help"] {
            let mut args = command.to_vec();
            args.push(flag);
            let help = ok(dir.path(), &args);
            let options = help
                .find("\nOptions:\n")
                .unwrap_or_else(|| panic!("{help}"));
            let global = help
                .find("\nGlobal settings:\n")
                .unwrap_or_else(|| panic!("{help}"));
            assert!(options < global, "own options first: {help}");
            assert_eq!(help.matches("Global settings:").count(), 1, "{help}");
            assert_eq!(help.matches("--database-url").count(), 1, "{help}");
            let own = &help[options..global];
            assert!(
                !own.contains("--database-url") && !own.contains("--data-dir"),
                "{help}"
            );
            assert!(help[global..].contains("--master-key"), "{help}");
            assert!(help[global..].contains("--email-provider"), "{help}");
            if flag == "-h" {
                for heading in ["Options:", "Global settings:", "Arguments:"] {
                    let lines = section(&help, heading);
                    for (i, line) in lines.iter().enumerate() {
                        if !(line.trim_start().starts_with('-') || line.starts_with("  <")) {
                            continue;
                        }
                        // The description follows on the same line, or (when clap finds
                        // the lines too long) alone on the next, further indented.
                        let same_line =
                            line.trim().split("  ").filter(|p| !p.is_empty()).count() >= 2;
                        let next_line = lines.get(i + 1).is_some_and(|next| {
                            next.starts_with("          ") && !next.trim().is_empty()
                        });
                        assert!(
                            same_line || next_line,
                            "{command:?}: no description for {line:?}"
                        );
                    }
                }
            }
        }
    }
    let help = ok(dir.path(), &["--help"]);
    assert!(
        help.contains("~/.local/share/carillon"),
        "the default data directory: {help}"
    );
}
