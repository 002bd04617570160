//! One-time tokens (stored by their hash, payload sealed; taken with one `DELETE …
//! RETURNING`, so at most one caller ever gets a token) and the record of sign-ins.

use carillon_domain::UserId;
use carillon_store::support::{hash32, second_factor, token_purpose};
use carillon_store::{OneTimeToken, SignInEvent, StoreResult, TokenPurpose};

use crate::SqliteStore;
use crate::codec::{from_micros, micros, open_text};
use crate::error::{col, db_err};

pub(crate) async fn put(store: &SqliteStore, token: &OneTimeToken) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO one_time_tokens (hash, purpose, user_id, payload, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(token.hash.as_slice())
    .bind(token.purpose.as_str())
    .bind(token.user.as_uuid())
    .bind(
        token
            .payload
            .as_deref()
            .map(|payload| store.cipher.encrypt_str(payload)),
    )
    .bind(micros(token.created_at))
    .bind(micros(token.expires_at))
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn take(
    store: &SqliteStore,
    purpose: TokenPurpose,
    hash: &[u8; 32],
) -> StoreResult<Option<OneTimeToken>> {
    let row = sqlx::query(
        "DELETE FROM one_time_tokens WHERE hash = ? AND purpose = ? \
         RETURNING hash, purpose, user_id, payload, created_at, expires_at",
    )
    .bind(hash.as_slice())
    .bind(purpose.as_str())
    .fetch_optional(&store.writer)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    let payload: Option<Vec<u8>> = col(&row, "payload")?;
    Ok(Some(OneTimeToken {
        hash: hash32(&col::<Vec<u8>>(&row, "hash")?, "token hash")?,
        purpose: token_purpose(&col::<String>(&row, "purpose")?)?,
        user: UserId::from_uuid(col(&row, "user_id")?),
        payload: payload
            .map(|sealed| open_text(&store.cipher, &sealed))
            .transpose()?,
        created_at: from_micros(col(&row, "created_at")?)?,
        expires_at: from_micros(col(&row, "expires_at")?)?,
    }))
}

pub(crate) async fn remove(
    store: &SqliteStore,
    user: UserId,
    purpose: TokenPurpose,
) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM one_time_tokens WHERE user_id = ? AND purpose = ?")
        .bind(user.as_uuid())
        .bind(purpose.as_str())
        .execute(&store.writer)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected())
}

pub(crate) async fn record_sign_in(store: &SqliteStore, event: &SignInEvent) -> StoreResult<()> {
    sqlx::query("INSERT INTO sign_in_events (user_id, at, second_factor) VALUES (?, ?, ?)")
        .bind(event.user.as_uuid())
        .bind(micros(event.at))
        .bind(event.second_factor.as_str())
        .execute(&store.writer)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn recent_sign_ins(
    store: &SqliteStore,
    user: UserId,
    limit: u32,
) -> StoreResult<Vec<SignInEvent>> {
    let rows = sqlx::query(
        "SELECT at, second_factor FROM sign_in_events WHERE user_id = ? \
         ORDER BY at DESC LIMIT ?",
    )
    .bind(user.as_uuid())
    .bind(i64::from(limit))
    .fetch_all(&store.readers)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            Ok(SignInEvent {
                user,
                at: from_micros(col(row, "at")?)?,
                second_factor: second_factor(&col::<String>(row, "second_factor")?)?,
            })
        })
        .collect()
}
