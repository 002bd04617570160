//! What every handler shares: the use cases (with the store, the clock and the group-commit
//! writer) and the API's own settings.

use std::sync::Arc;
use std::time::Duration;

use carillon_app::{App, AppSettings};
use carillon_domain::Clock;
use carillon_store::Store;

/// Deployment settings the API needs.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Domain of From addresses (`<email_from>@<sending_domain>`).
    pub sending_domain: String,
    /// SMS sender used when a service has none.
    pub default_sms_sender: String,
    /// Base of `uri` links when set (`https://notify.example.ca`); otherwise taken from the
    /// request's Host header.
    pub public_url: Option<String>,
    /// The `Strict-Transport-Security` header's value (`max-age=31536000`) when the API is
    /// reached over HTTPS only; no such header when `None`.
    pub hsts: Option<String>,
    /// Build identifier shown by `/_status`: the git commit stamped at build time, or `unknown`.
    pub commit_sha: String,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Largest accepted `POST /v2/notifications/bulk` body, in bytes (a 50,000-row file is a
    /// few megabytes).
    pub bulk_body_limit: usize,
    /// Most rows a bulk send may hold (GC Notify's `CSV_MAX_ROWS`).
    pub bulk_max_rows: usize,
    /// How long services, keys, templates and senders are cached in each process (zero: not
    /// at all). Changes take effect everywhere within this time.
    pub cache_ttl: Duration,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            sending_domain: carillon_domain::PLACEHOLDER_SENDING_DOMAIN.to_owned(),
            default_sms_sender: "CANADA.CA".to_owned(),
            public_url: None,
            hsts: None,
            commit_sha: env!("CARILLON_COMMIT_SHA").to_owned(),
            body_limit: 2 * 1024 * 1024,
            bulk_body_limit: 64 * 1024 * 1024,
            bulk_max_rows: 50_000,
            cache_ttl: Duration::from_secs(5),
        }
    }
}

impl ApiSettings {
    /// The largest body a request for `path` may carry, as the router enforces it: the
    /// server refuses a larger declared `Content-Length` before reading any of the body.
    pub fn body_limit_for(&self, path: &str) -> usize {
        if path == crate::BULK_PATH {
            self.bulk_body_limit
        } else {
            self.body_limit
        }
    }

    /// What the use cases need of these settings.
    pub fn app_settings(&self) -> AppSettings {
        AppSettings {
            sending_domain: self.sending_domain.clone(),
            default_sms_sender: self.default_sms_sender.clone(),
            cache_ttl: self.cache_ttl,
            bulk_max_rows: self.bulk_max_rows,
            ..AppSettings::default()
        }
    }
}

/// Shared state of the API.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The use cases every handler calls (with the store and the clock they run on).
    pub app: App,
    pub settings: Arc<ApiSettings>,
}

impl AppState {
    /// State for a store, starting the use cases (and their group-commit writer) on the
    /// current runtime.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: ApiSettings) -> Self {
        let app = App::new(store, clock, settings.app_settings());
        Self::with_app(app, settings)
    }

    /// State over use cases already started (shared with other front doors of the process).
    /// The app's settings win over the same fields of `settings`.
    pub fn with_app(app: App, settings: ApiSettings) -> Self {
        Self {
            app,
            settings: Arc::new(settings),
        }
    }
}
