//! Opens the configured store through the server library, which knows the concrete backends.

use std::sync::Arc;

use anyhow::Result;
use carillon_server::{OpenMode, open_store};
use carillon_store::Store;

use crate::settings::Settings;

/// Opens (and migrates) the database named by the settings. With [`OpenMode::Existing`]
/// (commands that only read) nothing is created: no directory, key or database.
pub(crate) async fn open(settings: &Settings, mode: OpenMode) -> Result<Arc<dyn Store>> {
    // Before the key, which would otherwise be reported missing for a missing database.
    settings.database.check_exists(mode)?;
    let master_key = settings.master_key(mode)?;
    Ok(open_store(&settings.database, &master_key, mode).await?)
}
