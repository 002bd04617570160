//! A fresh store of either backend for one test: an SQLite file in a temporary directory, or
//! a PostgreSQL database of its own on `CARILLON_TEST_POSTGRES_URL`, dropped with the
//! [`TestStore`]. Without that variable PostgreSQL tests fail under `CI=true` and are skipped,
//! with a message on stderr, elsewhere.

use std::io::Write;
use std::sync::{Arc, Once};

use carillon_crypto::Cipher;
use carillon_store::Store;
use carillon_store_postgres::{PgConnectOptions, PgStore};
use carillon_store_sqlite::SqliteStore;
use sqlx::{Connection, Executor, PgConnection};

use crate::in_ci;

/// The variable naming a PostgreSQL server on which tests may create databases.
pub const POSTGRES_URL_VAR: &str = "CARILLON_TEST_POSTGRES_URL";

/// A store that lives as long as the test holds it; its file or database goes with it.
#[derive(Debug)]
pub struct TestStore {
    /// The store (dropped, closing its connections, before the database goes).
    pub store: Arc<dyn Store>,
    _hold: Hold,
}

#[derive(Debug)]
enum Hold {
    Sqlite(tempfile::TempDir),
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
        // Drop cannot await, and the test's runtime may be the current-thread one we are on:
        // drop the database from a thread with a runtime of its own. FORCE ends the pool's
        // connections, which belong to the test's runtime.
        let admin = (**admin).clone();
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
            let _ = writeln!(std::io::stderr(), "could not drop {database}: {outcome:?}");
        }
    }
}

/// The key the test stores seal personal data with.
fn cipher() -> Cipher {
    Cipher::new([7; 32])
}

impl TestStore {
    /// An SQLite store in a new temporary directory.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = SqliteStore::open(&dir.path().join("carillon.db"), cipher())
            .await
            .expect("open SQLite");
        Self {
            store: Arc::new(store),
            _hold: Hold::Sqlite(dir),
        }
    }

    /// Another store on the same file or database, with connections of its own: what a second
    /// process would open. Drop it before this one.
    pub async fn another(&self) -> Arc<dyn Store> {
        match &self._hold {
            Hold::Sqlite(dir) => Arc::new(
                SqliteStore::open(&dir.path().join("carillon.db"), cipher())
                    .await
                    .expect("open SQLite again"),
            ),
            Hold::Postgres { admin, database } => Arc::new(
                PgStore::connect_with((**admin).clone().database(database), 4, cipher())
                    .await
                    .expect("connect PostgreSQL again"),
            ),
        }
    }

    /// A PostgreSQL store on a database made for this test, or `None` (after saying so once)
    /// when no server is configured outside CI.
    pub async fn postgres() -> Option<Self> {
        let url = std::env::var(POSTGRES_URL_VAR).unwrap_or_default();
        if url.is_empty() {
            assert!(
                !in_ci(),
                "{POSTGRES_URL_VAR} is not set: CI must run the PostgreSQL tests"
            );
            static WARNING: Once = Once::new();
            WARNING.call_once(|| {
                eprintln!(
                    "\n*** SKIPPING the PostgreSQL tests: {POSTGRES_URL_VAR} is not set. ***\n"
                );
            });
            return None;
        }
        let admin: PgConnectOptions = url.parse().expect("a PostgreSQL URL");
        let database = format!("carillon_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect_with(&admin)
            .await
            .expect("connect to the test server");
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
            .await
            .expect("create a test database");
        conn.close().await.expect("close");
        // Dropped (with the database) if connecting fails below.
        let hold = Hold::Postgres {
            admin: Box::new(admin.clone()),
            database: database.clone(),
        };
        let store = PgStore::connect_with(admin.database(&database), 4, cipher())
            .await
            .expect("connect PostgreSQL");
        Some(Self {
            store: Arc::new(store),
            _hold: hold,
        })
    }
}
