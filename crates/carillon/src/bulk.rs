//! `carillon send-bulk FILE --template ID`: checks a CSV, TSV or spreadsheet against the
//! template, prints the report, sends it as a job and shows its progress until it finishes
//! (a bar on a terminal, plain lines otherwise); and `carillon job list|cancel`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use carillon_api::bulk::{BulkFile, check_bulk, check_permission, job_json, submit};
use carillon_api::{ApiSettings, AppState, SystemClock};
use carillon_bulk::Format;
use carillon_domain::{
    Job, JobId, JobStatus, KeyType, NotificationStatus, Service, ServiceId, Template, TemplateId,
};
use carillon_store::Store;
use clap::{Args, Subcommand};
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::output::{print_json, print_line};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub(crate) struct SendBulkArgs {
    /// The file: .csv, .tsv, .xlsx, .xlsm, .xls or .ods.
    file: PathBuf,
    /// The template to send (its service sends).
    #[arg(long)]
    template: String,
    /// Start at this time (ISO 8601, at most 96 hours ahead) instead of now.
    #[arg(long)]
    scheduled_for: Option<String>,
    /// Reply-to address (email) or SMS sender id instead of the default.
    #[arg(long)]
    reply_to_id: Option<uuid::Uuid>,
    /// Only check the file and print the report.
    #[arg(long)]
    check_only: bool,
    /// Return once the job is stored instead of following it until it finishes.
    #[arg(long)]
    no_wait: bool,
    /// Most rows a file may hold.
    #[arg(long, env = "CARILLON_BULK_MAX_ROWS", default_value_t = carillon_bulk::DEFAULT_MAX_ROWS)]
    max_rows: usize,
    /// Print the job as JSON (GC Notify's job object) instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum JobCommand {
    /// List a service's jobs, newest first, with their notification counts.
    List {
        #[arg(long)]
        service: String,
    },
    /// Cancel a scheduled job before it starts.
    Cancel {
        #[arg(long)]
        service: String,
        job: String,
    },
}

/// Finds a template and its service (template ids are unique across services).
async fn find_template(store: &Arc<dyn Store>, id: TemplateId) -> Result<(Service, Template)> {
    for service in store.services().await? {
        if let Some(template) = store.template(service.id, id).await? {
            if template.archived {
                bail!("template {id} has been deleted");
            }
            return Ok((service, template));
        }
    }
    bail!("no template {id}")
}

pub(crate) async fn send_bulk(
    store: Arc<dyn Store>,
    settings: &Settings,
    args: SendBulkArgs,
) -> Result<()> {
    let id = TemplateId::parse(&args.template).map_err(|_| anyhow!("--template is not an id"))?;
    let (service, template) = find_template(&store, id).await?;
    let format = Format::from_file_name(&args.file.to_string_lossy())
        .ok_or_else(|| anyhow!("unknown file type: use .csv, .tsv, .xlsx, .xlsm, .xls or .ods"))?;
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    // Workbooks are read in a child process with resource limits (see `sheet`); CSV and TSV
    // readers are bounded by the file, and stay here.
    let (bytes, format) = match format {
        Format::Spreadsheet => {
            let limits = crate::sheet::Limits::for_file(bytes.len());
            (
                crate::sheet::read_isolated(bytes, limits).await?,
                Format::Framed,
            )
        }
        other => (bytes, other),
    };
    let scheduled_for = args
        .scheduled_for
        .as_deref()
        .map(|text| {
            OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .with_context(|| format!("--scheduled-for {text} is not an ISO 8601 time"))
        })
        .transpose()?;
    let file = BulkFile {
        name: args
            .file
            .file_name()
            .map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned()),
        bytes,
        format,
        scheduled_for,
        reply_to_id: args.reply_to_id,
    };
    let api = ApiSettings {
        sending_domain: settings.sending_domain.clone(),
        bulk_max_rows: args.max_rows,
        ..ApiSettings::default()
    };
    let state = AppState::new(Arc::clone(&store), Arc::new(SystemClock), api);
    check_permission(&service, template.kind).map_err(api_error)?;
    // An operator sends like a live key: limits count, trial services reach their safelist.
    let checked = check_bulk(&state, &service, KeyType::Normal, &template, &file)
        .await
        .map_err(api_error)?;
    for line in checked.report.to_string().lines() {
        eprintln_line(line);
    }
    if let Some(problem) = &checked.problem {
        bail!("not sent: {}", problem.messages.join("; "));
    }
    if args.check_only {
        return Ok(());
    }
    let job = submit(&state, &service, None, &file, checked)
        .await
        .map_err(api_error)?;
    if args.json {
        print_json(&job_json(&job, &service, None));
    } else {
        print_line(&format!("job {} {}", job.id, job.status.as_str()));
    }
    if args.no_wait || job.status == JobStatus::Scheduled {
        return Ok(());
    }
    follow(&store, settings, &job).await
}

