//! Carillon's use cases: every rule about who may send what, when, and within which limits,
//! written once and called by every front door (the JSON API, the web pages, the command line
//! and the delivery workers).
//!
//! No HTTP and no SQL here: use cases take typed input, call the storage traits, and return
//! typed errors (one enum per use case) that each front door turns into its own answer.

pub mod callbacks;
pub mod keys;
pub mod safelist;
pub mod senders;
pub mod services;
pub mod template_admin;

use std::sync::Arc;
use std::time::Duration;

use carillon_domain::Clock;
use carillon_store::Store;

/// Deployment settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// Domain of From addresses (`<email_from>@<sending_domain>`).
    pub sending_domain: String,
    /// SMS sender used when a service has none.
    pub default_sms_sender: String,
    /// How long services, keys, templates and senders are cached in each process (zero: not
    /// at all). Changes take effect everywhere within this time.
    pub cache_ttl: Duration,
    /// Most rows a bulk send may hold (GC Notify's `CSV_MAX_ROWS`).
    pub bulk_max_rows: usize,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            sending_domain: "notification.canada.ca".to_owned(),
            default_sms_sender: "CANADA.CA".to_owned(),
            cache_ttl: Duration::from_secs(5),
            bulk_max_rows: 50_000,
        }
    }
}

/// The use cases over one store. Cheap to clone: every front door in a process shares one.
#[derive(Debug, Clone)]
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Arc<AppSettings>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: AppSettings) -> Self {
        Self {
            store,
            clock,
            settings: Arc::new(settings),
        }
    }

    /// The store the use cases run on.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The clock every rule reads "now" from.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn settings(&self) -> &AppSettings {
        &self.settings
    }
}
