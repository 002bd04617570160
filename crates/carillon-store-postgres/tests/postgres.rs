//! PgStore's tests: the conformance suite with a database of its own per test, plus what
//! only raw access can check, and the parity of the two backends' schemas. One test binary,
//! to keep link time down.
//!
//! They need `CARILLON_TEST_POSTGRES_URL` (an account allowed to create databases), which
//! `scripts/postgres` provides and `scripts/test` exports. Without it they fail in CI and are
//! skipped, with a message on stderr, elsewhere.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::Write;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Once;

use carillon_crypto::Cipher;
use carillon_domain::{
    EmailLocalPart, KeyType, NewNotification, NewService, NewTemplate, NotificationId,
    NotificationType, ProcessType, ServiceId, TemplateId,
};
use carillon_store::conformance::at_rest::*;
use carillon_store::prelude::*;
use carillon_store_postgres::{PgConnectOptions, PgStore};
use serde_json::json;
use sqlx::{Connection, Executor, PgConnection, Row, ValueRef};
use time::macros::datetime;

const URL_VAR: &str = "CARILLON_TEST_POSTGRES_URL";

/// A store on a database created for one test and dropped with it.
struct TestStore {
    store: PgStore,
    admin: PgConnectOptions,
    database: String,
}

impl Deref for TestStore {
    type Target = PgStore;
    fn deref(&self) -> &PgStore {
        &self.store
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime may be the current-thread one we are on:
        // drop the database from a thread with a runtime of its own. FORCE ends the pool's
        // connections, which belong to the test's runtime.
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database);
        let outcome = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect_with(&admin).await?;
                conn.execute(sqlx::AssertSqlSafe(sql)).await?;
                conn.close().await
            })?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        })
        .join();
        if !matches!(outcome, Ok(Ok(()))) {
            let _ = writeln!(
                std::io::stderr(),
                "could not drop {}: {outcome:?}",
                self.database
            );
        }
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.as_str(), "" | "0" | "false"))
}

/// The server's URL, or `None` (after saying so) when this machine has none.
fn admin_options() -> Option<PgConnectOptions> {
    let url = std::env::var(URL_VAR).unwrap_or_default();
    if url.is_empty() {
        assert!(
            !in_ci(),
            "{URL_VAR} is not set: CI must run the PostgreSQL tests (see scripts/postgres)"
        );
        static WARNING: Once = Once::new();
        WARNING.call_once(|| {
            // Straight to stderr: the test harness would swallow eprintln! of a passing test.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPING the PostgreSQL tests: {URL_VAR} is not set. ***\n\
                 *** Run scripts/test, or: export {URL_VAR}=\"$(scripts/postgres)\" ***\n"
            );
        });
        return None;
    }
    Some(
        url.parse()
            .unwrap_or_else(|e| panic!("{URL_VAR} is not a PostgreSQL URL: {e}")),
    )
}

fn cipher() -> Cipher {
    Cipher::new([7; 32])
}

