//! Opens the configured store: the only place that knows the concrete backends.

use std::sync::Arc;

use anyhow::{Context, Result};
use carillon_crypto::Cipher;
use carillon_store::Store;
use carillon_store_postgres::PgStore;
use carillon_store_sqlite::SqliteStore;

use crate::settings::{Database, Settings};

/// Opens (and migrates) the database named by the settings.
pub(crate) async fn open(settings: &Settings) -> Result<Arc<dyn Store>> {
    let cipher = Cipher::from_master_key(&settings.master_key()?);
    Ok(match &settings.database {
        Database::Sqlite(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            Arc::new(
                SqliteStore::open(path, cipher)
                    .await
                    .with_context(|| format!("opening SQLite database {}", path.display()))?,
            )
        }
        Database::Postgres(url) => Arc::new(
            PgStore::connect(url, cipher)
                .await
                .context("connecting to PostgreSQL")?,
        ),
    })
}
