//! Carillon's use cases: every rule about who may send what, when, and within which limits,
//! written once and called by every front door (the JSON API, the web pages, the command line
//! and the delivery workers).
//!
//! No HTTP and no SQL here: use cases take typed input, call the storage traits, and return
//! typed errors (one enum per use case) that each front door turns into its own answer.

pub mod accounts;
pub mod bulk;
mod cache;
pub mod callbacks;
pub mod dashboard;
pub mod jobs;
pub mod keys;
pub mod limits;
mod lookup;
pub mod outbox;
mod rate;
pub mod recipients;
pub mod safelist;
pub mod send;
pub mod senders;
pub mod sent;
pub mod services;
pub mod team;
pub mod template_admin;
pub mod templates;
mod transient;
mod writer;

use std::sync::Arc;
use std::time::Duration;

use carillon_crypto::TokenKey;
use carillon_domain::Clock;
use carillon_store::Store;

pub use bulk::{BulkError, BulkFile, Checked};
pub use limits::{LimitExceeded, LimitPeriod, RateLimited};
pub use recipients::{RecipientRefused, UnknownSender};
pub use send::{Accepted, SendError, SendInput};
pub use templates::{ParsedTemplate, Preview, PreviewError, TemplateError};
pub use writer::Writer;

use crate::cache::Caches;
use crate::rate::RateLeases;

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
    /// Hashes session ids, sign-in codes and link tokens. Every process of a deployment must
    /// use the one derived from the master key (`TokenKey::from_master_key`); the default is
    /// random, so sessions last only as long as the process.
    pub token_key: TokenKey,
    /// A session unused this long ends (GC Notify: 30 minutes of inactivity).
    pub session_idle: Duration,
    /// A session ends this long after it began, however active.
    pub session_absolute: Duration,
    /// How long an emailed sign-in code is valid.
    pub email_code_ttl: Duration,
    /// How long a verification or password-reset link is valid (GC Notify: one hour).
    pub link_ttl: Duration,
    /// Email domains whose owners may create an account; subdomains match too.
    pub government_domains: Vec<String>,
    /// The web app's address (`https://notify.example.ca`), for links in emails.
    pub web_base_url: String,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            sending_domain: carillon_domain::PLACEHOLDER_SENDING_DOMAIN.to_owned(),
            default_sms_sender: "CANADA.CA".to_owned(),
            cache_ttl: Duration::from_secs(5),
            bulk_max_rows: 50_000,
            token_key: TokenKey::random(),
            session_idle: accounts::DEFAULT_SESSION_IDLE,
            session_absolute: accounts::DEFAULT_SESSION_ABSOLUTE,
            email_code_ttl: Duration::from_secs(30 * 60),
            link_ttl: Duration::from_secs(60 * 60),
            government_domains: accounts::DEFAULT_GOVERNMENT_DOMAINS
                .iter()
                .map(|domain| (*domain).to_owned())
                .collect(),
            web_base_url: "http://localhost:6012".to_owned(),
        }
    }
}

/// The use cases over one store. Cheap to clone: every front door in a process shares one
/// (and so its caches, rate leases and group-commit writer).
#[derive(Debug, Clone)]
pub struct App {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) settings: Arc<AppSettings>,
    pub(crate) writer: Writer,
    pub(crate) caches: Arc<Caches>,
    pub(crate) rate_leases: Arc<RateLeases>,
    /// Signalled whenever a notification is accepted, so a worker in this process starts at
    /// once instead of at its next poll.
    pub(crate) accepted: Arc<tokio::sync::Notify>,
    /// The platform service, once set up in this process (see `accounts::platform`).
    pub(crate) platform: Arc<tokio::sync::OnceCell<carillon_domain::Service>>,
    /// Attempts per client on the sign-in, code and email-sending use cases.
    pub(crate) throttle: Arc<accounts::Throttle>,
}

impl App {
    /// The use cases over `store`, starting the group-commit writer on the current Tokio
    /// runtime (so call it from within one).
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: AppSettings) -> Self {
        let writer = Writer::start(&store);
        let caches = Arc::new(Caches::new(settings.cache_ttl));
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            writer,
            caches,
            rate_leases: Arc::new(RateLeases::default()),
            accepted: Arc::new(tokio::sync::Notify::new()),
            platform: Arc::new(tokio::sync::OnceCell::new()),
            throttle: Arc::new(accounts::Throttle::default()),
        }
    }

    /// Signalled whenever a notification or a job is accepted: a worker of this process
    /// waits on it to start at once.
    pub fn accepted(&self) -> &Arc<tokio::sync::Notify> {
        &self.accepted
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
