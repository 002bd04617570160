//! Resolved settings: command-line flags and environment win over the TOML file, which wins
//! over defaults. Providers are parsed here, once, so a bad one is refused at start. The
//! master key is loaded or, for the embedded database and a command that may write, generated.
//! `serve` and `demo` turn these into the server library's settings (`serve::server_settings`).

use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use carillon_server::{
    AwsSettings, Database, EmailProviderChoice, MasterKey, OpenMode, SecretString, SenderId,
    SmsProviderChoice, SnsSettings,
};
use serde::Deserialize;

use crate::cli::{GlobalArgs, LogFormat, Role, SnsSenderId};

/// The TOML file's shape: the same names as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    master_key: Option<String>,
    sending_domain: Option<String>,
    public_url: Option<String>,
    log_format: Option<LogFormat>,
    email_provider: Option<String>,
    sms_provider: Option<String>,
    sms_gateway_token: Option<String>,
    aws_region: Option<String>,
    aws_endpoint_url: Option<String>,
    ses_configuration_set: Option<String>,
    sns_sender_id: Option<SnsSenderId>,
    sns_topic_arns: Option<Vec<String>>,
    sns_trusted_origins: Option<Vec<String>>,
    listen: Option<SocketAddr>,
    metrics_listen: Option<SocketAddr>,
    hsts_max_age: Option<u64>,
    product_name: Option<String>,
    government_domains: Option<Vec<String>>,
    trusted_proxies: Option<Vec<String>>,
    role: Option<Role>,
    worker_lease_seconds: Option<u32>,
    worker_concurrency: Option<u16>,
    callback_retry_seconds: Option<u32>,
    callback_max_retries: Option<u32>,
    bulk_max_rows: Option<usize>,
    header_timeout_seconds: Option<u32>,
    body_timeout_seconds: Option<u32>,
    idle_timeout_seconds: Option<u32>,
    max_connections: Option<u32>,
}

/// The file's settings of `serve` and `demo`, used where their flags are not given.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServeFileSettings {
    pub(crate) listen: Option<SocketAddr>,
    pub(crate) metrics_listen: Option<SocketAddr>,
    pub(crate) hsts_max_age: Option<u64>,
    pub(crate) product_name: Option<String>,
    pub(crate) government_domains: Option<Vec<String>>,
    pub(crate) trusted_proxies: Option<Vec<String>>,
    pub(crate) role: Option<Role>,
    pub(crate) worker_lease_seconds: Option<u32>,
    pub(crate) worker_concurrency: Option<u16>,
    pub(crate) callback_retry_seconds: Option<u32>,
    pub(crate) callback_max_retries: Option<u32>,
    pub(crate) bulk_max_rows: Option<usize>,
    pub(crate) header_timeout_seconds: Option<u32>,
    pub(crate) body_timeout_seconds: Option<u32>,
    pub(crate) idle_timeout_seconds: Option<u32>,
    pub(crate) max_connections: Option<u32>,
}

/// Everything a command needs to know.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) database: Database,
    pub(crate) data_dir: PathBuf,
    pub(crate) master_key: Option<String>,
    pub(crate) sending_domain: String,
    pub(crate) public_url: Option<String>,
    pub(crate) log_format: LogFormat,
    /// Where email goes.
    pub(crate) email: EmailProviderChoice,
    /// Where text messages go.
    pub(crate) sms: SmsProviderChoice,
    /// Region and endpoint of SES and SNS.
    pub(crate) aws: AwsSettings,
    /// Which SNS receipts are trusted.
    pub(crate) sns: SnsSettings,
    /// `serve` and `demo` settings from the file.
    pub(crate) serve_file: ServeFileSettings,
}

/// A list from the flags/environment when given there, else from the file.
pub(crate) fn list(from_args: &[String], from_file: Option<Vec<String>>) -> Vec<String> {
    let chosen = if from_args.is_empty() {
        from_file.unwrap_or_default()
    } else {
        from_args.to_vec()
    };
    chosen
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

fn default_data_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .map_or_else(
            || PathBuf::from("carillon-data"),
            |base| base.join("carillon"),
        )
}

