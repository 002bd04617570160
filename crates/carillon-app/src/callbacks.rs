//! A service's delivery-status and complaint callbacks: set (after GC Notify's health check),
//! list, remove, suspend, resume.
//!
//! URLs must be `https://`; `http://` is accepted only for loopback hosts (127.0.0.1, ::1,
//! localhost), for receivers on the same machine and for tests. The health check itself is
//! an HTTP request, made by the front door through [`HealthCheck`].

use std::future::Future;

use carillon_domain::ServiceId;
use carillon_store::{BearerToken, CallbackConfig, CallbackKind, StoreError};
use thiserror::Error;

use crate::App;
use crate::services::ServiceError;

/// GC Notify's shortest bearer token.
pub const MIN_TOKEN_CHARS: usize = 10;

/// Why a callback use case failed.
#[derive(Debug, Error)]
pub enum CallbackError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("the bearer token must be at least {MIN_TOKEN_CHARS} characters")]
    TokenTooShort,
    #[error("{url} is not a valid URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error(
        "callback URLs must start with https:// (http:// only for 127.0.0.1, ::1 and localhost)"
    )]
    NotHttps,
    /// The receiver did not answer the health check as GC Notify requires.
    #[error("the callback URL did not pass the health check: {0}")]
    HealthCheck(String),
    #[error("the service has no {0} callback")]
    NotSet(CallbackKind),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// GC Notify's health check of a callback URL: a POST of `{"health_check": true}` with the
/// bearer token, where a 4xx answer or no answer rejects the URL and anything else (a 5xx
/// included) accepts it. `Err` says why it was rejected.
pub trait HealthCheck: Send + Sync {
    fn check(&self, url: &str, token: &str) -> impl Future<Output = Result<(), String>> + Send;
}

/// `https://`, or `http://` to a loopback host.
pub fn check_url(text: &str) -> Result<(), CallbackError> {
    let url = url::Url::parse(text).map_err(|e| CallbackError::InvalidUrl {
        url: text.to_owned(),
        reason: e.to_string(),
    })?;
    let loopback = matches!(
        url.host(),
        Some(url::Host::Domain("localhost"))
            | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
            | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
    );
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(CallbackError::NotHttps),
    }
}

impl App {
    /// Creates or replaces the service's callback of `kind`, once `probe` says the receiver
    /// answers.
    pub async fn set_callback(
        &self,
        service: ServiceId,
        kind: CallbackKind,
        url: &str,
        token: &str,
        probe: &impl HealthCheck,
    ) -> Result<CallbackConfig, CallbackError> {
        self.service(service).await?;
        if token.chars().count() < MIN_TOKEN_CHARS {
            return Err(CallbackError::TokenTooShort);
        }
        check_url(url)?;
        probe
            .check(url, token)
            .await
            .map_err(CallbackError::HealthCheck)?;
        let config = CallbackConfig {
            service_id: service,
            kind,
            url: url.to_owned(),
            bearer_token: BearerToken::new(token),
            suspended: false,
            updated_at: self.clock().now(),
        };
        self.store().set_callback(&config).await?;
        Ok(config)
    }

    /// The service's callbacks.
    pub async fn callbacks(
        &self,
        service: ServiceId,
    ) -> Result<Vec<CallbackConfig>, CallbackError> {
        self.service(service).await?;
        Ok(self.store().callbacks(service).await?)
    }

    pub async fn remove_callback(
        &self,
        service: ServiceId,
        kind: CallbackKind,
    ) -> Result<(), CallbackError> {
        self.service(service).await?;
        self.store()
            .remove_callback(service, kind)
            .await
            .map_err(|e| not_set(e, kind))
    }

    /// Suspends (queued notices are dropped, none are queued) or resumes a callback.
    pub async fn suspend_callback(
        &self,
        service: ServiceId,
        kind: CallbackKind,
        suspended: bool,
    ) -> Result<(), CallbackError> {
        self.service(service).await?;
        self.store()
            .suspend_callback(service, kind, suspended, self.clock().now())
            .await
            .map_err(|e| not_set(e, kind))
    }
}

fn not_set(error: StoreError, kind: CallbackKind) -> CallbackError {
    match error {
        StoreError::NotFound => CallbackError::NotSet(kind),
        other => CallbackError::Store(other),
    }
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn https_or_loopback_http() {
        for ok in [
            "https://example.com/cb",
            "http://127.0.0.1:8080/cb",
            "http://[::1]:9/x",
            "http://localhost/cb",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/cb",
            "http://127.0.0.2/cb",
            "ftp://localhost/",
            "not a url",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
