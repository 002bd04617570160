//! Resolved settings: command-line flags and environment win over the TOML file, which wins
//! over defaults. The master key is loaded or, for the embedded database only, generated.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use carillon_crypto::MasterKey;
use serde::Deserialize;

use crate::cli::{GlobalArgs, LogFormat, SnsSenderId};

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
}

/// Which database to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Database {
    Sqlite(PathBuf),
    Postgres(String),
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
    /// `outbox` or an SMTP URL.
    pub(crate) email_provider: String,
    /// `outbox` or an SMS gateway URL.
    pub(crate) sms_provider: String,
    pub(crate) sms_gateway_token: Option<String>,
    /// AWS region of SES and SNS.
    pub(crate) aws_region: String,
    pub(crate) aws_endpoint_url: Option<String>,
    pub(crate) ses_configuration_set: Option<String>,
    pub(crate) sns_sender_id: SnsSenderId,
    /// SNS topics receipts are accepted from (empty: any).
    pub(crate) sns_topic_arns: Vec<String>,
    /// Extra origins trusted for SNS certificates and subscription confirmations.
    pub(crate) sns_trusted_origins: Vec<String>,
}

/// A list from the flags/environment when given there, else from the file.
fn list(from_args: &[String], from_file: Option<Vec<String>>) -> Vec<String> {
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

/// Parses a database URL strictly: a typo must not silently create a new database.
pub(crate) fn parse_database_url(url: &str) -> Result<Database> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Database::Postgres(url.to_owned()));
    }
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.is_empty() {
            bail!("sqlite:// needs a file path, e.g. sqlite:///var/lib/carillon/carillon.db");
        }
        return Ok(Database::Sqlite(PathBuf::from(path)));
    }
    let scheme = url.split("://").next().unwrap_or(url);
    bail!("unsupported database URL scheme {scheme:?}: use postgres:// or sqlite://")
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
            Some(url) => parse_database_url(&url)?,
            None => Database::Sqlite(data_dir.join("carillon.db")),
        };
        Ok(Self {
            database,
            data_dir,
            master_key: args.master_key.clone().or(file.master_key),
            sending_domain: args
                .sending_domain
                .clone()
                .or(file.sending_domain)
                .unwrap_or_else(|| "notification.canada.ca".to_owned()),
            public_url: args.public_url.clone().or(file.public_url),
            log_format: args
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Text),
            email_provider: args
                .email_provider
                .clone()
                .or(file.email_provider)
                .unwrap_or_else(|| "outbox".to_owned()),
            sms_provider: args
                .sms_provider
                .clone()
                .or(file.sms_provider)
                .unwrap_or_else(|| "outbox".to_owned()),
            sms_gateway_token: args.sms_gateway_token.clone().or(file.sms_gateway_token),
            aws_region: args
                .aws_region
                .clone()
                .or(file.aws_region)
                .unwrap_or_else(|| carillon_providers_aws::DEFAULT_REGION.to_owned()),
            aws_endpoint_url: args.aws_endpoint_url.clone().or(file.aws_endpoint_url),
            ses_configuration_set: args
                .ses_configuration_set
                .clone()
                .or(file.ses_configuration_set),
            sns_sender_id: args
                .sns_sender_id
                .or(file.sns_sender_id)
                .unwrap_or(SnsSenderId::Off),
            sns_topic_arns: list(&args.sns_topic_arns, file.sns_topic_arns),
            sns_trusted_origins: list(&args.sns_trusted_origins, file.sns_trusted_origins),
        })
    }

    /// The master key: configured, or (embedded database only) read from or generated in the
    /// data directory, readable by its owner only.
    pub(crate) fn master_key(&self) -> Result<MasterKey> {
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
        fs::create_dir_all(&self.data_dir)
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
    use super::*;

    #[test]
    fn database_urls_are_parsed_strictly() {
        assert_eq!(
            parse_database_url("postgres://u@h/db").unwrap(),
            Database::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            parse_database_url("sqlite:///var/x.db").unwrap(),
            Database::Sqlite("/var/x.db".into())
        );
        assert!(parse_database_url("mysql://x").is_err());
        assert!(parse_database_url("postgress://x").is_err());
        assert!(parse_database_url("sqlite://").is_err());
    }
}
