//! The command line: global settings (flags, `CARILLON_*` environment, optional TOML file)
//! and the subcommands.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Carillon: send email and text messages from templates through GC Notify's API v2.
///
/// With no database URL Carillon keeps everything in an SQLite file in its data directory and
/// generates its master key there on first run. With a postgres:// URL any number of
/// processes share one PostgreSQL database, and the master key must be configured.
#[derive(Debug, Parser)]
#[command(name = "carillon", version, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Settings every command shares. Each, like those of `serve` and `demo`, can also come from the
/// TOML file named by `--config`. `--help` shows them under their own heading, after the
/// command's own options.
#[derive(Debug, Clone, Args, Default)]
#[command(next_help_heading = "Global settings")]
pub(crate) struct GlobalArgs {
    /// TOML file with any of these settings (keys as the long flag names, with `_`).
    #[arg(long, global = true, env = "CARILLON_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// Database: `postgres://user:pass@host/db`, or `sqlite://PATH`. Default: an SQLite file
    /// in the data directory.
    #[arg(
        long,
        global = true,
        env = "CARILLON_DATABASE_URL",
        hide_env_values = true
    )]
    pub(crate) database_url: Option<String>,
    /// Where the embedded database and the generated master key live. Default:
    /// $XDG_DATA_HOME/carillon, or ~/.local/share/carillon.
    #[arg(long, global = true, env = "CARILLON_DATA_DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// 32 bytes, base64: encrypts API key secrets and personal data at rest. Required with
    /// PostgreSQL; generated in the data directory otherwise.
    #[arg(
        long,
        global = true,
        env = "CARILLON_MASTER_KEY",
        hide_env_values = true
    )]
    pub(crate) master_key: Option<String>,
    /// Domain of From addresses (`<service email_from>@<domain>`); set it before sending real
    /// email (default: the placeholder `sending-domain-not-set.invalid`).
    #[arg(long, global = true, env = "CARILLON_SENDING_DOMAIN")]
    pub(crate) sending_domain: Option<String>,
    /// Public base URL used in links the API returns (default: the request's host).
    #[arg(long, global = true, env = "CARILLON_PUBLIC_URL")]
    pub(crate) public_url: Option<String>,
    /// Log format.
    #[arg(long, global = true, env = "CARILLON_LOG_FORMAT", value_enum)]
    pub(crate) log_format: Option<LogFormat>,
    /// Where email goes: `outbox` (kept for reading with `carillon outbox`; the default),
    /// `ses` (Amazon SES, see the AWS settings), or an SMTP server: `smtp://host:25`,
    /// `smtp+starttls://user:pass@host:587`, `smtps://user:pass@host:465`.
    #[arg(
        long,
        global = true,
        env = "CARILLON_EMAIL_PROVIDER",
        hide_env_values = true
    )]
    pub(crate) email_provider: Option<String>,
    /// Where text messages go: `outbox` (the default), `sns` (Amazon SNS, see the AWS
    /// settings), or the HTTPS URL of an SMS gateway that takes `{"to", "from", "body",
    /// "reference"}` as JSON.
    #[arg(long, global = true, env = "CARILLON_SMS_PROVIDER")]
    pub(crate) sms_provider: Option<String>,
    /// Bearer token for the SMS gateway.
    #[arg(
        long,
        global = true,
        env = "CARILLON_SMS_GATEWAY_TOKEN",
        hide_env_values = true
    )]
    pub(crate) sms_gateway_token: Option<String>,
    /// AWS region of SES and SNS (default ca-central-1). Credentials come from AWS's standard
    /// chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws files, web
    /// identity, or the ECS/EC2 instance role.
    #[arg(long, global = true, env = "CARILLON_AWS_REGION")]
    pub(crate) aws_region: Option<String>,
    /// Send AWS requests here instead of AWS (moto or LocalStack for tests).
    #[arg(long, global = true, env = "CARILLON_AWS_ENDPOINT_URL")]
    pub(crate) aws_endpoint_url: Option<String>,
    /// SES configuration set for sent email, whose event destination (an SNS topic
    /// subscribed to `https://<carillon>/receipts/ses`) reports deliveries and bounces.
    #[arg(long, global = true, env = "CARILLON_SES_CONFIGURATION_SET")]
    pub(crate) ses_configuration_set: Option<String>,
    /// Whether the service's SMS sender is passed to SNS (as `AWS.SNS.SMS.SenderID`, or as
    /// the origination number when it is one). Off by default: Canada does not support
    /// alphanumeric sender ids.
    #[arg(long, global = true, env = "CARILLON_SNS_SENDER_ID", value_enum)]
    pub(crate) sns_sender_id: Option<SnsSenderId>,
    /// Only accept delivery receipts (`/receipts/ses`, `/receipts/sns-sms`) from these SNS
    /// topic ARNs (comma-separated). Recommended: otherwise any SNS topic may post receipts.
    #[arg(
        long,
        global = true,
        env = "CARILLON_SNS_TOPIC_ARNS",
        value_delimiter = ','
    )]
    pub(crate) sns_topic_arns: Vec<String>,
    /// Origins (`scheme://host:port`, comma-separated) trusted for SNS signing certificates
    /// and subscription confirmations besides https://sns.<region>.amazonaws.com. For tests
    /// only.
    #[arg(
        long,
        global = true,
        env = "CARILLON_SNS_TRUSTED_ORIGINS",
        value_delimiter = ','
    )]
    pub(crate) sns_trusted_origins: Vec<String>,
}

