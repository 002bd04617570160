//! A store of either backend with one service, its key, an email and an SMS template and a
//! safelisted address, and the use cases over it.

use std::io::Write;
use std::sync::{Arc, Once};

use carillon_app::{App, AppSettings, SendInput};
use carillon_crypto::Cipher;
use carillon_domain::{
    ApiKey, ApiKeyId, KeyType, NewApiKey, NewService, NewTemplate, NotificationType, ProcessType,
    Recipient, SafelistEntry, SafelistId, Service, ServiceId, SystemClock, Template, TemplateId,
};
use carillon_store::Store;
use carillon_store_postgres::{PgConnectOptions, PgStore};
use carillon_store_sqlite::SqliteStore;
use serde_json::json;
use sqlx::{Connection, Executor, PgConnection};
use time::OffsetDateTime;

const URL_VAR: &str = "CARILLON_TEST_POSTGRES_URL";
pub(crate) const SAFELISTED: &str = "listed@example.ca";

/// What the tests send with, and what holds the database until the test ends.
pub(crate) struct Fixture {
    pub(crate) app: App,
    pub(crate) service: Service,
    pub(crate) key: ApiKey,
    pub(crate) email_template: Template,
    pub(crate) sms_template: Template,
    _hold: Hold,
}

enum Hold {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin: Box<PgConnectOptions>,
        database: String,
    },
}

impl Drop for Hold {
    fn drop(&mut self) {
        let Self::Postgres { admin, database } = self else {
            return;
        };
        // Drop cannot await: drop the database from a thread with a runtime of its own.
        let admin = (**admin).clone();
        let sql = format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut conn = PgConnection::connect_with(&admin).await.unwrap();
                conn.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
            });
        })
        .join();
    }
}

fn cipher() -> Cipher {
    Cipher::new([7; 32])
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.as_str(), "" | "0" | "false"))
}

impl Fixture {
    pub(crate) async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("carillon.db"), cipher())
            .await
            .unwrap();
        Self::over(Arc::new(store), Hold::Sqlite(dir)).await
    }

    /// A fresh database on the test server, or `None` (after saying so) when there is none.
    pub(crate) async fn postgres() -> Option<Self> {
        let url = std::env::var(URL_VAR).unwrap_or_default();
        if url.is_empty() {
            assert!(
                !in_ci(),
                "{URL_VAR} is not set: CI must run the PostgreSQL tests"
            );
            static WARNING: Once = Once::new();
            WARNING.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "\n*** SKIPPING the PostgreSQL use-case tests: {URL_VAR} is not set. ***\n"
                );
            });
            return None;
        }
        let admin: PgConnectOptions = url.parse().unwrap();
        let database = format!("carillon_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect_with(&admin).await.unwrap();
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
            .await
            .unwrap();
        conn.close().await.unwrap();
        let store = PgStore::connect_with(admin.clone().database(&database), 4, cipher())
            .await
            .unwrap();
        Some(
            Self::over(
                Arc::new(store),
                Hold::Postgres {
                    admin: Box::new(admin),
                    database,
                },
            )
            .await,
        )
    }

    async fn over(store: Arc<dyn Store>, hold: Hold) -> Self {
        let now = OffsetDateTime::now_utc();
        let new = NewService {
            id: ServiceId::new(),
            name: "Use cases".into(),
            email_from: carillon_domain::EmailLocalPart::parse("use.cases")
                .expect("a valid local part"),
            restricted: false,
        };
        let mut service = store.create_service(&new, now).await.unwrap();
        service.email_daily_limit = 1_000;
        service.email_annual_limit = 10_000;
        store.update_service(&service).await.unwrap();
        let key = store
            .create_api_key(
                &NewApiKey {
                    id: ApiKeyId::new(),
                    service_id: service.id,
                    name: "key".into(),
                    key_type: KeyType::Normal,
                    secret: uuid::Uuid::new_v4().to_string(),
                },
                now,
            )
            .await
            .unwrap();
        let template = |kind, subject: Option<&str>, content: &str| NewTemplate {
            id: TemplateId::new(),
            service_id: service.id,
            name: format!("{kind} template"),
            kind,
            subject: subject.map(str::to_owned),
            content: content.to_owned(),
            process_type: ProcessType::Normal,
            created_by: None,
        };
        let email = template(
            NotificationType::Email,
            Some("Code for ((name))"),
            "Hello ((name)), your code is ((code))",
        );
        let email_template = store.create_template(&email, now).await.unwrap();
        let sms = template(NotificationType::Sms, None, "Code ((code))");
        let sms_template = store.create_template(&sms, now).await.unwrap();
        store
            .add_safelist_entry(&SafelistEntry {
                id: SafelistId::new(),
                service_id: service.id,
                kind: NotificationType::Email,
                recipient: SAFELISTED.to_owned(),
                team_member: false,
            })
            .await
            .unwrap();
        let settings = AppSettings {
            // Changes made by a test apply at once.
            cache_ttl: std::time::Duration::ZERO,
            ..AppSettings::default()
        };
        let app = App::new(store, Arc::new(SystemClock), settings);
        Self {
            app,
            service,
            key,
            email_template,
            sms_template,
            _hold: hold,
        }
    }

    /// Sets the service's email limits (read back by the tests that pass the service).
    pub(crate) async fn set_limits(&self, daily: u32, annual: u64) {
        let mut service = self.service.clone();
        service.email_daily_limit = daily;
        service.email_annual_limit = annual;
        self.app.store().update_service(&service).await.unwrap();
    }
}

/// An email with the fixture's template and full personalisation to `to`.
pub(crate) fn input<'a>(f: &'a Fixture, key_type: KeyType, to: &str) -> SendInput<'a> {
    SendInput {
        service: &f.service,
        key_id: f.key.id,
        key_type,
        kind: NotificationType::Email,
        template_id: f.email_template.id,
        recipient: Recipient::parse(NotificationType::Email, to).unwrap(),
        to: to.to_owned(),
        personalisation: json!({"name": "Ada", "code": 1})
            .as_object()
            .unwrap()
            .clone(),
        reference: None,
        scheduled_for: None,
        sender_id: None,
    }
}
