//! The web app's records: accounts, one-time tokens, sessions, sign-in events, team
//! memberships, invitations, go-live requests and the audit log.
//!
//! Names, email addresses, TOTP secrets, session data and token payloads are personal data or
//! secrets: backends seal them with the master key, and find users by a keyed hash of the
//! normalised email address, as they find notifications by client reference.

use carillon_domain::{
    EmailAddress, Invitation, InvitationId, InvitationStatus, Membership, SecondFactor, Service,
    ServiceId, User, UserId,
};
use time::OffsetDateTime;

use crate::StoreResult;

/// What a one-time token proves when it is presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// A sign-in code sent by email (second factor).
    EmailCode,
    /// The link in a registration's verification email.
    VerifyEmail,
    /// The link in a password-reset email.
    ResetPassword,
    /// The link sent to a new address when a user changes theirs (payload: the new address).
    ChangeEmail,
}

impl TokenPurpose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::EmailCode => "email_code",
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::ChangeEmail => "change_email",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            TokenPurpose::EmailCode,
            TokenPurpose::VerifyEmail,
            TokenPurpose::ResetPassword,
            TokenPurpose::ChangeEmail,
        ]
        .into_iter()
        .find(|p| p.as_str() == text)
    }
}

/// A code or link token sent to a user. Only its keyed hash is stored (the caller hashes,
/// binding short codes to their user), so a database reader cannot use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeToken {
    pub hash: [u8; 32],
    pub purpose: TokenPurpose,
    pub user: UserId,
    /// Purpose-specific data, sealed at rest (the new address of an email change).
    pub payload: Option<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// How far a browser session has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionStage {
    /// No one signed in (language choice, CSRF token, a registration in progress).
    Anonymous,
    /// The password was right; the second factor is awaited.
    AwaitingSecondFactor,
    /// Fully signed in.
    SignedIn,
}

impl SessionStage {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::Anonymous => "anonymous",
            SessionStage::AwaitingSecondFactor => "awaiting_second_factor",
            SessionStage::SignedIn => "signed_in",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "anonymous" => Some(SessionStage::Anonymous),
            "awaiting_second_factor" => Some(SessionStage::AwaitingSecondFactor),
            "signed_in" => Some(SessionStage::SignedIn),
            _ => None,
        }
    }
}

/// A browser session. The cookie carries a random id; the store keeps only its hash, so a
/// database reader cannot take over a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id_hash: [u8; 32],
    pub user: Option<UserId>,
    pub stage: SessionStage,
    /// The use cases' own state between steps (JSON), sealed at rest.
    pub data: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// A completed sign-in, shown to the user on "before you continue".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInEvent {
    pub user: UserId,
    pub at: OffsetDateTime,
    pub second_factor: SecondFactor,
}

/// A change worth keeping a record of: who did what to which service. `detail` never holds
/// personal data (ids and setting names only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: OffsetDateTime,
    pub actor: Option<UserId>,
    pub service: Option<ServiceId>,
    /// A stable code such as `api_key.created`.
    pub action: String,
    pub detail: String,
}

/// Where a request to go live stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GoLiveStatus {
    Pending,
    Approved,
    Rejected,
}

impl GoLiveStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            GoLiveStatus::Pending => "pending",
            GoLiveStatus::Approved => "approved",
            GoLiveStatus::Rejected => "rejected",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(GoLiveStatus::Pending),
            "approved" => Some(GoLiveStatus::Approved),
            "rejected" => Some(GoLiveStatus::Rejected),
            _ => None,
        }
    }
}

/// A service's request to leave trial mode. One per service: a new request replaces the
/// previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoLiveRequest {
    pub service: ServiceId,
    pub requested_by: UserId,
    /// The answers to the request's questions (JSON), sealed at rest.
    pub answers: String,
    pub status: GoLiveStatus,
    pub requested_at: OffsetDateTime,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<OffsetDateTime>,
}

/// Accounts and the one-time tokens sent to them.
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    /// Stores a new account. `Conflict` when the (normalised) email address is taken.
    async fn create_user(&self, user: &User) -> StoreResult<()>;

    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;

    /// The account with this address, compared normalised (case-insensitive).
    async fn user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<User>>;

    /// Accounts ordered by creation then id, `limit` of them after `offset`.
    async fn users(&self, limit: u32, offset: u32) -> StoreResult<Vec<User>>;

    /// Replaces every field of the account (`NotFound` when it does not exist, `Conflict`
    /// when its new address is another account's), except that `totp_last_step` never moves
    /// back: saving a copy read before a code was accepted must not make the code usable again.
    async fn update_user(&self, user: &User) -> StoreResult<()>;

    /// Adds one to the account's failed sign-in count atomically and returns the new count
    /// (`NotFound` for an unknown id).
    async fn count_failed_sign_in(&self, id: UserId) -> StoreResult<u32>;

    /// Accepts TOTP time step `step` when it is later than the last accepted one, atomically,
    /// so two requests can never both use one code. Returns whether it was accepted.
    async fn accept_totp_step(&self, id: UserId, step: i64) -> StoreResult<bool>;

    async fn put_token(&self, token: &OneTimeToken) -> StoreResult<()>;

    /// Removes and returns the token with this hash and purpose, whether or not it has
    /// expired (the caller checks): at most one caller ever gets it.
    async fn take_token(
        &self,
        purpose: TokenPurpose,
        hash: &[u8; 32],
    ) -> StoreResult<Option<OneTimeToken>>;

    /// Removes every token of this purpose for the user (a new code replaces older ones).
    async fn remove_tokens(&self, user: UserId, purpose: TokenPurpose) -> StoreResult<u64>;

    async fn record_sign_in(&self, event: &SignInEvent) -> StoreResult<()>;

    /// The user's latest sign-ins, newest first.
    async fn recent_sign_ins(&self, user: UserId, limit: u32) -> StoreResult<Vec<SignInEvent>>;
}

