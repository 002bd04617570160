//! The queue of callback notices: claims with a lease (one `BEGIN IMMEDIATE` transaction on
//! the single writer, so claims never overlap) and results recorded in one transaction.

use carillon_domain::ServiceId;
use carillon_store::support::{QueuedRow, due_callback};
use carillon_store::{CallbackResolution, CallbackResult, DueCallback, StoreResult};
use sqlx::{QueryBuilder, Sqlite};
use time::OffsetDateTime;

use crate::SqliteStore;
use crate::codec::{micros, opt_from_micros};
use crate::error::{col, db_err};

/// Rows per multi-row statement (4 parameters each, well under SQLite's limit).
const CHUNK: usize = 500;
/// A claim considers the oldest `WINDOW × limit` due rows.
const WINDOW: u32 = 4;
/// A claimed row with what sending it needs.
const SELECT: &str = "SELECT q.seq, q.service_id, q.kind, q.notification_id, q.complaint_id, \
        q.status, q.provider_response, q.status_at, q.sent_at, q.attempts, c.url, \
        c.bearer_token, c.suspended, n.personal, \
        n.kind AS notification_kind, n.created_at AS notification_created_at, \
        k.complaint_date \
    FROM callback_queue q \
    LEFT JOIN service_callbacks c ON c.service_id = q.service_id AND c.kind = q.kind \
    LEFT JOIN notifications n ON n.id = q.notification_id \
    LEFT JOIN complaints k ON k.id = q.complaint_id";

pub(crate) async fn claim(
    store: &SqliteStore,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: u32,
    per_service: u32,
    skip: &[ServiceId],
) -> StoreResult<Vec<DueCallback>> {
    if limit == 0 || per_service == 0 {
        return Ok(Vec::new());
    }
    // The oldest due rows (a bounded window, through `callback_queue_due`), at most
    // `per_service` of each service, then their callback, notification and complaint.
    let mut select = QueryBuilder::<Sqlite>::new(
        "WITH head AS (SELECT seq, service_id, due_at FROM callback_queue WHERE due_at <= ",
    );
    select.push_bind(micros(now));
    if !skip.is_empty() {
        select.push(" AND service_id NOT IN (");
        let mut list = select.separated(", ");
        for service in skip {
            list.push_bind(*service.as_uuid());
        }
        select.push(")");
    }
    select.push(" ORDER BY due_at, seq LIMIT ");
    select.push_bind(i64::from(limit.saturating_mul(WINDOW)));
    select.push(
        "), picked AS (SELECT seq FROM (SELECT seq, due_at, ROW_NUMBER() OVER \
             (PARTITION BY service_id ORDER BY due_at, seq) AS rank FROM head) \
             WHERE rank <= ",
    );
    select.push_bind(i64::from(per_service));
    select.push(" ORDER BY due_at, seq LIMIT ");
    select.push_bind(i64::from(limit));
    select.push(format!(
        ") {SELECT} WHERE q.seq IN (SELECT seq FROM picked) ORDER BY q.due_at, q.seq"
    ));

    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let rows = select.build().fetch_all(&mut *tx).await.map_err(db_err)?;
    let rows = rows
        .iter()
        .map(|row| {
            Ok(QueuedRow {
                seq: col(row, "seq")?,
                service_id: col(row, "service_id")?,
                kind: col(row, "kind")?,
                notification_id: col(row, "notification_id")?,
                complaint_id: col(row, "complaint_id")?,
                status: col(row, "status")?,
                provider_response: col(row, "provider_response")?,
                status_at: opt_from_micros(col(row, "status_at")?)?,
                sent_at: opt_from_micros(col(row, "sent_at")?)?,
                attempts: col(row, "attempts")?,
                url: col(row, "url")?,
                bearer_token: col(row, "bearer_token")?,
                suspended: col(row, "suspended")?,
                personal: col(row, "personal")?,
                notification_kind: col(row, "notification_kind")?,
                notification_created_at: opt_from_micros(col(row, "notification_created_at")?)?,
                complaint_date: opt_from_micros(col(row, "complaint_date")?)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let (sendable, dropped): (Vec<_>, Vec<_>) = rows.into_iter().partition(QueuedRow::sendable);
    for (sql, rows) in [
        (
            "DELETE FROM callback_queue WHERE seq IN (",
            dropped.iter().map(|r| r.seq).collect::<Vec<_>>(),
        ),
        (
            "UPDATE callback_queue SET attempts = attempts + 1, due_at = ",
            sendable.iter().map(|r| r.seq).collect(),
        ),
    ] {
        for chunk in rows.chunks(CHUNK) {
            let mut query = QueryBuilder::<Sqlite>::new(sql);
            if sql.starts_with("UPDATE") {
                query.push_bind(micros(lease_until));
                query.push(" WHERE seq IN (");
            }
            let mut list = query.separated(", ");
            for seq in chunk {
                list.push_bind(*seq);
            }
            query.push(")");
            query.build().execute(&mut *tx).await.map_err(db_err)?;
        }
    }
    tx.commit().await.map_err(db_err)?;
    // Opened after the write lock is released.
    sendable
        .into_iter()
        .map(|row| due_callback(&store.cipher, row))
        .collect()
}

pub(crate) async fn record(store: &SqliteStore, results: &[CallbackResult]) -> StoreResult<()> {
    if results.is_empty() {
        return Ok(());
    }
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let done: Vec<_> = results
        .iter()
        .filter(|r| r.resolution == CallbackResolution::Done)
        .collect();
    for chunk in done.chunks(CHUNK) {
        let mut query =
            QueryBuilder::<Sqlite>::new("DELETE FROM callback_queue WHERE (seq, attempts) IN (");
        query.push_values(chunk, |mut values, result| {
            values
                .push_bind(result.id.0)
                .push_bind(i64::from(result.attempt));
        });
        query.push(")");
        query.build().execute(&mut *tx).await.map_err(db_err)?;
    }
    let later: Vec<_> = results
        .iter()
        .filter_map(|r| match r.resolution {
            CallbackResolution::Done => None,
            CallbackResolution::RetryAt(at) => Some((r, at, 0_i64)),
            CallbackResolution::Release(at) => Some((r, at, 1)),
        })
        .collect();
    for chunk in later.chunks(CHUNK) {
        let mut query =
            QueryBuilder::<Sqlite>::new("WITH u (seq, attempts, due_at, give_back) AS (");
        query.push_values(chunk, |mut values, (result, at, give_back)| {
            values
                .push_bind(result.id.0)
                .push_bind(i64::from(result.attempt))
                .push_bind(micros(*at))
                .push_bind(*give_back);
        });
        query.push(
            ") UPDATE callback_queue SET due_at = u.due_at, \
                 attempts = callback_queue.attempts - u.give_back \
             FROM u WHERE callback_queue.seq = u.seq AND callback_queue.attempts = u.attempts",
        );
        query.build().execute(&mut *tx).await.map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(())
}
