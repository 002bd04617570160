//! Reply-to verification links: set on an unverified address, taken once with one
//! `UPDATE … RETURNING` (so at most one caller verifies), and the default switched in the
//! same transaction as clearing the old one.

use carillon_domain::{ReplyTo, ReplyToId, ServiceId};
use carillon_store::{ReplyToVerification, StoreError, StoreResult};
use time::OffsetDateTime;

use crate::SqliteStore;
use crate::codec::micros;
use crate::error::{col, db_err};

pub(crate) async fn set(
    store: &SqliteStore,
    service: ServiceId,
    id: ReplyToId,
    verification: &ReplyToVerification,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE reply_tos SET verification_hash = ?, verification_expires_at = ?, \
         default_when_verified = (default_when_verified OR ?) \
         WHERE service_id = ? AND id = ? AND NOT verified AND NOT archived",
    )
    .bind(verification.hash.as_slice())
    .bind(micros(verification.expires_at))
    .bind(verification.make_default)
    .bind(service.as_uuid())
    .bind(id.as_uuid())
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn take(
    store: &SqliteStore,
    hash: &[u8; 32],
    now: OffsetDateTime,
) -> StoreResult<Option<(ReplyTo, bool)>> {
    // `default_when_verified` is left as it was: RETURNING shows the updated row, and a
    // verified address never has a pending link again.
    let row = sqlx::query(
        "UPDATE reply_tos SET verified = 1, verification_hash = NULL, \
         verification_expires_at = NULL \
         WHERE verification_hash = ? AND verification_expires_at > ? \
         AND NOT verified AND NOT archived \
         RETURNING id, service_id, email_address, is_default, archived, verified, \
         default_when_verified",
    )
    .bind(hash.as_slice())
    .bind(micros(now))
    .fetch_optional(&store.writer)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some((
        ReplyTo {
            id: ReplyToId::from_uuid(col(&row, "id")?),
            service_id: ServiceId::from_uuid(col(&row, "service_id")?),
            email_address: col(&row, "email_address")?,
            is_default: col(&row, "is_default")?,
            archived: col(&row, "archived")?,
            verified: col(&row, "verified")?,
        },
        col(&row, "default_when_verified")?,
    )))
}

pub(crate) async fn set_default(
    store: &SqliteStore,
    service: ServiceId,
    id: ReplyToId,
) -> StoreResult<()> {
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    sqlx::query("UPDATE reply_tos SET is_default = 0 WHERE service_id = ? AND is_default")
        .bind(service.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let done = sqlx::query(
        "UPDATE reply_tos SET is_default = 1 \
         WHERE service_id = ? AND id = ? AND verified AND NOT archived",
    )
    .bind(service.as_uuid())
    .bind(id.as_uuid())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        // Dropping the transaction rolls the cleared default back.
        return Err(StoreError::NotFound);
    }
    tx.commit().await.map_err(db_err)
}
