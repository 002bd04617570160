//! `POST /v2/notifications/bulk`: GC Notify's bulk send. The file is checked whole (header,
//! every row, limits, safelist) in GC Notify's order before anything is stored; then the job
//! and all its rows are stored in one transaction, read a second time in batches.

mod job_json;
mod request;
mod rows;

use std::collections::HashSet;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use carillon_bulk::{FileError, Format, HeaderProblem, Options, TemplateSpec, read_rows};
use carillon_domain::{JobId, KeyType, NewJob, NotificationType, Permission, Service, Template};
use carillon_store::{Counter, JobOutcome, Period, StoreError};
use serde_json::{Value, json};

use crate::auth::Authenticated;
use crate::cache::Parsed;
use crate::error::ApiError;
use crate::json::{object_body, read_body};
use crate::limits;
use crate::recipients;
use crate::state::AppState;

pub(crate) use job_json::job_json;

pub(crate) async fn post_bulk(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = read_body(body)?;
    let map = object_body(&headers, &body)?;
    let service = &auth.service;
    if !service.active {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "BadRequestError",
            "Service is suspended",
        ));
    }
    let now = state.clock.now();
    let max_rows = state.settings.bulk_max_rows;
    let request = request::bulk_request(&map, max_rows, now)?;
    drop(map);
    let file = request.file.ok_or_else(request::either_rows_or_csv)?;

    let template = active_template(&state, service, request.template_id).await?;
    let kind = template.kind;
    let (permission, plural) = match kind {
        NotificationType::Email => (Permission::Email, "emails"),
        NotificationType::Sms => (Permission::Sms, "text messages"),
    };
    if !service.can(permission) {
        return Err(ApiError::bad_request(format!(
            "Service is not allowed to send {plural}"
        )));
    }
    limits::check_rate(&state, service, auth.key.key_type, now).await?;
    let (remaining_daily, remaining_annual) = remaining(&state, service, kind, now).await?;
    let sender = recipients::sender(&state, service, kind, request.reply_to_id).await?;
    let sender_id = match (kind, request.reply_to_id) {
        (_, Some(id)) => Some(id),
        (NotificationType::Sms, None) => state
            .cached_sms_senders(service.id)
            .await?
            .iter()
            .find(|s| s.is_default && !s.archived)
            .map(|s| *s.id.as_uuid()),
        (NotificationType::Email, None) => None,
    };

    let parsed = crate::send::parse_cached(&state, &template).await?;
    let spec = TemplateSpec {
        kind,
        placeholders: placeholder_names(&parsed),
        sms_content_chars: (kind == NotificationType::Sms)
            .then(|| template.content.chars().count()),
    };
    let key_type = auth.key.key_type;
    let restricted = key_type == KeyType::Team || (service.restricted && key_type != KeyType::Test);
    let safelist: Option<HashSet<String>> = if restricted {
        let entries = state.cached_safelist(service.id).await?;
        Some(entries.iter().map(|e| e.recipient.clone()).collect())
    } else {
        None
    };
    let prefix =
        (kind == NotificationType::Sms && service.prefix_sms).then(|| service.name.clone());

    let mut first_pass = FirstPass::default();
    let report = carillon_bulk::check(
        read_rows(file.as_bytes(), Format::Csv).map_err(|e| csv_error(&e))?,
        spec.clone(),
        Options {
            max_rows,
            max_errors: carillon_bulk::DEFAULT_MAX_ERRORS,
        },
        |row| first_pass.see(row, &parsed, prefix.as_deref(), safelist.as_ref()),
    );
    let report = match report {
        Ok(report) => report,
        Err(FileError::Header(problem)) => return Err(header_error(&problem)),
        Err(FileError::Read(error)) => return Err(csv_error(&error)),
    };

    // GC Notify's order: limits, row cap, safelist, SMS length, row errors.
    let rows = report.rows;
    let what = if kind == NotificationType::Sms {
        "sms messages"
    } else {
        "messages"
    };
    if rows as u64 > remaining_annual {
        return Err(ApiError::bad_request(format!(
            "You only have {remaining_annual} remaining {what} before you reach your annual \
             limit. You've tried to send {rows} {what}."
        )));
    }
    if rows as u64 > remaining_daily {
        return Err(ApiError::bad_request(format!(
            "You only have {remaining_daily} remaining {what} before you reach your daily \
             limit. You've tried to send {rows} {what}."
        )));
    }
    if let Some(message) = report.too_many_rows_message() {
        return Err(ApiError::bad_request(message));
    }
    if first_pass.not_allowed {
        return Err(ApiError::bad_request(if service.restricted {
            "You cannot send to these recipients because your service is in trial mode. You \
             can only send to members of your team and your safelist."
        } else {
            "You cannot send to these recipients because you used a team and safelist API key."
        }));
    }
    if let Some(message) = report.too_long_message() {
        return Err(ApiError::bad_request(message));
    }
    if let Some(message) = report.rows_message() {
        return Err(ApiError::bad_request(message));
    }
    if let Some((index, error)) = first_pass.render_error {
        return Err(ApiError::bad_request(format!("Row {index} - {error}")));
    }
    if rows == 0 {
        // A header alone: GC Notify accepts an empty job; there is nothing to send.
        return Err(ApiError::bad_request(
            "Some rows have errors. The file has no rows.",
        ));
    }
    if kind == NotificationType::Sms
        && key_type != KeyType::Test
        && first_pass.simulated > 0
        && first_pass.simulated < rows
    {
        return Err(ApiError::bad_request(
            "Bulk sending to testing and non-testing numbers is not supported",
        ));
    }

    let counted = key_type != KeyType::Test && first_pass.simulated < rows;
    let counters = if counted {
        let units = match kind {
            NotificationType::Email => rows as u64,
            NotificationType::Sms => first_pass.fragments,
        };
        limits::counters(service, kind, u32::try_from(units).unwrap_or(u32::MAX), now)
    } else {
        Vec::new()
    };
    let job = NewJob {
        id: JobId::new(),
        service_id: service.id,
        template_id: template.id,
        template_version: template.version,
        kind,
        original_file_name: request.name,
        notification_count: u32::try_from(rows).unwrap_or(u32::MAX),
        api_key_id: Some(auth.key.id),
        sender_id,
        scheduled_for: request.scheduled_for.as_ref().map(|(_, at)| *at),
        created_at: now,
    };
    let data = carillon_bulk::DataRows::open(
        read_rows(file.as_bytes(), Format::Csv).map_err(|e| csv_error(&e))?,
        spec,
    )
    .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let mut batches = rows::Batches {
        rows: data,
        parsed,
        common: rows::Common {
            service_id: service.id,
            template_id: template.id,
            template_version: template.version,
            api_key_id: auth.key.id,
            key_type,
            kind,
            sender,
            prefix,
            process_type: template.process_type,
            scheduled_for: job.scheduled_for,
            created_at: now,
            simulated: recipients::is_simulated,
        },
    };
    match state.store.create_job(&job, &counters, &mut batches).await {
        Ok(JobOutcome::Created) => {}
        Ok(JobOutcome::LimitExceeded(index)) => {
            return Err(limits::exceeded(
                service,
                kind,
                counters.get(index).map(|c| c.counter.period),
            ));
        }
        Err(error) => return Err(error.into()),
    }
    metrics::counter!("carillon_notifications_accepted_total", "type" => kind.as_str())
        .increment(rows as u64);
    state.accepted.notify_one();
    let stored = state
        .store
        .job(service.id, job.id)
        .await?
        .ok_or_else(|| ApiError::from(StoreError::NotFound))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"data": job_json(&stored, service, &auth.key)})),
    ))
}

