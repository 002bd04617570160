//! Sealing the client references that versions before migration 8 stored in clear: moved into
//! each row's sealed personal data, with their lookup hash, when the store connects. SQL cannot
//! seal or hash, so this runs in Rust, one transaction per batch. Rows are locked while they
//! are converted, so processes connecting at once share the work and a purge running meanwhile
//! is never undone.

use carillon_store::support::{CLEAR_REFERENCE_BATCH, ClearReference, seal_clear_reference};
use carillon_store::{StoreError, StoreResult};

use crate::PgStore;
use crate::error::{col, db_err};

/// Rows still holding a reference in clear, through `notifications_clear_reference` (empty
/// once every row is converted, so connecting to an up-to-date database costs one index probe).
/// A row another process is converting is waited for, then skipped as no longer matching.
const CLEAR: &str = "SELECT id, seq, service_id, personal, client_reference FROM notifications \
    WHERE client_reference IS NOT NULL ORDER BY seq LIMIT $1 FOR UPDATE";

const SEAL: &str = "UPDATE notifications SET personal = u.personal, \
        client_reference_hash = u.hash, client_reference = NULL \
    FROM UNNEST($1::uuid[], $2::bytea[], $3::bytea[]) AS u(id, personal, hash) \
    WHERE notifications.id = u.id";

/// Converts every row with a reference in clear; returns how many this process converted.
///
/// # Errors
/// A row whose personal data does not decrypt (the store was given another master key than
/// the one the database was written with) stops the conversion, with nothing of its batch
/// changed, so the store does not connect.
pub(crate) async fn seal_all(store: &PgStore) -> StoreResult<u64> {
    let mut converted = 0;
    loop {
        let mut tx = store.pool.begin().await.map_err(db_err)?;
        let rows = sqlx::query(CLEAR)
            .bind(i64::from(CLEAR_REFERENCE_BATCH))
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        if rows.is_empty() {
            tx.commit().await.map_err(db_err)?;
            return Ok(converted);
        }
        let mut ids: Vec<uuid::Uuid> = Vec::with_capacity(rows.len());
        let mut personal = Vec::with_capacity(rows.len());
        let mut hashes = Vec::with_capacity(rows.len());
        for row in &rows {
            let clear = ClearReference {
                seq: col(row, "seq")?,
                service_id: col(row, "service_id")?,
                personal: col(row, "personal")?,
                reference: col(row, "client_reference")?,
            };
            let sealed = seal_clear_reference(&store.cipher, clear).map_err(|e| explain(&e))?;
            ids.push(col(row, "id")?);
            personal.push(sealed.personal);
            hashes.push(sealed.reference_hash.map(Vec::from));
        }
        sqlx::query(SEAL)
            .bind(&ids)
            .bind(&personal)
            .bind(&hashes)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        converted += u64::try_from(ids.len()).unwrap_or(u64::MAX);
    }
}

/// Says what was being done, since this error stops the store from connecting.
fn explain(error: &StoreError) -> StoreError {
    StoreError::Corrupt(format!(
        "sealing the client references stored in clear by an older version: {error} \
         (is this the master key the database was written with?)"
    ))
}

#[cfg(test)]
mod tests;
