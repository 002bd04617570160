//! SqliteStore's tests: the conformance suite on a temporary file per test, plus what only
//! raw access to the file can check. One test binary, to keep link time down.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::Deref;
use std::path::Path;

use carillon_crypto::Cipher;
use carillon_domain::{NewNotification, NotificationId};
use carillon_store::conformance::at_rest::*;
use carillon_store::prelude::*;
use carillon_store_sqlite::SqliteStore;
use sqlx::{Connection, Row, SqliteConnection};
use tempfile::TempDir;

/// A store on a file in a temporary directory, removed when dropped.
struct TestStore {
    store: SqliteStore,
    dir: TempDir,
}

impl Deref for TestStore {
    type Target = SqliteStore;
    fn deref(&self) -> &SqliteStore {
        &self.store
    }
}

fn cipher() -> Cipher {
    Cipher::new([7; 32])
}

async fn store() -> Option<TestStore> {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("carillon.db"), cipher())
        .await
        .unwrap();
    Some(TestStore { store, dir })
}

carillon_store::conformance_tests!(store());

#[path = "sqlite/accounts.rs"]
mod accounts;
#[path = "sqlite/reference.rs"]
mod reference;
#[path = "sqlite/retention.rs"]
mod retention;

/// Every column of every row of `table`, as SQLite hands out its bytes.
async fn raw_rows(path: &Path, table: &str) -> Vec<u8> {
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
        .fetch_all(&mut conn)
        .await
        .unwrap();
    // Closed, not dropped: a connection still closing in the background would keep the store's
    // own close from checkpointing the WAL into the file the test reads next.
    conn.close().await.unwrap();
    assert!(!rows.is_empty(), "{table} is empty");
    let mut bytes = Vec::new();
    for row in &rows {
        for index in 0..row.len() {
            let value: Option<Vec<u8>> = row.try_get_unchecked(index).unwrap();
            bytes.extend(value.unwrap_or_default());
            bytes.push(0);
        }
    }
    bytes
}

#[tokio::test]
async fn personal_data_is_not_stored_in_clear() {
    let test = store().await.unwrap();
    store_personal_data(&*test).await;
    let path = test.dir.path().join("carillon.db");

    let mut found = Vec::new();
    for table in ["notifications", "api_keys", "safelist", "service_callbacks"] {
        let raw = raw_rows(&path, table).await;
        if table == "notifications" {
            assert!(
                contains(&raw, CONTROL),
                "the search does not see stored text"
            );
        }
        found.extend(find_plaintext(&raw, table));
    }
    // The whole file too, after moving the WAL into it: nothing may hide in another table.
    test.close().await;
    let file = std::fs::read(&path).unwrap();
    assert!(
        contains(&file, CONTROL),
        "the search does not see stored text"
    );
    found.extend(find_plaintext(&file, "the database file"));
    assert!(
        found.is_empty(),
        "personal data stored in clear: {found:#?}"
    );
}

#[tokio::test]
async fn reopening_keeps_data_and_settings() {
    let test = store().await.unwrap();
    let new = store_personal_data(&*test).await;
    test.close().await;
    let path = test.dir.path().join("carillon.db");
    let reopened = SqliteStore::open(&path, cipher()).await.unwrap();
    assert_eq!(reopened.schema_version().await.unwrap(), 13);
    let read = reopened
        .notification(new.service_id, new.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.to, RECIPIENT);

    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

/// Sending addresses and SMS senders are parsed when read: text the rules refuse, written
/// behind the store's back, is reported as corrupt rather than handed out.
#[tokio::test]
async fn stored_senders_the_rules_refuse_are_corrupt() {
    let test = store().await.unwrap();
    let (service, sender) = service_with_sender(&*test).await;
    test.close().await;
    let path = test.dir.path().join("carillon.db");
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE services SET email_from = 'Not Safe'")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("UPDATE sms_senders SET sms_sender = 'no'")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let reopened = SqliteStore::open(&path, cipher()).await.unwrap();
    assert_senders_corrupt(&reopened, service, sender).await;
}

#[tokio::test]
async fn a_missing_file_is_created_but_a_missing_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    SqliteStore::open(&path, cipher()).await.unwrap();
    assert!(path.exists());
    let result = SqliteStore::open(&dir.path().join("no/such/dir.db"), cipher()).await;
    assert!(result.is_err());
}

#[tokio::test]
async fn a_different_key_cannot_read_personal_data() {
    let test = store().await.unwrap();
    let new = store_personal_data(&*test).await;
    test.close().await;
    let path = test.dir.path().join("carillon.db");
    let other = SqliteStore::open(&path, Cipher::new([8; 32]))
        .await
        .unwrap();
    let result = other.notification(new.service_id, new.id).await;
    assert!(
        matches!(result, Err(carillon_store::StoreError::Corrupt(_))),
        "{result:?}"
    );
}
