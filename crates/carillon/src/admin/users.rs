//! `carillon user …`: the first account, a forgotten password, platform admins, suspending
//! an account. Passwords are read from standard input (never from the command line, where `ps`
//! shows them) or generated and printed once.

use std::io::Read;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use carillon_app::accounts::NewUser;
use carillon_domain::User;
use carillon_store::Store;
use clap::Subcommand;
use serde_json::{Value, json};

use super::{JsonFlag, app, print_list};
use crate::output::{print_json, print_line};

/// Accounts listed at most (the command shows them all in practice).
const LIST_LIMIT: u32 = 10_000;

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Create an active account that signs in with an emailed code.
    Create {
        #[arg(long)]
        email: String,
        /// The person's full name.
        #[arg(long)]
        name: String,
        /// Read the password from standard input; without it one is generated and printed
        /// once.
        #[arg(long)]
        password_stdin: bool,
        /// Let the account administer the platform (every service, go-live approvals).
        #[arg(long)]
        platform_admin: bool,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Set an account's password (read from standard input); unlocks it and ends its sessions.
    SetPassword {
        #[arg(long)]
        email: String,
    },
    /// Make an account a platform admin, or take that away with --revoke.
    PlatformAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        revoke: bool,
    },
    /// Suspend an account: it cannot sign in, and its sessions end at once.
    Suspend {
        #[arg(long)]
        email: String,
    },
    /// Make a suspended account active again.
    Resume {
        #[arg(long)]
        email: String,
    },
}

fn user_json(user: &User) -> Value {
    json!({
        "id": user.id.to_string(),
        "name": user.name,
        "email": user.email.as_str(),
        "state": user.state.as_str(),
        "platform_admin": user.platform_admin,
        "second_factor": user.second_factor.as_str(),
    })
}

/// The password on standard input, without its final line break.
fn password_from_stdin() -> Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading the password from standard input")?;
    let password = text.strip_suffix('\n').unwrap_or(&text);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password.to_owned())
}

pub(crate) async fn user(store: Arc<dyn Store>, command: UserCommand) -> Result<()> {
    let app = app(store);
    match command {
        UserCommand::Create {
            email,
            name,
            password_stdin,
            platform_admin,
            out,
        } => {
            let (password, generated) = if password_stdin {
                (password_from_stdin()?, false)
            } else {
                (carillon_crypto::token::new_token(), true)
            };
            let user = app
                .create_user(NewUser {
                    name,
                    email,
                    password: password.clone(),
                    platform_admin,
                })
                .await?;
            let shown = generated.then_some(password);
            if out.json {
                let mut value = user_json(&user);
                if let (Some(password), Some(object)) = (&shown, value.as_object_mut()) {
                    object.insert("password".to_owned(), Value::String(password.clone()));
                }
                print_json(&value);
            } else {
                print_line(&format!(
                    "created user {} ({})",
                    user.email.as_str(),
                    user.id
                ));
                if let Some(password) = shown {
                    print_line(&format!("password (shown once): {password}"));
                }
            }
        }
        UserCommand::List { out } => {
            print_list(out.json, &app.users(LIST_LIMIT, 0).await?, user_json, |u| {
                let admin = if u.platform_admin {
                    "  platform admin"
                } else {
                    ""
                };
                format!(
                    "{}  {}  {}  ({}){admin}",
                    u.id,
                    u.email.as_str(),
                    u.name,
                    u.state.as_str()
                )
            })
        }
        UserCommand::SetPassword { email } => {
            let password = password_from_stdin()?;
            app.set_password(&email, &password).await?;
            print_line("password set; the account's sessions have ended");
        }
        UserCommand::PlatformAdmin { email, revoke } => {
            let user = app.set_platform_admin(&email, !revoke).await?;
            let what = if user.platform_admin {
                "is"
            } else {
                "is no longer"
            };
            print_line(&format!("{} {what} a platform admin", user.email.as_str()));
        }
        UserCommand::Suspend { email } => {
            let user = app.set_user_suspended_by_email(&email, true).await?;
            print_line(&format!(
                "{} is suspended; its sessions have ended",
                user.email.as_str()
            ));
        }
        UserCommand::Resume { email } => {
            let user = app.set_user_suspended_by_email(&email, false).await?;
            print_line(&format!("{} is active again", user.email.as_str()));
        }
    }
    Ok(())
}
