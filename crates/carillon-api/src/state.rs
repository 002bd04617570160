//! What every handler shares: the store, the clock, the group-commit writer and settings.

use std::sync::Arc;
use std::time::Duration;

use carillon_domain::Clock;
use carillon_store::Store;

use crate::cache::Caches;
use crate::rate::RateLeases;
use crate::writer::Writer;

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
    /// Build identifier shown by `/_status`.
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
            sending_domain: "notification.canada.ca".to_owned(),
            default_sms_sender: "CANADA.CA".to_owned(),
            public_url: None,
            commit_sha: env!("CARGO_PKG_VERSION").to_owned(),
            body_limit: 2 * 1024 * 1024,
            bulk_body_limit: 64 * 1024 * 1024,
            bulk_max_rows: 50_000,
            cache_ttl: Duration::from_secs(5),
        }
    }
}

/// Shared state of the API.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<ApiSettings>,
    pub writer: Writer,
    /// Signalled whenever a notification is accepted, so a worker in this process starts at
    /// once instead of at its next poll.
    pub accepted: Arc<tokio::sync::Notify>,
    pub(crate) caches: Arc<Caches>,
    pub(crate) rate_leases: Arc<RateLeases>,
}

impl AppState {
    /// State for a store, starting the group-commit writer on the current runtime.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: ApiSettings) -> Self {
        let writer = Writer::start(&store);
        let caches = Arc::new(Caches::new(settings.cache_ttl));
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            writer,
            accepted: Arc::new(tokio::sync::Notify::new()),
            caches,
            rate_leases: Arc::new(RateLeases::default()),
        }
    }
}
