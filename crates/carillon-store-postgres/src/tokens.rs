//! One-time tokens (stored by their hash, payload sealed; taken with one `DELETE …
//! RETURNING`, so at most one caller ever gets a token) and the record of sign-ins.

use carillon_domain::UserId;
use carillon_store::support::{hash32, second_factor, token_purpose};
use carillon_store::{OneTimeToken, SignInEvent, StoreResult, TokenPurpose};

use crate::PgStore;
use crate::codec::{open_text, truncate};
use crate::error::{col, db_err};

pub(crate) async fn put(store: &PgStore, token: &OneTimeToken) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO one_time_tokens (hash, purpose, user_id, payload, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
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
    .bind(truncate(token.created_at))
    .bind(truncate(token.expires_at))
    .execute(&store.pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn take(
    store: &PgStore,
    purpose: TokenPurpose,
    hash: &[u8; 32],
) -> StoreResult<Option<OneTimeToken>> {
    let row = sqlx::query(
        "DELETE FROM one_time_tokens WHERE hash = $1 AND purpose = $2 \
         RETURNING hash, purpose, user_id, payload, created_at, expires_at",
    )
    .bind(hash.as_slice())
    .bind(purpose.as_str())
    .fetch_optional(&store.pool)
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
        created_at: col(&row, "created_at")?,
        expires_at: col(&row, "expires_at")?,
    }))
}

pub(crate) async fn remove(
    store: &PgStore,
    user: UserId,
    purpose: TokenPurpose,
) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM one_time_tokens WHERE user_id = $1 AND purpose = $2")
        .bind(user.as_uuid())
        .bind(purpose.as_str())
        .execute(&store.pool)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected())
}

pub(crate) async fn record_sign_in(store: &PgStore, event: &SignInEvent) -> StoreResult<()> {
    sqlx::query("INSERT INTO sign_in_events (user_id, at, second_factor) VALUES ($1, $2, $3)")
        .bind(event.user.as_uuid())
        .bind(truncate(event.at))
        .bind(event.second_factor.as_str())
        .execute(&store.pool)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn recent_sign_ins(
    store: &PgStore,
    user: UserId,
    limit: u32,
) -> StoreResult<Vec<SignInEvent>> {
    let rows = sqlx::query(
        "SELECT at, second_factor FROM sign_in_events WHERE user_id = $1 \
         ORDER BY at DESC LIMIT $2",
    )
    .bind(user.as_uuid())
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            Ok(SignInEvent {
                user,
                at: col(row, "at")?,
                second_factor: second_factor(&col::<String>(row, "second_factor")?)?,
            })
        })
        .collect()
}
