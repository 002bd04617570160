//! Services: create, list, show and change a service's settings (limits, trial or live,
//! suspended or active, SMS prefix, permissions), with GC Notify's rules and defaults.

use carillon_domain::{EmailLocalPart, NewService, Permission, Service, ServiceId};
use carillon_store::StoreError;
use thiserror::Error;

use crate::App;

/// GC Notify's daily email limit of a live service (its admin's `DEFAULT_LIVE_SERVICE_LIMIT`).
pub const LIVE_EMAIL_DAILY_LIMIT: u32 = 10_000;
/// GC Notify's daily SMS limit of a live service (`DEFAULT_LIVE_SMS_DAILY_LIMIT`).
pub const LIVE_SMS_DAILY_LIMIT: u32 = 1_500;
/// GC Notify's longest service name.
const MAX_NAME_CHARS: usize = 255;

/// Why a service use case failed.
#[derive(Debug, Error)]
pub enum ServiceError {
    #[error("no service with id {0}")]
    NotFound(ServiceId),
    #[error("there is no service yet: create one with `carillon service create`")]
    NoServices,
    /// The caller must say which service; the choices are given.
    #[error("there are {} services: choose one with --service ({})", .0.len(), choices(.0))]
    SeveralServices(Vec<Service>),
    #[error("a service name must not be empty or longer than 255 characters")]
    InvalidName,
    /// GC Notify requires every limit to be at least 1.
    #[error("the {0} must be at least 1")]
    ZeroLimit(&'static str),
    #[error("another service already has this name or sending address")]
    Duplicate,
    #[error(transparent)]
    Store(StoreError),
}

fn choices(services: &[Service]) -> String {
    services
        .iter()
        .map(|s| format!("{} {}", s.id, s.name))
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(_) => ServiceError::Duplicate,
            other => ServiceError::Store(other),
        }
    }
}

/// A service to create. It starts in trial mode with GC Notify's trial limits unless `live`,
/// when it gets the live daily limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateService {
    pub name: String,
    pub email_from: EmailLocalPart,
    pub live: bool,
}

/// Changes to a service; `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceChanges {
    pub name: Option<String>,
    pub email_from: Option<EmailLocalPart>,
    pub email_daily_limit: Option<u32>,
    pub sms_daily_limit: Option<u32>,
    pub email_annual_limit: Option<u64>,
    pub sms_annual_limit: Option<u64>,
    /// Requests per 60 seconds per key type.
    pub rate_limit: Option<u32>,
    /// Live (`true`) or trial mode. Going live raises the daily limits to GC Notify's live
    /// defaults unless the same change sets them.
    pub live: Option<bool>,
    /// Active (`true`) or suspended: a suspended service cannot send.
    pub active: Option<bool>,
    /// Start text messages with the service name.
    pub prefix_sms: Option<bool>,
    pub permissions: Option<Vec<Permission>>,
}

fn check_name(name: &str) -> Result<(), ServiceError> {
    let chars = name.trim().chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(ServiceError::InvalidName);
    }
    Ok(())
}

fn at_least_one<T: PartialEq + From<u8>>(
    value: Option<T>,
    what: &'static str,
) -> Result<(), ServiceError> {
    match value {
        Some(v) if v == T::from(0) => Err(ServiceError::ZeroLimit(what)),
        _ => Ok(()),
    }
}

impl App {
    /// Creates a service (trial unless `live`) with GC Notify's default permissions.
    pub async fn create_service(&self, new: CreateService) -> Result<Service, ServiceError> {
        check_name(&new.name)?;
        let service = self
            .store()
            .create_service(
                &NewService {
                    id: ServiceId::new(),
                    name: new.name,
                    email_from: new.email_from,
                    restricted: !new.live,
                },
                self.clock().now(),
            )
            .await?;
        if !new.live {
            return Ok(service);
        }
        let live = Service {
            email_daily_limit: LIVE_EMAIL_DAILY_LIMIT,
            sms_daily_limit: LIVE_SMS_DAILY_LIMIT,
            ..service
        };
        self.store().update_service(&live).await?;
        Ok(live)
    }

    /// Every service.
    pub async fn services(&self) -> Result<Vec<Service>, ServiceError> {
        // The built-in platform service sends the web app's own emails; nobody manages it.
        let mut services = self.store().services().await?;
        services.retain(|service| !crate::accounts::is_platform_service(service.id));
        Ok(services)
    }

    /// One service.
    pub async fn service(&self, id: ServiceId) -> Result<Service, ServiceError> {
        self.store()
            .service(id)
            .await?
            .ok_or(ServiceError::NotFound(id))
    }

    /// The service `id` names or, without one, the only service there is: front doors let
    /// an operator with one service leave it out.
    pub async fn service_or_only(&self, id: Option<ServiceId>) -> Result<Service, ServiceError> {
        if let Some(id) = id {
            return self.service(id).await;
        }
        let mut services = self.services().await?;
        match services.len() {
            0 => Err(ServiceError::NoServices),
            1 => Ok(services.remove(0)),
            _ => Err(ServiceError::SeveralServices(services)),
        }
    }

    /// Changes a service's settings and returns it as saved.
    pub async fn update_service(
        &self,
        id: ServiceId,
        changes: ServiceChanges,
    ) -> Result<Service, ServiceError> {
        at_least_one(changes.email_daily_limit, "daily email limit")?;
        at_least_one(changes.sms_daily_limit, "daily SMS limit")?;
        at_least_one(changes.email_annual_limit, "annual email limit")?;
        at_least_one(changes.sms_annual_limit, "annual SMS limit")?;
        at_least_one(changes.rate_limit, "rate limit")?;
        if let Some(name) = &changes.name {
            check_name(name)?;
        }
        let mut service = self.service(id).await?;
        let going_live = service.restricted && changes.live == Some(true);
        if going_live {
            // GC Notify's switch to live sets the live limits.
            service.email_daily_limit = service.email_daily_limit.max(LIVE_EMAIL_DAILY_LIMIT);
            service.sms_daily_limit = service.sms_daily_limit.max(LIVE_SMS_DAILY_LIMIT);
        }
        let ServiceChanges {
            name,
            email_from,
            email_daily_limit,
            sms_daily_limit,
            email_annual_limit,
            sms_annual_limit,
            rate_limit,
            live,
            active,
            prefix_sms,
            permissions,
        } = changes;
        set(&mut service.name, name);
        set(&mut service.email_from, email_from);
        set(&mut service.email_daily_limit, email_daily_limit);
        set(&mut service.sms_daily_limit, sms_daily_limit);
        set(&mut service.email_annual_limit, email_annual_limit);
        set(&mut service.sms_annual_limit, sms_annual_limit);
        set(&mut service.rate_limit, rate_limit);
        set(&mut service.restricted, live.map(|live| !live));
        set(&mut service.active, active);
        set(&mut service.prefix_sms, prefix_sms);
        if let Some(permissions) = permissions {
            service.permissions.clear();
            for permission in permissions {
                if !service.permissions.contains(&permission) {
                    service.permissions.push(permission);
                }
            }
        }
        self.store().update_service(&service).await?;
        Ok(service)
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}
