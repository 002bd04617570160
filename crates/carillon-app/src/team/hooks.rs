//! Callbacks as members set them (manage_api_keys): save after GC Notify's health check,
//! test the response time, remove. Like GC Notify, the web app refuses anything but
//! `https://` to a host other than this machine, unless the deployment allows loopback
//! receivers (tests, a receiver on the same machine).

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use carillon_domain::{MemberPermission, ServiceId, User};
use carillon_store::{CallbackConfig, CallbackKind};

use super::TeamError;
use crate::App;
use crate::callbacks::{CallbackError, HealthCheck, check_url};

/// Makes the health-check request (the web app passes its HTTP client).
pub trait CallbackProbe: Send + Sync {
    /// POSTs `{"health_check": true}` with the bearer token; the HTTP status, or why no
    /// answer came.
    fn post_health_check(
        &self,
        url: &str,
        token: &str,
    ) -> impl Future<Output = Result<u16, String>> + Send;

    /// Whether callbacks to this machine are allowed (never in GC Notify).
    fn allow_loopback(&self) -> bool {
        false
    }
}

/// A health check's answer and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackTest {
    pub status: u16,
    pub elapsed: Duration,
}

impl CallbackTest {
    /// GC Notify warns when a receiver takes a second or more.
    pub fn is_slow(&self) -> bool {
        self.elapsed >= Duration::from_secs(1)
    }
}

/// Runs the probe through the shared callback use case's health check, keeping the timing.
struct Timed<'a, P> {
    probe: &'a P,
    result: Mutex<Option<CallbackTest>>,
}

impl<P: CallbackProbe> HealthCheck for Timed<'_, P> {
    async fn check(&self, url: &str, token: &str) -> Result<(), String> {
        let test = timed(self.probe, url, token).await?;
        if let Ok(mut slot) = self.result.lock() {
            *slot = Some(test);
        }
        Ok(())
    }
}

/// One health check: an answer that is not 4xx passes, as in GC Notify.
async fn timed(probe: &impl CallbackProbe, url: &str, token: &str) -> Result<CallbackTest, String> {
    let started = Instant::now();
    let status = probe.post_health_check(url, token).await?;
    let test = CallbackTest {
        status,
        elapsed: started.elapsed(),
    };
    if (400..500).contains(&status) {
        return Err(format!("the receiver answered {status}"));
    }
    Ok(test)
}

/// `https://` and not this machine, unless loopback is allowed (then `check_url`'s rule).
fn check_public_url(url: &str, allow_loopback: bool) -> Result<(), CallbackError> {
    check_url(url)?;
    if allow_loopback {
        return Ok(());
    }
    let parsed = url::Url::parse(url).map_err(|e| CallbackError::InvalidUrl {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost") || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        None => true,
    };
    if parsed.scheme() != "https" || loopback {
        return Err(CallbackError::NotHttps);
    }
    Ok(())
}

impl App {
    /// The service's callbacks (manage_api_keys).
    pub async fn service_callbacks(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<Vec<CallbackConfig>, TeamError> {
        self.require(actor, service, MemberPermission::ManageApiKeys)
            .await?;
        self.callbacks(service).await.map_err(TeamError::Callback)
    }

    /// Saves a callback once the receiver passes the health check; says how fast it answered.
    pub async fn save_service_callback(
        &self,
        actor: &User,
        service: ServiceId,
        kind: CallbackKind,
        url: &str,
        token: &str,
        probe: &impl CallbackProbe,
    ) -> Result<(CallbackConfig, CallbackTest), TeamError> {
        self.require(actor, service, MemberPermission::ManageApiKeys)
            .await?;
        check_public_url(url, probe.allow_loopback()).map_err(TeamError::Callback)?;
        let timed = Timed {
            probe,
            result: Mutex::new(None),
        };
        let config = self
            .set_callback(service, kind, url, token, &timed)
            .await
            .map_err(TeamError::Callback)?;
        let test = timed.result.lock().ok().and_then(|slot| *slot);
        let detail = format!("kind={}", kind.as_str());
        self.record_change(actor.into(), Some(service), "callback.saved", detail)
            .await?;
        let test = test.ok_or(TeamError::Callback(CallbackError::HealthCheck(
            "no answer".to_owned(),
        )))?;
        Ok((config, test))
    }

    /// Checks the saved callback's receiver again and reports its response time.
    pub async fn test_service_callback(
        &self,
        actor: &User,
        service: ServiceId,
        kind: CallbackKind,
        probe: &impl CallbackProbe,
    ) -> Result<CallbackTest, TeamError> {
        let configs = self.service_callbacks(actor, service).await?;
        let config = configs
            .into_iter()
            .find(|c| c.kind == kind)
            .ok_or(TeamError::Callback(CallbackError::NotSet(kind)))?;
        check_public_url(&config.url, probe.allow_loopback()).map_err(TeamError::Callback)?;
        timed(probe, &config.url, config.bearer_token.expose())
            .await
            .map_err(|e| TeamError::Callback(CallbackError::HealthCheck(e)))
    }

    /// Removes a callback (manage_api_keys).
    pub async fn remove_service_callback(
        &self,
        actor: &User,
        service: ServiceId,
        kind: CallbackKind,
    ) -> Result<(), TeamError> {
        self.require(actor, service, MemberPermission::ManageApiKeys)
            .await?;
        self.remove_callback(service, kind)
            .await
            .map_err(TeamError::Callback)?;
        let detail = format!("kind={}", kind.as_str());
        self.record_change(actor.into(), Some(service), "callback.removed", detail)
            .await
    }
}
