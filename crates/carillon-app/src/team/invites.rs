//! Invitations: a manager invites an address with chosen permissions; the emailed link
//! (valid two days, as GC Notify's) adds the person with exactly those permissions, after
//! they register if they have no account yet.

use std::future::Future;

use carillon_domain::{
    EmailAddress, Invitation, InvitationId, InvitationStatus, Language, MemberPermission,
    Membership, Service, ServiceId, User,
};
use time::{Duration, OffsetDateTime};

use super::access::{normalise_permissions, permission_names};
use super::{Actor, TeamError};
use crate::App;
use crate::accounts::is_government_email;

/// How long an invitation link works (GC Notify: two days).
pub const INVITATION_VALIDITY: Duration = Duration::days(2);

/// What the invitation email needs. The link is the mailer's to build (it knows the web
/// app's address) from `token`, which exists nowhere else.
#[derive(Debug)]
pub struct InvitationEmail<'a> {
    pub to: &'a EmailAddress,
    /// The inviter's language (the invitee's is not known yet).
    pub language: Language,
    pub service_name: &'a str,
    pub invited_by: &'a str,
    pub token: &'a str,
}

/// Sends invitation emails through the platform service (the web app passes the accounts
/// use case that does it; tests pass a recorder).
pub trait InvitationMailer: Send + Sync {
    fn send_invitation(
        &self,
        email: &InvitationEmail<'_>,
    ) -> impl Future<Output = Result<(), String>> + Send;
}

/// A pending invitation as its landing and registration pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationView {
    pub id: InvitationId,
    pub service: ServiceId,
    pub service_name: String,
    pub email: EmailAddress,
    pub permissions: Vec<MemberPermission>,
    pub expires_at: OffsetDateTime,
}

/// Where following an invitation link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptOutcome {
    /// The signed-in user joined the service.
    Joined(Service),
    /// The address has an account: sign in, then follow the link again.
    SignIn(InvitationView),
    /// The address has no account: register (the registration page shows this), then accept.
    Register(InvitationView),
}

