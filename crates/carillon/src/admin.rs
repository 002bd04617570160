//! Operator commands: create and list services, API keys, templates, reply-to addresses, SMS
//! senders and safelist entries. `--json` prints machine-readable output for scripts.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use carillon_crypto::api_key;
use carillon_domain::{
    ApiKeyId, EmailLocalPart, KeyType, NewApiKey, NewService, NewTemplate, NotificationType,
    ProcessType, Recipient, ReplyTo, ReplyToId, SafelistEntry, SafelistId, ServiceId, SmsFrom,
    SmsSender, SmsSenderId, TemplateId,
};
use carillon_store::Store;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::output::{print_json, print_line};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum KeyTypeArg {
    /// Live: anyone, once the service is live.
    Live,
    /// Team and safelist only.
    Team,
    /// Test: nothing is delivered.
    Test,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ChannelArg {
    Email,
    Sms,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LaneArg {
    Priority,
    Normal,
    Bulk,
}

#[derive(Debug, Args)]
pub(crate) struct JsonFlag {
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ServiceCommand {
    /// Create a service (in trial mode unless --live).
    Create {
        #[arg(long)]
        name: String,
        /// Local part of its From address: lower-case letters, digits, '.', '-' and '_'.
        #[arg(long)]
        email_from: EmailLocalPart,
        /// Live straight away instead of trial mode.
        #[arg(long)]
        live: bool,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// List services.
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ApiKeyCommand {
    /// Create a key; the full key is shown once.
    Create {
        #[arg(long)]
        service: String,
        #[arg(long)]
        name: String,
        #[arg(long = "type", value_enum)]
        key_type: KeyTypeArg,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// List a service's keys (never their secrets).
    List {
        #[arg(long)]
        service: String,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Revoke a key.
    Revoke {
        #[arg(long)]
        service: String,
        #[arg(long)]
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TemplateCommand {
    /// Create a template.
    Create {
        #[arg(long)]
        service: String,
        #[arg(long = "type", value_enum)]
        kind: ChannelArg,
        #[arg(long)]
        name: String,
        /// Email subject.
        #[arg(long)]
        subject: Option<String>,
        /// The body text.
        #[arg(long, conflicts_with = "content_file")]
        content: Option<String>,
        /// A file holding the body text.
        #[arg(long)]
        content_file: Option<PathBuf>,
        /// Delivery lane.
        #[arg(long, value_enum, default_value = "normal")]
        lane: LaneArg,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// List a service's templates.
    List {
        #[arg(long)]
        service: String,
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ReplyToCommand {
    /// Add a reply-to address.
    Add {
        #[arg(long)]
        service: String,
        #[arg(long)]
        email: String,
        /// Make it the default.
        #[arg(long)]
        default: bool,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// List reply-to addresses.
    List {
        #[arg(long)]
        service: String,
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SmsSenderCommand {
    /// Add an SMS sender (4–11 letters, digits or full stops, or a +1 number).
    Add {
        #[arg(long)]
        service: String,
        #[arg(long)]
        sender: SmsFrom,
        #[arg(long)]
        default: bool,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// List SMS senders.
    List {
        #[arg(long)]
        service: String,
        #[command(flatten)]
        out: JsonFlag,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SafelistCommand {
    /// Allow an email address or phone number to receive from team keys and in trial mode.
    Add {
        #[arg(long)]
        service: String,
        #[arg(long)]
        recipient: String,
        /// Record it as a team member rather than a safelist entry.
        #[arg(long)]
        team_member: bool,
    },
    /// List the safelist.
    List {
        #[arg(long)]
        service: String,
        #[command(flatten)]
        out: JsonFlag,
    },
}

fn service_id(text: &str) -> Result<ServiceId> {
    ServiceId::parse(text).map_err(|_| anyhow!("--service must be a service id (a UUID)"))
}

pub(crate) async fn existing_service(store: &Arc<dyn Store>, text: &str) -> Result<ServiceId> {
    let id = service_id(text)?;
    store
        .service(id)
        .await?
        .ok_or_else(|| anyhow!("no service with id {id}"))?;
    Ok(id)
}

pub(crate) async fn service(store: Arc<dyn Store>, command: ServiceCommand) -> Result<()> {
    match command {
        ServiceCommand::Create {
            name,
            email_from,
            live,
            out,
        } => {
            let new = NewService {
                id: ServiceId::new(),
                name,
                email_from,
                restricted: !live,
            };
            let service = store
                .create_service(&new, OffsetDateTime::now_utc())
                .await?;
            let value = json!({"id": service.id.to_string(), "name": service.name, "restricted": service.restricted});
            if out.json {
                print_json(&value)
            } else {
                print_line(&format!(
                    "created service {} ({})",
                    service.name, service.id
                ))
            }
        }
        ServiceCommand::List { out } => {
            let services = store.services().await?;
            let list: Vec<Value> = services
                .iter()
                .map(|s| json!({"id": s.id.to_string(), "name": s.name, "restricted": s.restricted, "active": s.active}))
                .collect();
            if out.json {
                print_json(&Value::Array(list));
            } else {
                for s in &services {
                    let mode = if s.restricted { "trial" } else { "live" };
                    print_line(&format!("{}  {}  ({mode})", s.id, s.name));
                }
            }
        }
    }
    Ok(())
}

pub(crate) async fn api_key(store: Arc<dyn Store>, command: ApiKeyCommand) -> Result<()> {
    match command {
        ApiKeyCommand::Create {
            service,
            name,
            key_type,
            out,
        } => {
            let service_id = existing_service(&store, &service).await?;
            let key_type = match key_type {
                KeyTypeArg::Live => KeyType::Normal,
                KeyTypeArg::Team => KeyType::Team,
                KeyTypeArg::Test => KeyType::Test,
            };
            let new = NewApiKey {
                id: ApiKeyId::new(),
                service_id,
                name,
                key_type,
                secret: api_key::generate_secret(),
            };
            let key = store
                .create_api_key(&new, OffsetDateTime::now_utc())
                .await?;
            let full = api_key::format_key(&key.name, &service_id.to_string(), &key.secret);
            if out.json {
                print_json(
                    &json!({"id": key.id.to_string(), "name": key.name, "type": key.key_type.as_str(), "key": full}),
                );
            } else {
                print_line(&format!(
                    "created {} key {} — copy it now, it is not shown again:\n{full}",
                    key.key_type.as_str(),
                    key.id
                ));
            }
        }
        ApiKeyCommand::List { service, out } => {
            let keys = store
                .api_keys(existing_service(&store, &service).await?)
                .await?;
            let list: Vec<Value> = keys
                .iter()
                .map(|k| json!({"id": k.id.to_string(), "name": k.name, "type": k.key_type.as_str(), "revoked": k.revoked_at.is_some()}))
                .collect();
            if out.json {
                print_json(&Value::Array(list));
            } else {
                for k in &keys {
                    let state = if k.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    print_line(&format!(
                        "{}  {}  {}  {state}",
                        k.id,
                        k.key_type.as_str(),
                        k.name
                    ));
                }
            }
        }
        ApiKeyCommand::Revoke { service, id } => {
            let service_id = existing_service(&store, &service).await?;
            let id = ApiKeyId::parse(&id).map_err(|_| anyhow!("--id must be a key id (a UUID)"))?;
            store
                .revoke_api_key(service_id, id, OffsetDateTime::now_utc())
                .await?;
            print_line(&format!("revoked key {id}"));
        }
    }
    Ok(())
}

pub(crate) async fn template(store: Arc<dyn Store>, command: TemplateCommand) -> Result<()> {
    match command {
        TemplateCommand::Create {
            service,
            kind,
            name,
            subject,
            content,
            content_file,
            lane,
            out,
        } => {
            let service_id = existing_service(&store, &service).await?;
            let content = match (content, content_file) {
                (Some(text), _) => text,
                (None, Some(path)) => std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?,
                (None, None) => bail!("give the body with --content or --content-file"),
            };
            let kind = match kind {
                ChannelArg::Email => NotificationType::Email,
                ChannelArg::Sms => NotificationType::Sms,
            };
            if kind == NotificationType::Email
                && subject.as_deref().is_none_or(|s| s.trim().is_empty())
            {
                bail!("an email template needs --subject");
            }
            let process_type = match lane {
                LaneArg::Priority => ProcessType::Priority,
                LaneArg::Normal => ProcessType::Normal,
                LaneArg::Bulk => ProcessType::Bulk,
            };
            let new = NewTemplate {
                id: TemplateId::new(),
                service_id,
                name,
                kind,
                subject: if kind == NotificationType::Email {
                    subject
                } else {
                    None
                },
                content,
                process_type,
                created_by: None,
            };
            let template = store
                .create_template(&new, OffsetDateTime::now_utc())
                .await?;
            if out.json {
                print_json(
                    &json!({"id": template.id.to_string(), "name": template.name, "type": template.kind.as_str(), "version": template.version}),
                );
            } else {
                print_line(&format!(
                    "created {} template {} ({})",
                    template.kind, template.name, template.id
                ));
            }
        }
        TemplateCommand::List { service, out } => {
            let templates = store
                .templates(existing_service(&store, &service).await?, None)
                .await?;
            let list: Vec<Value> = templates
                .iter()
                .map(|t| json!({"id": t.id.to_string(), "name": t.name, "type": t.kind.as_str(), "version": t.version}))
                .collect();
            if out.json {
                print_json(&Value::Array(list));
            } else {
                for t in &templates {
                    print_line(&format!("{}  {}  v{}  {}", t.id, t.kind, t.version, t.name));
                }
            }
        }
    }
    Ok(())
}

pub(crate) async fn reply_to(store: Arc<dyn Store>, command: ReplyToCommand) -> Result<()> {
    match command {
        ReplyToCommand::Add {
            service,
            email,
            default,
            out,
        } => {
            let service_id = existing_service(&store, &service).await?;
            let address = carillon_domain::EmailAddress::parse(&email)
                .map_err(|e| anyhow!("{email}: {e}"))?;
            let first = store.reply_tos(service_id).await?.is_empty();
            let entry = ReplyTo {
                id: ReplyToId::new(),
                service_id,
                email_address: address.as_str().to_owned(),
                is_default: default || first,
                archived: false,
            };
            store.add_reply_to(&entry).await?;
            if out.json {
                print_json(
                    &json!({"id": entry.id.to_string(), "email_address": entry.email_address, "is_default": entry.is_default}),
                )
            } else {
                print_line(&format!(
                    "added reply-to {} ({})",
                    entry.email_address, entry.id
                ))
            }
        }
        ReplyToCommand::List { service, out } => {
            let list = store
                .reply_tos(existing_service(&store, &service).await?)
                .await?;
            let values: Vec<Value> = list.iter().map(|r| json!({"id": r.id.to_string(), "email_address": r.email_address, "is_default": r.is_default})).collect();
            if out.json {
                print_json(&Value::Array(values))
            } else {
                for r in &list {
                    print_line(&format!(
                        "{}  {}{}",
                        r.id,
                        r.email_address,
                        if r.is_default { "  (default)" } else { "" }
                    ))
                }
            }
        }
    }
    Ok(())
}

pub(crate) async fn sms_sender(store: Arc<dyn Store>, command: SmsSenderCommand) -> Result<()> {
    match command {
        SmsSenderCommand::Add {
            service,
            sender,
            default,
            out,
        } => {
            let service_id = existing_service(&store, &service).await?;
            let first = store.sms_senders(service_id).await?.is_empty();
            let entry = SmsSender {
                id: SmsSenderId::new(),
                service_id,
                sms_sender: sender,
                is_default: default || first,
                archived: false,
            };
            store.add_sms_sender(&entry).await?;
            if out.json {
                print_json(
                    &json!({"id": entry.id.to_string(), "sms_sender": entry.sms_sender, "is_default": entry.is_default}),
                )
            } else {
                print_line(&format!(
                    "added SMS sender {} ({})",
                    entry.sms_sender, entry.id
                ))
            }
        }
        SmsSenderCommand::List { service, out } => {
            let list = store
                .sms_senders(existing_service(&store, &service).await?)
                .await?;
            let values: Vec<Value> = list.iter().map(|s| json!({"id": s.id.to_string(), "sms_sender": s.sms_sender, "is_default": s.is_default})).collect();
            if out.json {
                print_json(&Value::Array(values))
            } else {
                for s in &list {
                    print_line(&format!(
                        "{}  {}{}",
                        s.id,
                        s.sms_sender,
                        if s.is_default { "  (default)" } else { "" }
                    ))
                }
            }
        }
    }
    Ok(())
}

pub(crate) async fn safelist(store: Arc<dyn Store>, command: SafelistCommand) -> Result<()> {
    match command {
        SafelistCommand::Add {
            service,
            recipient,
            team_member,
        } => {
            let service_id = existing_service(&store, &service).await?;
            let parsed = Recipient::parse(NotificationType::Email, &recipient)
                .or_else(|_| Recipient::parse(NotificationType::Sms, &recipient))
                .map_err(|_| {
                    anyhow!("{recipient} is neither an email address nor a phone number")
                })?;
            let kind = match parsed {
                Recipient::Email(_) => NotificationType::Email,
                Recipient::Phone(_) => NotificationType::Sms,
            };
            let entry = SafelistEntry {
                id: SafelistId::new(),
                service_id,
                kind,
                recipient: parsed.normalised(),
                team_member,
            };
            store.add_safelist_entry(&entry).await?;
            print_line(&format!("added {} to the safelist", entry.recipient));
        }
        SafelistCommand::List { service, out } => {
            let list = store
                .safelist(existing_service(&store, &service).await?)
                .await?;
            let values: Vec<Value> = list.iter().map(|e| json!({"id": e.id.to_string(), "type": e.kind.as_str(), "recipient": e.recipient, "team_member": e.team_member})).collect();
            if out.json {
                print_json(&Value::Array(values))
            } else {
                for e in &list {
                    print_line(&format!("{}  {}  {}", e.id, e.kind, e.recipient))
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use carillon_domain::SmsFrom;

    /// The rule now lives in the domain's `SmsFrom`; the CLI parses `--sender` with it.
    fn valid_sender(sender: &str) -> bool {
        SmsFrom::parse(sender).is_ok()
    }

    #[test]
    fn sender_names() {
        assert!(valid_sender("CANADA.CA"));
        assert!(valid_sender("+16135550123"));
        assert!(!valid_sender("abc"));
        assert!(!valid_sender("00ABCD"));
        assert!(!valid_sender("TOO LONG NAME"));
    }
}
