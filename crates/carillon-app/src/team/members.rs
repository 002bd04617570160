//! The team: who belongs to a service, changing what they may do, removing them, leaving.
//! GC Notify's rules on departures hold: someone must still manage the service, and a live
//! service keeps two members.

use carillon_domain::{
    EmailAddress, Invitation, MemberPermission, Membership, NotificationType, SafelistEntry,
    SafelistId, Service, ServiceId, User, UserId,
};

use super::access::{normalise_permissions, permission_names};
use super::{Actor, TeamError};
use crate::App;

/// A member as the team page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user: UserId,
    pub name: String,
    pub email: EmailAddress,
    pub permissions: Vec<MemberPermission>,
}

/// What the team page shows, read after a single access check.
#[derive(Debug, Clone)]
pub struct TeamOverview {
    pub service: Service,
    /// What the person looking may do there.
    pub permissions: Vec<MemberPermission>,
    pub members: Vec<Member>,
    /// Invitations still waiting for an answer, newest first.
    pub invitations: Vec<Invitation>,
}

impl App {
    /// The service's team as its page shows it (any member may look).
    pub async fn team_overview(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<TeamOverview, TeamError> {
        let (found, permissions) = self.access(actor, service).await?;
        Ok(TeamOverview {
            members: self.team_members(service).await?,
            invitations: self.pending(service).await?,
            service: found,
            permissions,
        })
    }

    /// The service's members with their names and addresses, in the order they joined (any
    /// member may look).
    pub async fn members(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<Vec<Member>, TeamError> {
        self.access(actor, service).await?;
        self.team_members(service).await
    }

    /// The members, for a caller that has checked access already.
    pub(crate) async fn team_members(&self, service: ServiceId) -> Result<Vec<Member>, TeamError> {
        let members = self.store().members_with_accounts(service).await?;
        Ok(members
            .into_iter()
            .map(|(membership, user)| Member {
                user: user.id,
                name: user.name,
                email: user.email,
                permissions: membership.permissions,
            })
            .collect())
    }

    /// Replaces what a member may do (manage_service).
    pub async fn set_member_permissions(
        &self,
        actor: &User,
        service: ServiceId,
        member: UserId,
        permissions: Vec<MemberPermission>,
    ) -> Result<Membership, TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ManageService)
            .await?;
        let permissions = normalise_permissions(permissions);
        let members = self.store().members(service).await?;
        if !members.iter().any(|m| m.user == member) {
            return Err(TeamError::NotFound);
        }
        if !permissions.contains(&MemberPermission::ManageService) {
            check_departure(&found, &members, member, false)?;
        }
        let membership = Membership {
            service,
            user: member,
            permissions,
        };
        self.store().put_membership(&membership).await?;
        let detail = format!(
            "user={member} permissions={}",
            permission_names(&membership.permissions)
        );
        self.record_change(actor.into(), Some(service), "member.permissions", detail)
            .await?;
        Ok(membership)
    }

    /// Removes another member from the team (manage_service).
    pub async fn remove_member(
        &self,
        actor: &User,
        service: ServiceId,
        member: UserId,
    ) -> Result<(), TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ManageService)
            .await?;
        self.depart(actor, &found, member, "member.removed").await
    }

    /// The actor leaves the service's team.
    pub async fn leave_service(&self, actor: &User, service: ServiceId) -> Result<(), TeamError> {
        let found = self.managed_service(service).await?;
        self.depart(actor, &found, actor.id, "member.left").await
    }

    async fn depart(
        &self,
        actor: &User,
        service: &Service,
        member: UserId,
        action: &str,
    ) -> Result<(), TeamError> {
        let members = self.store().members(service.id).await?;
        if !members.iter().any(|m| m.user == member) {
            return Err(if member == actor.id {
                TeamError::Forbidden
            } else {
                TeamError::NotFound
            });
        }
        check_departure(service, &members, member, true)?;
        self.store().remove_membership(service.id, member).await?;
        if let Some(user) = self.store().user(member).await? {
            self.remove_team_safelist(service.id, &user.email).await?;
        }
        let detail = format!("user={member}");
        self.record_change(Actor::User(actor), Some(service.id), action, detail)
            .await
    }

    /// Moves a user's team safelist entries to their new address in every service they
    /// belong to, so trial services and team keys keep reaching them after an email change
    /// (the accounts use case calls this once the new address is confirmed).
    pub async fn member_address_changed(
        &self,
        user: UserId,
        old: &EmailAddress,
        new: &EmailAddress,
    ) -> Result<(), TeamError> {
        for membership in self.store().user_memberships(user).await? {
            self.remove_team_safelist(membership.service, old).await?;
            self.add_team_safelist(membership.service, new).await?;
        }
        Ok(())
    }

    /// Puts a member's address on the safelist as a team member, so a trial service and team
    /// keys can send to them.
    pub(crate) async fn add_team_safelist(
        &self,
        service: ServiceId,
        email: &EmailAddress,
    ) -> Result<(), TeamError> {
        let recipient = email.normalised();
        let list = self.store().safelist(service).await?;
        if list
            .iter()
            .any(|e| e.team_member && e.recipient == recipient)
        {
            return Ok(());
        }
        let entry = SafelistEntry {
            id: SafelistId::new(),
            service_id: service,
            kind: NotificationType::Email,
            recipient,
            team_member: true,
        };
        Ok(self.store().add_safelist_entry(&entry).await?)
    }

    /// Takes a departed member's team entry off the safelist.
    async fn remove_team_safelist(
        &self,
        service: ServiceId,
        email: &EmailAddress,
    ) -> Result<(), TeamError> {
        let recipient = email.normalised();
        for entry in self.store().safelist(service).await? {
            if entry.team_member && entry.recipient == recipient {
                self.store()
                    .remove_safelist_entry(service, entry.id)
                    .await?;
            }
        }
        Ok(())
    }
}

/// Whether `member` may leave (`leaving`) or lose manage_service: someone else must still
/// manage the service, and a live service keeps two members.
fn check_departure(
    service: &Service,
    members: &[Membership],
    member: UserId,
    leaving: bool,
) -> Result<(), TeamError> {
    let other_managers = members
        .iter()
        .filter(|m| m.user != member && m.permissions.contains(&MemberPermission::ManageService))
        .count();
    if other_managers == 0 {
        return Err(TeamError::LastManager);
    }
    if leaving && !service.restricted && members.len() <= 2 {
        return Err(TeamError::TooFewMembers);
    }
    Ok(())
}
