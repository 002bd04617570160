//! What a server needs to know, already parsed: the binary resolves flags, environment and the
//! TOML file into a [`ServerSettings`], and nothing here reads the environment.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use carillon_crypto::MasterKey;
use carillon_providers::{HttpSmsSettings, SecretString, SmtpSettings};
use carillon_providers_aws::{AwsSettings, SenderId};
use carillon_web::TrustedProxies;
use carillon_worker::{CallbackSettings, WorkerSettings};

use crate::error::ServerError;

/// Which database to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// The embedded database: one SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL, shared by any number of processes.
    Postgres(String),
}

impl Database {
    /// Parses a database URL strictly: a typo must not silently create a new database.
    ///
    /// # Errors
    /// [`ServerError::DatabaseUrl`] for an empty SQLite path or an unknown scheme.
    pub fn parse_url(url: &str) -> Result<Self, ServerError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(ServerError::DatabaseUrl(
                    "sqlite:// needs a file path, e.g. sqlite:///var/lib/carillon/carillon.db"
                        .to_owned(),
                ));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        let scheme = url.split("://").next().unwrap_or(url);
        Err(ServerError::DatabaseUrl(format!(
            "unsupported database URL scheme {scheme:?}: use postgres:// or sqlite://"
        )))
    }
}

/// Names the database in messages: the SQLite path, or the PostgreSQL URL without its password.
impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "SQLite database {}", path.display()),
            Self::Postgres(text) => match url::Url::parse(text) {
                Ok(mut url) => {
                    // Only fails for URLs that cannot have a password, which print none.
                    let _ = url.set_password(None);
                    write!(f, "PostgreSQL database {url}")
                }
                Err(_) => f.write_str("PostgreSQL database (unparsable URL)"),
            },
        }
    }
}

/// What a process runs. Each part of the product is a question asked of the role, so a new
/// role is one more variant and its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// The API, the web app and the delivery workers: one process does everything.
    #[default]
    All,
    /// Only the API.
    Api,
    /// Only the web app.
    Web,
    /// Only the delivery workers and the callback dispatcher.
    Worker,
}

impl Role {
    /// Whether this process answers the API on the public listener.
    #[must_use]
    pub fn serves_api(self) -> bool {
        matches!(self, Self::All | Self::Api)
    }

    /// Whether this process serves the web app on the public listener.
    #[must_use]
    pub fn serves_web(self) -> bool {
        matches!(self, Self::All | Self::Web)
    }

    /// Whether this process has a public listener at all.
    #[must_use]
    pub fn serves_http(self) -> bool {
        self.serves_api() || self.serves_web()
    }

    /// Whether this process delivers notifications and sends callbacks (API-only processes
    /// send no callbacks: the workers' processes do).
    #[must_use]
    pub fn runs_workers(self) -> bool {
        matches!(self, Self::All | Self::Worker)
    }
}

/// Where email goes.
#[derive(Debug, Clone, Default)]
pub enum EmailProviderChoice {
    /// Kept in the built-in outbox, for reading with `carillon outbox`.
    #[default]
    Outbox,
    /// An SMTP relay.
    Smtp(SmtpSettings),
    /// Amazon SES, with the configuration set whose event destination reports receipts.
    Ses {
        /// SES configuration set for sent email.
        configuration_set: Option<String>,
    },
}

impl EmailProviderChoice {
    /// `outbox`, `ses` or an SMTP URL (`smtp://`, `smtp+starttls://`, `smtps://`).
    ///
    /// # Errors
    /// [`ServerError::EmailProvider`] when the URL is not a usable SMTP URL.
    pub fn parse(text: &str, ses_configuration_set: Option<String>) -> Result<Self, ServerError> {
        match text {
            "outbox" => Ok(Self::Outbox),
            "ses" => Ok(Self::Ses {
                configuration_set: ses_configuration_set,
            }),
            url => SmtpSettings::from_url(url)
                .map(Self::Smtp)
                .map_err(|e| ServerError::EmailProvider(e.to_string())),
        }
    }
}

/// Where text messages go.
#[derive(Debug, Clone, Default)]
pub enum SmsProviderChoice {
    /// Kept in the built-in outbox.
    #[default]
    Outbox,
    /// An HTTP(S) SMS gateway.
    Gateway(HttpSmsSettings),
    /// Amazon SNS.
    Sns {
        /// Whether the service's sender is passed to SNS.
        sender_id: SenderId,
    },
}

impl SmsProviderChoice {
    /// `outbox`, `sns` or the URL of an SMS gateway, which needs its bearer token.
    ///
    /// # Errors
    /// [`ServerError::MissingGatewayToken`] for a gateway without a token,
    /// [`ServerError::SmsProvider`] for an unusable URL.
    pub fn parse(
        text: &str,
        gateway_token: Option<SecretString>,
        sns_sender_id: SenderId,
    ) -> Result<Self, ServerError> {
        match text {
            "outbox" => Ok(Self::Outbox),
            "sns" => Ok(Self::Sns {
                sender_id: sns_sender_id,
            }),
            url => {
                let token = gateway_token.ok_or(ServerError::MissingGatewayToken)?;
                HttpSmsSettings::new(url, token)
                    .map(Self::Gateway)
                    .map_err(|e| ServerError::SmsProvider(e.to_string()))
            }
        }
    }
}

