//! The web app's service management: who may do what in a service (GC Notify's five member
//! permissions, platform admins passing every check), the team and its invitations, settings,
//! going live, API keys and callbacks as members see them, and the platform admin's tools.
//!
//! Every use case here takes the acting person and checks their permission itself, so no front
//! door can forget to; each change is written to the audit log.

mod access;
mod admin;
mod admin_users;
mod api;
mod dashboard;
mod golive;
mod hooks;
mod invites;
mod mail;
mod members;
mod reply_to;
mod seed;
mod sent;
mod services;
mod templates;
mod token;

#[cfg(test)]
mod tests;

use carillon_domain::{User, UserId};
use carillon_store::StoreError;
use thiserror::Error;

pub use access::PasswordConfirmed;
pub use admin::Limits;
pub use dashboard::{CHART_DAYS, Figures, PAST_YEARS, TeamDashboard, TeamUsage};
pub use golive::{ChecklistItem, GoLiveAnswers, GoLiveChecklist};
pub use hooks::{CallbackProbe, CallbackTest};
pub use invites::{
    AcceptOutcome, INVITATION_VALIDITY, InvitationEmail, InvitationMailer, InvitationView,
};
pub use mail::INVITATION_PATH;
pub use members::{Member, TeamOverview};
pub use reply_to::{REPLY_TO_LINK_VALIDITY, REPLY_TO_VERIFY_PATH};
pub use seed::SharedPassword;
pub use sent::{SentRow, TeamSent};
pub use services::CreateService;
pub use templates::{DraftPreview, TemplateDraft, TemplateList};

/// Who is acting: a signed-in person, or the operator at the command line (trusted as a
/// platform admin, as whoever runs `carillon` holds the database anyway).
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    User(&'a User),
    Cli,
}

impl<'a> From<&'a User> for Actor<'a> {
    fn from(user: &'a User) -> Self {
        Actor::User(user)
    }
}

impl Actor<'_> {
    /// Platform admins and the command line pass every permission check.
    pub fn is_platform_admin(&self) -> bool {
        match self {
            Actor::User(user) => user.platform_admin,
            Actor::Cli => true,
        }
    }

    /// The account acting, for the audit log (none for the command line).
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::User(user) => Some(user.id),
            Actor::Cli => None,
        }
    }
}

/// Why a service-management use case failed. Each variant is one message a page shows.
#[derive(Debug, Error)]
pub enum TeamError {
    /// The actor lacks the permission (or is not a member).
    #[error("you do not have permission to do this")]
    Forbidden,
    /// The service, member, invitation, key or address does not exist (in this service).
    #[error("not found")]
    NotFound,
    #[error("a service name must not be empty or longer than 255 characters")]
    InvalidName,
    #[error("another service already has this name")]
    DuplicateName,
    #[error("another service already uses this sending address")]
    DuplicateSendingAddress,
    /// The password confirmation belongs to someone else.
    #[error("confirm your own password")]
    PasswordNotConfirmed,
    /// The password re-entered to confirm a change is wrong.
    #[error("incorrect password")]
    IncorrectPassword,
    /// GC Notify invites government addresses only (the configured domains).
    #[error("enter a government email address")]
    NotGovernmentEmail,
    /// A reply-to address must be a government address or share a team member's domain.
    #[error("a reply-to address must be a government address or on a team member's domain")]
    ReplyToDomainNotAllowed,
    /// The address was added, but its verification email could not be sent.
    #[error("the verification email could not be sent")]
    ReplyToLinkNotSent,
    /// The reply-to verification link is unknown, used, expired, or its address removed.
    #[error("this verification link does not work")]
    ReplyToLinkInvalid,
    #[error("you cannot invite yourself")]
    InviteYourself,
    #[error("this person is already a member of the service")]
    AlreadyMember,
    #[error("the invitation email could not be sent")]
    InvitationNotSent,
    #[error("this invitation has expired")]
    InvitationExpired,
    #[error("this invitation was cancelled")]
    InvitationCancelled,
    #[error("this invitation has already been used")]
    InvitationUsed,
    /// GC Notify keeps at least one member with "manage settings and team".
    #[error("the service must keep at least one member who can manage settings and team")]
    LastManager,
    /// GC Notify keeps a live service with at least two members.
    #[error("a live service must keep at least two members")]
    TooFewMembers,
    #[error("an API key name must not be empty or longer than 255 characters")]
    InvalidKeyName,
    #[error("the service already has an API key with this name")]
    DuplicateKeyName,
    /// A service in trial mode cannot create a live key.
    #[error("a service in trial mode cannot create a live key")]
    LiveKeyInTrial,
    /// Going live needs every checklist item done.
    #[error("the go-live checklist is not complete")]
    ChecklistIncomplete(GoLiveChecklist),
    #[error("the service is already live")]
    AlreadyLive,
    #[error("there is no pending request to go live")]
    NoPendingRequest,
    /// GC Notify requires every limit to be at least 1.
    #[error("the {0} must be at least 1")]
    ZeroLimit(&'static str),
    #[error("{0}")]
    InvalidEmail(String),
    #[error(transparent)]
    Callback(crate::callbacks::CallbackError),
    #[error(transparent)]
    ReplyTo(crate::senders::SenderError),
    #[error(transparent)]
    Safelist(crate::safelist::SafelistError),
    /// The dashboard's figures could not be worked out.
    #[error(transparent)]
    Figures(crate::dashboard::DashboardError),
    /// A template cannot be saved without a category.
    #[error("choose a template category")]
    CategoryMissing,
    /// A template the form described cannot be saved (its name, subject or content).
    #[error(transparent)]
    Template(crate::template_admin::TemplateAdminError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<crate::template_admin::TemplateAdminError> for TeamError {
    fn from(error: crate::template_admin::TemplateAdminError) -> Self {
        use crate::template_admin::TemplateAdminError as E;
        match error {
            E::NotFound(_) | E::VersionNotFound { .. } => TeamError::NotFound,
            E::CategoryNotFound(_) => TeamError::CategoryMissing,
            E::Service(error) => error.into(),
            E::Store(error) => error.into(),
            other => TeamError::Template(other),
        }
    }
}

impl From<StoreError> for TeamError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => TeamError::NotFound,
            other => TeamError::Store(other),
        }
    }
}

impl From<crate::services::ServiceError> for TeamError {
    fn from(error: crate::services::ServiceError) -> Self {
        use crate::services::ServiceError as E;
        match error {
            E::NotFound(_) | E::NoServices | E::SeveralServices(_) => TeamError::NotFound,
            E::InvalidName => TeamError::InvalidName,
            E::ZeroLimit(what) => TeamError::ZeroLimit(what),
            E::Duplicate => TeamError::DuplicateName,
            E::Store(e) => TeamError::Store(e),
        }
    }
}