/// What the first pass learns from the rows that can be sent.
#[derive(Default)]
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

/// GC Notify's `validate_template_exists`: any channel, not archived.
async fn active_template(
    state: &AppState,
    service: &Service,
    id: carillon_domain::TemplateId,
) -> Result<Template, ApiError> {
    let template = state
        .cached_template(service.id, id)
        .await?
        .ok_or_else(|| ApiError::bad_request("Template not found"))?;
    if template.archived {
        return Err(ApiError::bad_request(format!(
            "Template {} has been deleted",
            template.id
        )));
    }
    Ok(template)
}

/// What the service may still send today and this fiscal year.
async fn remaining(
    state: &AppState,
    service: &Service,
    kind: NotificationType,
    now: time::OffsetDateTime,
) -> Result<(u64, u64), ApiError> {
    let counter = |period| Counter {
        service_id: service.id,
        kind,
        period,
    };
    let today = state
        .store
        .counter(&counter(Period::Day(now.date())))
        .await?;
    let year = state
        .store
        .counter(&counter(Period::FiscalYear(limits::fiscal_year(now))))
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

fn placeholder_names(parsed: &Parsed) -> Vec<String> {
    let placeholders = match parsed {
        Parsed::Email(email) => email.placeholders(),
        Parsed::Sms(sms) => sms.placeholders(),
    };
    placeholders.iter().map(|p| p.name.clone()).collect()
}

fn header_error(problem: &HeaderProblem) -> ApiError {
    ApiError::bad_request(problem.to_string())
}

fn csv_error(error: &carillon_bulk::ReadError) -> ApiError {
    ApiError::bad_request(format!("Error converting to CSV: {error}"))
}