/// How SNS delivery receipts are trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnsSettings {
    /// SNS topics receipts are accepted from (empty: any).
    pub topic_arns: Vec<String>,
    /// Extra origins trusted for SNS certificates and subscription confirmations.
    pub trusted_origins: Vec<String>,
}

/// How long clients may take and how many are served at once, per listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// Longest a client may take to send a request's line and headers, counted from the
    /// connection's opening or from the first byte of a later request; the connection is
    /// then closed.
    pub header_timeout: Duration,
    /// Longest a request's body may take to arrive in full, counted from its head; a late
    /// body is answered 408 and the connection closed.
    pub body_timeout: Duration,
    /// Longest a kept-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Most connections served at once; more clients wait in the kernel's backlog until one
    /// ends. `None`: three quarters of the open-file limit, at most 16,384.
    pub max_connections: Option<NonZeroUsize>,
}

impl Default for ConnectionSettings {
    /// 10 s for a head (a client sends it in one packet; 10 s allows very slow links), 60 s
    /// for a body (a 2 MiB send at 35 kB/s, a 64 MiB bulk file at 1.1 MB/s), 75 s idle (as
    /// nginx: longer than the 60 s after which load balancers such as AWS's close idle
    /// connections, so a balancer never reuses one the server has just closed).
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(75),
            max_connections: None,
        }
    }
}

/// Everything a server needs, already parsed.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// The database [`crate::Server::build`] opens (and migrates).
    pub database: Database,
    /// Encrypts API key secrets and personal data at rest.
    pub master_key: MasterKey,
    /// What this process runs.
    pub role: Role,
    /// The product name in the web app's header and titles.
    pub product_name: String,
    /// Email domains (and their subdomains) of accounts, invitations and reply-to addresses.
    pub government_domains: Vec<String>,
    /// Reverse proxies whose forwarding headers name the client for the web app's rate
    /// limits; none by default.
    pub trusted_proxies: TrustedProxies,
    /// The public listener (API).
    pub listen: SocketAddr,
    /// The Prometheus listener; never on the public port. Off when `None`.
    pub metrics_listen: Option<SocketAddr>,
    /// Domain of From addresses, for the API and the workers alike.
    pub sending_domain: String,
    /// Public base URL of links the API returns (default: the request's host).
    pub public_url: Option<String>,
    /// Seconds of the `Strict-Transport-Security` header on every answer; none when `None`.
    pub hsts_max_age: Option<u64>,
    /// Where email goes.
    pub email: EmailProviderChoice,
    /// Where text messages go.
    pub sms: SmsProviderChoice,
    /// Region and endpoint of SES and SNS.
    pub aws: AwsSettings,
    /// Which SNS receipts are trusted.
    pub sns: SnsSettings,
    /// Delivery workers (their `sending_domain` is replaced by the one above).
    pub worker: WorkerSettings,
    /// The callback dispatcher.
    pub callbacks: CallbackSettings,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Largest accepted bulk-send body, in bytes.
    pub bulk_body_limit: usize,
    /// Most rows a bulk send may hold.
    pub bulk_max_rows: usize,
    /// How long services, keys, templates and senders are cached in each process.
    pub cache_ttl: Duration,
    /// Timeouts and the connection cap of the API's listener.
    pub connections: ConnectionSettings,
}