impl App {
    /// Invites `email` with `permissions` (manage_service) and emails the link.
    pub async fn invite(
        &self,
        actor: &User,
        service: ServiceId,
        email: &EmailAddress,
        permissions: Vec<MemberPermission>,
        mailer: &impl InvitationMailer,
    ) -> Result<Invitation, TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ManageService)
            .await?;
        if email.normalised() == actor.email.normalised() {
            return Err(TeamError::InviteYourself);
        }
        if !is_government_email(email, &self.settings().government_domains) {
            return Err(TeamError::NotGovernmentEmail);
        }
        if let Some(user) = self.store().user_by_email(email).await?
            && self.store().membership(service, user.id).await?.is_some()
        {
            return Err(TeamError::AlreadyMember);
        }
        // A new invitation replaces one still pending for the same address.
        for old in self.store().invitations(service).await? {
            if old.status == InvitationStatus::Pending
                && old.email.normalised() == email.normalised()
            {
                let cancelled = InvitationStatus::Cancelled;
                self.store()
                    .set_invitation_status(old.id, cancelled)
                    .await?;
            }
        }
        let (token, token_hash) = self.new_invitation_token();
        let now = self.clock().now();
        let invitation = Invitation {
            id: InvitationId::new(),
            service,
            email: email.clone(),
            invited_by: actor.id,
            permissions: normalise_permissions(permissions),
            token_hash,
            status: InvitationStatus::Pending,
            created_at: now,
            expires_at: now + INVITATION_VALIDITY,
        };
        self.store().create_invitation(&invitation).await?;
        let message = InvitationEmail {
            to: email,
            language: actor.language,
            service_name: &found.name,
            invited_by: &actor.name,
            token: &token,
        };
        if mailer.send_invitation(&message).await.is_err() {
            let cancelled = InvitationStatus::Cancelled;
            self.store()
                .set_invitation_status(invitation.id, cancelled)
                .await?;
            return Err(TeamError::InvitationNotSent);
        }
        let detail = format!(
            "invitation={} permissions={}",
            invitation.id,
            permission_names(&invitation.permissions)
        );
        self.record_change(actor.into(), Some(service), "member.invited", detail)
            .await?;
        Ok(invitation)
    }

    /// The service's invitations still waiting for an answer, newest first (any member).
    pub async fn pending_invitations(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<Vec<Invitation>, TeamError> {
        self.access(actor, service).await?;
        self.pending(service).await
    }

    /// The pending invitations, for a caller that has checked access already.
    pub(crate) async fn pending(&self, service: ServiceId) -> Result<Vec<Invitation>, TeamError> {
        let now = self.clock().now();
        let mut list = self.store().invitations(service).await?;
        list.retain(|i| i.status == InvitationStatus::Pending && i.expires_at > now);
        Ok(list)
    }

    /// Cancels a pending invitation (manage_service): its link stops working.
    pub async fn cancel_invitation(
        &self,
        actor: &User,
        service: ServiceId,
        id: InvitationId,
    ) -> Result<(), TeamError> {
        self.require(actor, service, MemberPermission::ManageService)
            .await?;
        let invitation = self.store().invitation(id).await?;
        let invitation = invitation
            .filter(|i| i.service == service)
            .ok_or(TeamError::NotFound)?;
        usable(&invitation, self.clock().now())?;
        self.store()
            .set_invitation_status(id, InvitationStatus::Cancelled)
            .await?;
        let detail = format!("invitation={id}");
        self.record_change(actor.into(), Some(service), "invitation.cancelled", detail)
            .await
    }

    /// The pending invitation a link carries, for the registration page.
    pub async fn invitation_for_registration(
        &self,
        token: &str,
    ) -> Result<InvitationView, TeamError> {
        let invitation = self.usable_invitation(token).await?;
        self.view(invitation).await
    }

    /// Follows an invitation link. Signed in as the invited address: joins the service with
    /// exactly the invited permissions. Signed in as anyone else: `Forbidden`. Signed out:
    /// says whether to sign in or register first.
    pub async fn accept_invitation(
        &self,
        token: &str,
        user: Option<&User>,
    ) -> Result<AcceptOutcome, TeamError> {
        let invitation = self.usable_invitation(token).await?;
        let Some(user) = user else {
            let existing = self.store().user_by_email(&invitation.email).await?;
            let view = self.view(invitation).await?;
            return Ok(match existing {
                Some(_) => AcceptOutcome::SignIn(view),
                None => AcceptOutcome::Register(view),
            });
        };
        if user.email.normalised() != invitation.email.normalised() {
            return Err(TeamError::Forbidden);
        }
        let service = self.service(invitation.service).await?;
        let membership = Membership {
            service: service.id,
            user: user.id,
            permissions: invitation.permissions.clone(),
        };
        self.store().put_membership(&membership).await?;
        self.add_team_safelist(service.id, &user.email).await?;
        self.store()
            .set_invitation_status(invitation.id, InvitationStatus::Accepted)
            .await?;
        let detail = format!(
            "invitation={} permissions={}",
            invitation.id,
            permission_names(&invitation.permissions)
        );
        self.record_change(Actor::User(user), Some(service.id), "member.joined", detail)
            .await?;
        Ok(AcceptOutcome::Joined(service))
    }

    async fn usable_invitation(&self, token: &str) -> Result<Invitation, TeamError> {
        let hash = self.invitation_token_hash(token);
        let invitation = self.store().invitation_by_token(&hash).await?;
        let invitation = invitation.ok_or(TeamError::NotFound)?;
        usable(&invitation, self.clock().now())?;
        Ok(invitation)
    }

    async fn view(&self, invitation: Invitation) -> Result<InvitationView, TeamError> {
        let service = self.service(invitation.service).await?;
        Ok(InvitationView {
            id: invitation.id,
            service: service.id,
            service_name: service.name,
            email: invitation.email,
            permissions: invitation.permissions,
            expires_at: invitation.expires_at,
        })
    }
}

/// Pending and not expired, or why not.
fn usable(invitation: &Invitation, now: OffsetDateTime) -> Result<(), TeamError> {
    match invitation.status {
        InvitationStatus::Accepted => Err(TeamError::InvitationUsed),
        InvitationStatus::Cancelled => Err(TeamError::InvitationCancelled),
        InvitationStatus::Pending if invitation.expires_at <= now => {
            Err(TeamError::InvitationExpired)
        }
        InvitationStatus::Pending => Ok(()),
    }
}
