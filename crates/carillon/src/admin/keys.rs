//! `carillon api-key …`: create (shown once), list and revoke API keys.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use carillon_domain::{ApiKeyId, ApiKeyPermission, ApiKeyPermissions, KeyType};
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

/// GC Notify's API key permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PermissionArg {
    /// `/v2/manage-template`: create, change and archive templates.
    ManageTemplates,
    /// `/v2/reports`: request and download reports.
    ManageReports,
}

impl From<PermissionArg> for ApiKeyPermission {
    fn from(arg: PermissionArg) -> Self {
        match arg {
            PermissionArg::ManageTemplates => ApiKeyPermission::ManageTemplates,
            PermissionArg::ManageReports => ApiKeyPermission::ManageReports,
        }
    }
}

fn permission_names(permissions: ApiKeyPermissions) -> Vec<&'static str> {
    permissions
        .list()
        .into_iter()
        .map(ApiKeyPermission::as_str)
        .collect()
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
        /// A permission beyond sending and reading (repeat for both); none by default.
        #[arg(long = "permission", value_enum)]
        permissions: Vec<PermissionArg>,
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
            permissions,
            out,
        } => {
            let service = service.resolve(&app).await?;
            let key_type = match key_type {
                KeyTypeArg::Live => KeyType::Normal,
                KeyTypeArg::Team => KeyType::Team,
                KeyTypeArg::Test => KeyType::Test,
            };
            let permissions: Vec<ApiKeyPermission> = permissions
                .into_iter()
                .map(ApiKeyPermission::from)
                .collect();
            let created = app
                .create_api_key_with(
                    service,
                    &name,
                    key_type,
                    ApiKeyPermissions::of(&permissions),
                )
                .await?;
            let (key, full) = (&created.key, &created.full_key);
            if out.json {
                print_json(
                    &json!({"id": key.id.to_string(), "name": key.name, "type": key.key_type.as_str(), "permissions": permission_names(key.permissions), "key": full}),
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
                |k| json!({"id": k.id.to_string(), "name": k.name, "type": k.key_type.as_str(), "permissions": permission_names(k.permissions), "revoked": k.revoked_at.is_some()}),
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