async fn store() -> Option<TestStore> {
    let admin = admin_options()?;
    let database = format!("carillon_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect_with(&admin).await.unwrap();
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .await
        .unwrap();
    conn.close().await.unwrap();
    let options = admin.clone().database(&database);
    // Small pools: tests run side by side on a server other builds may share.
    let store = PgStore::connect_with(options, 4, cipher()).await.unwrap();
    Some(TestStore {
        store,
        admin,
        database,
    })
}

carillon_store::conformance_tests!(store());

#[path = "postgres/accounts.rs"]
mod accounts;
#[path = "postgres/reference.rs"]
mod reference;
#[path = "postgres/retention.rs"]
mod retention;

/// Every column of every row of `table`, as the server sends it (binary format: text as
/// UTF-8, bytea as its bytes).
async fn raw_rows(conn: &mut PgConnection, table: &str) -> Vec<u8> {
    let rows = conn
        .fetch_all(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
        .await
        .unwrap();
    assert!(!rows.is_empty(), "{table} is empty");
    let mut bytes = Vec::new();
    for row in &rows {
        for index in 0..row.len() {
            let value = row.try_get_raw(index).unwrap();
            if !value.is_null() {
                bytes.extend_from_slice(value.as_bytes().unwrap());
            }
            bytes.push(0);
        }
    }
    bytes
}

#[tokio::test]
async fn personal_data_is_not_stored_in_clear() {
    let Some(test) = store().await else { return };
    store_personal_data(&*test).await;
    let options = test.admin.clone().database(&test.database);
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    let mut found = Vec::new();
    for table in ["notifications", "api_keys", "safelist", "service_callbacks"] {
        let raw = raw_rows(&mut conn, table).await;
        if table == "notifications" {
            assert!(
                contains(&raw, CONTROL),
                "the search does not see stored text"
            );
        }
        found.extend(find_plaintext(&raw, table));
    }
    conn.close().await.unwrap();
    assert!(
        found.is_empty(),
        "personal data stored in clear: {found:#?}"
    );
}

#[tokio::test]
async fn a_different_key_cannot_read_personal_data() {
    let Some(test) = store().await else { return };
    let new = store_personal_data(&*test).await;
    let options = test.admin.clone().database(&test.database);
    let other = PgStore::connect_with(options, 1, Cipher::new([8; 32]))
        .await
        .unwrap();
    let result = other.notification(new.service_id, new.id).await;
    assert!(
        matches!(result, Err(carillon_store::StoreError::Corrupt(_))),
        "{result:?}"
    );
    other.close().await;
}

/// Sending addresses and SMS senders are parsed when read: text the rules refuse, written
/// behind the store's back, is reported as corrupt rather than handed out.
#[tokio::test]
async fn stored_senders_the_rules_refuse_are_corrupt() {
    let Some(test) = store().await else { return };
    let (service, sender) = service_with_sender(&*test).await;
    let options = test.admin.clone().database(&test.database);
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    conn.execute("UPDATE services SET email_from = 'Not Safe'")
        .await
        .unwrap();
    conn.execute("UPDATE sms_senders SET sms_sender = 'no'")
        .await
        .unwrap();
    conn.close().await.unwrap();
    assert_senders_corrupt(&*test, service, sender).await;
}

/// Workers in several processes (here: two stores with a pool each, claiming from tasks on
/// several threads) never get the same notification, and between them take every one once,
/// those that have just come due included.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn claims_from_several_processes_never_overlap() {
    let Some(test) = store().await else { return };
    let now = datetime!(2026-11-22 12:00:00 UTC);
    let service = NewService {
        id: ServiceId::new(),
        name: "Workers".into(),
        email_from: EmailLocalPart::parse("workers").unwrap(),
        restricted: false,
    };
    let service = test.create_service(&service, now).await.unwrap();
    let template = NewTemplate {
        id: TemplateId::new(),
        service_id: service.id,
        name: "sms".into(),
        kind: NotificationType::Sms,
        subject: None,
        content: "Hello".into(),
        process_type: ProcessType::Normal,
        created_by: None,
    };
    let template = test.create_template(&template, now).await.unwrap();
    let lanes = [
        ProcessType::Priority,
        ProcessType::Normal,
        ProcessType::Bulk,
    ];
    let batch: Vec<_> = (0..1_500_u32)
        .map(|n| {
            let new = NewNotification {
                id: NotificationId::new(),
                service_id: service.id,
                template_id: template.id,
                template_version: template.version,
                api_key_id: None,
                key_type: KeyType::Normal,
                kind: NotificationType::Sms,
                to: format!("613-555-{n:04}"),
                normalised_to: format!("+1613555{n:04}"),
                personalisation: json!({}),
                body: "Hello".into(),
                subject: None,
                client_reference: None,
                sender: None,
                process_type: lanes[n as usize % 3],
                billable_units: 1,
                // Every fifth was scheduled and has just come due.
                scheduled_for: (n % 5 == 0).then(|| now - time::Duration::SECOND),
                created_at: now - time::Duration::MINUTE,
            };
            (new, Vec::new())
        })
        .collect();
    test.insert_notifications(&batch).await.unwrap();

    let options = test.admin.clone().database(&test.database);
    let other = PgStore::connect_with(options, 4, cipher()).await.unwrap();
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let store = if worker % 2 == 0 {
            test.store.clone()
        } else {
            other.clone()
        };
        workers.spawn(async move {
            let mut claimed = Vec::new();
            loop {
                let lease = now + time::Duration::minutes(5);
                let batch = store.claim_notifications(now, lease, 20).await.unwrap();
                if batch.is_empty() {
                    break claimed;
                }
                claimed.extend(batch.into_iter().map(|n| n.id));
            }
        });
    }
    let mut seen = BTreeSet::new();
    let mut busy = 0;
    while let Some(claimed) = workers.join_next().await {
        let claimed = claimed.unwrap();
        busy += usize::from(!claimed.is_empty());
        for id in claimed {
            assert!(seen.insert(id), "{id} claimed twice");
        }
    }
    let all: BTreeSet<_> = batch.iter().map(|(new, _)| new.id).collect();
    assert_eq!(seen, all);
    assert!(
        busy > 1,
        "one worker did all the work: the claims did not overlap in time"
    );
    other.close().await;
}

