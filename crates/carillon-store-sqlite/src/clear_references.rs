//! Sealing the client references that versions before migration 8 stored in clear: moved into
//! each row's sealed personal data, with their lookup hash, when the store opens. SQL cannot
//! seal or hash, so this runs in Rust, one `BEGIN IMMEDIATE` transaction per batch.

use carillon_store::support::{CLEAR_REFERENCE_BATCH, ClearReference, seal_clear_reference};
use carillon_store::{StoreError, StoreResult};

use crate::SqliteStore;
use crate::error::{col, db_err};

/// Rows still holding a reference in clear, through `notifications_clear_reference` (empty
/// once every row is converted, so opening an up-to-date database costs one index probe).
const CLEAR: &str = "SELECT seq, service_id, personal, client_reference FROM notifications \
    WHERE client_reference IS NOT NULL ORDER BY seq LIMIT ?";

const SEAL: &str = "UPDATE notifications \
    SET personal = ?, client_reference_hash = ?, client_reference = NULL WHERE seq = ?";

/// Converts every row with a reference in clear; returns how many there were.
///
/// # Errors
/// A row whose personal data does not decrypt (the store was opened with another master key
/// than the one the database was written with) stops the conversion, with nothing of its
/// batch changed, so the store does not open.
pub(crate) async fn seal_all(store: &SqliteStore) -> StoreResult<u64> {
    let mut converted = 0;
    loop {
        let mut tx = store
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)?;
        let rows = sqlx::query(CLEAR)
            .bind(i64::from(CLEAR_REFERENCE_BATCH))
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        if rows.is_empty() {
            tx.commit().await.map_err(db_err)?;
            return Ok(converted);
        }
        for row in &rows {
            let clear = ClearReference {
                seq: col(row, "seq")?,
                service_id: col(row, "service_id")?,
                personal: col(row, "personal")?,
                reference: col(row, "client_reference")?,
            };
            let sealed = seal_clear_reference(&store.cipher, clear).map_err(|e| explain(&e))?;
            sqlx::query(SEAL)
                .bind(sealed.personal)
                .bind(sealed.reference_hash.map(Vec::from))
                .bind(sealed.seq)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            converted += 1;
        }
        tx.commit().await.map_err(db_err)?;
    }
}

/// Says what was being done, since this error stops the store from opening.
fn explain(error: &StoreError) -> StoreError {
    StoreError::Corrupt(format!(
        "sealing the client references stored in clear by an older version: {error} \
         (is this the master key the database was written with?)"
    ))
}
