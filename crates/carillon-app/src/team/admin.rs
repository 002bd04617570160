//! The platform admin's service tools: find services, change limits, trial or live,
//! suspend and resume. `carillon service update` calls the same use cases as the command
//! line actor, so both follow one rule.

use carillon_domain::{MemberPermission, Service, ServiceId, User};
use carillon_store::AuditEvent;

use super::{Actor, TeamError};
use crate::App;
use crate::services::ServiceChanges;

/// New limits; `None` keeps the current value. Each must be at least 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    pub email_daily: Option<u32>,
    pub sms_daily: Option<u32>,
    pub email_annual: Option<u64>,
    pub sms_annual: Option<u64>,
    /// Requests per 60 seconds per key type.
    pub rate: Option<u32>,
}

impl Limits {
    fn is_empty(&self) -> bool {
        *self == Limits::default()
    }

    /// Refuses a zero limit (GC Notify requires at least 1).
    pub fn check(&self) -> Result<(), TeamError> {
        let zero = [
            (self.email_daily.map(u64::from), "daily email limit"),
            (self.sms_daily.map(u64::from), "daily SMS limit"),
            (self.email_annual, "annual email limit"),
            (self.sms_annual, "annual SMS limit"),
            (self.rate.map(u64::from), "rate limit"),
        ]
        .into_iter()
        .find(|(value, _)| *value == Some(0));
        match zero {
            Some((_, what)) => Err(TeamError::ZeroLimit(what)),
            None => Ok(()),
        }
    }
}

impl App {
    /// Services whose name, sending address or id contains `query` (case-insensitive), by
    /// name; every service for an empty query.
    pub async fn find_services<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
        query: &str,
    ) -> Result<Vec<Service>, TeamError> {
        Self::require_platform_admin(actor.into())?;
        let query = query.trim().to_lowercase();
        let mut found = self.services().await?;
        found.retain(|s| {
            s.name.to_lowercase().contains(&query)
                || s.email_from.as_ref().contains(&query)
                || s.id.to_string().contains(&query)
        });
        found.sort_by_key(|s| s.name.to_lowercase());
        Ok(found)
    }

    /// The latest audit events, newest first: of one service (its managers), or of the whole
    /// platform (platform admins).
    pub async fn audit_log(
        &self,
        actor: &User,
        service: Option<ServiceId>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, TeamError> {
        match service {
            Some(id) => {
                self.require(actor, id, MemberPermission::ManageService)
                    .await?;
            }
            None => Self::require_platform_admin(actor.into())?,
        }
        Ok(self.store().audit_events(service, limit).await?)
    }

    /// Changes a service's limits.
    pub async fn set_limits<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
        service: ServiceId,
        limits: Limits,
    ) -> Result<Service, TeamError> {
        let actor = actor.into();
        Self::require_platform_admin(actor)?;
        self.managed_service(service).await?;
        limits.check()?;
        if limits.is_empty() {
            return self.managed_service(service).await;
        }
        let changes = ServiceChanges {
            email_daily_limit: limits.email_daily,
            sms_daily_limit: limits.sms_daily,
            email_annual_limit: limits.email_annual,
            sms_annual_limit: limits.sms_annual,
            rate_limit: limits.rate,
            ..ServiceChanges::default()
        };
        let saved = self.update_service(service, changes).await?;
        let detail = format!(
            "email_daily={} sms_daily={} email_annual={} sms_annual={} rate={}",
            saved.email_daily_limit,
            saved.sms_daily_limit,
            saved.email_annual_limit,
            saved.sms_annual_limit,
            saved.rate_limit
        );
        self.record_change(actor, Some(service), "service.limits", detail)
            .await?;
        Ok(saved)
    }

    /// Live (with GC Notify's live daily limits, unless higher ones are set) or back to trial.
    pub async fn set_live<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
        service: ServiceId,
        live: bool,
    ) -> Result<Service, TeamError> {
        let actor = actor.into();
        Self::require_platform_admin(actor)?;
        self.managed_service(service).await?;
        let changes = ServiceChanges {
            live: Some(live),
            ..ServiceChanges::default()
        };
        let saved = self.update_service(service, changes).await?;
        let action = if live {
            "service.live"
        } else {
            "service.trial"
        };
        let detail = format!(
            "email_daily={} sms_daily={}",
            saved.email_daily_limit, saved.sms_daily_limit
        );
        self.record_change(actor, Some(service), action, detail)
            .await?;
        Ok(saved)
    }

    /// Makes a service live: [`App::set_live`] with `true`.
    pub async fn make_live<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
        service: ServiceId,
    ) -> Result<Service, TeamError> {
        self.set_live(actor, service, true).await
    }

    /// Suspends a service: it can no longer send.
    pub async fn suspend_service<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
        service: ServiceId,
    ) -> Result<Service, TeamError> {
        self.set_active(actor.into(), service, false).await
    }

    /// Resumes a suspended service.
    pub async fn resume_service<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
        service: ServiceId,
    ) -> Result<Service, TeamError> {
        self.set_active(actor.into(), service, true).await
    }

    async fn set_active(
        &self,
        actor: Actor<'_>,
        service: ServiceId,
        active: bool,
    ) -> Result<Service, TeamError> {
        Self::require_platform_admin(actor)?;
        self.managed_service(service).await?;
        let changes = ServiceChanges {
            active: Some(active),
            ..ServiceChanges::default()
        };
        let saved = self.update_service(service, changes).await?;
        let action = if active {
            "service.resumed"
        } else {
            "service.suspended"
        };
        self.record_change(actor, Some(service), action, String::new())
            .await?;
        Ok(saved)
    }
}
