//! Records the checks create, and the times they pass in.

use carillon_domain::{
    EmailLocalPart, KeyType, NewNotification, NewService, NewTemplate, Notification,
    NotificationId, NotificationStatus, NotificationType, ProcessType, Service, ServiceId,
    Template, TemplateId,
};
use serde_json::json;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::{Counter, CounterLimit, InsertOutcome, Outcome, Period, Store};

/// The time checks start from, with microseconds as the API prints them.
pub(crate) const T0: OffsetDateTime = datetime!(2026-11-22 15:04:05.123456 UTC);

/// `seconds` after [`T0`].
pub(crate) fn at(seconds: i64) -> OffsetDateTime {
    T0 + Duration::seconds(seconds)
}

/// `at` as stored: microsecond precision.
pub(crate) fn micros(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_nanosecond(at.nanosecond() / 1000 * 1000)
        .unwrap()
}

pub(crate) async fn service(store: &dyn Store, name: &str) -> Service {
    let id = ServiceId::new();
    let new = NewService {
        id,
        name: format!("{name} {id}"),
        email_from: EmailLocalPart::parse(&format!(
            "{}.{id}",
            name.to_lowercase().replace(' ', ".")
        ))
        .unwrap(),
        restricted: true,
    };
    store.create_service(&new, T0).await.unwrap()
}

pub(crate) async fn template(
    store: &dyn Store,
    service: &Service,
    kind: NotificationType,
    now: OffsetDateTime,
) -> Template {
    let new = NewTemplate {
        id: TemplateId::new(),
        service_id: service.id,
        name: format!("{kind} template"),
        kind,
        subject: (kind == NotificationType::Email).then(|| "Subject ((name))".to_owned()),
        content: "Hello ((name))".to_owned(),
        category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
        process_type_override: None,
        created_by: Some("author@example.com".to_owned()),
    };
    store.create_template(&new, now).await.unwrap()
}

/// The `n`th notification of a check, from `template`.
pub(crate) fn notification(template: &Template, n: u32, now: OffsetDateTime) -> NewNotification {
    let (to, normalised_to) = match template.kind {
        NotificationType::Email => (
            format!("Person.{n}@Example.com"),
            format!("person.{n}@example.com"),
        ),
        NotificationType::Sms => (format!("613-555-{n:04}"), format!("+1613555{n:04}")),
    };
    NewNotification {
        id: NotificationId::new(),
        service_id: template.service_id,
        template_id: template.id,
        template_version: template.version,
        api_key_id: None,
        key_type: KeyType::Normal,
        kind: template.kind,
        to,
        normalised_to,
        personalisation: json!({ "name": format!("Person {n}") }),
        body: format!("Hello Person {n}"),
        subject: template
            .subject
            .as_ref()
            .map(|_| format!("Subject Person {n}")),
        client_reference: None,
        sender: None,
        process_type: template.process_type,
        billable_units: 1,
        scheduled_for: None,
        created_at: now,
    }
}

/// What a backend must return for a notification it just stored.
pub(crate) fn stored(new: &NewNotification) -> Notification {
    Notification {
        id: new.id,
        service_id: new.service_id,
        template_id: new.template_id,
        template_version: new.template_version,
        api_key_id: new.api_key_id,
        key_type: new.key_type,
        kind: new.kind,
        to: new.to.clone(),
        normalised_to: new.normalised_to.clone(),
        personalisation: new.personalisation.clone(),
        body: new.body.clone(),
        subject: new.subject.clone(),
        client_reference: new.client_reference.clone(),
        sender: new.sender.clone(),
        process_type: new.process_type,
        billable_units: new.billable_units,
        scheduled_for: new.scheduled_for.map(micros),
        status: NotificationStatus::Created,
        created_at: micros(new.created_at),
        sent_at: None,
        updated_at: None,
        provider_response: None,
        provider_reference: None,
        attempts: 0,
        created_by_name: None,
    }
}

/// Stores `batch` in one call, without limits.
pub(crate) async fn queue(store: &dyn Store, batch: &[NewNotification]) {
    let batch: Vec<_> = batch.iter().map(|new| (new.clone(), Vec::new())).collect();
    let outcomes = store.insert_notifications(&batch).await.unwrap();
    assert!(outcomes.iter().all(|o| *o == InsertOutcome::Inserted));
}

/// What a claim returns for `new` after `attempts` claims, nothing recorded yet.
pub(crate) fn claimed(new: &NewNotification, attempts: u32) -> Notification {
    Notification {
        attempts,
        ..stored(new)
    }
}

/// An outcome of a first claim (attempt 1) that changes only the status, at `updated_at`
/// seconds after [`T0`].
pub(crate) fn outcome(id: NotificationId, status: NotificationStatus, updated_at: i64) -> Outcome {
    Outcome {
        id,
        attempt: 1,
        status,
        provider_reference: None,
        provider_response: None,
        sent_at: None,
        retry_at: None,
        updated_at: at(updated_at),
    }
}

/// Claims every due notification at `now` and records `status` for each listed one (attempt
/// 1); the others stay claimed (`created`, held until a minute after `now`).
pub(crate) async fn finish(
    store: &dyn Store,
    now: OffsetDateTime,
    statuses: &[(&NewNotification, NotificationStatus)],
) {
    store
        .claim_notifications(now, now + Duration::MINUTE, 1_000)
        .await
        .unwrap();
    let outcomes: Vec<_> = statuses
        .iter()
        .map(|(new, status)| Outcome {
            updated_at: now,
            ..outcome(new.id, *status, 0)
        })
        .collect();
    store.record_outcomes(&outcomes).await.unwrap();
}

/// The daily counter of `service` for `kind`, on T0's day.
pub(crate) fn daily(service: &Service, kind: NotificationType) -> Counter {
    Counter {
        service_id: service.id,
        kind,
        period: Period::Day(T0.date()),
    }
}

/// The fiscal-year counter of `service` for `kind`.
pub(crate) fn annual(service: &Service, kind: NotificationType) -> Counter {
    Counter {
        service_id: service.id,
        kind,
        period: Period::FiscalYear(2026),
    }
}

/// Add one to `counter`, up to `ceiling`.
pub(crate) fn one_of(counter: &Counter, ceiling: u64) -> CounterLimit {
    CounterLimit {
        counter: counter.clone(),
        amount: 1,
        ceiling,
    }
}

/// The ids of notifications, to compare listings.
pub(crate) fn ids(notifications: &[Notification]) -> Vec<NotificationId> {
    notifications.iter().map(|n| n.id).collect()
}