/// Browser sessions.
#[async_trait::async_trait]
pub trait SessionStore: Send + Sync {
    /// Creates or replaces the session with this id hash.
    async fn put_session(&self, session: &SessionRecord) -> StoreResult<()>;

    async fn session(&self, id_hash: &[u8; 32]) -> StoreResult<Option<SessionRecord>>;

    /// The session with its account (`None` while no one is signed in, or when the account
    /// is gone), read together: every page opens one, so this is a single round trip.
    async fn session_with_user(
        &self,
        id_hash: &[u8; 32],
    ) -> StoreResult<Option<(SessionRecord, Option<User>)>>;

    /// Sets `last_seen_at` (a signed-in request keeps its session alive).
    async fn touch_session(&self, id_hash: &[u8; 32], now: OffsetDateTime) -> StoreResult<()>;

    async fn remove_session(&self, id_hash: &[u8; 32]) -> StoreResult<()>;

    /// Ends every session of the user ("sign out everywhere", suspension, password change).
    async fn remove_user_sessions(&self, user: UserId) -> StoreResult<u64>;

    /// Removes sessions last seen before `idle_before` or created before `created_before`.
    async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> StoreResult<u64>;
}

/// Who belongs to which service, invitations to join, and requests to go live.
#[async_trait::async_trait]
pub trait TeamStore: Send + Sync {
    /// Adds the member or replaces their permissions.
    async fn put_membership(&self, membership: &Membership) -> StoreResult<()>;

    async fn membership(&self, service: ServiceId, user: UserId)
    -> StoreResult<Option<Membership>>;

    /// The service's members, in the order they joined.
    async fn members(&self, service: ServiceId) -> StoreResult<Vec<Membership>>;

    /// The service's members with their accounts, in the order they joined, read in one
    /// query (the team page would otherwise read one account per member).
    async fn members_with_accounts(
        &self,
        service: ServiceId,
    ) -> StoreResult<Vec<(Membership, User)>>;

    /// The service with the user's membership of it, in one query: every service page
    /// checks both. `None` when there is no such service.
    async fn service_with_membership(
        &self,
        service: ServiceId,
        user: UserId,
    ) -> StoreResult<Option<(Service, Option<Membership>)>>;

    /// The services the user belongs to, in one query (in no particular order).
    async fn member_services(&self, user: UserId) -> StoreResult<Vec<Service>>;

    /// The services the user belongs to.
    async fn user_memberships(&self, user: UserId) -> StoreResult<Vec<Membership>>;

    async fn remove_membership(&self, service: ServiceId, user: UserId) -> StoreResult<()>;

    async fn create_invitation(&self, invitation: &Invitation) -> StoreResult<()>;

    async fn invitation(&self, id: InvitationId) -> StoreResult<Option<Invitation>>;

    async fn invitation_by_token(&self, token_hash: &[u8; 32]) -> StoreResult<Option<Invitation>>;

    /// The service's invitations, newest first.
    async fn invitations(&self, service: ServiceId) -> StoreResult<Vec<Invitation>>;

    async fn set_invitation_status(
        &self,
        id: InvitationId,
        status: InvitationStatus,
    ) -> StoreResult<()>;

    /// Creates or replaces the service's go-live request.
    async fn put_go_live_request(&self, request: &GoLiveRequest) -> StoreResult<()>;

    async fn go_live_request(&self, service: ServiceId) -> StoreResult<Option<GoLiveRequest>>;

    /// Requests in this state, oldest first.
    async fn go_live_requests(&self, status: GoLiveStatus) -> StoreResult<Vec<GoLiveRequest>>;
}

/// The audit log: append-only.
#[async_trait::async_trait]
pub trait AuditStore: Send + Sync {
    async fn record_audit(&self, event: &AuditEvent) -> StoreResult<()>;

    /// The latest events, newest first: of one service, or of all when `service` is `None`.
    async fn audit_events(
        &self,
        service: Option<ServiceId>,
        limit: u32,
    ) -> StoreResult<Vec<AuditEvent>>;
}
