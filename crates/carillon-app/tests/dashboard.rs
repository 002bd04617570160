//! The dashboard use cases on both backends: the last 7 days per channel with failures,
//! today's and the fiscal year's usage against the limits, the templates used, per-day
//! series with zeros and the monthly usage table, all from the daily fact table.
//!
//! PostgreSQL needs `CARILLON_TEST_POSTGRES_URL`; see `carillon_test_support::stores`.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use carillon_app::dashboard::{DashboardError, Totals};
use carillon_app::{App, AppSettings};
use carillon_domain::{
    EmailLocalPart, FixedClock, KeyType, NewNotification, NewService, NewTemplate, NotificationId,
    NotificationStatus, NotificationType, ProcessType, Service, ServiceId, Template, TemplateId,
};
use carillon_store::{FiscalYear, Outcome, Store};
use carillon_test_support::stores::TestStore;
use serde_json::json;
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

/// Two days into fiscal year 2027, so the last 7 days straddle two fiscal years.
const NOW: OffsetDateTime = datetime!(2027-04-02 12:00 UTC);

async fn setup(store: &dyn Store) -> Service {
    let id = ServiceId::new();
    let new = NewService {
        id,
        name: format!("Dashboard {id}"),
        email_from: EmailLocalPart::parse(&format!("dashboard.{id}")).unwrap(),
        restricted: false,
    };
    let mut service = store.create_service(&new, NOW).await.unwrap();
    service.email_daily_limit = 10;
    service.sms_daily_limit = 5;
    service.email_annual_limit = 1_000;
    service.sms_annual_limit = 500;
    store.update_service(&service).await.unwrap();
    service
}

async fn template(store: &dyn Store, service: &Service, kind: NotificationType) -> Template {
    let new = NewTemplate {
        id: TemplateId::new(),
        service_id: service.id,
        name: format!("{kind} reminder"),
        kind,
        subject: (kind == NotificationType::Email).then(|| "Reminder".to_owned()),
        content: "Hello".to_owned(),
        category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
        process_type_override: None,
        created_by: None,
    };
    store.create_template(&new, NOW).await.unwrap()
}

fn notification(template: &Template, at: OffsetDateTime, units: u32) -> NewNotification {
    let email = template.kind == NotificationType::Email;
    NewNotification {
        id: NotificationId::new(),
        service_id: template.service_id,
        template_id: template.id,
        template_version: template.version,
        api_key_id: None,
        key_type: KeyType::Normal,
        kind: template.kind,
        to: if email {
            "a@example.com"
        } else {
            "+16135550100"
        }
        .to_owned(),
        normalised_to: if email {
            "a@example.com"
        } else {
            "+16135550100"
        }
        .to_owned(),
        personalisation: json!({}),
        body: "Hello".to_owned(),
        subject: email.then(|| "Reminder".to_owned()),
        client_reference: None,
        sender: None,
        process_type: ProcessType::Normal,
        billable_units: units,
        scheduled_for: None,
        created_at: at,
    }
}

fn outcome(id: NotificationId, status: NotificationStatus) -> Outcome {
    Outcome {
        id,
        attempt: 1,
        status,
        provider_reference: None,
        provider_response: None,
        sent_at: None,
        retry_at: None,
        updated_at: NOW,
    }
}

