//! The workspace's layering, checked on `cargo metadata`: only the composition crates
//! (`carillon`, `carillon-server`) may depend on a concrete backend or on AWS's SDK; the core
//! and the front doors never touch SQL; the core and the domain never touch HTTP; the test
//! support is a dev-dependency only. Only normal dependencies count (tests may use anything).
//! Crates that do not exist (yet) are skipped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use serde_json::{Value, json};

/// May depend on anything: they choose the backends and providers.
const COMPOSITION: &[&str] = &["carillon", "carillon-server"];

/// Opens test stores of either backend; itself only ever a dev-dependency (checked below).
const TEST_ONLY: &[&str] = &["carillon-test-support"];

/// Concrete adapters no other crate may depend on.
const ADAPTERS: &[&str] = &[
    "carillon-store-sqlite",
    "carillon-store-postgres",
    "carillon-providers-aws",
];

/// aws-lc-rs is a cryptography library (rustls and the SNS signature checks use it), not AWS's SDK.
const NOT_THE_SDK: &[&str] = &["aws-lc-rs", "aws-lc-sys"];

/// Crates that must not know SQL.
const NO_SQL: &[&str] = &[
    "carillon-app",
    "carillon-api",
    "carillon-web",
    "carillon-worker",
    "carillon-domain",
];

/// Crates that must not know HTTP servers.
const NO_AXUM: &[&str] = &["carillon-app", "carillon-domain"];

/// Every broken rule, one line each, for `metadata` (`cargo metadata --format-version 1`).
fn violations(metadata: &Value) -> Vec<String> {
    let mut found = Vec::new();
    for package in metadata["packages"].as_array().expect("packages") {
        let name = package["name"].as_str().expect("package name");
        let composition = COMPOSITION.contains(&name) || TEST_ONLY.contains(&name);
        for dependency in package["dependencies"].as_array().expect("dependencies") {
            let dep = dependency["name"].as_str().expect("dependency name");
            let kind = dependency["kind"].as_str();
            if dep == "carillon-test-support" && kind != Some("dev") {
                found.push(format!(
                    "{name} depends on carillon-test-support outside [dev-dependencies]"
                ));
            }
            // Dev and build dependencies are not part of what the crate is.
            if kind.is_some() || composition {
                continue;
            }
            let sdk = dep.starts_with("aws-") && !NOT_THE_SDK.contains(&dep);
            if ADAPTERS.contains(&dep) || (sdk && name != "carillon-providers-aws") {
                found.push(format!(
                    "{name} depends on {dep}: only the composition crates ({}) may choose a \
                     backend or AWS",
                    COMPOSITION.join(", ")
                ));
            }
            if dep == "sqlx" && NO_SQL.contains(&name) {
                found.push(format!(
                    "{name} depends on sqlx: SQL belongs in the store backends"
                ));
            }
            if dep == "axum" && NO_AXUM.contains(&name) {
                found.push(format!(
                    "{name} depends on axum: HTTP belongs in the front doors"
                ));
            }
        }
    }
    found
}

#[test]
fn the_workspace_keeps_its_layers() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml"))
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata's JSON");
    let names: Vec<_> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        names.contains(&"carillon-api") && names.contains(&"carillon-test-support"),
        "not this workspace's metadata: {names:?}"
    );
    let found = violations(&metadata);
    assert!(
        found.is_empty(),
        "the workspace's layering is broken:\n  {}",
        found.join("\n  ")
    );
}

/// The rules themselves, on made-up metadata.
#[test]
fn forbidden_dependencies_are_reported() {
    let package = |name: &str, deps: &[(&str, Option<&str>)]| {
        let deps: Vec<_> = deps
            .iter()
            .map(|(dep, kind)| json!({"name": dep, "kind": kind}))
            .collect();
        json!({"name": name, "dependencies": deps})
    };
    let metadata = json!({"packages": [
        package("carillon", &[("carillon-store-sqlite", None), ("aws-config", None)]),
        package("carillon-server", &[("carillon-providers-aws", None), ("sqlx", None)]),
        package("carillon-providers-aws", &[("aws-sdk-sns", None)]),
        package("carillon-receipts", &[("aws-lc-rs", None), ("axum", None)]),
        package("carillon-api", &[("carillon-store-postgres", Some("dev")), ("sqlx", Some("dev"))]),
        package("carillon-worker", &[("carillon-store-sqlite", None), ("sqlx", None)]),
        package("carillon-app", &[("axum", None), ("aws-sdk-sesv2", None)]),
        package("carillon-domain", &[("carillon-test-support", None)]),
    ]});
    assert_eq!(
        violations(&metadata)
            .iter()
            .map(|v| v.split(':').next().unwrap())
            .collect::<Vec<_>>(),
        [
            "carillon-worker depends on carillon-store-sqlite",
            "carillon-worker depends on sqlx",
            "carillon-app depends on axum",
            "carillon-app depends on aws-sdk-sesv2",
            "carillon-domain depends on carillon-test-support outside [dev-dependencies]",
        ]
    );
}
