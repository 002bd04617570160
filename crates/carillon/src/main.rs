//! The `carillon` program: reads settings, opens the database, runs a command.
//! The only crate that knows every concrete backend.

mod admin;
mod admin_callbacks;
mod backend;
mod bulk;
mod cli;
mod demo;
mod outbox;
mod output;
mod providers;
mod serve;
mod settings;
mod sheet;

use anyhow::{Context, Result};
use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command, LogFormat};
use crate::settings::Settings;

fn init_logs(format: LogFormat) {
    let filter = EnvFilter::try_from_env("CARILLON_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    // A child of `send-bulk` reading a spreadsheet: no settings, logs or runtime, only what
    // reading needs, so that its limits hold little besides the workbook.
    if let Command::ReadSheet(args) = &cli.command {
        return sheet::read_sheet(args);
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(run(cli))
}

async fn run(cli: Cli) -> Result<()> {
    let settings = Settings::resolve(&cli.global)?;
    init_logs(settings.log_format);
    match cli.command {
        Command::Serve(args) => {
            let shutdown = serve::shutdown_signal()?;
            let store = backend::open(&settings).await?;
            let listener = match args.role {
                cli::Role::Worker => None,
                cli::Role::All | cli::Role::Api => Some(serve::bind(args.listen).await?),
            };
            serve::serve(&args, listener, store, &settings, shutdown).await
        }
        Command::Migrate => {
            backend::open(&settings).await?;
            output::print_line("database is up to date");
            Ok(())
        }
        Command::Demo(args) => {
            let shutdown = serve::shutdown_signal()?;
            let store = backend::open(&settings).await?;
            let listener = serve::bind(args.listen).await?;
            let url = format!("http://{}", listener.local_addr()?);
            output::print_line(&demo::seed(&store, &url).await?);
            serve::serve(&args, Some(listener), store, &settings, shutdown).await
        }
        Command::Service(command) => admin::service(backend::open(&settings).await?, command).await,
        Command::ApiKey(command) => admin::api_key(backend::open(&settings).await?, command).await,
        Command::Template(command) => {
            admin::template(backend::open(&settings).await?, command).await
        }
        Command::ReplyTo(command) => {
            admin::reply_to(backend::open(&settings).await?, command).await
        }
        Command::SmsSender(command) => {
            admin::sms_sender(backend::open(&settings).await?, command).await
        }
        Command::Safelist(command) => {
            admin::safelist(backend::open(&settings).await?, command).await
        }
        Command::Callback(command) => {
            admin_callbacks::run(backend::open(&settings).await?, command).await
        }
        Command::Outbox(command) => outbox::run(backend::open(&settings).await?, command).await,
        Command::SendBulk(args) => {
            bulk::send_bulk(backend::open(&settings).await?, &settings, args).await
        }
        Command::Job(command) => bulk::job(backend::open(&settings).await?, command).await,
        Command::ReadSheet(args) => sheet::read_sheet(&args),
    }
}
