//! `carillon api-key …`: create (shown once), list and revoke API keys.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use carillon_domain::{ApiKeyId, KeyType};
use carillon_store::Store;
use clap::{Subcommand, ValueEnum};
use serde_json::json;

use super::{JsonFlag, ServiceArg, app, print_list};
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

#[derive(Debug, Subcommand)]
pub(crate) enum ApiKeyCommand {
    /// Create a key; the full key is shown once.
    Create {
        #[command(flatten)]
        service: ServiceArg,
        /// The key's name (part of the key's text), unique among keys not revoked.
        #[arg(long)]
        name: String,
        /// Who the key can send to.
        #[arg(long = "type", value_enum)]
        key_type: KeyTypeArg,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// List a service's keys (never their secrets).
    List {
        #[command(flatten)]
        service: ServiceArg,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Revoke a key.
    Revoke {
        #[command(flatten)]
        service: ServiceArg,
        /// The key's id (from `api-key list`).
        #[arg(long)]
        id: String,
    },
}

pub(crate) async fn api_key(store: Arc<dyn Store>, command: ApiKeyCommand) -> Result<()> {
    let app = app(store);
    match command {
        ApiKeyCommand::Create {
            service,
            name,
            key_type,
            out,
        } => {
            let service = service.resolve(&app).await?;
            let key_type = match key_type {
                KeyTypeArg::Live => KeyType::Normal,
                KeyTypeArg::Team => KeyType::Team,
                KeyTypeArg::Test => KeyType::Test,
            };
            let created = app.create_api_key(service, &name, key_type).await?;
            let (key, full) = (&created.key, &created.full_key);
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
            let service = service.resolve(&app).await?;
            print_list(
                out.json,
                &app.api_keys(service).await?,
                |k| json!({"id": k.id.to_string(), "name": k.name, "type": k.key_type.as_str(), "revoked": k.revoked_at.is_some()}),
                |k| {
                    let state = if k.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    format!("{}  {}  {}  {state}", k.id, k.key_type.as_str(), k.name)
                },
            );
        }
        ApiKeyCommand::Revoke { service, id } => {
            let service = service.resolve(&app).await?;
            let id = ApiKeyId::parse(&id).map_err(|_| anyhow!("--id must be a key id (a UUID)"))?;
            app.revoke_api_key(service, id).await?;
            print_line(&format!("revoked key {id}"));
        }
    }
    Ok(())
}
