//! `carillon template …`: create, list, show, update and archive templates. Content is
//! checked as sending parses it; every change makes a new version.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use carillon_app::template_admin::{CreateTemplate, TemplateChanges};
use carillon_domain::{NotificationType, ProcessType, Template, TemplateId};
use carillon_store::Store;
use clap::{Subcommand, ValueEnum};
use serde_json::{Value, json};

use super::{JsonFlag, ServiceArg, app, print_list, text_or_file};
use crate::output::{print_json, print_line};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ChannelArg {
    /// An email template (with a subject).
    Email,
    /// A text message template.
    Sms,
}

impl From<ChannelArg> for NotificationType {
    fn from(arg: ChannelArg) -> Self {
        match arg {
            ChannelArg::Email => NotificationType::Email,
            ChannelArg::Sms => NotificationType::Sms,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LaneArg {
    /// Authentication codes and the like: never wait behind other sends.
    Priority,
    /// Ordinary messages.
    Normal,
    /// Mass sends.
    Bulk,
}

impl From<LaneArg> for ProcessType {
    fn from(arg: LaneArg) -> Self {
        match arg {
            LaneArg::Priority => ProcessType::Priority,
            LaneArg::Normal => ProcessType::Normal,
            LaneArg::Bulk => ProcessType::Bulk,
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum TemplateCommand {
    /// Create a template.
    Create {
        #[command(flatten)]
        service: ServiceArg,
        /// Email or text message.
        #[arg(long = "type", value_enum)]
        kind: ChannelArg,
        /// The template's name.
        #[arg(long)]
        name: String,
        /// Email subject (email templates need one).
        #[arg(long, conflicts_with = "subject_file")]
        subject: Option<String>,
        /// A file holding the email subject.
        #[arg(long, value_name = "PATH")]
        subject_file: Option<PathBuf>,
        /// The body text.
        #[arg(long, conflicts_with = "content_file")]
        content: Option<String>,
        /// A file holding the body text.
        #[arg(long, value_name = "PATH")]
        content_file: Option<PathBuf>,
        /// Delivery lane.
        #[arg(long, value_enum, default_value = "normal")]
        lane: LaneArg,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// List a service's templates that are not archived.
    List {
        #[command(flatten)]
        service: ServiceArg,
        /// Only templates of this type.
        #[arg(long = "type", value_enum)]
        kind: Option<ChannelArg>,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Show a template whole: its latest version, or an older one.
    Show {
        #[command(flatten)]
        service: ServiceArg,
        /// The template's id (from `template list`).
        #[arg(long)]
        id: String,
        /// The version to show (default: the latest).
        #[arg(long, value_name = "N")]
        template_version: Option<i32>,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Change a template's name, subject, body or lane: makes a new version.
    Update {
        #[command(flatten)]
        service: ServiceArg,
        /// The template's id (from `template list`).
        #[arg(long)]
        id: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New email subject.
        #[arg(long, conflicts_with = "subject_file")]
        subject: Option<String>,
        /// A file holding the new email subject.
        #[arg(long, value_name = "PATH")]
        subject_file: Option<PathBuf>,
        /// New body text.
        #[arg(long, conflicts_with = "content_file")]
        content: Option<String>,
        /// A file holding the new body text.
        #[arg(long, value_name = "PATH")]
        content_file: Option<PathBuf>,
        /// New delivery lane.
        #[arg(long, value_enum)]
        lane: Option<LaneArg>,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Archive a template: it can no longer be sent or changed (its versions stay readable).
    Archive {
        #[command(flatten)]
        service: ServiceArg,
        /// The template's id (from `template list`).
        #[arg(long)]
        id: String,
    },
}

fn template_id(text: &str) -> Result<TemplateId> {
    TemplateId::parse(text).map_err(|_| anyhow!("--id must be a template id (a UUID)"))
}

/// A template whole, for `show` and `update`.
fn template_json(t: &Template) -> Value {
    json!({
        "id": t.id.to_string(),
        "name": t.name,
        "type": t.kind.as_str(),
        "version": t.version,
        "subject": t.subject,
        "content": t.content,
        "process_type": t.process_type.as_str(),
        "archived": t.archived,
        "created_at": carillon_api::format_datetime(t.created_at),
        "updated_at": t.updated_at.map(carillon_api::format_datetime),
        "created_by": t.created_by,
    })
}

fn print_template(t: &Template) {
    let archived = if t.archived { "  (archived)" } else { "" };
    print_line(&format!(
        "{}  {}  v{}  {}  lane {}{archived}",
        t.id,
        t.kind,
        t.version,
        t.name,
        t.process_type.as_str()
    ));
    if let Some(subject) = &t.subject {
        print_line(&format!("Subject: {subject}"));
    }
    print_line(&format!("\n{}", t.content));
}

pub(crate) async fn template(store: Arc<dyn Store>, command: TemplateCommand) -> Result<()> {
    let app = app(store);
    match command {
        TemplateCommand::Create {
            service,
            kind,
            name,
            subject,
            subject_file,
            content,
            content_file,
            lane,
            out,
        } => {
            let service = service.resolve(&app).await?;
            let Some(content) = text_or_file(content, content_file.as_deref())? else {
                bail!("give the body with --content or --content-file");
            };
            let subject = text_or_file(subject, subject_file.as_deref())?;
            let kind = NotificationType::from(kind);
            if kind == NotificationType::Email
                && subject.as_deref().is_none_or(|s| s.trim().is_empty())
            {
                bail!("an email template needs --subject");
            }
            let template = app
                .create_template(
                    service,
                    CreateTemplate {
                        name,
                        kind,
                        // A text message has no subject; one given is ignored.
                        subject: subject.filter(|_| kind == NotificationType::Email),
                        content,
                        category_id: carillon_domain::TemplateCategoryId::generic(lane.into()),
                        process_type_override: None,
                        created_by: None,
                    },
                )
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
        TemplateCommand::List { service, kind, out } => {
            let service = service.resolve(&app).await?;
            print_list(
                out.json,
                &app.templates(service, kind.map(NotificationType::from))
                    .await?,
                |t| json!({"id": t.id.to_string(), "name": t.name, "type": t.kind.as_str(), "version": t.version}),
                |t| format!("{}  {}  v{}  {}", t.id, t.kind, t.version, t.name),
            );
        }
        TemplateCommand::Show {
            service,
            id,
            template_version,
            out,
        } => {
            let service = service.resolve(&app).await?;
            let template = app
                .template(service, template_id(&id)?, template_version)
                .await?;
            if out.json {
                print_json(&template_json(&template));
            } else {
                print_template(&template);
            }
        }
        TemplateCommand::Update {
            service,
            id,
            name,
            subject,
            subject_file,
            content,
            content_file,
            lane,
            out,
        } => {
            let service = service.resolve(&app).await?;
            let changes = TemplateChanges {
                name,
                subject: text_or_file(subject, subject_file.as_deref())?,
                content: text_or_file(content, content_file.as_deref())?,
                category_id: None,
                process_type_override: lane.map(ProcessType::from),
                created_by: None,
            };
            if changes == TemplateChanges::default() {
                bail!("nothing to change: give at least one option (see --help)");
            }
            let template = app
                .update_template(service, template_id(&id)?, changes)
                .await?;
            if out.json {
                print_json(&template_json(&template));
            } else {
                print_line(&format!(
                    "updated {} template {} ({}) to version {}",
                    template.kind, template.name, template.id, template.version
                ));
            }
        }
        TemplateCommand::Archive { service, id } => {
            let service = service.resolve(&app).await?;
            let template = app.archive_template(service, template_id(&id)?).await?;
            print_line(&format!(
                "archived {} template {} ({})",
                template.kind, template.name, template.id
            ));
        }
    }
    Ok(())
}