impl ServerSettings {
    /// Settings for `database` and `master_key`, everything else at its default: both roles,
    /// the outbox for every message, `127.0.0.1:6011`, no metrics listener.
    #[must_use]
    pub fn new(database: Database, master_key: MasterKey) -> Self {
        let api = carillon_api::ApiSettings::default();
        Self {
            database,
            master_key,
            role: Role::All,
            product_name: "Carillon".to_owned(),
            government_domains: carillon_app::accounts::DEFAULT_GOVERNMENT_DOMAINS
                .iter()
                .map(|domain| (*domain).to_owned())
                .collect(),
            trusted_proxies: TrustedProxies::default(),
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 6011)),
            metrics_listen: None,
            sending_domain: api.sending_domain,
            public_url: api.public_url,
            hsts_max_age: None,
            email: EmailProviderChoice::Outbox,
            sms: SmsProviderChoice::Outbox,
            aws: AwsSettings {
                region: carillon_providers_aws::DEFAULT_REGION.to_owned(),
                endpoint_url: None,
            },
            sns: SnsSettings::default(),
            worker: WorkerSettings::default(),
            callbacks: CallbackSettings::default(),
            body_limit: api.body_limit,
            bulk_body_limit: api.bulk_body_limit,
            bulk_max_rows: api.bulk_max_rows,
            cache_ttl: api.cache_ttl,
            connections: ConnectionSettings::default(),
        }
    }

    /// Whether any provider is an AWS one.
    pub(crate) fn uses_aws(&self) -> bool {
        matches!(self.email, EmailProviderChoice::Ses { .. })
            || matches!(self.sms, SmsProviderChoice::Sns { .. })
    }

    /// The warning to give at start when email goes to a real provider (SMTP or SES) from
    /// the placeholder sending domain: recipients would see an address nobody owns, and
    /// relays refuse it. `None` when the domain was set, or email stays in the outbox.
    #[must_use]
    pub fn sending_domain_warning(&self) -> Option<String> {
        let provider = match self.email {
            EmailProviderChoice::Outbox => return None,
            EmailProviderChoice::Smtp(_) => "an SMTP relay",
            EmailProviderChoice::Ses { .. } => "Amazon SES",
        };
        (self.sending_domain == carillon_domain::PLACEHOLDER_SENDING_DOMAIN).then(|| {
            format!(
                "email goes to {provider} but no sending domain is set: messages are sent \
                 from <service>@{}, which nobody can receive and relays may refuse; set \
                 --sending-domain (CARILLON_SENDING_DOMAIN) to a domain you send email for",
                self.sending_domain
            )
        })
    }

    /// The API's settings.
    pub(crate) fn api(&self) -> carillon_api::ApiSettings {
        carillon_api::ApiSettings {
            sending_domain: self.sending_domain.clone(),
            public_url: self.public_url.clone(),
            hsts: self
                .hsts_max_age
                .map(|seconds| format!("max-age={seconds}")),
            body_limit: self.body_limit,
            bulk_body_limit: self.bulk_body_limit,
            bulk_max_rows: self.bulk_max_rows,
            cache_ttl: self.cache_ttl,
            ..carillon_api::ApiSettings::default()
        }
    }

    /// The workers' settings.
    pub(crate) fn worker(&self) -> WorkerSettings {
        WorkerSettings {
            sending_domain: self.sending_domain.clone(),
            ..self.worker.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn database_urls_are_parsed_strictly() {
        assert_eq!(
            Database::parse_url("postgres://u@h/db").unwrap(),
            Database::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            Database::parse_url("sqlite:///var/x.db").unwrap(),
            Database::Sqlite("/var/x.db".into())
        );
        assert!(Database::parse_url("mysql://x").is_err());
        assert!(Database::parse_url("postgress://x").is_err());
        assert!(Database::parse_url("sqlite://").is_err());
    }

    #[test]
    fn databases_are_named_without_passwords() {
        let named = Database::Postgres("postgres://carillon:s3cret@db:5432/notify".into());
        let text = named.to_string();
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("db:5432/notify"), "{text}");
        let named = Database::Sqlite("/var/lib/carillon/carillon.db".into());
        assert_eq!(
            named.to_string(),
            "SQLite database /var/lib/carillon/carillon.db"
        );
    }

    #[test]
    fn a_real_email_provider_without_a_sending_domain_is_warned_about() {
        let outbox = ServerSettings::new(Database::Sqlite("x.db".into()), MasterKey::generate());
        assert_eq!(
            outbox.sending_domain,
            carillon_domain::PLACEHOLDER_SENDING_DOMAIN,
            "the default is the placeholder"
        );
        assert!(outbox.sending_domain.ends_with(".invalid"));
        assert_eq!(
            outbox.sending_domain_warning(),
            None,
            "the outbox sends nothing"
        );
        let smtp = ServerSettings {
            email: EmailProviderChoice::parse("smtp://relay.example.ca:25", None).unwrap(),
            ..outbox.clone()
        };
        let warning = smtp.sending_domain_warning().unwrap();
        assert!(
            warning.contains("SMTP") && warning.contains("--sending-domain"),
            "{warning}"
        );
        let ses = ServerSettings {
            email: EmailProviderChoice::parse("ses", None).unwrap(),
            ..outbox
        };
        assert!(ses.sending_domain_warning().unwrap().contains("SES"));
        let set = ServerSettings {
            sending_domain: "notify.example.ca".to_owned(),
            ..smtp
        };
        assert_eq!(set.sending_domain_warning(), None);
    }

    #[test]
    fn bad_provider_urls_are_refused_when_parsed() {
        assert!(EmailProviderChoice::parse("ftp://nope", None).is_err());
        assert!(matches!(
            SmsProviderChoice::parse("https://gw.example.ca/send", None, SenderId::Off),
            Err(ServerError::MissingGatewayToken)
        ));
        assert!(matches!(
            SmsProviderChoice::parse("not a url", Some("t".into()), SenderId::Off),
            Err(ServerError::SmsProvider(_))
        ));
    }
}