/// Whether the SMS sender goes to SNS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum SnsSenderId {
    /// SNS chooses how the message originates.
    Off,
    /// The service's sender, when it is an alphanumeric id or a phone number.
    FromMessage,
}

/// How logs are written (always to standard error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Serve the API.
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Seed a demo service (idempotent), print its details as one JSON line, then serve.
    Demo(ServeArgs),
    /// Manage services.
    #[command(subcommand)]
    Service(crate::admin::ServiceCommand),
    /// Manage web app accounts.
    #[command(subcommand)]
    User(crate::admin::UserCommand),
    /// Manage API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(crate::admin::ApiKeyCommand),
    /// Manage templates.
    #[command(subcommand)]
    Template(crate::admin::TemplateCommand),
    /// Manage email reply-to addresses.
    #[command(subcommand, name = "reply-to")]
    ReplyTo(crate::admin::ReplyToCommand),
    /// Manage SMS senders.
    #[command(subcommand, name = "sms-sender")]
    SmsSender(crate::admin::SmsSenderCommand),
    /// Manage the safelist (and team members) of a service.
    #[command(subcommand)]
    Safelist(crate::admin::SafelistCommand),
    /// Manage a service's delivery-status and complaint callbacks.
    #[command(subcommand)]
    Callback(crate::admin_callbacks::CallbackCommand),
    /// Read the built-in outbox: what recipients would have received.
    #[command(subcommand)]
    Outbox(crate::outbox::OutboxCommand),
    /// Send a CSV, TSV or spreadsheet with a template: check it, show the report, send it as
    /// a job and follow it until it finishes.
    #[command(name = "send-bulk")]
    SendBulk(crate::bulk::SendBulkArgs),
    /// List or cancel bulk jobs.
    #[command(subcommand)]
    Job(crate::bulk::JobCommand),
    /// Read a spreadsheet from standard input into framed rows: `send-bulk` runs it as a
    /// child process with resource limits.
    #[command(name = "read-sheet", hide = true)]
    ReadSheet(crate::sheet::ReadSheetArgs),
    /// Fill a new, empty database with services, accounts and memberships for the web app's
    /// benchmark (`bench/web/run`), and time Argon2id.
    #[command(name = "bench-seed", hide = true)]
    BenchSeed(crate::bench_seed::BenchSeedArgs),
}

