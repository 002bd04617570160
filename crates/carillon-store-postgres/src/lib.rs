//! Carillon's storage on PostgreSQL: [`PgStore`] implements [`carillon_store::Store`] for
//! installs that run several processes against one database.
//!
//! Limits hold across processes because each batch locks the counter rows it touches (in one
//! fixed order, so batches cannot deadlock) for the length of its transaction.

mod accounts;
mod audit;
mod callback_queue;
mod callbacks;
mod clear_references;
mod codec;
mod delivery;
mod error;
mod facts;
mod floors;
mod housekeeping;
mod invitations;
mod jobs;
mod joined;
mod keys;
mod limits;
mod list;
mod migrations;
mod notifications;
mod outbox;
mod receipts;
mod reply_to_verification;
#[cfg(test)]
mod scratch;
mod security_keys;
mod senders;
mod services;
mod sessions;
mod team;
mod template_categories;
mod templates;
mod tokens;
mod wake;

use std::time::Duration;

use carillon_crypto::Cipher;
use carillon_store::StoreError;
use sqlx::Connection;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};

use crate::error::db_err;

pub use sqlx::postgres::PgConnectOptions;

/// Connections per process: enough for the API's concurrent batches and the workers, well
/// under PostgreSQL's default 100 with a few processes.
pub const DEFAULT_POOL_SIZE: u32 = 16;
/// How long a call waits for a connection before reporting the database unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the first connection may take before startup gives up on an unreachable server.
const FIRST_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// [`Store`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    cipher: Cipher,
    wake: std::sync::Arc<wake::Wake>,
    floors: std::sync::Arc<floors::Floors>,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/database`) with a pool of
    /// [`DEFAULT_POOL_SIZE`] and brings its schema up to date, sealing client references that
    /// an older version stored in clear. `cipher` seals personal data and API key secrets.
    ///
    /// # Errors
    /// [`StoreError::Other`] for a malformed URL or a failed migration,
    /// [`StoreError::Unavailable`] when the server cannot be reached, [`StoreError::Corrupt`]
    /// when references stored in clear must be sealed and the personal data does not decrypt
    /// with `cipher` (another master key).
    pub async fn connect(url: &str, cipher: Cipher) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|e| StoreError::Other(format!("invalid database URL: {e}")))?;
        Self::connect_with(options, DEFAULT_POOL_SIZE, cipher).await
    }

    /// Like [`PgStore::connect`], with parsed options and a pool of `pool_size` connections.
    ///
    /// # Errors
    /// As [`PgStore::connect`].
    pub async fn connect_with(
        options: PgConnectOptions,
        pool_size: u32,
        cipher: Cipher,
    ) -> Result<Self, StoreError> {
        first_connection(&options).await?;
        let pool = PgPoolOptions::new()
            .max_connections(pool_size)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(db_err)?;
        // Takes an advisory lock, so processes starting together migrate one at a time.
        migrations::migrator()
            .run(&pool)
            .await
            .map_err(|e| StoreError::Other(format!("migrating the database: {e}")))?;
        let wake = std::sync::Arc::new(wake::Wake::new(pool.clone()));
        let store = Self {
            pool,
            cipher,
            wake,
            floors: std::sync::Arc::default(),
        };
        // Before anything is read: a reference still in clear is not found by its hash.
        if let Err(error) = clear_references::seal_all(&store).await {
            // Closed, not dropped: nothing of this attempt lingers behind the caller's back.
            store.close().await;
            return Err(error);
        }
        Ok(store)
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Opens and closes one connection, so that an unreachable server is reported quickly with
/// where and why (a pool would wait its whole acquire timeout and say only "pool timed out").
/// Errors from the server itself (unknown database, authentication) keep their usual mapping.
async fn first_connection(options: &PgConnectOptions) -> Result<(), StoreError> {
    // Host and port only: the password must never reach a message.
    let place = format!("{}:{}", options.get_host(), options.get_port());
    let unreachable = |reason: String| {
        StoreError::Unavailable(format!("cannot reach PostgreSQL at {place}: {reason}"))
    };
    match tokio::time::timeout(FIRST_CONNECT_TIMEOUT, PgConnection::connect_with(options)).await {
        Err(_) => Err(unreachable(format!(
            "timed out after {} s",
            FIRST_CONNECT_TIMEOUT.as_secs()
        ))),
        Ok(Ok(connection)) => {
            // A failed goodbye changes nothing: the pool opens its own connections.
            let _ = connection.close().await;
            Ok(())
        }
        Ok(Err(error @ sqlx::Error::Database(_))) => Err(db_err(error)),
        Ok(Err(sqlx::Error::Io(error))) => Err(unreachable(error.to_string())),
        Ok(Err(error)) => Err(unreachable(error.to_string())),
    }
}

/// What running without autovacuum costs, when it is off: finished rows stay in the table and
/// its indexes until someone runs VACUUM. Claims do not slow down (`floors.rs`), but listings,
/// housekeeping and the disk do.
async fn autovacuum_warning_for(pool: &PgPool) -> Option<&'static str> {
    let setting: Result<String, _> = sqlx::query_scalar("SHOW autovacuum").fetch_one(pool).await;
    setting.ok().as_deref().and_then(autovacuum_warning)
}

/// The warning for a value of PostgreSQL's `autovacuum` setting, if it needs one.
fn autovacuum_warning(setting: &str) -> Option<&'static str> {
    (setting.trim().eq_ignore_ascii_case("off")).then_some(
        "PostgreSQL's autovacuum is off: every delivered notification leaves dead row versions \
         in the notifications table and its indexes until VACUUM runs, so the table and the \
         indexes grow, and listings and housekeeping read more with every run. Turn \
         autovacuum on, or run VACUUM (ANALYZE) notifications regularly",
    )
}

#[cfg(test)]
mod autovacuum_tests {
    use super::autovacuum_warning;

    #[test]
    fn only_an_autovacuum_that_is_off_is_warned_about() {
        assert!(autovacuum_warning("off").is_some());
        assert!(autovacuum_warning("OFF").is_some());
        assert!(autovacuum_warning("on").is_none());
    }
}
