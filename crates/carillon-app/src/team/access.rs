//! Permission checks: what a user may do in a service, proof of a re-entered password, and
//! the audit record every change leaves.

use carillon_domain::{MemberPermission, Service, ServiceId, User, UserId};
use carillon_store::AuditEvent;

use super::{Actor, TeamError};
use crate::App;

/// Proof that the user just re-entered their password, which changing a service's name or
/// sending address requires. Only the password check of the accounts use cases makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordConfirmed {
    user: UserId,
}

impl PasswordConfirmed {
    /// Called once the password of `user` has been verified, and only then.
    pub(crate) fn verified(user: UserId) -> Self {
        Self { user }
    }

    /// Whose password was confirmed.
    pub fn user(&self) -> UserId {
        self.user
    }
}

impl App {
    /// Checks the password `actor` re-entered before changing a service's name or sending
    /// address (Argon2id, off the async runtime).
    pub async fn confirm_password(
        &self,
        actor: &User,
        password: &str,
    ) -> Result<PasswordConfirmed, TeamError> {
        let phc = Some(actor.password_hash.clone());
        if crate::accounts::password_matches(password, phc).await {
            Ok(PasswordConfirmed::verified(actor.id))
        } else {
            Err(TeamError::IncorrectPassword)
        }
    }

    /// What `actor` may do in `service`: every permission for a platform admin, the member's
    /// own otherwise. `Forbidden` for someone who is not a member.
    pub async fn member_permissions(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<Vec<MemberPermission>, TeamError> {
        self.access(actor, service).await.map(|(_, p)| p)
    }

    /// The service, when `actor` holds `permission` in it (`Forbidden` otherwise).
    pub async fn require(
        &self,
        actor: &User,
        service: ServiceId,
        permission: MemberPermission,
    ) -> Result<Service, TeamError> {
        let (service, permissions) = self.access(actor, service).await?;
        if permissions.contains(&permission) {
            Ok(service)
        } else {
            Err(TeamError::Forbidden)
        }
    }

    /// The service and the actor's permissions there; any member passes (`Forbidden` for
    /// anyone else, `NotFound` for no such service). One query: every service page asks.
    pub async fn access(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<(Service, Vec<MemberPermission>), TeamError> {
        if crate::accounts::is_platform_service(service) {
            return Err(TeamError::NotFound);
        }
        let (found, membership) = self
            .store()
            .service_with_membership(service, actor.id)
            .await?
            .ok_or(TeamError::NotFound)?;
        if actor.platform_admin {
            return Ok((found, MemberPermission::ALL.to_vec()));
        }
        match membership {
            Some(membership) => Ok((found, membership.permissions)),
            None => Err(TeamError::Forbidden),
        }
    }

    /// A service people manage: the built-in platform service (which sends sign-in codes
    /// and invitations) is not one, so no page can suspend or change it.
    pub(crate) async fn managed_service(&self, id: ServiceId) -> Result<Service, TeamError> {
        if crate::accounts::is_platform_service(id) {
            return Err(TeamError::NotFound);
        }
        Ok(self.service(id).await?)
    }

    /// Refuses anyone but a platform admin (or the command line).
    pub(crate) fn require_platform_admin(actor: Actor<'_>) -> Result<(), TeamError> {
        if actor.is_platform_admin() {
            Ok(())
        } else {
            Err(TeamError::Forbidden)
        }
    }

    /// Writes one audit event. `detail` holds ids and setting names, never personal data.
    pub(crate) async fn record_change(
        &self,
        actor: Actor<'_>,
        service: Option<ServiceId>,
        action: &str,
        detail: String,
    ) -> Result<(), TeamError> {
        let event = AuditEvent {
            at: self.clock().now(),
            actor: actor.user_id(),
            service,
            action: action.to_owned(),
            detail,
        };
        Ok(self.store().record_audit(&event).await?)
    }
}

/// The names of `permissions`, comma-separated, for audit details.
pub(crate) fn permission_names(permissions: &[MemberPermission]) -> String {
    permissions
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Sorted, without duplicates, as memberships keep them.
pub(crate) fn normalise_permissions(
    mut permissions: Vec<MemberPermission>,
) -> Vec<MemberPermission> {
    permissions.sort();
    permissions.dedup();
    permissions
}