/// Where to listen and what to run.
#[derive(Debug, Clone, Args)]
pub(crate) struct ServeArgs {
    /// Address and port of the API.
    #[arg(long, env = "CARILLON_LISTEN", default_value = "127.0.0.1:6011")]
    pub(crate) listen: SocketAddr,
    /// Address and port of Prometheus metrics (`GET /metrics`), never served on the API's
    /// port. Off by default.
    #[arg(long, env = "CARILLON_METRICS_LISTEN")]
    pub(crate) metrics_listen: Option<SocketAddr>,
    /// Seconds of `Strict-Transport-Security: max-age=…` on every answer, for a server reached
    /// only over HTTPS (behind a TLS proxy). Off by default.
    #[arg(long, env = "CARILLON_HSTS_MAX_AGE")]
    pub(crate) hsts_max_age: Option<u64>,
    /// What this process runs: the API, the web app and the delivery workers (one process
    /// does everything), or only one of them (several processes sharing one PostgreSQL).
    #[arg(long, env = "CARILLON_ROLE", value_enum, default_value = "all")]
    pub(crate) role: Role,
    /// The product name in the web app's header and page titles.
    #[arg(long, env = "CARILLON_PRODUCT_NAME", default_value = "Carillon")]
    pub(crate) product_name: String,
    /// Email domains whose owners may create an account or be invited, and of reply-to
    /// addresses (subdomains match too), comma-separated. Default: gc.ca, canada.ca,
    /// canada.gc.ca.
    #[arg(long, env = "CARILLON_GOVERNMENT_DOMAINS", value_delimiter = ',')]
    pub(crate) government_domains: Vec<String>,
    /// Reverse proxies (IP addresses or CIDR blocks, comma-separated) whose
    /// `X-Forwarded-For` or `Forwarded` header names the client for the web app's rate
    /// limits. Default: none, and the headers are ignored.
    #[arg(long, env = "CARILLON_TRUSTED_PROXIES", value_delimiter = ',')]
    pub(crate) trusted_proxies: Vec<String>,
    /// Seconds a worker's claim on a notification holds; a crashed worker's notifications are
    /// delivered by another once it has passed.
    #[arg(long, env = "CARILLON_WORKER_LEASE_SECONDS", default_value_t = 300)]
    pub(crate) worker_lease_seconds: u32,
    /// Batches each worker process has in flight at once: while one batch is being sent,
    /// another is claimed or recorded.
    #[arg(long, env = "CARILLON_WORKER_CONCURRENCY", default_value_t = 2,
        value_parser = clap::value_parser!(u16).range(1..=64))]
    pub(crate) worker_concurrency: u16,
    /// Seconds before a failed callback is tried again (GC Notify: 300).
    #[arg(long, env = "CARILLON_CALLBACK_RETRY_SECONDS", default_value_t = 300)]
    pub(crate) callback_retry_seconds: u32,
    /// Retries of a callback after its first try (GC Notify: 5).
    #[arg(long, env = "CARILLON_CALLBACK_MAX_RETRIES", default_value_t = 5)]
    pub(crate) callback_max_retries: u32,
    /// Seconds a client may take to send a request's line and headers (from connecting, or
    /// from the first byte of a later request); the connection is then closed.
    #[arg(long, env = "CARILLON_HEADER_TIMEOUT_SECONDS", default_value_t = 10,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) header_timeout_seconds: u32,
    /// Seconds a request's body may take to arrive in full, from its head; a late body is
    /// answered 408.
    #[arg(long, env = "CARILLON_BODY_TIMEOUT_SECONDS", default_value_t = 60,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) body_timeout_seconds: u32,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(long, env = "CARILLON_IDLE_TIMEOUT_SECONDS", default_value_t = 75,
        value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) idle_timeout_seconds: u32,
    /// Most client connections served at once; more wait in the kernel's backlog until one
    /// ends. Default: three quarters of the open-file limit (raised to its hard limit at
    /// start), at most 16,384.
    #[arg(long, env = "CARILLON_MAX_CONNECTIONS",
        value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_connections: Option<u32>,
    /// Most rows a bulk send (`POST /v2/notifications/bulk`) may hold (GC Notify: 50,000).
    #[arg(long, env = "CARILLON_BULK_MAX_ROWS", default_value_t = 50_000)]
    pub(crate) bulk_max_rows: usize,
}

/// What a `serve` process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Role {
    /// The API, the web app and the delivery workers.
    All,
    /// Only the API.
    Api,
    /// Only the web app.
    Web,
    /// Only the delivery workers.
    Worker,
}
