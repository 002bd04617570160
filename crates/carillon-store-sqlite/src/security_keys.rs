//! Users' security keys: the name sealed, found by credential id; a use is recorded with one
//! conditional `UPDATE`, so two requests can never both spend one assertion.

use carillon_domain::{SecurityKeyId, UserId};
use carillon_store::{SecurityKeyRecord, StoreResult};
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use crate::SqliteStore;
use crate::codec::{count, from_micros, micros, open_text, opt_from_micros};
use crate::error::{col, db_err};

const COLUMNS: &str =
    "id, user_id, credential_id, public_key, sign_count, name, created_at, last_used_at";

fn decode(store: &SqliteStore, row: &SqliteRow) -> StoreResult<SecurityKeyRecord> {
    Ok(SecurityKeyRecord {
        id: SecurityKeyId::from_uuid(col(row, "id")?),
        user: UserId::from_uuid(col(row, "user_id")?),
        credential_id: col(row, "credential_id")?,
        public_key: col(row, "public_key")?,
        sign_count: count(col(row, "sign_count")?, "sign_count")?,
        name: open_text(&store.cipher, &col::<Vec<u8>>(row, "name")?)?,
        created_at: from_micros(col(row, "created_at")?)?,
        last_used_at: opt_from_micros(col(row, "last_used_at")?)?,
    })
}

#[async_trait::async_trait]
impl carillon_store::SecurityKeyStore for SqliteStore {
    async fn add_security_key(&self, key: &SecurityKeyRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO security_keys (id, user_id, credential_id, public_key, sign_count, \
             name, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(key.id.as_uuid())
        .bind(key.user.as_uuid())
        .bind(&key.credential_id)
        .bind(&key.public_key)
        .bind(i64::from(key.sign_count))
        .bind(self.cipher.encrypt_str(&key.name))
        .bind(micros(key.created_at))
        .bind(key.last_used_at.map(micros))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn security_keys(&self, user: UserId) -> StoreResult<Vec<SecurityKeyRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM security_keys WHERE user_id = ? ORDER BY created_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.as_uuid())
            .fetch_all(&self.readers)
            .await
            .map_err(db_err)?;
        rows.iter().map(|row| decode(self, row)).collect()
    }

    async fn security_key_by_credential(
        &self,
        credential_id: &[u8],
    ) -> StoreResult<Option<SecurityKeyRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM security_keys WHERE credential_id = ?");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(credential_id)
            .fetch_optional(&self.readers)
            .await
            .map_err(db_err)?;
        row.map(|row| decode(self, &row)).transpose()
    }

    async fn remove_security_key(&self, user: UserId, id: SecurityKeyId) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM security_keys WHERE id = ? AND user_id = ?")
            .bind(id.as_uuid())
            .bind(user.as_uuid())
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn use_security_key(
        &self,
        id: SecurityKeyId,
        sign_count: u32,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let count = i64::from(sign_count);
        let done = sqlx::query(
            "UPDATE security_keys SET sign_count = ?, last_used_at = ? \
             WHERE id = ? AND (sign_count < ? OR (sign_count = 0 AND ? = 0))",
        )
        .bind(count)
        .bind(micros(at))
        .bind(id.as_uuid())
        .bind(count)
        .bind(count)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }
}
