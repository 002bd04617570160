//! Who belongs to which service, and services' requests to go live (answers sealed).

use carillon_domain::{Invitation, InvitationId, InvitationStatus, Membership, ServiceId, UserId};
use carillon_store::support::{go_live_status, member_permissions, parse_member_permissions};
use carillon_store::{GoLiveRequest, GoLiveStatus, StoreResult};
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use crate::SqliteStore;
use crate::codec::{from_micros, micros, open_text, opt_from_micros, opt_micros};
use crate::error::{col, db_err};
use crate::invitations;

async fn put_membership(store: &SqliteStore, membership: &Membership) -> StoreResult<()> {
    // `joined_at` orders a service's members. The clock can repeat a microsecond or step
    // back, so a newcomer joins at least one microsecond after the latest member.
    sqlx::query(
        "INSERT INTO memberships (service_id, user_id, permissions, joined_at) \
         VALUES (?, ?, ?, MAX(?, COALESCE( \
             (SELECT MAX(joined_at) + 1 FROM memberships WHERE service_id = ?), 0))) \
         ON CONFLICT (service_id, user_id) DO UPDATE SET permissions = excluded.permissions",
    )
    .bind(membership.service.as_uuid())
    .bind(membership.user.as_uuid())
    .bind(member_permissions(&membership.permissions))
    .bind(micros(OffsetDateTime::now_utc()))
    .bind(membership.service.as_uuid())
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn memberships(
    store: &SqliteStore,
    filter: &str,
    order: &str,
    key: uuid::Uuid,
) -> StoreResult<Vec<Membership>> {
    let sql = format!(
        "SELECT service_id, user_id, permissions FROM memberships WHERE {filter} = ? \
         ORDER BY joined_at, {order}"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(key)
        .fetch_all(&store.readers)
        .await
        .map_err(db_err)?;
    rows.iter().map(decode_membership).collect()
}

pub(crate) fn decode_membership(row: &SqliteRow) -> StoreResult<Membership> {
    Ok(Membership {
        service: ServiceId::from_uuid(col(row, "service_id")?),
        user: UserId::from_uuid(col(row, "user_id")?),
        permissions: parse_member_permissions(&col::<String>(row, "permissions")?)?,
    })
}

async fn put_go_live(store: &SqliteStore, request: &GoLiveRequest) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO go_live_requests (service_id, requested_by, answers, status, \
         requested_at, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (service_id) DO UPDATE SET requested_by = excluded.requested_by, \
         answers = excluded.answers, status = excluded.status, \
         requested_at = excluded.requested_at, decided_by = excluded.decided_by, \
         decided_at = excluded.decided_at",
    )
    .bind(request.service.as_uuid())
    .bind(request.requested_by.as_uuid())
    .bind(store.cipher.encrypt_str(&request.answers))
    .bind(request.status.as_str())
    .bind(micros(request.requested_at))
    .bind(request.decided_by.as_ref().map(UserId::as_uuid))
    .bind(opt_micros(request.decided_at))
    .execute(&store.writer)
    .await
    .map_err(db_err)?;
    Ok(())
}

const GO_LIVE_COLUMNS: &str =
    "service_id, requested_by, answers, status, requested_at, decided_by, decided_at";

async fn go_live(store: &SqliteStore, service: ServiceId) -> StoreResult<Option<GoLiveRequest>> {
    let sql = format!("SELECT {GO_LIVE_COLUMNS} FROM go_live_requests WHERE service_id = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(service.as_uuid())
        .fetch_optional(&store.readers)
        .await
        .map_err(db_err)?;
    row.map(|row| decode_go_live(store, &row)).transpose()
}

async fn go_lives(store: &SqliteStore, status: GoLiveStatus) -> StoreResult<Vec<GoLiveRequest>> {
    let sql = format!(
        "SELECT {GO_LIVE_COLUMNS} FROM go_live_requests WHERE status = ? \
         ORDER BY requested_at, service_id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(status.as_str())
        .fetch_all(&store.readers)
        .await
        .map_err(db_err)?;
    rows.iter().map(|row| decode_go_live(store, row)).collect()
}

fn decode_go_live(store: &SqliteStore, row: &SqliteRow) -> StoreResult<GoLiveRequest> {
    let decided_by: Option<uuid::Uuid> = col(row, "decided_by")?;
    Ok(GoLiveRequest {
        service: ServiceId::from_uuid(col(row, "service_id")?),
        requested_by: UserId::from_uuid(col(row, "requested_by")?),
        answers: open_text(&store.cipher, &col::<Vec<u8>>(row, "answers")?)?,
        status: go_live_status(&col::<String>(row, "status")?)?,
        requested_at: from_micros(col(row, "requested_at")?)?,
        decided_by: decided_by.map(UserId::from_uuid),
        decided_at: opt_from_micros(col(row, "decided_at")?)?,
    })
}

#[async_trait::async_trait]
impl carillon_store::TeamStore for SqliteStore {
    async fn put_membership(&self, membership: &Membership) -> StoreResult<()> {
        put_membership(self, membership).await
    }

    async fn membership(
        &self,
        service: ServiceId,
        user: UserId,
    ) -> StoreResult<Option<Membership>> {
        let row = sqlx::query(
            "SELECT service_id, user_id, permissions FROM memberships \
             WHERE service_id = ? AND user_id = ?",
        )
        .bind(service.as_uuid())
        .bind(user.as_uuid())
        .fetch_optional(&self.readers)
        .await
        .map_err(db_err)?;
        row.as_ref().map(decode_membership).transpose()
    }

    async fn members(&self, service: ServiceId) -> StoreResult<Vec<Membership>> {
        memberships(self, "service_id", "user_id", *service.as_uuid()).await
    }

    async fn members_with_accounts(
        &self,
        service: ServiceId,
    ) -> StoreResult<Vec<(Membership, carillon_domain::User)>> {
        crate::joined::members_with_accounts(self, service).await
    }

    async fn service_with_membership(
        &self,
        service: ServiceId,
        user: UserId,
    ) -> StoreResult<Option<(carillon_domain::Service, Option<Membership>)>> {
        crate::joined::service_with_membership(self, service, user).await
    }

    async fn member_services(&self, user: UserId) -> StoreResult<Vec<carillon_domain::Service>> {
        crate::joined::member_services(self, user).await
    }

    async fn user_memberships(&self, user: UserId) -> StoreResult<Vec<Membership>> {
        memberships(self, "user_id", "service_id", *user.as_uuid()).await
    }

    async fn remove_membership(&self, service: ServiceId, user: UserId) -> StoreResult<()> {
        sqlx::query("DELETE FROM memberships WHERE service_id = ? AND user_id = ?")
            .bind(service.as_uuid())
            .bind(user.as_uuid())
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn create_invitation(&self, invitation: &Invitation) -> StoreResult<()> {
        invitations::create(self, invitation).await
    }

    async fn invitation(&self, id: InvitationId) -> StoreResult<Option<Invitation>> {
        invitations::one(self, "id", id.as_uuid().as_bytes()).await
    }

    async fn invitation_by_token(&self, token_hash: &[u8; 32]) -> StoreResult<Option<Invitation>> {
        invitations::one(self, "token_hash", token_hash).await
    }

    async fn invitations(&self, service: ServiceId) -> StoreResult<Vec<Invitation>> {
        invitations::of_service(self, service).await
    }

    async fn set_invitation_status(
        &self,
        id: InvitationId,
        status: InvitationStatus,
    ) -> StoreResult<()> {
        invitations::set_status(self, id, status).await
    }

    async fn put_go_live_request(&self, request: &GoLiveRequest) -> StoreResult<()> {
        put_go_live(self, request).await
    }

    async fn go_live_request(&self, service: ServiceId) -> StoreResult<Option<GoLiveRequest>> {
        go_live(self, service).await
    }

    async fn go_live_requests(&self, status: GoLiveStatus) -> StoreResult<Vec<GoLiveRequest>> {
        go_lives(self, status).await
    }
}
