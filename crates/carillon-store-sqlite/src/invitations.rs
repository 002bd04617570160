//! Invitations to join a service: the address sealed, found by id or by the hash of the
//! link's token.

use carillon_domain::{Invitation, InvitationId, InvitationStatus, ServiceId, UserId};
use carillon_store::support::{
    hash32, invitation_status, member_permissions, open_email, parse_member_permissions,
};
use carillon_store::{StoreError, StoreResult};
use sqlx::sqlite::SqliteRow;

use crate::SqliteStore;
use crate::codec::{from_micros, micros};
use crate::error::{col, db_err};

const COLUMNS: &str = "id, service_id, email, invited_by, permissions, token_hash, status, \
    created_at, expires_at";

pub(crate) async fn create(store: &SqliteStore, invitation: &Invitation) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO invitations (id, service_id, email, invited_by, permissions, token_hash, \
         status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(invitation.id.as_uuid())
    .bind(invitation.service.as_uuid())
    .bind(store.cipher.encrypt_str(invitation.email.as_str()))
    .bind(invitation.invited_by.as_uuid())
    .bind(member_permissions(&invitation.permissions))
    .bind(invitation.token_hash.as_slice())
    .bind(invitation.status.as_str())
    .bind(micros(invitation.created_at))
    .bind(micros(invitation.expires_at))
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The invitation whose `column` (`id` or `token_hash`) is `key`.
pub(crate) async fn one(
    store: &SqliteStore,
    column: &str,
    key: &[u8],
) -> StoreResult<Option<Invitation>> {
    let sql = format!("SELECT {COLUMNS} FROM invitations WHERE {column} = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(key)
        .fetch_optional(&store.readers)
        .await
        .map_err(db_err)?;
    row.map(|row| decode(store, &row)).transpose()
}

pub(crate) async fn of_service(
    store: &SqliteStore,
    service: ServiceId,
) -> StoreResult<Vec<Invitation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invitations WHERE service_id = ? ORDER BY created_at DESC, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(service.as_uuid())
        .fetch_all(&store.readers)
        .await
        .map_err(db_err)?;
    rows.iter().map(|row| decode(store, row)).collect()
}

pub(crate) async fn set_status(
    store: &SqliteStore,
    id: InvitationId,
    status: InvitationStatus,
) -> StoreResult<()> {
    let done = sqlx::query("UPDATE invitations SET status = ? WHERE id = ?")
        .bind(status.as_str())
        .bind(id.as_uuid())
        .execute(&store.writer)
        .await
        .map_err(db_err)?;
    match done.rows_affected() {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

fn decode(store: &SqliteStore, row: &SqliteRow) -> StoreResult<Invitation> {
    Ok(Invitation {
        id: InvitationId::from_uuid(col(row, "id")?),
        service: ServiceId::from_uuid(col(row, "service_id")?),
        email: open_email(&store.cipher, &col::<Vec<u8>>(row, "email")?)?,
        invited_by: UserId::from_uuid(col(row, "invited_by")?),
        permissions: parse_member_permissions(&col::<String>(row, "permissions")?)?,
        token_hash: hash32(&col::<Vec<u8>>(row, "token_hash")?, "invitation token hash")?,
        status: invitation_status(&col::<String>(row, "status")?)?,
        created_at: from_micros(col(row, "created_at")?)?,
        expires_at: from_micros(col(row, "expires_at")?)?,
    })
}
