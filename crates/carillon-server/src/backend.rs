//! Opens the configured store: with the `carillon` program, the only place that knows the
//! concrete backends.

use std::sync::Arc;

use carillon_crypto::{Cipher, MasterKey};
use carillon_store::{Store, StoreError};
use carillon_store_postgres::PgStore;
use carillon_store_sqlite::SqliteStore;

use crate::error::ServerError;
use crate::private::{create_private_dir, create_private_file, tighten_sqlite_companions};
use crate::settings::Database;

/// Whether opening may create what is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the embedded database (and its directory) when missing; migrate in any case.
    Create,
    /// Open an existing database only: commands that only read never create one.
    Existing,
}

impl Database {
    /// In [`OpenMode::Existing`], refuses an embedded database whose file is not there, before
    /// anything else (such as a master key) is looked for. PostgreSQL is checked on connecting.
    ///
    /// # Errors
    /// [`ServerError::DatabaseMissing`].
    pub fn check_exists(&self, mode: OpenMode) -> Result<(), ServerError> {
        match self {
            Self::Sqlite(path) if mode == OpenMode::Existing && !path.is_file() => {
                Err(ServerError::DatabaseMissing(self.to_string()))
            }
            Self::Sqlite(_) | Self::Postgres(_) => Ok(()),
        }
    }
}

/// Opens (and migrates) `database` with `master_key`.
///
/// # Errors
/// [`ServerError::DatabaseMissing`] in [`OpenMode::Existing`] when it is not there,
/// [`ServerError::CreateDirectory`] or [`ServerError::OpenDatabase`] otherwise.
pub async fn open_store(
    database: &Database,
    master_key: &MasterKey,
    mode: OpenMode,
) -> Result<Arc<dyn Store>, ServerError> {
    database.check_exists(mode)?;
    let cipher = Cipher::from_master_key(master_key);
    let failed = |source: StoreError| match (&source, mode) {
        // PostgreSQL's message for an unknown database (SQLSTATE 3D000).
        (StoreError::Other(message), OpenMode::Existing)
            if matches!(database, Database::Postgres(_)) && message.contains("does not exist") =>
        {
            ServerError::DatabaseMissing(database.to_string())
        }
        _ => ServerError::OpenDatabase {
            database: database.to_string(),
            source,
        },
    };
    Ok(match database {
        Database::Sqlite(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                create_private_dir(parent).map_err(|source| ServerError::CreateDirectory {
                    path: parent.to_owned(),
                    source,
                })?;
            }
            if mode == OpenMode::Create {
                create_private_file(path).map_err(|source| ServerError::CreateDatabase {
                    path: path.clone(),
                    source,
                })?;
            }
            let store = SqliteStore::open(path, cipher).await.map_err(failed)?;
            tighten_sqlite_companions(path);
            Arc::new(store)
        }
        Database::Postgres(url) => Arc::new(PgStore::connect(url, cipher).await.map_err(failed)?),
    })
}
