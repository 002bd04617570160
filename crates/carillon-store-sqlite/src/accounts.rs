//! Accounts: stored with their name, address and TOTP secret sealed, found by the keyed hash
//! of the normalised address. The failed sign-in count and the last TOTP step change in one
//! `UPDATE … RETURNING` each, so concurrent requests can neither lose a count nor both spend
//! one code.

use carillon_domain::{EmailAddress, User, UserId};
use carillon_store::support::{
    email_hash, language, open_bytes, open_email, second_factor, user_state,
};
use carillon_store::{OneTimeToken, SignInEvent, StoreError, StoreResult, TokenPurpose};
use sqlx::sqlite::SqliteRow;

use crate::SqliteStore;
use crate::codec::{count, from_micros, micros, open_text};
use crate::error::{col, db_err};
use crate::tokens;

pub(crate) const COLUMNS: &str = "id, name, email, password_hash, state, platform_admin, second_factor, \
    totp_secret, totp_last_step, failed_sign_ins, language, password_changed_at, created_at";

/// Runs `sql` (an INSERT or UPDATE) with every column of `user` bound, sealed where personal,
/// in the order `write` binds them: the id last.
async fn write(store: &SqliteStore, sql: &str, user: &User) -> StoreResult<u64> {
    let cipher = &store.cipher;
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(cipher.encrypt_str(&user.name))
        .bind(cipher.encrypt_str(user.email.as_str()))
        .bind(email_hash(cipher, &user.email).as_slice())
        .bind(&user.password_hash)
        .bind(user.state.as_str())
        .bind(user.platform_admin)
        .bind(user.second_factor.as_str())
        .bind(
            user.totp_secret
                .as_deref()
                .map(|secret| cipher.encrypt(secret)),
        )
        .bind(user.totp_last_step)
        .bind(i64::from(user.failed_sign_ins))
        .bind(user.language.as_str())
        .bind(micros(user.password_changed_at))
        .bind(micros(user.created_at))
        .bind(user.id.as_uuid())
        .execute(&store.writer)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected())
}

async fn create(store: &SqliteStore, user: &User) -> StoreResult<()> {
    let sql = "INSERT INTO users (name, email, email_hash, password_hash, state, \
        platform_admin, second_factor, totp_secret, totp_last_step, failed_sign_ins, language, \
        password_changed_at, created_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    write(store, sql, user).await.map(drop)
}

async fn update(store: &SqliteStore, user: &User) -> StoreResult<()> {
    // The TOTP step never moves back: a copy of the account read before a code was accepted
    // and saved after it must not make that code usable again.
    let sql = "UPDATE users SET name = ?, email = ?, email_hash = ?, password_hash = ?, \
        state = ?, platform_admin = ?, second_factor = ?, totp_secret = ?, \
        totp_last_step = MAX(totp_last_step, ?), failed_sign_ins = ?, language = ?, \
        password_changed_at = ?, created_at = ? WHERE id = ?";
    match write(store, sql, user).await? {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

async fn one(store: &SqliteStore, filter: &str, key: &[u8]) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE {filter} = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(key)
        .fetch_optional(&store.readers)
        .await
        .map_err(db_err)?;
    row.map(|row| decode(store, &row)).transpose()
}

async fn page(store: &SqliteStore, limit: u32, offset: u32) -> StoreResult<Vec<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY created_at, id LIMIT ? OFFSET ?");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(&store.readers)
        .await
        .map_err(db_err)?;
    rows.iter().map(|row| decode(store, row)).collect()
}

async fn exists(store: &SqliteStore, id: UserId) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE id = ?")
        .bind(id.as_uuid())
        .fetch_optional(&store.readers)
        .await
        .map_err(db_err)?;
    Ok(found.is_some())
}

async fn count_failed(store: &SqliteStore, id: UserId) -> StoreResult<u32> {
    let failed: Option<i64> = sqlx::query_scalar(
        "UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = ? \
         RETURNING failed_sign_ins",
    )
    .bind(id.as_uuid())
    .fetch_optional(&store.writer)
    .await
    .map_err(db_err)?;
    count(failed.ok_or(StoreError::NotFound)?, "failed_sign_ins")
}

async fn accept_step(store: &SqliteStore, id: UserId, step: i64) -> StoreResult<bool> {
    // The comparison is in the UPDATE itself: of two requests with the same code, the second
    // finds the step already taken.
    let done =
        sqlx::query("UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
            .bind(step)
            .bind(id.as_uuid())
            .bind(step)
            .execute(&store.writer)
            .await
            .map_err(db_err)?;
    if done.rows_affected() == 1 {
        return Ok(true);
    }
    if exists(store, id).await? {
        Ok(false)
    } else {
        Err(StoreError::NotFound)
    }
}

pub(crate) fn decode(store: &SqliteStore, row: &SqliteRow) -> StoreResult<User> {
    let cipher = &store.cipher;
    let totp_secret: Option<Vec<u8>> = col(row, "totp_secret")?;
    Ok(User {
        id: UserId::from_uuid(col(row, "id")?),
        name: open_text(cipher, &col::<Vec<u8>>(row, "name")?)?,
        email: open_email(cipher, &col::<Vec<u8>>(row, "email")?)?,
        password_hash: col(row, "password_hash")?,
        state: user_state(&col::<String>(row, "state")?)?,
        platform_admin: col(row, "platform_admin")?,
        second_factor: second_factor(&col::<String>(row, "second_factor")?)?,
        totp_secret: totp_secret
            .map(|sealed| open_bytes(cipher, &sealed))
            .transpose()?,
        totp_last_step: col(row, "totp_last_step")?,
        failed_sign_ins: count(col(row, "failed_sign_ins")?, "failed_sign_ins")?,
        language: language(&col::<String>(row, "language")?)?,
        password_changed_at: from_micros(col(row, "password_changed_at")?)?,
        created_at: from_micros(col(row, "created_at")?)?,
    })
}

#[async_trait::async_trait]
impl carillon_store::AccountStore for SqliteStore {
    async fn create_user(&self, user: &User) -> StoreResult<()> {
        create(self, user).await
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        one(self, "id", id.as_uuid().as_bytes()).await
    }

    async fn user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<User>> {
        one(self, "email_hash", &email_hash(&self.cipher, email)).await
    }

    async fn users(&self, limit: u32, offset: u32) -> StoreResult<Vec<User>> {
        page(self, limit, offset).await
    }

    async fn update_user(&self, user: &User) -> StoreResult<()> {
        update(self, user).await
    }

    async fn count_failed_sign_in(&self, id: UserId) -> StoreResult<u32> {
        count_failed(self, id).await
    }

    async fn accept_totp_step(&self, id: UserId, step: i64) -> StoreResult<bool> {
        accept_step(self, id, step).await
    }

    async fn put_token(&self, token: &OneTimeToken) -> StoreResult<()> {
        tokens::put(self, token).await
    }

    async fn take_token(
        &self,
        purpose: TokenPurpose,
        hash: &[u8; 32],
    ) -> StoreResult<Option<OneTimeToken>> {
        tokens::take(self, purpose, hash).await
    }

    async fn remove_tokens(&self, user: UserId, purpose: TokenPurpose) -> StoreResult<u64> {
        tokens::remove(self, user, purpose).await
    }

    async fn record_sign_in(&self, event: &SignInEvent) -> StoreResult<()> {
        tokens::record_sign_in(self, event).await
    }

    async fn recent_sign_ins(&self, user: UserId, limit: u32) -> StoreResult<Vec<SignInEvent>> {
        tokens::recent_sign_ins(self, user, limit).await
    }
}
