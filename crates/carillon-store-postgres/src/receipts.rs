//! Providers' delivery receipts, matched on `provider_reference` (index of migration 0005).
//! The transition rules are part of the UPDATE's condition, so they hold however receipts
//! and workers interleave.

use carillon_domain::NotificationId;
use carillon_store::{Receipt, ReceiptOutcome, StoreResult};
use uuid::Uuid;

use crate::PgStore;
use crate::codec::truncate;
use crate::error::db_err;

/// SMS: only while `sent` (late and duplicate receipts are ignored). Email: while in flight
/// or after an earlier receipt (a bounce may follow a delivery), except that `delivered` never
/// replaces `permanent-failure`, and a repeat of the current status changes nothing.
const APPLY: &str = "UPDATE notifications \
    SET status = $3, provider_response = COALESCE($4, provider_response), updated_at = $5 \
    WHERE provider_reference = $1 AND kind = $2 AND ( \
        (kind = 'sms' AND status = 'sent') \
        OR (kind = 'email' \
            AND status IN ('sending', 'pending', 'delivered', 'temporary-failure', \
                'permanent-failure') \
            AND status <> $3::text \
            AND NOT (status = 'permanent-failure' AND $3::text = 'delivered'))) \
    RETURNING id";

const FIND: &str =
    "SELECT id FROM notifications WHERE provider_reference = $1 AND kind = $2 LIMIT 1";

pub(crate) async fn apply(
    store: &PgStore,
    receipts: &[Receipt],
) -> StoreResult<Vec<ReceiptOutcome>> {
    if receipts.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = store.pool.begin().await.map_err(db_err)?;
    let mut outcomes = Vec::with_capacity(receipts.len());
    for receipt in receipts {
        let applied: Option<Uuid> = sqlx::query_scalar(APPLY)
            .bind(&receipt.reference)
            .bind(receipt.kind.as_str())
            .bind(receipt.status.as_str())
            .bind(receipt.provider_response.as_deref())
            .bind(truncate(receipt.received_at))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        let outcome = match applied {
            Some(id) => ReceiptOutcome::Applied(NotificationId::from_uuid(id)),
            None => {
                let found: Option<Uuid> = sqlx::query_scalar(FIND)
                    .bind(&receipt.reference)
                    .bind(receipt.kind.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
                found.map_or(ReceiptOutcome::Unknown, |id| {
                    ReceiptOutcome::Ignored(NotificationId::from_uuid(id))
                })
            }
        };
        outcomes.push(outcome);
    }
    tx.commit().await.map_err(db_err)?;
    Ok(outcomes)
}
