//! `carillon send-bulk FILE --template ID`: checks a CSV, TSV or spreadsheet against the
//! template, prints the report, submits it as a job (the bulk use cases, as the API does) and
//! shows its progress until the workers have sent it (a bar on a terminal, plain lines
//! otherwise); and `carillon job list|cancel`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use carillon_api::bulk::job_json;
use carillon_app::send::check_permission;
use carillon_app::template_admin::TemplateAdminError;
use carillon_app::{App, AppSettings, BulkFile};
use carillon_bulk::Format;
use carillon_domain::{
    Job, JobId, JobStatus, KeyType, NotificationStatus, Service, ServiceId, SystemClock, Template,
    TemplateId,
};
use carillon_store::Store;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::output::{print_json, print_line};
use crate::settings::Settings;

#[derive(Debug, Args)]
#[command(after_help = "\
send-bulk never delivers messages itself: a running `carillon serve` (role all or worker) on \
the same database does. The job is stored either way. When no worker has been seen for 30 \
seconds, send-bulk says so (on standard error) and, unless --no-wait, keeps following the \
job and repeating the warning until a worker appears and the job is sent; with --no-wait it \
warns and exits successfully, the job waiting for a worker.")]
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
    /// Return once the job is stored instead of following it until the workers have sent it.
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
        /// The service's id (optional when the database holds exactly one).
        #[arg(long)]
        service: Option<String>,
        /// Print GC Notify's job objects, each with its notification counts, as a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Cancel a scheduled job before it starts.
    Cancel {
        /// The id of the service the job belongs to.
        #[arg(long)]
        service: String,
        /// The id of the job to cancel.
        job: String,
    },
}

/// Finds a template and its service (template ids are unique across services).
async fn find_template(app: &App, id: TemplateId) -> Result<(Service, Template)> {
    for service in app.services().await? {
        match app.template(service.id, id, None).await {
            Ok(template) if template.archived => bail!("template {id} has been deleted"),
            Ok(template) => return Ok((service, template)),
            Err(TemplateAdminError::NotFound(_)) => {}
            Err(error) => return Err(error.into()),
        }
    }
    bail!("no template {id}")
}

pub(crate) async fn send_bulk(
    store: Arc<dyn Store>,
    settings: &Settings,
    args: SendBulkArgs,
) -> Result<()> {
    let app = App::new(
        store,
        Arc::new(SystemClock),
        AppSettings {
            sending_domain: settings.sending_domain.clone(),
            bulk_max_rows: args.max_rows,
            ..AppSettings::default()
        },
    );
    let id = TemplateId::parse(&args.template).map_err(|_| anyhow!("--template is not an id"))?;
    let (service, template) = find_template(&app, id).await?;
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
    check_permission(&service, template.kind)?;
    // An operator sends like a live key: limits count, trial services reach their safelist.
    let checked = app
        .check_bulk(&service, KeyType::Normal, &template, &file)
        .await?;
    for line in checked.report.to_string().lines() {
        eprintln_line(line);
    }
    if let Some(problem) = &checked.problem {
        bail!("not sent: {problem}");
    }
    if args.check_only {
        return Ok(());
    }
    let job = app.submit_bulk(&service, None, &file, checked).await?;
    if args.json {
        print_json(&job_json(&job, &service, None));
    } else {
        print_line(&format!("job {} {}", job.id, job.status.as_str()));
    }
    let mut watch = WorkerWatch::default();
    if args.no_wait || job.status == JobStatus::Scheduled {
        watch.warn_if_none(&app).await?;
        return Ok(());
    }
    show_progress(&app, &job, &mut watch).await
}

fn eprintln_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// How often the warning is repeated while no worker runs.
const WARN_EVERY: Duration = Duration::from_secs(30);
/// How often the heartbeat is read while following.
const LOOK_EVERY: Duration = Duration::from_secs(5);

/// Whether a delivery worker runs, from the workers' heartbeat, and the warning when none does.
#[derive(Debug, Default)]
struct WorkerWatch {
    looked: Option<Instant>,
    warned: Option<Instant>,
}

impl WorkerWatch {
    /// Reads the heartbeat (at most every few seconds) and warns, at most every 30 seconds,
    /// while no worker has been seen lately.
    async fn warn_if_none(&mut self, app: &App) -> Result<()> {
        let now = Instant::now();
        if self
            .looked
            .is_some_and(|at| now.saturating_duration_since(at) < LOOK_EVERY)
        {
            return Ok(());
        }
        self.looked = Some(now);
        let running = app.worker_running().await?;
        if running {
            self.warned = None;
        } else if self
            .warned
            .is_none_or(|at| now.saturating_duration_since(at) >= WARN_EVERY)
        {
            self.warned = Some(now);
            eprintln_line(
                "no worker is running: start `carillon serve` (role all or worker) on this \
                 database to send the job; it waits, stored, until one does",
            );
        }
        Ok(())
    }
}

/// Shows the job's progress as the workers send it, until none of its rows is queued.
async fn show_progress(app: &App, job: &Job, watch: &mut WorkerWatch) -> Result<()> {
    let terminal = std::io::stderr().is_terminal();
    let total = u64::from(job.notification_count);
    let mut last = None;
    loop {
        let counts = app.job_counts(job.service_id, job.id).await?;
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
        watch.warn_if_none(app).await?;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    if terminal {
        eprintln_line("");
    }
    // The job's own status moves on with the workers' housekeeping; moved here too so the
    // counts printed are final (bookkeeping only: nothing is sent from here).
    app.advance_jobs().await?;
    app.advance_jobs().await?;
    for (status, count) in app.job_counts(job.service_id, job.id).await? {
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
    let app = crate::admin::app(store);
    match command {
        JobCommand::List { service, json } => {
            let service = service
                .as_deref()
                .map(|text| ServiceId::parse(text).map_err(|_| anyhow!("--service is not an id")))
                .transpose()?;
            let service = app.service_or_only(service).await?;
            let mut listed = Vec::new();
            for (job, counts) in app.jobs_with_counts(service.id).await? {
                if json {
                    let mut object = job_json(&job, &service, None);
                    let statistics: Vec<Value> = counts
                        .iter()
                        .map(|(s, n)| json!({"status": s.as_str(), "count": n}))
                        .collect();
                    if let Value::Object(map) = &mut object {
                        map.insert("statistics".to_owned(), Value::Array(statistics));
                    }
                    listed.push(object);
                    continue;
                }
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
            if json {
                print_json(&Value::Array(listed));
            }
            Ok(())
        }
        JobCommand::Cancel { service, job } => {
            let service =
                ServiceId::parse(&service).map_err(|_| anyhow!("--service is not an id"))?;
            let id = JobId::parse(&job).map_err(|_| anyhow!("not a job id: {job}"))?;
            let job = app.cancel_job(service, id).await?;
            print_line(&format!("job {} {}", job.id, job.status.as_str()));
            Ok(())
        }
    }
}
