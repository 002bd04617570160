//! The worker reads "now" from its clock, not the system's: with a fixed clock, rows scheduled
//! for later are claimed only once that clock has passed their time, on both backends.
//!
//! PostgreSQL needs `CARILLON_TEST_POSTGRES_URL`; see `carillon_test_support::stores`.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use carillon_app::services::CreateService;
use carillon_app::template_admin::CreateTemplate;
use carillon_app::{App, AppSettings, BulkFile};
use carillon_bulk::Format;
use carillon_domain::{
    Clock, EmailLocalPart, FixedClock, JobStatus, KeyType, NotificationType, ProcessType,
};
use carillon_providers::Outbox;
use carillon_test_support::stores::TestStore;
use carillon_worker::{Worker, WorkerSettings};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Long past by the system clock: a worker reading the system clock would claim rows
/// scheduled an hour after this at once.
const START: OffsetDateTime = datetime!(2026-01-05 09:00:00 UTC);

async fn scheduled_rows_wait_for_the_workers_clock(store: &TestStore) {
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(
        Arc::clone(&store.store),
        Arc::clone(&clock) as Arc<dyn Clock>,
        AppSettings::default(),
    );
    let service = app
        .create_service(CreateService {
            name: "Clock".into(),
            email_from: EmailLocalPart::parse("clock").unwrap(),
            live: true,
        })
        .await
        .unwrap();
    let template = app
        .create_template(
            service.id,
            CreateTemplate {
                name: "Hello".into(),
                kind: NotificationType::Email,
                subject: Some("Hello".into()),
                content: "Hello ((name))".into(),
                category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
                process_type_override: None,
                created_by: None,
            },
        )
        .await
        .unwrap();
    let file = BulkFile {
        name: "people.csv".into(),
        bytes: b"email address,name\na@example.ca,Ada\nb@example.ca,Bo\n".to_vec(),
        format: Format::Csv,
        scheduled_for: Some(START + Duration::hours(1)),
        reply_to_id: None,
    };
    let checked = app
        .check_bulk(&service, KeyType::Normal, &template, &file)
        .await
        .unwrap();
    let job = app
        .submit_bulk(&service, None, &file, checked)
        .await
        .unwrap();
    assert_eq!(job.status, JobStatus::Scheduled);

    let outbox = Arc::new(Outbox::new(Arc::clone(&store.store)));
    let worker = Worker::new(
        Arc::clone(&store.store),
        outbox.clone(),
        outbox,
        WorkerSettings::default(),
        Arc::clone(app.accepted()),
    )
    .with_clock(Arc::clone(&clock) as Arc<dyn Clock>);

    clock.set(START + Duration::minutes(59));
    assert_eq!(
        worker.run_once().await.unwrap(),
        0,
        "not due by the worker's clock"
    );
    clock.set(START + Duration::minutes(61));
    assert_eq!(
        worker.run_once().await.unwrap(),
        2,
        "due once the clock passes"
    );
    assert_eq!(worker.run_once().await.unwrap(), 0, "each row is sent once");
}

#[tokio::test]
async fn scheduled_rows_wait_for_the_clock_sqlite() {
    let store = TestStore::sqlite().await;
    scheduled_rows_wait_for_the_workers_clock(&store).await;
}

#[tokio::test]
async fn scheduled_rows_wait_for_the_clock_postgres() {
    let Some(store) = TestStore::postgres().await else {
        return;
    };
    scheduled_rows_wait_for_the_workers_clock(&store).await;
}
