//! `carillon service …`: create, list, show and update services.

use std::sync::Arc;

use anyhow::{Result, bail};
use carillon_app::services::{CreateService, ServiceChanges};
use carillon_app::team::{Actor, Limits};
use carillon_domain::{EmailLocalPart, Permission, Service};
use carillon_store::Store;
use clap::{Subcommand, ValueEnum};
use serde_json::{Value, json};

use super::{JsonFlag, ServiceArg, app, print_list};
use crate::output::{print_json, print_line};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum OnOff {
    /// Turn it on.
    On,
    /// Turn it off.
    Off,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum PermissionArg {
    /// Send email.
    Email,
    /// Send text messages.
    Sms,
    /// Send text messages outside Canada and the US.
    InternationalSms,
}

impl From<PermissionArg> for Permission {
    fn from(arg: PermissionArg) -> Self {
        match arg {
            PermissionArg::Email => Permission::Email,
            PermissionArg::Sms => Permission::Sms,
            PermissionArg::InternationalSms => Permission::InternationalSms,
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum ServiceCommand {
    /// Create a service (in trial mode unless --live).
    Create {
        /// The service's name, unique.
        #[arg(long)]
        name: String,
        /// Local part of its From address (`<email-from>@<sending domain>`), unique: lower-case
        /// letters, digits, '.', '-' and '_'.
        #[arg(long)]
        email_from: EmailLocalPart,
        /// Live straight away (with the live daily limits) instead of trial mode.
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
    /// Show a service with its limits and settings.
    Show {
        #[command(flatten)]
        service: ServiceArg,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Change a service's name, limits, mode, state or permissions (what is not given stays).
    Update {
        #[command(flatten)]
        service: ServiceArg,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New local part of its From address.
        #[arg(long)]
        email_from: Option<EmailLocalPart>,
        /// Emails per day (at least 1).
        #[arg(long, value_name = "N")]
        email_daily_limit: Option<u32>,
        /// SMS fragments per day (at least 1).
        #[arg(long, value_name = "N")]
        sms_daily_limit: Option<u32>,
        /// Emails per fiscal year, 1 April to 31 March (at least 1).
        #[arg(long, value_name = "N")]
        email_annual_limit: Option<u64>,
        /// Text messages per fiscal year (at least 1).
        #[arg(long, value_name = "N")]
        sms_annual_limit: Option<u64>,
        /// API requests per 60 seconds, per key type (at least 1).
        #[arg(long, value_name = "N")]
        rate_limit: Option<u32>,
        /// Go live: anyone may receive; the daily limits rise to the live defaults unless given.
        #[arg(long, conflicts_with = "trial")]
        live: bool,
        /// Back to trial mode: only team members and the safelist receive.
        #[arg(long)]
        trial: bool,
        /// Suspend the service: it can no longer send.
        #[arg(long, conflicts_with = "resume")]
        suspend: bool,
        /// Resume a suspended service.
        #[arg(long)]
        resume: bool,
        /// Start text messages with the service's name.
        #[arg(long, value_enum, value_name = "ON|OFF")]
        sms_prefix: Option<OnOff>,
        /// What the service may send (comma-separated; replaces the current list).
        #[arg(long, value_enum, value_delimiter = ',')]
        permissions: Option<Vec<PermissionArg>>,
        #[command(flatten)]
        out: JsonFlag,
    },
}

fn mode(service: &Service) -> &'static str {
    if service.restricted { "trial" } else { "live" }
}

fn state(service: &Service) -> &'static str {
    if service.active {
        "active"
    } else {
        "suspended"
    }
}

/// Every setting of a service, for `show` and `update`.
fn service_json(s: &Service) -> Value {
    json!({
        "id": s.id.to_string(),
        "name": s.name,
        "email_from": s.email_from,
        "restricted": s.restricted,
        "active": s.active,
        "research_mode": s.research_mode,
        "prefix_sms": s.prefix_sms,
        "permissions": s.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        "rate_limit": s.rate_limit,
        "email_daily_limit": s.email_daily_limit,
        "sms_daily_limit": s.sms_daily_limit,
        "email_annual_limit": s.email_annual_limit,
        "sms_annual_limit": s.sms_annual_limit,
        "retention_days": s.retention_days,
        "created_at": carillon_api::format_datetime(s.created_at),
    })
}

fn print_service(s: &Service) {
    let permissions: Vec<&str> = s.permissions.iter().map(|p| p.as_str()).collect();
    let prefix = if s.prefix_sms { "on" } else { "off" };
    print_line(&format!(
        "{}  {}\n\
         sending address name  {}\n\
         mode                  {}\n\
         state                 {}\n\
         permissions           {}\n\
         SMS prefix            {prefix}\n\
         rate limit            {} requests per 60 s per key type\n\
         daily limits          {} emails, {} SMS fragments\n\
         annual limits         {} emails, {} SMS\n\
         retention             {} days",
        s.id,
        s.name,
        s.email_from,
        mode(s),
        state(s),
        permissions.join(", "),
        s.rate_limit,
        s.email_daily_limit,
        s.sms_daily_limit,
        s.email_annual_limit,
        s.sms_annual_limit,
        s.retention_days,
    ));
}

/// `true`, `false` or nothing from a pair of opposite flags.
fn either(yes: bool, no: bool) -> Option<bool> {
    match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

pub(crate) async fn service(store: Arc<dyn Store>, command: ServiceCommand) -> Result<()> {
    let app = app(store);
    match command {
        ServiceCommand::Create {
            name,
            email_from,
            live,
            out,
        } => {
            let service = app
                .create_service(CreateService {
                    name,
                    email_from,
                    live,
                })
                .await?;
            if out.json {
                print_json(
                    &json!({"id": service.id.to_string(), "name": service.name, "restricted": service.restricted}),
                );
            } else {
                print_line(&format!(
                    "created service {} ({})",
                    service.name, service.id
                ));
            }
        }
        ServiceCommand::List { out } => print_list(
            out.json,
            &app.services().await?,
            |s| json!({"id": s.id.to_string(), "name": s.name, "restricted": s.restricted, "active": s.active}),
            |s| format!("{}  {}  ({})", s.id, s.name, mode(s)),
        ),
        ServiceCommand::Show { service, out } => {
            let id = service.resolve(&app).await?;
            let service = app.service(id).await?;
            if out.json {
                print_json(&service_json(&service));
            } else {
                print_service(&service);
            }
        }
        ServiceCommand::Update {
            service,
            name,
            email_from,
            email_daily_limit,
            sms_daily_limit,
            email_annual_limit,
            sms_annual_limit,
            rate_limit,
            live,
            trial,
            suspend,
            resume,
            sms_prefix,
            permissions,
            out,
        } => {
            let id = service.resolve(&app).await?;
            let changes = ServiceChanges {
                name,
                email_from,
                prefix_sms: sms_prefix.map(|p| matches!(p, OnOff::On)),
                permissions: permissions
                    .map(|list| list.into_iter().map(Permission::from).collect()),
                ..ServiceChanges::default()
            };
            let limits = Limits {
                email_daily: email_daily_limit,
                sms_daily: sms_daily_limit,
                email_annual: email_annual_limit,
                sms_annual: sms_annual_limit,
                rate: rate_limit,
            };
            let (live, active) = (either(live, trial), either(resume, suspend));
            if changes == ServiceChanges::default()
                && limits == Limits::default()
                && live.is_none()
                && active.is_none()
            {
                bail!("nothing to change: give at least one option (see --help)");
            }
            // Everything is checked before anything changes; limits given with --live win
            // over the live defaults, so they are set after it.
            limits.check()?;
            let mut service = app.update_service(id, changes).await?;
            if let Some(live) = live {
                service = app.set_live(Actor::Cli, id, live).await?;
            }
            if limits != Limits::default() {
                service = app.set_limits(Actor::Cli, id, limits).await?;
            }
            service = match active {
                Some(true) => app.resume_service(Actor::Cli, id).await?,
                Some(false) => app.suspend_service(Actor::Cli, id).await?,
                None => service,
            };
            if out.json {
                print_json(&service_json(&service));
            } else {
                print_line(&format!(
                    "updated service {} ({})",
                    service.name, service.id
                ));
                print_service(&service);
            }
        }
    }
    Ok(())
}
