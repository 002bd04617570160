//! People who sign in to the web app: users, what they may do in a service, invitations,
//! sessions and the records kept about them (sign-ins, audit events).

use time::OffsetDateTime;

use crate::ids::{InvitationId, ServiceId, UserId};
use crate::language::Language;
use crate::recipient::EmailAddress;

/// What a member may do in a service: GC Notify's five interface permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MemberPermission {
    /// See dashboards, sent messages and usage.
    ViewActivity,
    /// Create and edit templates.
    ManageTemplates,
    /// Send messages from the web app.
    SendMessages,
    /// Change settings and manage the team (GC Notify's `manage_service`).
    ManageService,
    /// Create and revoke API keys, set callbacks and the safelist.
    ManageApiKeys,
}

impl MemberPermission {
    /// Every permission, in the order the invite page lists them.
    pub const ALL: [MemberPermission; 5] = [
        MemberPermission::ViewActivity,
        MemberPermission::ManageTemplates,
        MemberPermission::SendMessages,
        MemberPermission::ManageService,
        MemberPermission::ManageApiKeys,
    ];

    /// The stored name (GC Notify's).
    pub fn as_str(self) -> &'static str {
        match self {
            MemberPermission::ViewActivity => "view_activity",
            MemberPermission::ManageTemplates => "manage_templates",
            MemberPermission::SendMessages => "send_messages",
            MemberPermission::ManageService => "manage_service",
            MemberPermission::ManageApiKeys => "manage_api_keys",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// Where an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserState {
    /// Registered, email address not yet verified: cannot sign in.
    Pending,
    /// May sign in.
    Active,
    /// Suspended by a platform admin: cannot sign in, sessions ended.
    Suspended,
}

impl UserState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserState::Pending => "pending",
            UserState::Active => "active",
            UserState::Suspended => "suspended",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(UserState::Pending),
            "active" => Some(UserState::Active),
            "suspended" => Some(UserState::Suspended),
            _ => None,
        }
    }
}

/// The second factor a user signs in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecondFactor {
    /// A code sent by email (the default, as in GC Notify).
    EmailCode,
    /// A time-based code from an authenticator app (RFC 6238).
    Totp,
    /// A security key or passkey (WebAuthn).
    SecurityKey,
}

impl SecondFactor {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SecondFactor::EmailCode => "email_code",
            SecondFactor::Totp => "totp",
            SecondFactor::SecurityKey => "security_key",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email_code" => Some(SecondFactor::EmailCode),
            "totp" => Some(SecondFactor::Totp),
            "security_key" => Some(SecondFactor::SecurityKey),
            _ => None,
        }
    }
}

/// An account. Name, email address and secrets are personal data: backends encrypt them and
/// find users by a keyed hash of the normalised address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub email: EmailAddress,
    /// The PHC string of the password's Argon2id hash (`$argon2id$…`).
    pub password_hash: String,
    pub state: UserState,
    pub platform_admin: bool,
    pub second_factor: SecondFactor,
    /// The authenticator app's shared secret (raw bytes), when one is set up.
    pub totp_secret: Option<Vec<u8>>,
    /// The last TOTP time step accepted: a code of this step or earlier is a replay.
    pub totp_last_step: i64,
    /// Failed sign-in attempts since the last success; 10 locks the account.
    pub failed_sign_ins: u32,
    /// The interface language last chosen.
    pub language: Language,
    pub password_changed_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// A member of a service and what they may do there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub service: ServiceId,
    pub user: UserId,
    /// Sorted, without duplicates.
    pub permissions: Vec<MemberPermission>,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Cancelled,
}

impl InvitationStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(InvitationStatus::Pending),
            "accepted" => Some(InvitationStatus::Accepted),
            "cancelled" => Some(InvitationStatus::Cancelled),
            _ => None,
        }
    }
}

/// An invitation to join a service, sent by email. Its link carries a random token; only the
/// token's keyed hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub service: ServiceId,
    pub email: EmailAddress,
    pub invited_by: UserId,
    pub permissions: Vec<MemberPermission>,
    pub token_hash: [u8; 32],
    pub status: InvitationStatus,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}
