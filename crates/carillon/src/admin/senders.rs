//! `carillon reply-to …`, `carillon sms-sender …` and `carillon safelist …`: add, list and
//! remove a service's reply-to addresses, SMS senders and safelist entries.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use carillon_domain::{ReplyToId, SafelistId, SmsFrom, SmsSenderId};
use carillon_store::Store;
use clap::Subcommand;
use serde_json::json;

use super::{JsonFlag, ServiceArg, app, print_list};
use crate::output::{print_json, print_line};

#[derive(Debug, Subcommand)]
pub(crate) enum ReplyToCommand {
    /// Add a reply-to address, verified at once: the operator vouches for it (the web app's
    /// form emails a verification link instead). The first one becomes the default.
    Add {
        #[command(flatten)]
        service: ServiceArg,
        /// The email address replies go to.
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
        #[command(flatten)]
        service: ServiceArg,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Remove a reply-to address (the default one only when it is the last).
    Remove {
        #[command(flatten)]
        service: ServiceArg,
        /// The address's id (from `reply-to list`).
        #[arg(long)]
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SmsSenderCommand {
    /// Add an SMS sender (4–11 letters, digits or full stops, or a +1 number).
    Add {
        #[command(flatten)]
        service: ServiceArg,
        /// The sender name or number recipients see.
        #[arg(long)]
        sender: SmsFrom,
        /// Make it the default.
        #[arg(long)]
        default: bool,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// List SMS senders.
    List {
        #[command(flatten)]
        service: ServiceArg,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Remove an SMS sender that is not the default.
    Remove {
        #[command(flatten)]
        service: ServiceArg,
        /// The sender's id (from `sms-sender list`).
        #[arg(long)]
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SafelistCommand {
    /// Allow an email address or phone number to receive from team keys and in trial mode.
    Add {
        #[command(flatten)]
        service: ServiceArg,
        /// An email address or a phone number.
        #[arg(long)]
        recipient: String,
        /// Record it as a team member rather than a safelist entry.
        #[arg(long)]
        team_member: bool,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// List the safelist.
    List {
        #[command(flatten)]
        service: ServiceArg,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Remove an entry from the safelist.
    Remove {
        #[command(flatten)]
        service: ServiceArg,
        /// The entry's id (from `safelist list`).
        #[arg(long)]
        id: String,
    },
}

fn default_mark(is_default: bool) -> &'static str {
    if is_default { "  (default)" } else { "" }
}

pub(crate) async fn reply_to(store: Arc<dyn Store>, command: ReplyToCommand) -> Result<()> {
    let app = app(store);
    match command {
        ReplyToCommand::Add {
            service,
            email,
            default,
            out,
        } => {
            let service = service.resolve(&app).await?;
            let entry = app.add_reply_to(service, &email, default).await?;
            if out.json {
                print_json(
                    &json!({"id": entry.id.to_string(), "email_address": entry.email_address, "is_default": entry.is_default, "verified": entry.verified}),
                )
            } else {
                print_line(&format!(
                    "added reply-to {} ({})",
                    entry.email_address, entry.id
                ))
            }
        }
        ReplyToCommand::List { service, out } => {
            let service = service.resolve(&app).await?;
            print_list(
                out.json,
                &app.reply_tos(service).await?,
                |r| json!({"id": r.id.to_string(), "email_address": r.email_address, "is_default": r.is_default, "verified": r.verified}),
                |r| {
                    format!(
                        "{}  {}{}{}",
                        r.id,
                        r.email_address,
                        default_mark(r.is_default),
                        if r.verified {
                            ""
                        } else {
                            "  (waiting for verification)"
                        }
                    )
                },
            );
        }
        ReplyToCommand::Remove { service, id } => {
            let service = service.resolve(&app).await?;
            let id = ReplyToId::parse(&id)
                .map_err(|_| anyhow!("--id must be a reply-to id (a UUID)"))?;
            let removed = app.remove_reply_to(service, id).await?;
            print_line(&format!(
                "removed reply-to {} ({})",
                removed.email_address, removed.id
            ));
        }
    }
    Ok(())
}

pub(crate) async fn sms_sender(store: Arc<dyn Store>, command: SmsSenderCommand) -> Result<()> {
    let app = app(store);
    match command {
        SmsSenderCommand::Add {
            service,
            sender,
            default,
            out,
        } => {
            let service = service.resolve(&app).await?;
            let entry = app.add_sms_sender(service, &sender, default).await?;
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
            let service = service.resolve(&app).await?;
            print_list(
                out.json,
                &app.sms_senders(service).await?,
                |s| json!({"id": s.id.to_string(), "sms_sender": s.sms_sender, "is_default": s.is_default}),
                |s| format!("{}  {}{}", s.id, s.sms_sender, default_mark(s.is_default)),
            );
        }
        SmsSenderCommand::Remove { service, id } => {
            let service = service.resolve(&app).await?;
            let id = SmsSenderId::parse(&id)
                .map_err(|_| anyhow!("--id must be an SMS sender id (a UUID)"))?;
            let removed = app.remove_sms_sender(service, id).await?;
            print_line(&format!(
                "removed SMS sender {} ({})",
                removed.sms_sender, removed.id
            ));
        }
    }
    Ok(())
}

pub(crate) async fn safelist(store: Arc<dyn Store>, command: SafelistCommand) -> Result<()> {
    let app = app(store);
    match command {
        SafelistCommand::Add {
            service,
            recipient,
            team_member,
            out,
        } => {
            let service = service.resolve(&app).await?;
            let entry = app
                .add_safelist_entry(service, &recipient, team_member)
                .await?;
            if out.json {
                print_json(
                    &json!({"id": entry.id.to_string(), "type": entry.kind.as_str(), "recipient": entry.recipient, "team_member": entry.team_member}),
                );
            } else {
                print_line(&format!("added {} to the safelist", entry.recipient));
            }
        }
        SafelistCommand::List { service, out } => {
            let service = service.resolve(&app).await?;
            print_list(
                out.json,
                &app.safelist(service).await?,
                |e| json!({"id": e.id.to_string(), "type": e.kind.as_str(), "recipient": e.recipient, "team_member": e.team_member}),
                |e| format!("{}  {}  {}", e.id, e.kind, e.recipient),
            );
        }
        SafelistCommand::Remove { service, id } => {
            let service = service.resolve(&app).await?;
            let id = SafelistId::parse(&id)
                .map_err(|_| anyhow!("--id must be a safelist entry id (a UUID)"))?;
            app.remove_safelist_entry(service, id).await?;
            print_line(&format!("removed safelist entry {id}"));
        }
    }
    Ok(())
}
