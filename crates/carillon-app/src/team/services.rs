//! A member's services: the list, creating one (trial mode, creator as its first manager),
//! and the settings a manager changes (name, sending address, branding order).

use carillon_domain::{
    EmailLocalPart, Language, MemberPermission, Membership, Service, ServiceId, User,
};

use super::access::PasswordConfirmed;
use super::{Actor, TeamError};
use crate::App;
use crate::services::ServiceChanges;

/// A service a signed-in user creates: GC Notify's "add service" wizard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateService {
    pub name: String,
    /// The sending address's local part (`<email_from>@<sending domain>`).
    pub email_from: EmailLocalPart,
    /// Which language comes first in the service's emails.
    pub language: Language,
}

impl App {
    /// The services `actor` is a member of, by name.
    pub async fn user_services(&self, actor: &User) -> Result<Vec<Service>, TeamError> {
        let mut services = self.store().member_services(actor.id).await?;
        services.sort_by_cached_key(|s| s.name.to_lowercase());
        Ok(services)
    }

    /// Creates a service in trial mode (GC Notify's trial limits) with `actor` as its first
    /// member, holding every permission.
    pub async fn create_service_for(
        &self,
        actor: &User,
        new: CreateService,
    ) -> Result<Service, TeamError> {
        let name = new.name.trim().to_owned();
        self.check_unique(None, Some(&name), Some(&new.email_from))
            .await?;
        let service = self
            .create_service(crate::services::CreateService {
                name,
                email_from: new.email_from,
                live: false,
            })
            .await?;
        let service = if service.default_language == new.language {
            service
        } else {
            let service = Service {
                default_language: new.language,
                ..service
            };
            self.store().update_service(&service).await?;
            service
        };
        let membership = Membership {
            service: service.id,
            user: actor.id,
            permissions: MemberPermission::ALL.to_vec(),
        };
        self.store().put_membership(&membership).await?;
        self.add_team_safelist(service.id, &actor.email).await?;
        self.record_change(
            Actor::User(actor),
            Some(service.id),
            "service.created",
            String::new(),
        )
        .await?;
        Ok(service)
    }

    /// Renames the service (manage_service, password re-entered).
    pub async fn rename_service(
        &self,
        actor: &User,
        service: ServiceId,
        name: &str,
        confirmed: PasswordConfirmed,
    ) -> Result<Service, TeamError> {
        self.require_confirmed(actor, service, confirmed).await?;
        let name = name.trim().to_owned();
        self.check_unique(Some(service), Some(&name), None).await?;
        let changes = ServiceChanges {
            name: Some(name),
            ..ServiceChanges::default()
        };
        let saved = self.update_service(service, changes).await?;
        let actor = Actor::User(actor);
        self.record_change(actor, Some(service), "service.renamed", String::new())
            .await?;
        Ok(saved)
    }

    /// Changes the sending address's local part (manage_service, password re-entered).
    pub async fn change_sending_address(
        &self,
        actor: &User,
        service: ServiceId,
        email_from: EmailLocalPart,
        confirmed: PasswordConfirmed,
    ) -> Result<Service, TeamError> {
        self.require_confirmed(actor, service, confirmed).await?;
        self.check_unique(Some(service), None, Some(&email_from))
            .await?;
        let changes = ServiceChanges {
            email_from: Some(email_from),
            ..ServiceChanges::default()
        };
        let saved = self.update_service(service, changes).await?;
        let detail = format!("email_from={}", saved.email_from);
        self.record_change(
            Actor::User(actor),
            Some(service),
            "service.email_from",
            detail,
        )
        .await?;
        Ok(saved)
    }

    /// Which language comes first in the service's emails (GC Notify's signature order).
    pub async fn set_email_branding_order(
        &self,
        actor: &User,
        service: ServiceId,
        language: Language,
    ) -> Result<Service, TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ManageService)
            .await?;
        let saved = Service {
            default_language: language,
            ..found
        };
        self.store().update_service(&saved).await?;
        let detail = format!("language={}", language.as_str());
        self.record_change(
            Actor::User(actor),
            Some(service),
            "service.branding",
            detail,
        )
        .await?;
        Ok(saved)
    }

    async fn require_confirmed(
        &self,
        actor: &User,
        service: ServiceId,
        confirmed: PasswordConfirmed,
    ) -> Result<Service, TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ManageService)
            .await?;
        if confirmed.user() != actor.id {
            return Err(TeamError::PasswordNotConfirmed);
        }
        Ok(found)
    }

    /// Refuses a name (compared case-insensitively) or sending address another service has.
    async fn check_unique(
        &self,
        except: Option<ServiceId>,
        name: Option<&str>,
        email_from: Option<&EmailLocalPart>,
    ) -> Result<(), TeamError> {
        if let Some(name) = name {
            let chars = name.chars().count();
            if chars == 0 || chars > 255 {
                return Err(TeamError::InvalidName);
            }
        }
        for other in self.store().services().await? {
            if Some(other.id) == except {
                continue;
            }
            if name.is_some_and(|n| n.to_lowercase() == other.name.trim().to_lowercase()) {
                return Err(TeamError::DuplicateName);
            }
            if email_from.is_some_and(|e| *e == other.email_from) {
                return Err(TeamError::DuplicateSendingAddress);
            }
        }
        Ok(())
    }
}
