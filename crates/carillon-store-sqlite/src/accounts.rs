//! Accounts, sessions, teams and the audit log: not stored yet (every call fails).

use carillon_domain::{
    EmailAddress, Invitation, InvitationId, InvitationStatus, Membership, ServiceId, User, UserId,
};
use carillon_store::{
    AuditEvent, GoLiveRequest, GoLiveStatus, OneTimeToken, SessionRecord, SignInEvent, StoreError,
    StoreResult, TokenPurpose,
};
use time::OffsetDateTime;

use crate::SqliteStore;

fn unsupported<T>() -> StoreResult<T> {
    Err(StoreError::Other("accounts are not stored yet".to_owned()))
}

#[async_trait::async_trait]
impl carillon_store::AccountStore for SqliteStore {
    async fn create_user(&self, _user: &User) -> StoreResult<()> {
        unsupported()
    }

    async fn user(&self, _id: UserId) -> StoreResult<Option<User>> {
        unsupported()
    }

    async fn user_by_email(&self, _email: &EmailAddress) -> StoreResult<Option<User>> {
        unsupported()
    }

    async fn users(&self, _limit: u32, _offset: u32) -> StoreResult<Vec<User>> {
        unsupported()
    }

    async fn update_user(&self, _user: &User) -> StoreResult<()> {
        unsupported()
    }

    async fn count_failed_sign_in(&self, _id: UserId) -> StoreResult<u32> {
        unsupported()
    }

    async fn accept_totp_step(&self, _id: UserId, _step: i64) -> StoreResult<bool> {
        unsupported()
    }

    async fn put_token(&self, _token: &OneTimeToken) -> StoreResult<()> {
        unsupported()
    }

    async fn take_token(
        &self,
        _purpose: TokenPurpose,
        _hash: &[u8; 32],
    ) -> StoreResult<Option<OneTimeToken>> {
        unsupported()
    }

    async fn remove_tokens(&self, _user: UserId, _purpose: TokenPurpose) -> StoreResult<u64> {
        unsupported()
    }

    async fn record_sign_in(&self, _event: &SignInEvent) -> StoreResult<()> {
        unsupported()
    }

    async fn recent_sign_ins(&self, _user: UserId, _limit: u32) -> StoreResult<Vec<SignInEvent>> {
        unsupported()
    }
}

#[async_trait::async_trait]
impl carillon_store::SessionStore for SqliteStore {
    async fn put_session(&self, _session: &SessionRecord) -> StoreResult<()> {
        unsupported()
    }

    async fn session(&self, _id_hash: &[u8; 32]) -> StoreResult<Option<SessionRecord>> {
        unsupported()
    }

    async fn touch_session(&self, _id_hash: &[u8; 32], _now: OffsetDateTime) -> StoreResult<()> {
        unsupported()
    }

    async fn remove_session(&self, _id_hash: &[u8; 32]) -> StoreResult<()> {
        unsupported()
    }

    async fn remove_user_sessions(&self, _user: UserId) -> StoreResult<u64> {
        unsupported()
    }

    async fn purge_sessions(
        &self,
        _idle_before: OffsetDateTime,
        _created_before: OffsetDateTime,
    ) -> StoreResult<u64> {
        unsupported()
    }
}

#[async_trait::async_trait]
impl carillon_store::TeamStore for SqliteStore {
    async fn put_membership(&self, _membership: &Membership) -> StoreResult<()> {
        unsupported()
    }

    async fn membership(
        &self,
        _service: ServiceId,
        _user: UserId,
    ) -> StoreResult<Option<Membership>> {
        unsupported()
    }

    async fn members(&self, _service: ServiceId) -> StoreResult<Vec<Membership>> {
        unsupported()
    }

    async fn user_memberships(&self, _user: UserId) -> StoreResult<Vec<Membership>> {
        unsupported()
    }

    async fn remove_membership(&self, _service: ServiceId, _user: UserId) -> StoreResult<()> {
        unsupported()
    }

    async fn create_invitation(&self, _invitation: &Invitation) -> StoreResult<()> {
        unsupported()
    }

    async fn invitation(&self, _id: InvitationId) -> StoreResult<Option<Invitation>> {
        unsupported()
    }

    async fn invitation_by_token(&self, _token_hash: &[u8; 32]) -> StoreResult<Option<Invitation>> {
        unsupported()
    }

    async fn invitations(&self, _service: ServiceId) -> StoreResult<Vec<Invitation>> {
        unsupported()
    }

    async fn set_invitation_status(
        &self,
        _id: InvitationId,
        _status: InvitationStatus,
    ) -> StoreResult<()> {
        unsupported()
    }

    async fn put_go_live_request(&self, _request: &GoLiveRequest) -> StoreResult<()> {
        unsupported()
    }

    async fn go_live_request(&self, _service: ServiceId) -> StoreResult<Option<GoLiveRequest>> {
        unsupported()
    }

    async fn go_live_requests(&self, _status: GoLiveStatus) -> StoreResult<Vec<GoLiveRequest>> {
        unsupported()
    }
}

#[async_trait::async_trait]
impl carillon_store::AuditStore for SqliteStore {
    async fn record_audit(&self, _event: &AuditEvent) -> StoreResult<()> {
        unsupported()
    }

    async fn audit_events(
        &self,
        _service: Option<ServiceId>,
        _limit: u32,
    ) -> StoreResult<Vec<AuditEvent>> {
        unsupported()
    }
}
