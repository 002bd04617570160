//! A database of its own for the tests that look at query plans, dropped with it. Needs
//! `CARILLON_TEST_POSTGRES_URL`, like the tests in `tests/`; without it they are skipped
//! (loudly) outside CI.

use std::io::Write;

use carillon_crypto::Cipher;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};

use crate::PgStore;

const URL_VAR: &str = "CARILLON_TEST_POSTGRES_URL";

/// A database of its own, dropped with it.
pub(crate) struct Scratch {
    admin: PgConnectOptions,
    name: String,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Drop cannot await: a thread with a runtime of its own drops the database.
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
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
                self.name
            );
        }
    }
}

pub(crate) async fn scratch() -> Option<(Scratch, PgStore)> {
    let url = std::env::var(URL_VAR).unwrap_or_default();
    if url.is_empty() {
        let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
        assert!(
            !ci,
            "{URL_VAR} is not set: CI must run the PostgreSQL tests"
        );
        let _ = writeln!(std::io::stderr(), "*** SKIPPING: {URL_VAR} is not set ***");
        return None;
    }
    let admin: PgConnectOptions = url.parse().unwrap();
    let name = format!("carillon_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect_with(&admin).await.unwrap();
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    conn.close().await.unwrap();
    let options = admin.clone().database(&name);
    // Two: one for the statements, one for the queued-work listener of the tests that start it.
    let store = PgStore::connect_with(options, 2, Cipher::new([7; 32]))
        .await
        .unwrap();
    Some((Scratch { admin, name }, store))
}