impl Settings {
    /// Resolves settings from flags/environment and the optional file.
    pub(crate) fn resolve(args: &GlobalArgs) -> Result<Self> {
        let file = match &args.config {
            Some(path) => {
                let text = fs::read_to_string(path)
                    .with_context(|| format!("reading configuration file {}", path.display()))?;
                toml::from_str::<FileSettings>(&text)
                    .with_context(|| format!("parsing configuration file {}", path.display()))?
            }
            None => FileSettings::default(),
        };
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(default_data_dir);
        let database = match args.database_url.clone().or(file.database_url) {
            Some(url) => Database::parse_url(&url)?,
            None => Database::Sqlite(data_dir.join("carillon.db")),
        };
        let sns_sender_id = match args
            .sns_sender_id
            .or(file.sns_sender_id)
            .unwrap_or(SnsSenderId::Off)
        {
            SnsSenderId::Off => SenderId::Off,
            SnsSenderId::FromMessage => SenderId::FromMessage,
        };
        let email = EmailProviderChoice::parse(
            &args
                .email_provider
                .clone()
                .or(file.email_provider)
                .unwrap_or_else(|| "outbox".to_owned()),
            args.ses_configuration_set
                .clone()
                .or(file.ses_configuration_set),
        )
        .map_err(|e| anyhow!("--email-provider: {e}"))?;
        let token = args.sms_gateway_token.clone().or(file.sms_gateway_token);
        let sms = SmsProviderChoice::parse(
            &args
                .sms_provider
                .clone()
                .or(file.sms_provider)
                .unwrap_or_else(|| "outbox".to_owned()),
            token.map(SecretString::from),
            sns_sender_id,
        )
        .map_err(|e| match e {
            carillon_server::ServerError::MissingGatewayToken => {
                anyhow!("{e}: set CARILLON_SMS_GATEWAY_TOKEN")
            }
            other => anyhow!("--sms-provider: {other}"),
        })?;
        Ok(Self {
            database,
            data_dir,
            master_key: args.master_key.clone().or(file.master_key),
            sending_domain: args
                .sending_domain
                .clone()
                .or(file.sending_domain)
                .unwrap_or_else(|| carillon_domain::PLACEHOLDER_SENDING_DOMAIN.to_owned()),
            public_url: args.public_url.clone().or(file.public_url),
            log_format: args
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Text),
            email,
            sms,
            aws: AwsSettings {
                region: args
                    .aws_region
                    .clone()
                    .or(file.aws_region)
                    .unwrap_or_else(|| carillon_providers_aws::DEFAULT_REGION.to_owned()),
                endpoint_url: args.aws_endpoint_url.clone().or(file.aws_endpoint_url),
            },
            sns: SnsSettings {
                topic_arns: list(&args.sns_topic_arns, file.sns_topic_arns),
                trusted_origins: list(&args.sns_trusted_origins, file.sns_trusted_origins),
            },
            serve_file: ServeFileSettings {
                listen: file.listen,
                metrics_listen: file.metrics_listen,
                hsts_max_age: file.hsts_max_age,
                product_name: file.product_name,
                government_domains: file.government_domains,
                trusted_proxies: file.trusted_proxies,
                role: file.role,
                worker_lease_seconds: file.worker_lease_seconds,
                worker_concurrency: file.worker_concurrency,
                callback_retry_seconds: file.callback_retry_seconds,
                callback_max_retries: file.callback_max_retries,
                bulk_max_rows: file.bulk_max_rows,
                header_timeout_seconds: file.header_timeout_seconds,
                body_timeout_seconds: file.body_timeout_seconds,
                idle_timeout_seconds: file.idle_timeout_seconds,
                max_connections: file.max_connections,
            },
        })
    }

    /// The master key: configured, or (embedded database only) read from or, unless only an
    /// existing database may be opened, generated in the data directory, readable by its
    /// owner only.
    pub(crate) fn master_key(&self, mode: OpenMode) -> Result<MasterKey> {
        if let Some(text) = &self.master_key {
            return MasterKey::from_base64(text.trim())
                .map_err(|_| anyhow::anyhow!("the master key must be 32 bytes, base64-encoded"));
        }
        if let Database::Postgres(_) = self.database {
            bail!(
                "a master key is required with PostgreSQL: set CARILLON_MASTER_KEY (32 random \
                 bytes, base64; e.g. `openssl rand -base64 32`)"
            );
        }
        let path = self.data_dir.join("master.key");
        if path.exists() {
            let text = fs::read_to_string(&path)
                .with_context(|| format!("reading the master key {}", path.display()))?;
            return MasterKey::from_base64(text.trim()).map_err(|_| {
                anyhow::anyhow!("{} does not hold a valid master key", path.display())
            });
        }
        if mode == OpenMode::Existing {
            bail!("the master key {} does not exist", path.display());
        }
        carillon_server::create_private_dir(&self.data_dir)
            .with_context(|| format!("creating the data directory {}", self.data_dir.display()))?;
        let key = MasterKey::generate();
        write_private(&path, key.to_base64().as_bytes())?;
        tracing::info!(path = %path.display(), "generated a new master key");
        Ok(key)
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use clap::CommandFactory;

    use super::FileSettings;
    use crate::cli::Cli;

    /// Every long flag of the shared settings and of `serve` and `demo` has a key in the file.
    #[test]
    fn the_file_takes_every_setting_flag() {
        let cli = Cli::command();
        let serve = cli.find_subcommand("serve").unwrap().clone();
        let demo = cli.find_subcommand("demo").unwrap().clone();
        for command in [&cli, &serve, &demo] {
            for arg in command.get_arguments() {
                let Some(long) = arg.get_long() else { continue };
                if ["config", "help", "version"].contains(&long) {
                    continue;
                }
                let key = long.replace('-', "_");
                // A value of the wrong type is refused too, but not as an unknown field.
                let refused = toml::from_str::<FileSettings>(&format!("{key} = {{}}\n"))
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                assert!(
                    !refused.contains("unknown field"),
                    "--{long} cannot be set in the file: {refused}"
                );
            }
        }
    }
}
