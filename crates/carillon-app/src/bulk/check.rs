//! A bulk file checked for one template and service, in GC Notify's order of rules, then
//! submitted as a job: shared by `POST /v2/notifications/bulk` and `carillon send-bulk`.

use std::collections::HashSet;

use carillon_bulk::{FileError, Format, Options, Report, TemplateSpec, read_rows};
use carillon_domain::{ApiKeyId, Job, JobId, KeyType, NewJob, NotificationType, Service, Template};
use carillon_store::{Counter, CounterLimit, JobOutcome, Period, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use super::BulkError;
use super::rows::{self, Batches, Common};
use crate::App;
use crate::limits;
use crate::recipients;
use crate::templates::{ParsedTemplate as Parsed, TemplateError};

/// A file to send and how.
#[derive(Debug, Clone)]
pub struct BulkFile {
    /// The job's name (GC Notify's `original_file_name`).
    pub name: String,
    pub bytes: Vec<u8>,
    pub format: Format,
    pub scheduled_for: Option<OffsetDateTime>,
    /// Reply-to address (email) or SMS sender to use instead of the default.
    pub reply_to_id: Option<Uuid>,
}

/// A checked file: the report for people, GC Notify's answer when a rule is broken, and what
/// submitting needs.
#[derive(Debug)]
pub struct Checked {
    pub report: Report,
    /// The first rule the file breaks, in GC Notify's order: GC Notify's message (a 400
    /// `BadRequestError` in the API).
    pub problem: Option<String>,
    template: Template,
    parsed: Parsed,
    spec: TemplateSpec,
    sender: Option<String>,
    sender_id: Option<Uuid>,
    /// What the job takes from the sending limits (emails, or SMS fragments), when counted.
    units: Option<u32>,
    key_type: KeyType,
    prefix: Option<String>,
}

/// Checks `file` for sending `template` as `service` with a key of `key_type`.
///
/// # Errors
/// GC Notify's answer for problems found before rows are read: the sender, a file that cannot
/// be read, its header. Row problems and limits come back in [`Checked::problem`].
pub(super) async fn check_bulk(
    state: &App,
    service: &Service,
    key_type: KeyType,
    template: &Template,
    file: &BulkFile,
) -> Result<Checked, BulkError> {
    let now = state.clock.now();
    let kind = template.kind;
    let max_rows = state.settings.bulk_max_rows;
    let (remaining_daily, remaining_annual) = remaining(state, service, kind, now).await?;
    let sender = recipients::sender(state, service, kind, file.reply_to_id).await?;
    let sender_id = match (kind, file.reply_to_id) {
        (_, Some(id)) => Some(id),
        (NotificationType::Sms, None) => state
            .cached_sms_senders(service.id)
            .await?
            .iter()
            .find(|s| s.is_default && !s.archived)
            .map(|s| *s.id.as_uuid()),
        (NotificationType::Email, None) => None,
    };
    let parsed = state
        .parsed_template(template)
        .await
        .map_err(TemplateError::Invalid)?;
    let spec = TemplateSpec {
        kind,
        placeholders: parsed.placeholder_names(),
        sms_content_chars: (kind == NotificationType::Sms)
            .then(|| template.content.chars().count()),
    };
    let restricted = key_type == KeyType::Team || (service.restricted && key_type != KeyType::Test);
    let safelist: Option<HashSet<String>> = if restricted {
        let entries = state.cached_safelist(service.id).await?;
        Some(entries.iter().map(|e| e.recipient.clone()).collect())
    } else {
        None
    };
    let prefix =
        (kind == NotificationType::Sms && service.prefix_sms).then(|| service.name.clone());

    // Reading, checking and rendering every row is CPU work: off the async threads.
    let (bytes, format, pass_spec) = (file.bytes.clone(), file.format, spec.clone());
    let (pass_parsed, pass_prefix) = (parsed.clone(), prefix.clone());
    let (report, first) = tokio::task::spawn_blocking(move || {
        let mut first = FirstPass::default();
        let report = read_rows(&bytes, format)
            .map_err(FileError::Read)
            .and_then(|rows| {
                carillon_bulk::check(
                    rows,
                    pass_spec,
                    Options {
                        max_rows,
                        max_errors: carillon_bulk::DEFAULT_MAX_ERRORS,
                    },
                    |row| first.see(row, &pass_parsed, pass_prefix.as_deref(), safelist.as_ref()),
                )
            });
        (report, first)
    })
    .await
    .map_err(|e| StoreError::Other(format!("checking the file failed: {e}")))?;
    let report = match report {
        Ok(report) => report,
        Err(FileError::Header(problem)) => return Err(BulkError::Header(problem.to_string())),
        Err(FileError::Read(error)) => return Err(BulkError::Read(error.to_string())),
    };

    let rows = report.rows;
    let what = if kind == NotificationType::Sms {
        "sms messages"
    } else {
        "messages"
    };
    let problem = if rows as u64 > remaining_annual {
        Some(format!(
            "You only have {remaining_annual} remaining {what} before you reach your annual \
             limit. You've tried to send {rows} {what}."
        ))
    } else if rows as u64 > remaining_daily {
        Some(format!(
            "You only have {remaining_daily} remaining {what} before you reach your daily \
             limit. You've tried to send {rows} {what}."
        ))
    } else if let Some(message) = report.too_many_rows_message() {
        Some(message)
    } else if first.not_allowed {
        Some(if service.restricted {
            "You cannot send to these recipients because your service is in trial mode. You \
             can only send to members of your team and your safelist."
                .to_owned()
        } else {
            "You cannot send to these recipients because you used a team and safelist API key."
                .to_owned()
        })
    } else if let Some(message) = report.too_long_message().or_else(|| report.rows_message()) {
        Some(message)
    } else if let Some((index, error)) = &first.render_error {
        Some(format!("Row {index} - {error}"))
    } else if rows == 0 {
        Some("Some rows have errors. The file has no rows.".to_owned())
    } else if kind == NotificationType::Sms
        && key_type != KeyType::Test
        && first.simulated > 0
        && first.simulated < rows
    {
        Some("Bulk sending to testing and non-testing numbers is not supported".to_owned())
    } else {
        None
    };

    let counted = key_type != KeyType::Test && first.simulated < rows;
    let units = counted.then(|| {
        let units = match kind {
            NotificationType::Email => rows as u64,
            NotificationType::Sms => first.fragments,
        };
        u32::try_from(units).unwrap_or(u32::MAX)
    });
    Ok(Checked {
        report,
        problem,
        template: template.clone(),
        parsed,
        spec,
        sender,
        sender_id,
        units,
        key_type,
        prefix,
    })
}

/// Stores the job of a checked file (with no problem) and all its rows, reading the file a
/// second time in batches.
///
/// # Errors
/// The checked problem, GC Notify's 429 when a limit was reached meanwhile, or the store's.
pub(super) async fn submit(
    state: &App,
    service: &Service,
    api_key_id: Option<ApiKeyId>,
    file: &BulkFile,
    checked: Checked,
) -> Result<Job, BulkError> {
    if let Some(problem) = checked.problem {
        return Err(BulkError::Problem(problem));
    }
    let now = state.clock.now();
    let template = &checked.template;
    let rows = checked.report.rows;
    // Counted for the day and year the job is created in (`job_counters`), so that
    // cancelling it gives back to the same counters.
    let counters: Vec<CounterLimit> = checked
        .units
        .map(|units| limits::counters(service, template.kind, units, now))
        .unwrap_or_default();
    let job = NewJob {
        id: JobId::new(),
        service_id: service.id,
        template_id: template.id,
        template_version: template.version,
        kind: template.kind,
        original_file_name: file.name.clone(),
        notification_count: u32::try_from(rows).unwrap_or(u32::MAX),
        api_key_id,
        sender_id: checked.sender_id,
        scheduled_for: file.scheduled_for,
        created_at: now,
    };
    let data = carillon_bulk::DataRows::open(
        read_rows(&file.bytes, file.format).map_err(|e| BulkError::Read(e.to_string()))?,
        checked.spec,
    )
    .map_err(|e| BulkError::Header(e.to_string()))?;
    let mut batches = Batches {
        rows: data,
        parsed: checked.parsed,
        common: Common {
            service_id: service.id,
            template_id: template.id,
            template_version: template.version,
            api_key_id,
            key_type: checked.key_type,
            kind: template.kind,
            sender: checked.sender,
            prefix: checked.prefix,
            process_type: template.process_type,
            scheduled_for: file.scheduled_for,
            created_at: now,
            simulated: recipients::is_simulated,
        },
    };
    match state
        .store
        .create_job(&job, &counters, &mut batches)
        .await?
    {
        JobOutcome::Created => {}
        JobOutcome::LimitExceeded(index) => {
            return Err(BulkError::LimitExceeded(limits::exceeded(
                service,
                template.kind,
                &counters,
                index,
            )));
        }
    }
    metrics::counter!("carillon_notifications_accepted_total", "type" => template.kind.as_str())
        .increment(rows as u64);
    state.accepted.notify_one();
    state
        .store
        .job(service.id, job.id)
        .await?
        .ok_or(BulkError::Store(StoreError::NotFound))
}

/// What the first pass learns from the rows that can be sent.
#[derive(Debug, Default)]
struct FirstPass {
    fragments: u64,
    simulated: usize,
    not_allowed: bool,
    render_error: Option<(usize, String)>,
}

impl FirstPass {
    fn see(
        &mut self,
        row: &carillon_bulk::Row,
        parsed: &Parsed,
        prefix: Option<&str>,
        safelist: Option<&HashSet<String>>,
    ) {
        let simulated = recipients::is_simulated(&row.recipient);
        if simulated {
            self.simulated += 1;
        }
        if let Some(safelist) = safelist
            && !simulated
            && !safelist.contains(&row.recipient.normalised())
        {
            self.not_allowed = true;
        }
        match rows::render(parsed, row, prefix) {
            Ok(rendered) => self.fragments += u64::from(rendered.units),
            Err(error) => {
                if self.render_error.is_none() {
                    self.render_error = Some((row.index, error.to_string()));
                }
            }
        }
    }
}

/// What the service may still send today and this fiscal year.
async fn remaining(
    state: &App,
    service: &Service,
    kind: NotificationType,
    now: OffsetDateTime,
) -> Result<(u64, u64), StoreError> {
    let counter = |period| Counter {
        service_id: service.id,
        kind,
        period,
    };
    let today = state.store.counter(&counter(Period::day_of(now))).await?;
    let year = state
        .store
        .counter(&counter(Period::fiscal_year_of(now)))
        .await?;
    let (daily, annual) = match kind {
        NotificationType::Email => (
            u64::from(service.email_daily_limit),
            service.email_annual_limit,
        ),
        NotificationType::Sms => (u64::from(service.sms_daily_limit), service.sms_annual_limit),
    };
    Ok((daily.saturating_sub(today), annual.saturating_sub(year)))
}
