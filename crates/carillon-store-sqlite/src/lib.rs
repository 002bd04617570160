//! Carillon's storage on an embedded SQLite file: [`SqliteStore`] implements
//! [`carillon_store::Store`] for single-machine installs.
//!
//! One connection writes (SQLite allows one writer at a time; funnelling writes through one
//! connection and starting write transactions with `BEGIN IMMEDIATE` avoids `SQLITE_BUSY` lock
//! upgrades) and a small pool reads, which WAL lets run alongside the writer. Every commit is
//! synced to disk before it returns (`synchronous=FULL`).

mod accounts;
mod audit;
mod callback_queue;
mod callbacks;
mod clear_references;
mod codec;
mod delivery;
mod error;
mod facts;
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
mod security_keys;
mod senders;
mod services;
mod sessions;
mod team;
mod template_categories;
mod templates;
mod tokens;

use std::path::Path;
use std::time::Duration;

use carillon_crypto::Cipher;
use carillon_store::StoreError;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::error::db_err;

/// Readers run alongside the writer; more than a few only contend for the 2 cores we plan for.
const READERS: u32 = 4;
/// How long a call waits for a connection before reporting the database unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// [`Store`] on an SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// The one connection every write goes through.
    writer: SqlitePool,
    readers: SqlitePool,
    cipher: Cipher,
}

impl SqliteStore {
    /// Opens the database at `path` (creating the file if missing) and brings its schema up to
    /// date, sealing client references that an older version stored in clear. `cipher` seals
    /// personal data and API key secrets.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the file cannot be opened, the migration error, or
    /// [`StoreError::Corrupt`] when references stored in clear must be sealed and the personal
    /// data does not decrypt with `cipher` (another master key).
    pub async fn open(path: &Path, cipher: Cipher) -> Result<Self, StoreError> {
        // Settings every connection needs; WAL is a property of the file, so the writer sets it.
        let base = SqliteConnectOptions::new()
            .filename(path)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // FULL: a commit returns only once the WAL is on disk, so an acknowledged
            // notification survives an OS crash or a power cut, not only a process crash
            // (NORMAL syncs at checkpoints only). One fsync per commit is affordable because
            // the group-commit writer puts many requests in each transaction.
            .synchronous(SqliteSynchronous::Full)
            // Purged personal data is overwritten on disk rather than left in free pages.
            .pragma("secure_delete", "ON");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            // Keeping the writer open keeps the WAL and shared-memory files the readers need.
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(
                base.clone()
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // A bulk job writes all its rows in one transaction; with SQLite's default
                    // 2 MiB page cache its index pages are evicted and read back over and over.
                    .pragma("cache_size", "-32768"),
            )
            .await
            .map_err(db_err)?;
        migrations::migrator()
            .run(&writer)
            .await
            .map_err(|e| StoreError::Other(format!("migrating the database: {e}")))?;
        let readers = SqlitePoolOptions::new()
            .max_connections(READERS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // A write through a reader would bypass the single writer; refuse it outright.
            .connect_with(base.read_only(true))
            .await
            .map_err(db_err)?;
        let store = Self {
            writer,
            readers,
            cipher,
        };
        // Before anything is read: a reference still in clear is not found by its hash.
        if let Err(error) = clear_references::seal_all(&store).await {
            // Closed, not dropped: nothing of this attempt lingers behind the caller's back.
            store.close().await;
            return Err(error);
        }
        Ok(store)
    }

    /// Closes every connection, checkpointing the WAL into the database file.
    pub async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }
}

#[cfg(test)]
mod tests;
