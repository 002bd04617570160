//! Reads that join sessions, accounts, services and memberships, so that a page costs one
//! round trip where it would otherwise cost one per row (the team page, "your services") or
//! one per table (every signed-in page opens its session and account, every service page
//! checks the service and the visitor's membership).

use std::sync::LazyLock;

use carillon_domain::{Membership, Service, ServiceId, User, UserId};
use carillon_store::StoreResult;
use carillon_store::support::parse_member_permissions;
use sqlx::sqlite::SqliteRow;

use crate::SqliteStore;
use crate::error::{col, db_err};
use crate::{accounts, services, sessions, team};

/// `columns` (a comma-separated list) each prefixed with `table.`.
fn qualified(table: &str, columns: &str) -> String {
    columns
        .split(',')
        .map(|column| format!("{table}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

static SESSION_WITH_USER: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {}, {} FROM sessions s LEFT JOIN users u ON u.id = s.user_id \
         WHERE s.id_hash = ?1",
        sessions::COLUMNS,
        qualified("u", accounts::COLUMNS)
    )
});

static MEMBERS_WITH_ACCOUNTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT m.service_id, m.user_id, m.permissions, {} FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.service_id = ?1 \
         ORDER BY m.joined_at, m.user_id",
        qualified("u", accounts::COLUMNS)
    )
});

static SERVICE_WITH_MEMBERSHIP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {}, m.user_id AS member_user_id, m.permissions AS member_permissions \
         FROM services s LEFT JOIN memberships m ON m.service_id = s.id AND m.user_id = ?2 \
         WHERE s.id = ?1",
        qualified("s", services::COLUMNS)
    )
});

static MEMBER_SERVICES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM memberships m JOIN services s ON s.id = m.service_id \
         WHERE m.user_id = ?1",
        qualified("s", services::COLUMNS)
    )
});

pub(crate) async fn session_with_user(
    store: &SqliteStore,
    id_hash: &[u8; 32],
) -> StoreResult<Option<(carillon_store::SessionRecord, Option<User>)>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(SESSION_WITH_USER.as_str()))
        .bind(id_hash.as_slice())
        .fetch_optional(&store.readers)
        .await
        .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    let session = sessions::decode(store, &row)?;
    // The LEFT JOIN leaves the account's columns NULL when there is no account.
    let user = match col::<Option<uuid::Uuid>>(&row, "id")? {
        Some(_) => Some(accounts::decode(store, &row)?),
        None => None,
    };
    Ok(Some((session, user)))
}

pub(crate) async fn members_with_accounts(
    store: &SqliteStore,
    service: ServiceId,
) -> StoreResult<Vec<(Membership, User)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(MEMBERS_WITH_ACCOUNTS.as_str()))
        .bind(service.as_uuid())
        .fetch_all(&store.readers)
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|row| Ok((team::decode_membership(row)?, accounts::decode(store, row)?)))
        .collect()
}

pub(crate) async fn service_with_membership(
    store: &SqliteStore,
    service: ServiceId,
    user: UserId,
) -> StoreResult<Option<(Service, Option<Membership>)>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(SERVICE_WITH_MEMBERSHIP.as_str()))
        .bind(service.as_uuid())
        .bind(user.as_uuid())
        .fetch_optional(&store.readers)
        .await
        .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    let found = services::decode(&row)?;
    let membership = membership_of(&row, found.id)?;
    Ok(Some((found, membership)))
}

/// The membership in a row of [`SERVICE_WITH_MEMBERSHIP`], if the LEFT JOIN found one.
fn membership_of(row: &SqliteRow, service: ServiceId) -> StoreResult<Option<Membership>> {
    let Some(user) = col::<Option<uuid::Uuid>>(row, "member_user_id")? else {
        return Ok(None);
    };
    Ok(Some(Membership {
        service,
        user: UserId::from_uuid(user),
        permissions: parse_member_permissions(&col::<String>(row, "member_permissions")?)?,
    }))
}

pub(crate) async fn member_services(
    store: &SqliteStore,
    user: UserId,
) -> StoreResult<Vec<Service>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(MEMBER_SERVICES.as_str()))
        .bind(user.as_uuid())
        .fetch_all(&store.readers)
        .await
        .map_err(db_err)?;
    rows.iter().map(services::decode).collect()
}
