//! An [`App`] on a fresh store of each backend: an SQLite file in a temporary directory, or a
//! PostgreSQL database of its own (dropped afterwards) on `CARILLON_TEST_POSTGRES_URL`.

use std::io::Write;
use std::sync::{Arc, Once};

use carillon_app::{App, AppSettings};
use carillon_crypto::Cipher;
use carillon_domain::FixedClock;
use carillon_store_postgres::{PgConnectOptions, PgStore};
use carillon_store_sqlite::SqliteStore;
use sqlx::{Connection, Executor, PgConnection};
use time::macros::datetime;

const URL_VAR: &str = "CARILLON_TEST_POSTGRES_URL";

/// Keeps a test's store alive and removes it afterwards.
#[allow(clippy::large_enum_variant)] // one per test
pub(crate) enum Guard {
    Sqlite {
        _dir: tempfile::TempDir,
    },
    Postgres {
        admin: PgConnectOptions,
        database: String,
    },
}

impl Drop for Guard {
    fn drop(&mut self) {
        let Guard::Postgres { admin, database } = self else {
            return;
        };
        // Drop cannot await: drop the database from a thread with a runtime of its own.
        let admin = admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)");
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
                "could not drop a test database: {outcome:?}"
            );
        }
    }
}

fn app(store: Arc<dyn carillon_store::Store>) -> App {
    App::new(
        store,
        Arc::new(FixedClock::new(datetime!(2026-12-01 12:00:00 UTC))),
        AppSettings::default(),
    )
}

pub(crate) async fn sqlite() -> Option<(App, Guard)> {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("carillon.db"), Cipher::new([7; 32]))
        .await
        .unwrap();
    Some((app(Arc::new(store)), Guard::Sqlite { _dir: dir }))
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.as_str(), "" | "0" | "false"))
}

pub(crate) async fn postgres() -> Option<(App, Guard)> {
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
                "\n*** SKIPPING the PostgreSQL tests: {URL_VAR} is not set. ***\n"
            );
        });
        return None;
    }
    let admin: PgConnectOptions = url.parse().unwrap();
    let database = format!(
        "carillon_test_{}",
        carillon_domain::ServiceId::new()
            .to_string()
            .replace('-', "")
    );
    let mut conn = PgConnection::connect_with(&admin).await.unwrap();
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .await
        .unwrap();
    conn.close().await.unwrap();
    let guard = Guard::Postgres {
        admin: admin.clone(),
        database: database.clone(),
    };
    let store = PgStore::connect_with(admin.database(&database), 4, Cipher::new([7; 32]))
        .await
        .unwrap();
    Some((app(Arc::new(store)), guard))
}

/// One `#[tokio::test]` per backend for each `async fn(&App)` named.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let Some((app, guard)) = $crate::support::sqlite().await else { return };
                    super::$name(&app).await;
                    // The store closes before its database or directory goes.
                    drop(app);
                    drop(guard);
                }

                #[tokio::test]
                async fn postgres() {
                    let Some((app, guard)) = $crate::support::postgres().await else { return };
                    super::$name(&app).await;
                    // The store closes before its database or directory goes.
                    drop(app);
                    drop(guard);
                }
            }
        )*
    };
}
