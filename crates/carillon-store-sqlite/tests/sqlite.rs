//! SqliteStore's tests: the conformance suite on a temporary file per test, plus what only
//! raw access to the file can check. One test binary, to keep link time down.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::Deref;
use std::path::Path;

use carillon_crypto::Cipher;
use carillon_domain::{
    ApiKeyId, EmailLocalPart, KeyType, NewApiKey, NewNotification, NewService, NewTemplate,
    NotificationId, NotificationType, ProcessType, SafelistEntry, SafelistId, ServiceId, SmsFrom,
    SmsSender, SmsSenderId, TemplateId,
};
use carillon_store::Store;
use carillon_store::prelude::*;
use carillon_store_sqlite::SqliteStore;
use serde_json::json;
use sqlx::{Connection, Row, SqliteConnection};
use tempfile::TempDir;
use time::macros::datetime;

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

/// Distinctive personal data, to look for in the raw file.
const RECIPIENT: &str = "Carillon.Secret.Recipient@Example.com";
const NORMALISED: &str = "carillon.secret.recipient@example.com";
const CODE: &str = "XYZZY-PLUGH-4242";
const SUBJECT: &str = "Sujet confidentiel 8675309";
const SAFELISTED: &str = "safelisted.person.31337@example.com";
const SECRET: &str = "5f0c8b1e-9d3a-4c7b-8e2f-a1b2c3d4e5f6";
/// A callback's bearer token: a secret too.
const TOKEN: &str = "callback-bearer-token-0xC0FFEE";
/// A client reference: services put case numbers and names in them, so sealed too.
const REFERENCE: &str = "Client.Reference.Case-90210";
/// Not personal (a sender), so stored in clear: proves the search below would find plaintext.
const CONTROL: &str = "CLEAR-SENDER-CONTROL-777";

/// Stores one of everything personal and returns the notification.
async fn store_personal_data(store: &dyn Store) -> NewNotification {
    let now = datetime!(2026-11-22 12:00:00 UTC);
    let service = NewService {
        id: ServiceId::new(),
        name: "At rest".into(),
        email_from: EmailLocalPart::parse("at.rest").unwrap(),
        restricted: false,
    };
    let service = store.create_service(&service, now).await.unwrap();
    let key = NewApiKey {
        id: ApiKeyId::new(),
        service_id: service.id,
        name: "key".into(),
        key_type: KeyType::Normal,
        secret: SECRET.into(),
    };
    store.create_api_key(&key, now).await.unwrap();
    let callback = carillon_store::CallbackConfig {
        service_id: service.id,
        kind: carillon_store::CallbackKind::DeliveryStatus,
        url: "https://example.com/callback".into(),
        bearer_token: carillon_store::BearerToken::new(TOKEN),
        suspended: false,
        updated_at: now,
    };
    store.set_callback(&callback).await.unwrap();
    assert_eq!(store.callbacks(service.id).await.unwrap(), [callback]);
    let entry = SafelistEntry {
        id: SafelistId::new(),
        service_id: service.id,
        kind: NotificationType::Email,
        recipient: SAFELISTED.into(),
        team_member: false,
    };
    store.add_safelist_entry(&entry).await.unwrap();
    let template = NewTemplate {
        id: TemplateId::new(),
        service_id: service.id,
        name: "code".into(),
        kind: NotificationType::Email,
        subject: Some("((subject))".into()),
        content: "Your code is ((code))".into(),
        process_type: ProcessType::Priority,
        created_by: None,
    };
    let template = store.create_template(&template, now).await.unwrap();
    let new = NewNotification {
        id: NotificationId::new(),
        service_id: service.id,
        template_id: template.id,
        template_version: 1,
        api_key_id: Some(key.id),
        key_type: KeyType::Normal,
        kind: NotificationType::Email,
        to: RECIPIENT.into(),
        normalised_to: NORMALISED.into(),
        personalisation: json!({ "code": CODE, "subject": SUBJECT }),
        body: format!("Your code is {CODE}"),
        subject: Some(SUBJECT.into()),
        client_reference: Some(REFERENCE.into()),
        sender: Some(CONTROL.into()),
        process_type: ProcessType::Priority,
        billable_units: 1,
        scheduled_for: None,
        created_at: now,
    };
    store
        .insert_notifications(&[(new.clone(), Vec::new())])
        .await
        .unwrap();
    let read = store
        .notification(service.id, new.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (read.to.as_str(), read.body.as_str()),
        (RECIPIENT, new.body.as_str())
    );
    assert_eq!(read.client_reference.as_deref(), Some(REFERENCE));
    new
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

fn find_plaintext(haystack: &[u8], where_: &str) -> Vec<String> {
    [
        RECIPIENT, NORMALISED, CODE, SUBJECT, SAFELISTED, SECRET, TOKEN, REFERENCE,
    ]
    .iter()
    .filter(|needle| contains(haystack, needle))
    .map(|needle| format!("{needle:?} in {where_}"))
    .collect()
}

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
    assert_eq!(reopened.schema_version().await.unwrap(), 11);
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

/// A service with one SMS sender, both valid when stored.
async fn service_with_sender(store: &dyn Store) -> (ServiceId, SmsSenderId) {
    let now = datetime!(2026-11-22 12:00:00 UTC);
    let service = NewService {
        id: ServiceId::new(),
        name: "Senders".into(),
        email_from: EmailLocalPart::parse("senders").unwrap(),
        restricted: false,
    };
    store.create_service(&service, now).await.unwrap();
    let sender = SmsSender {
        id: SmsSenderId::new(),
        service_id: service.id,
        sms_sender: SmsFrom::parse("GCNOTIFY").unwrap(),
        is_default: true,
        archived: false,
    };
    store.add_sms_sender(&sender).await.unwrap();
    assert_eq!(
        store.sms_senders(service.id).await.unwrap(),
        vec![sender.clone()]
    );
    (service.id, sender.id)
}

async fn assert_senders_corrupt(store: &dyn Store, service: ServiceId, sender: SmsSenderId) {
    use carillon_store::StoreError::Corrupt;
    let read = store.service(service).await;
    assert!(
        matches!(&read, Err(Corrupt(message)) if message.contains("email_from")),
        "{read:?}"
    );
    let all = store.services().await;
    assert!(matches!(all, Err(Corrupt(_))), "{all:?}");
    let senders = store.sms_senders(service).await;
    assert!(
        matches!(&senders, Err(Corrupt(message)) if message.contains("sms_sender")),
        "sender {sender}: {senders:?}"
    );
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
