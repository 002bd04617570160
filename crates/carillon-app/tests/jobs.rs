//! The job use cases on both backends, with a fixed clock: listing with counts, cancelling a
//! scheduled job (and the refusals), and whether a worker runs, from its heartbeat.
//!
//! PostgreSQL needs `CARILLON_TEST_POSTGRES_URL`; see `carillon_test_support::stores`.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use carillon_app::jobs::JobError;
use carillon_app::services::CreateService;
use carillon_app::template_admin::CreateTemplate;
use carillon_app::{App, AppSettings, BulkFile};
use carillon_bulk::Format;
use carillon_domain::{
    EmailLocalPart, FixedClock, Job, JobId, JobStatus, KeyType, NotificationStatus,
    NotificationType, ProcessType, Service,
};
use carillon_test_support::stores::TestStore;
use time::OffsetDateTime;
use time::macros::datetime;

const START: OffsetDateTime = datetime!(2026-12-01 12:00:00 UTC);

/// The use cases over a fresh store, and the clock they read.
struct Setup {
    app: App,
    clock: Arc<FixedClock>,
}

impl Setup {
    fn over(store: &TestStore) -> Self {
        let clock = Arc::new(FixedClock::new(START));
        let app = App::new(
            Arc::clone(&store.store),
            Arc::clone(&clock) as Arc<dyn carillon_domain::Clock>,
            AppSettings::default(),
        );
        Self { app, clock }
    }
}

/// One `#[tokio::test]` per backend for each `async fn(&Setup)` named.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let store = carillon_test_support::stores::TestStore::sqlite().await;
                    let setup = super::Setup::over(&store);
                    super::$name(&setup).await;
                    // The store closes before its database or directory goes.
                    drop(setup);
                    drop(store);
                }

                #[tokio::test]
                async fn postgres() {
                    let Some(store) = carillon_test_support::stores::TestStore::postgres().await
                    else {
                        return;
                    };
                    let setup = super::Setup::over(&store);
                    super::$name(&setup).await;
                    drop(setup);
                    drop(store);
                }
            }
        )*
    };
}

on_both_backends!(
    jobs_listed_with_their_counts,
    scheduled_job_cancelled,
    job_not_scheduled_is_not_cancelled,
    unknown_job_is_not_found,
    worker_running_from_its_heartbeat,
);

/// A live service and a job of two email rows, scheduled for `at` when given.
async fn submit(
    setup: &Setup,
    service: Option<&Service>,
    at: Option<OffsetDateTime>,
) -> (Service, Job) {
    let app = &setup.app;
    let service = match service {
        Some(service) => service.clone(),
        None => app
            .create_service(CreateService {
                name: "Jobs".into(),
                email_from: EmailLocalPart::parse("jobs").unwrap(),
                live: true,
            })
            .await
            .unwrap(),
    };
    let template = app
        .create_template(
            service.id,
            CreateTemplate {
                name: "Codes".into(),
                kind: NotificationType::Email,
                subject: Some("Code".into()),
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
        scheduled_for: at,
        reply_to_id: None,
    };
    let checked = app
        .check_bulk(&service, KeyType::Normal, &template, &file)
        .await
        .unwrap();
    assert_eq!(checked.problem, None);
    let job = app
        .submit_bulk(&service, None, &file, checked)
        .await
        .unwrap();
    (service, job)
}

async fn jobs_listed_with_their_counts(setup: &Setup) {
    let (service, first) = submit(setup, None, None).await;
    setup.clock.advance(time::Duration::seconds(1));
    let (_, second) = submit(
        setup,
        Some(&service),
        Some(START + time::Duration::hours(2)),
    )
    .await;
    let listed = setup.app.jobs_with_counts(service.id).await.unwrap();
    let ids: Vec<JobId> = listed.iter().map(|(job, _)| job.id).collect();
    assert_eq!(ids, [second.id, first.id], "newest first");
    for (job, counts) in &listed {
        assert_eq!(job.notification_count, 2);
        assert_eq!(counts, &[(NotificationStatus::Created, 2)]);
    }
    let (job, counts) = setup
        .app
        .job_with_counts(service.id, first.id)
        .await
        .unwrap();
    assert_eq!(
        (job.id, counts),
        (first.id, vec![(NotificationStatus::Created, 2)])
    );
    assert_eq!(
        setup.app.job_counts(service.id, second.id).await.unwrap(),
        [(NotificationStatus::Created, 2)]
    );
}

async fn scheduled_job_cancelled(setup: &Setup) {
    let (service, job) = submit(setup, None, Some(START + time::Duration::hours(2))).await;
    assert_eq!(job.status, JobStatus::Scheduled);
    let cancelled = setup.app.cancel_job(service.id, job.id).await.unwrap();
    assert_eq!(
        (cancelled.id, cancelled.status),
        (job.id, JobStatus::Cancelled)
    );
    // Its rows are gone unsent.
    assert!(
        setup
            .app
            .job_counts(service.id, job.id)
            .await
            .unwrap()
            .is_empty()
    );
    // Cancelled once is not cancellable again.
    assert!(matches!(
        setup.app.cancel_job(service.id, job.id).await,
        Err(JobError::NotCancellable(id)) if id == job.id
    ));
}

async fn job_not_scheduled_is_not_cancelled(setup: &Setup) {
    let (service, job) = submit(setup, None, None).await;
    assert_ne!(job.status, JobStatus::Scheduled);
    assert!(matches!(
        setup.app.cancel_job(service.id, job.id).await,
        Err(JobError::NotCancellable(id)) if id == job.id
    ));
    // Nothing was deleted.
    assert_eq!(
        setup.app.job_counts(service.id, job.id).await.unwrap(),
        [(NotificationStatus::Created, 2)]
    );
}

async fn unknown_job_is_not_found(setup: &Setup) {
    let (service, _) = submit(setup, None, Some(START + time::Duration::hours(2))).await;
    let unknown = JobId::new();
    assert!(matches!(
        setup.app.cancel_job(service.id, unknown).await,
        Err(JobError::NotFound(id)) if id == unknown
    ));
    assert!(matches!(
        setup.app.job_with_counts(service.id, unknown).await,
        Err(JobError::NotFound(id)) if id == unknown
    ));
}

async fn worker_running_from_its_heartbeat(setup: &Setup) {
    assert!(
        !setup.app.worker_running().await.unwrap(),
        "no worker ever ran"
    );
    setup
        .app
        .store()
        .record_worker_heartbeat(START)
        .await
        .unwrap();
    setup.clock.set(START + time::Duration::seconds(10));
    assert!(setup.app.worker_running().await.unwrap(), "seen 10 s ago");
    setup.clock.set(START + time::Duration::seconds(60));
    assert!(!setup.app.worker_running().await.unwrap(), "seen 60 s ago");
}
