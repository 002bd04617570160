//! What every handler shares: the use cases, the catalogues and the web app's settings.

use std::sync::Arc;

use carillon_app::App;
use carillon_i18n::{Catalog, CatalogError, DisplayZone};

use crate::client::TrustedProxies;

/// How the session cookie is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CookieMode {
    /// `__Host-carillon` with `Secure`: browsers only send it over HTTPS.
    #[default]
    Secure,
    /// `carillon_session` without `Secure`, for development over plain HTTP on a loopback
    /// address: browsers refuse a `__Host-` cookie that is not `Secure`, and a `Secure` cookie
    /// is not sent over plain HTTP (even if Chromium treats localhost as secure, others do not).
    LoopbackDevelopment,
}

/// The web app's settings.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// The product name in the header and in titles.
    pub product_name: String,
    pub cookies: CookieMode,
    /// The zone dates and times are shown in.
    pub zone: DisplayZone,
    /// The largest form body accepted, in bytes.
    pub form_body_limit: usize,
    /// Seconds of `Strict-Transport-Security` on every answer, for a site reached only over
    /// HTTPS; none when `None`.
    pub hsts_max_age: Option<u64>,
    /// Whether callback URLs on this machine (`http://127.0.0.1…`) pass: for tests and a
    /// receiver on the same machine; never in production, as in GC Notify.
    pub callbacks_allow_loopback: bool,
    /// Reverse proxies whose `X-Forwarded-For`/`Forwarded` headers name the client for the
    /// rate limits; none by default (the peer address is the client).
    pub trusted_proxies: TrustedProxies,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            product_name: "Carillon".to_owned(),
            cookies: CookieMode::Secure,
            zone: DisplayZone::Toronto,
            form_body_limit: 64 * 1024,
            hsts_max_age: None,
            callbacks_allow_loopback: false,
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

/// Why the web app could not start.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("the interface catalogues are broken: {0}")]
    Catalog(#[from] CatalogError),
}

/// Shared by every request. Cheap to clone.
#[derive(Debug, Clone)]
pub struct WebState {
    pub(crate) app: App,
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) settings: Arc<WebSettings>,
}

impl WebState {
    /// The web app over these use cases.
    ///
    /// # Errors
    /// When the catalogues do not load (a broken build).
    pub fn new(app: App, settings: WebSettings) -> Result<Self, WebError> {
        Ok(Self {
            app,
            catalog: Arc::new(Catalog::load()?),
            settings: Arc::new(settings),
        })
    }

    /// The use cases the pages call.
    #[must_use]
    pub fn app(&self) -> &App {
        &self.app
    }
}