#[tokio::test]
async fn connecting_again_finds_the_schema_migrated() {
    let Some(test) = store().await else { return };
    let options = test.admin.clone().database(&test.database);
    // Several processes starting at once: the advisory lock lets one migrate at a time.
    let (a, b) = tokio::join!(
        PgStore::connect_with(options.clone(), 1, cipher()),
        PgStore::connect_with(options, 1, cipher()),
    );
    for store in [a.unwrap(), b.unwrap()] {
        assert_eq!(store.schema_version().await.unwrap(), 13);
        store.close().await;
    }
}

#[tokio::test]
async fn the_maintenance_warning_follows_the_server_autovacuum_setting() {
    let Some(test) = store().await else { return };
    let mut conn = PgConnection::connect_with(&test.admin).await.unwrap();
    let setting: String = sqlx::query_scalar("SHOW autovacuum")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let warning = test.maintenance_warning().await;
    assert_eq!(
        warning.is_some(),
        setting == "off",
        "autovacuum = {setting}: {warning:?}"
    );
    if let Some(warning) = warning {
        assert!(warning.contains("VACUUM"), "{warning}");
    }
}

#[tokio::test]
async fn a_malformed_url_is_refused() {
    let result = PgStore::connect("mysql://nope", cipher()).await;
    assert!(result.is_err());
}

fn migration_versions(crate_dir: &str) -> Vec<i64> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_dir)
        .join("migrations");
    let mut versions: Vec<i64> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let (version, _) = name
                .split_once('_')
                .unwrap_or_else(|| panic!("{name}: no version"));
            version.parse().unwrap_or_else(|e| panic!("{name}: {e}"))
        })
        .collect();
    versions.sort_unstable();
    versions
}

#[test]
fn both_backends_have_the_same_migration_versions() {
    let postgres = migration_versions("carillon-store-postgres");
    assert!(!postgres.is_empty());
    assert_eq!(postgres, migration_versions("carillon-store-sqlite"));
}

/// Tables with their columns, and the indexes named in the migrations (not the ones
/// PostgreSQL names itself for keys).
type Schema = (BTreeSet<(String, String)>, BTreeSet<String>);

async fn sqlite_schema(path: PathBuf) -> Schema {
    carillon_store_sqlite::SqliteStore::open(&path, cipher())
        .await
        .unwrap()
        .close()
        .await;
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let columns = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let indexes = sqlx::query_scalar(
        "SELECT name FROM sqlite_master \
         WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    (columns.into_iter().collect(), indexes.into_iter().collect())
}

async fn postgres_schema(conn: &mut PgConnection) -> Schema {
    let columns = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let indexes = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' \
         AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    (columns.into_iter().collect(), indexes.into_iter().collect())
}

#[tokio::test]
async fn both_backends_have_the_same_tables_columns_and_indexes() {
    let Some(test) = store().await else { return };
    let options = test.admin.clone().database(&test.database);
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    let postgres = postgres_schema(&mut conn).await;
    conn.close().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_schema(dir.path().join("parity.db")).await;
    assert!(
        postgres
            .0
            .contains(&("notifications".to_owned(), "seq".to_owned()))
    );
    assert_eq!(postgres.0, sqlite.0, "columns differ");
    assert_eq!(postgres.1, sqlite.1, "indexes differ");
}