fn api_error(error: carillon_api::ApiError) -> anyhow::Error {
    let messages: Vec<String> = error.messages.into_iter().collect();
    anyhow!("{}", messages.join("; "))
}

fn eprintln_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Delivers the job with a worker in this process (others may help) and shows progress.
async fn follow(store: &Arc<dyn Store>, settings: &Settings, job: &Job) -> Result<()> {
    let (email, sms) = crate::providers::choose(settings, store).await?;
    let worker = carillon_worker::Worker::new(
        Arc::clone(store),
        email,
        sms,
        carillon_worker::WorkerSettings {
            sending_domain: settings.sending_domain.clone(),
            ..carillon_worker::WorkerSettings::default()
        },
        Arc::new(tokio::sync::Notify::new()),
    );
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    let result = show_progress(store, job).await;
    let _ = stop.send(true);
    running.await.context("the delivery worker panicked")?;
    result
}

async fn show_progress(store: &Arc<dyn Store>, job: &Job) -> Result<()> {
    let terminal = std::io::stderr().is_terminal();
    let total = u64::from(job.notification_count);
    let mut last = None;
    loop {
        let counts = store.job_counts(job.service_id, job.id).await?;
        let queued: u64 = counts
            .iter()
            .filter(|(s, _)| *s == NotificationStatus::Created)
            .map(|(_, n)| n)
            .sum();
        let done = total.saturating_sub(queued);
        if last != Some(done) {
            progress_line(terminal, done, total);
            last = Some(done);
        }
        if queued == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    if terminal {
        eprintln_line("");
    }
    store.advance_jobs(OffsetDateTime::now_utc()).await?;
    store.advance_jobs(OffsetDateTime::now_utc()).await?;
    for (status, count) in store.job_counts(job.service_id, job.id).await? {
        print_line(&format!("{count} {}", status.as_str()));
    }
    Ok(())
}

fn progress_line(terminal: bool, done: u64, total: u64) {
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let mut err = std::io::stderr().lock();
    if terminal {
        let filled = usize::try_from(percent / 5).unwrap_or(20);
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(20 - filled.min(20)));
        let _ = write!(err, "\r[{bar}] {done}/{total} sent ({percent}%)");
    } else {
        let _ = writeln!(err, "{done}/{total} sent ({percent}%)");
    }
    let _ = err.flush();
}

pub(crate) async fn job(store: Arc<dyn Store>, command: JobCommand) -> Result<()> {
    match command {
        JobCommand::List { service } => {
            let service =
                ServiceId::parse(&service).map_err(|_| anyhow!("--service is not an id"))?;
            for job in store.jobs(service).await? {
                let counts = store.job_counts(service, job.id).await?;
                let counts: Vec<String> = counts
                    .iter()
                    .map(|(s, n)| format!("{n} {}", s.as_str()))
                    .collect();
                print_line(&format!(
                    "{}\t{}\t{}\t{} rows\t{}",
                    job.id,
                    job.status.as_str(),
                    job.original_file_name,
                    job.notification_count,
                    counts.join(", ")
                ));
            }
            Ok(())
        }
        JobCommand::Cancel { service, job } => {
            let service =
                ServiceId::parse(&service).map_err(|_| anyhow!("--service is not an id"))?;
            let id = JobId::parse(&job).map_err(|_| anyhow!("not a job id: {job}"))?;
            let job = store
                .cancel_job(service, id, OffsetDateTime::now_utc())
                .await
                .map_err(|e| anyhow!("cannot cancel job {id}: {e}"))?;
            print_line(&format!("job {} {}", job.id, job.status.as_str()));
            Ok(())
        }
    }
}
