//! The `carillon` program: reads settings, opens the database, runs a command. With the
//! server library, the only crate that knows every concrete backend.

mod admin;
mod admin_callbacks;
mod backend;
mod bench_seed;
mod bulk;
mod cli;
mod demo;
mod outbox;
mod output;
mod serve;
mod settings;
mod sheet;

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result};
use carillon_server::OpenMode;
use clap::{ArgMatches, CommandFactory, FromArgMatches};
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

/// Commands that only read (`list`, `show`) open an existing database only: they never create
/// a data directory, a key or a database.
fn open_mode(matches: &ArgMatches) -> OpenMode {
    let leaf = matches
        .subcommand()
        .and_then(|(_, command)| command.subcommand_name());
    match leaf {
        Some("list" | "show") => OpenMode::Existing,
        _ => OpenMode::Create,
    }
}

/// Prints the error and its causes, never a backtrace: `RUST_BACKTRACE=1` is common on
/// developers' machines, and a stack trace is noise around a user's mistake.
fn main() -> ExitCode {
    match start() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "error: {error}");
            for cause in error.chain().skip(1) {
                let _ = writeln!(err, "caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn start() -> Result<()> {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // A child of `send-bulk` reading a spreadsheet: no settings, logs or runtime, only what
    // reading needs, so that its limits hold little besides the workbook.
    if let Command::ReadSheet(args) = &cli.command {
        return sheet::read_sheet(args);
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(run(cli, &matches))
}

async fn run(cli: Cli, matches: &ArgMatches) -> Result<()> {
    let settings = Settings::resolve(&cli.global)?;
    init_logs(settings.log_format);
    let mode = open_mode(matches);
    let given = serve::Given(matches.subcommand().map(|(_, command)| command));
    match cli.command {
        Command::Serve(args) => serve::serve(&settings, &args, given).await,
        Command::Migrate => {
            backend::open(&settings, mode).await?;
            output::print_line("database is up to date");
            Ok(())
        }
        Command::Demo(args) => serve::demo(&settings, &args, given).await,
        Command::Service(command) => {
            admin::service(backend::open(&settings, mode).await?, command).await
        }
        Command::User(command) => admin::user(backend::open(&settings, mode).await?, command).await,
        Command::ApiKey(command) => {
            admin::api_key(backend::open(&settings, mode).await?, command).await
        }
        Command::Template(command) => {
            admin::template(backend::open(&settings, mode).await?, command).await
        }
        Command::ReplyTo(command) => {
            admin::reply_to(backend::open(&settings, mode).await?, command).await
        }
        Command::SmsSender(command) => {
            admin::sms_sender(backend::open(&settings, mode).await?, command).await
        }
        Command::Safelist(command) => {
            admin::safelist(backend::open(&settings, mode).await?, command).await
        }
        Command::Callback(command) => {
            admin_callbacks::run(backend::open(&settings, mode).await?, command).await
        }
        Command::Outbox(command) => {
            outbox::run(backend::open(&settings, mode).await?, command).await
        }
        Command::SendBulk(args) => {
            bulk::send_bulk(backend::open(&settings, mode).await?, &settings, args).await
        }
        Command::Job(command) => bulk::job(backend::open(&settings, mode).await?, command).await,
        Command::BenchSeed(args) => {
            bench_seed::run(backend::open(&settings, mode).await?, args).await
        }
        Command::ReadSheet(args) => sheet::read_sheet(&args),
    }
}