async fn figures_from_the_facts(store: TestStore) {
    let clock = Arc::new(FixedClock::new(NOW));
    let app = App::new(Arc::clone(&store.store), clock, AppSettings::default());
    let db = &*store.store;
    let ours = setup(db).await;
    let email = template(db, &ours, NotificationType::Email).await;
    let sms = template(db, &ours, NotificationType::Sms).await;
    let today = [0, 1, 2].map(|n| notification(&email, NOW - Duration::minutes(n), 1));
    let texts = [0, 1].map(|_| notification(&sms, datetime!(2027-03-30 08:00 UTC), 2));
    let week_ago = notification(&email, datetime!(2027-03-26 23:59 UTC), 1);
    let test = NewNotification {
        key_type: KeyType::Test,
        ..notification(&email, NOW, 1)
    };
    let mut batch: Vec<_> = today.iter().chain(&texts).cloned().collect();
    batch.extend([week_ago, test]);
    let batch: Vec<_> = batch.into_iter().map(|n| (n, Vec::new())).collect();
    db.insert_notifications(&batch).await.unwrap();
    db.claim_notifications(NOW, NOW + Duration::MINUTE, 100)
        .await
        .unwrap();
    use NotificationStatus::{Delivered, Sent, TechnicalFailure};
    let outcomes = [
        outcome(today[0].id, Delivered),
        outcome(today[1].id, TechnicalFailure),
        outcome(texts[0].id, Delivered),
        outcome(texts[1].id, Sent),
    ];
    db.record_outcomes(&outcomes).await.unwrap();

    let board = app.dashboard(ours.id).await.unwrap();
    let week = board.last_7_days;
    let totals = |requested, delivered, failed, billable_units| Totals {
        requested,
        delivered,
        failed,
        billable_units,
    };
    assert_eq!(week.email, totals(3, 1, 1, 3));
    assert_eq!(week.sms, totals(2, 2, 0, 4));
    assert!(week.email.failing_too_often());
    assert!(!week.sms.failing_too_often());
    let percent = week.email.failure_percent().unwrap();
    assert!((percent - 100.0 / 3.0).abs() < 1e-9, "{percent}");
    assert_eq!(Totals::default().failure_percent(), None);

    assert_eq!(
        (board.today.email.used, board.today.email.remaining),
        (3, 7)
    );
    assert_eq!((board.today.sms.used, board.today.sms.remaining), (0, 5));
    assert_eq!(board.today.email.resets_at, datetime!(2027-04-03 00:00 UTC));
    // The texts were sent in the previous fiscal year.
    assert_eq!(board.fiscal_year.email.used, 3);
    assert_eq!(board.fiscal_year.sms.used, 0);
    assert_eq!(board.fiscal_year.sms.remaining, 500);
    assert_eq!(
        board.fiscal_year.sms.resets_at,
        datetime!(2028-04-01 00:00 UTC)
    );

    let used: Vec<_> = board
        .templates
        .iter()
        .map(|t| (t.template, t.name.as_deref(), t.totals.requested))
        .collect();
    assert_eq!(
        used,
        [
            (email.id, Some("email reminder"), 3),
            (sms.id, Some("sms reminder"), 2)
        ]
    );

    let series = app.daily_series(ours.id, 7).await.unwrap();
    let days: Vec<_> = series.iter().map(|d| d.day).collect();
    assert_eq!(days.first(), Some(&date!(2027 - 03 - 27)));
    assert_eq!(days.last(), Some(&date!(2027 - 04 - 02)));
    assert_eq!(days.len(), 7);
    let sent: Vec<_> = series
        .iter()
        .map(|d| (d.totals.email.requested, d.totals.sms.requested))
        .collect();
    assert_eq!(
        sent,
        [(0, 0), (0, 0), (0, 0), (0, 2), (0, 0), (0, 0), (3, 0)]
    );
    let month = app.daily_series(ours.id, 30).await.unwrap();
    assert_eq!(
        board.last_30_days, month,
        "the dashboard's own 30 days are the series"
    );
    assert_eq!(month.len(), 30);
    let emails: u64 = month.iter().map(|d| d.totals.email.requested).sum();
    assert_eq!(emails, 4, "the 30 days include the email of March 26");
    assert!(matches!(
        app.daily_series(ours.id, 0).await,
        Err(DashboardError::BadSeriesLength(0))
    ));

    let last_year = app
        .year_usage(ours.id, Some(FiscalYear(2026)))
        .await
        .unwrap();
    assert_eq!(last_year.months.len(), 12);
    assert_eq!(last_year.months[0].month, date!(2026 - 04 - 01));
    assert_eq!(last_year.months[11].month, date!(2027 - 03 - 01));
    assert_eq!(last_year.months[11].totals.email.requested, 1);
    assert_eq!(last_year.months[11].totals.sms, totals(2, 2, 0, 4));
    assert_eq!(last_year.total.sms, totals(2, 2, 0, 4));
    let quiet: u64 = last_year.months[..11]
        .iter()
        .map(|m| m.totals.email.requested + m.totals.sms.requested)
        .sum();
    assert_eq!(quiet, 0);
    let this_year = app.year_usage(ours.id, None).await.unwrap();
    assert_eq!(this_year.year, FiscalYear(2027));
    assert_eq!(this_year.months[0].totals.email, totals(3, 1, 1, 3));

    let unknown = ServiceId::new();
    assert!(matches!(
        app.dashboard(unknown).await,
        Err(DashboardError::UnknownService(id)) if id == unknown
    ));
}

#[tokio::test]
async fn dashboard_on_sqlite() {
    figures_from_the_facts(TestStore::sqlite().await).await;
}

#[tokio::test]
async fn dashboard_on_postgres() {
    if let Some(store) = TestStore::postgres().await {
        figures_from_the_facts(store).await;
    }
}
