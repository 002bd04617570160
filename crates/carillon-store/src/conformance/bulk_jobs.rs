//! Checks for bulk sends: a job and its rows stored atomically, limits for the whole job,
//! row numbers unique, scheduling, cancellation and the moves between statuses.

use carillon_domain::KeyType;
use carillon_domain::NotificationType::{Email, Sms};
use carillon_domain::{
    JobId, JobStatus, NewJob, NewNotification, NotificationStatus, Service, Template,
};
use time::{Duration, OffsetDateTime};

use super::fixtures::{at, finish, micros, notification, service, template};
use crate::{
    Counter, CounterLimit, JobOutcome, JobRow, Period, Store, StoreError, StoreResult, job_counters,
};

pub(crate) fn new_job(
    template: &Template,
    rows: u32,
    scheduled_for: Option<OffsetDateTime>,
) -> NewJob {
    NewJob {
        id: JobId::new(),
        service_id: template.service_id,
        template_id: template.id,
        template_version: template.version,
        kind: template.kind,
        original_file_name: "people.csv".to_owned(),
        notification_count: rows,
        api_key_id: None,
        sender_id: None,
        scheduled_for,
        created_at: at(0),
    }
}

pub(crate) fn rows(
    template: &Template,
    count: u32,
    scheduled_for: Option<OffsetDateTime>,
) -> Vec<JobRow> {
    (0..count)
        .map(|n| JobRow {
            row_number: n,
            notification: NewNotification {
                scheduled_for,
                ..notification(template, n, at(0))
            },
        })
        .collect()
}

/// Stores `rows` for `job` in batches of `batch` rows.
pub(crate) async fn create(
    store: &dyn Store,
    job: &NewJob,
    limits: &[CounterLimit],
    rows: Vec<JobRow>,
    batch: usize,
) -> StoreResult<JobOutcome> {
    let batches: Vec<StoreResult<Vec<JobRow>>> =
        rows.chunks(batch).map(|chunk| Ok(chunk.to_vec())).collect();
    store
        .create_job(job, limits, &mut batches.into_iter())
        .await
}

async fn setup(store: &dyn Store) -> (Service, Template) {
    let service = service(store, "Bulk").await;
    let template = template(store, &service, Email, at(0)).await;
    (service, template)
}

/// A job is stored with all its rows, in batches, as `pending` notifications to claim; its
/// counts group them by status.
pub async fn bulk_jobs_store_every_row(store: &dyn Store) {
    let (service, template) = setup(store).await;
    let job = new_job(&template, 5, None);
    let outcome = create(store, &job, &[], rows(&template, 5, None), 2).await;
    assert_eq!(outcome.unwrap(), JobOutcome::Created);
    let stored = store.job(service.id, job.id).await.unwrap().unwrap();
    assert_eq!(stored.status, JobStatus::Pending);
    assert_eq!(stored.notification_count, 5);
    assert_eq!(stored.original_file_name, "people.csv");
    assert_eq!(stored.created_at, micros(at(0)));
    assert!(!stored.archived);
    assert_eq!(stored.updated_at, None);
    assert_eq!(store.jobs(service.id).await.unwrap(), vec![stored]);
    assert_eq!(
        store.job_counts(service.id, job.id).await.unwrap(),
        vec![(NotificationStatus::Created, 5)]
    );
    let claimed = store.claim_notifications(at(1), at(60), 100).await.unwrap();
    assert_eq!(claimed.len(), 5);
    let other = service_of_other(store).await;
    assert!(store.job(other, job.id).await.unwrap().is_none());
}

async fn service_of_other(store: &dyn Store) -> carillon_domain::ServiceId {
    service(store, "Other").await.id
}

/// Limits are checked once for the whole job: over a ceiling nothing is stored and the
/// counters do not move; within it the counters move by the whole amount.
pub async fn bulk_jobs_limits_cover_the_whole_job(store: &dyn Store) {
    let (service, template) = setup(store).await;
    let counter = Counter {
        service_id: service.id,
        kind: Email,
        period: Period::Day(at(0).date()),
    };
    let limit = |amount| CounterLimit {
        counter: counter.clone(),
        amount,
        ceiling: 4,
    };
    let job = new_job(&template, 5, None);
    let outcome = create(store, &job, &[limit(5)], rows(&template, 5, None), 2).await;
    assert_eq!(outcome.unwrap(), JobOutcome::LimitExceeded(0));
    assert!(store.job(service.id, job.id).await.unwrap().is_none());
    assert_eq!(store.counter(&counter).await.unwrap(), 0);
    assert!(
        store
            .claim_notifications(at(1), at(60), 100)
            .await
            .unwrap()
            .is_empty()
    );

    let job = new_job(&template, 3, None);
    let outcome = create(store, &job, &[limit(3)], rows(&template, 3, None), 2).await;
    assert_eq!(outcome.unwrap(), JobOutcome::Created);
    assert_eq!(store.counter(&counter).await.unwrap(), 3);
}

/// A failing batch or a repeated row number stores nothing of the job: no gaps, no
/// duplicates.
pub async fn bulk_jobs_are_all_or_nothing(store: &dyn Store) {
    let (service, template) = setup(store).await;
    let job = new_job(&template, 4, None);
    let mut all = rows(&template, 4, None);
    let batches: Vec<StoreResult<Vec<JobRow>>> = vec![
        Ok(all.drain(..2).collect()),
        Err(StoreError::Other("the file changed".to_owned())),
    ];
    let outcome = store.create_job(&job, &[], &mut batches.into_iter()).await;
    assert!(outcome.is_err());
    assert!(store.job(service.id, job.id).await.unwrap().is_none());

    let job = new_job(&template, 2, None);
    let mut repeated = rows(&template, 2, None);
    repeated[1].row_number = 0;
    let outcome = create(store, &job, &[], repeated, 1).await;
    assert!(
        matches!(outcome, Err(StoreError::Conflict(_))),
        "{outcome:?}"
    );
    assert!(store.job(service.id, job.id).await.unwrap().is_none());
    assert!(
        store
            .claim_notifications(at(1), at(60), 100)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A scheduled job's rows wait for its time; before it the job can be cancelled (its rows go
/// unsent), after it not.
pub async fn bulk_jobs_scheduled_and_cancelled(store: &dyn Store) {
    let (service, template) = setup(store).await;
    let later = at(3_600);
    let job = new_job(&template, 3, Some(later));
    create(store, &job, &[], rows(&template, 3, Some(later)), 10)
        .await
        .unwrap();
    let stored = store.job(service.id, job.id).await.unwrap().unwrap();
    assert_eq!(stored.status, JobStatus::Scheduled);
    assert_eq!(stored.scheduled_for, Some(micros(later)));
    assert!(
        store
            .claim_notifications(at(10), at(70), 100)
            .await
            .unwrap()
            .is_empty()
    );

    let cancelled = store.cancel_job(service.id, job.id, at(20)).await.unwrap();
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert!(
        store
            .job_counts(service.id, job.id)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store.cancel_job(service.id, job.id, at(21)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert!(
        store
            .claim_notifications(later, later + Duration::MINUTE, 100)
            .await
            .unwrap()
            .is_empty()
    );

    let other = new_job(&template, 2, Some(later));
    create(store, &other, &[], rows(&template, 2, Some(later)), 10)
        .await
        .unwrap();
    let late = store.cancel_job(service.id, other.id, later).await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
    let missing = store.cancel_job(service.id, JobId::new(), at(0)).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    let due = store
        .claim_notifications(later, later + Duration::MINUTE, 100)
        .await
        .unwrap();
    assert_eq!(due.len(), 2);
}

/// Cancelling a scheduled job gives back what its rows took from the daily and annual
/// limits (emails one each, texts their billable units), so the service can send those
/// messages again the same day; a job of test rows took nothing and gives nothing back.
pub async fn bulk_jobs_cancelled_give_back_their_limits(store: &dyn Store) {
    let (service, email) = setup(store).await;
    let sms = template(store, &service, Sms, at(0)).await;
    let later = at(3_600);
    // Annual first, as the API names them; each job's limits are `job_counters` of its time.
    let limits = |template: &Template, amount: u64| -> Vec<CounterLimit> {
        let [day, year] = job_counters(service.id, template.kind, at(0));
        vec![
            CounterLimit {
                counter: year,
                amount,
                ceiling: 1_000,
            },
            CounterLimit {
                counter: day,
                amount,
                ceiling: 5,
            },
        ]
    };
    let values = |kind| async move {
        let [day, year] = job_counters(service.id, kind, at(0));
        (
            store.counter(&day).await.unwrap(),
            store.counter(&year).await.unwrap(),
        )
    };

    // Four emails for later, then one more now: the day's limit of 5 is full.
    let scheduled = new_job(&email, 4, Some(later));
    let outcome = create(
        store,
        &scheduled,
        &limits(&email, 4),
        rows(&email, 4, Some(later)),
        3,
    )
    .await;
    assert_eq!(outcome.unwrap(), JobOutcome::Created);
    let now = new_job(&email, 1, None);
    let outcome = create(store, &now, &limits(&email, 1), rows(&email, 1, None), 1).await;
    assert_eq!(outcome.unwrap(), JobOutcome::Created);
    assert_eq!(values(Email).await, (5, 5));
    let again = new_job(&email, 4, None);
    let outcome = create(store, &again, &limits(&email, 4), rows(&email, 4, None), 3).await;
    assert_eq!(outcome.unwrap(), JobOutcome::LimitExceeded(1));

    // Cancelled, the four come back and the same four can be sent now.
    store
        .cancel_job(service.id, scheduled.id, at(20))
        .await
        .unwrap();
    assert_eq!(values(Email).await, (1, 1));
    let outcome = create(store, &again, &limits(&email, 4), rows(&email, 4, None), 3).await;
    assert_eq!(outcome.unwrap(), JobOutcome::Created);
    assert_eq!(values(Email).await, (5, 5));

    // Texts count their fragments: two rows of two units, then one more row now is too many.
    let texts = |count, scheduled_for| -> Vec<JobRow> {
        rows(&sms, count, scheduled_for)
            .into_iter()
            .map(|mut row| {
                row.notification.billable_units = 2;
                row
            })
            .collect()
    };
    let sms_job = new_job(&sms, 2, Some(later));
    let outcome = create(store, &sms_job, &limits(&sms, 4), texts(2, Some(later)), 2).await;
    assert_eq!(outcome.unwrap(), JobOutcome::Created);
    let one_now = new_job(&sms, 1, None);
    let outcome = create(store, &one_now, &limits(&sms, 2), texts(1, None), 1).await;
    assert_eq!(outcome.unwrap(), JobOutcome::LimitExceeded(1));
    store
        .cancel_job(service.id, sms_job.id, at(30))
        .await
        .unwrap();
    assert_eq!(values(Sms).await, (0, 0));
    let outcome = create(store, &one_now, &limits(&sms, 2), texts(1, None), 1).await;
    assert_eq!(outcome.unwrap(), JobOutcome::Created);
    assert_eq!(values(Sms).await, (2, 2));

    // A test-key job moved no counter: cancelling it leaves the others' counts alone.
    let test_rows: Vec<JobRow> = rows(&email, 3, Some(later))
        .into_iter()
        .map(|mut row| {
            row.notification.key_type = KeyType::Test;
            row
        })
        .collect();
    let test_job = new_job(&email, 3, Some(later));
    create(store, &test_job, &[], test_rows, 3).await.unwrap();
    store
        .cancel_job(service.id, test_job.id, at(40))
        .await
        .unwrap();
    assert_eq!(values(Email).await, (5, 5));

    // The rows sent now are the ones left to deliver.
    let due = store
        .claim_notifications(at(50), at(110), 100)
        .await
        .unwrap();
    assert_eq!(due.len(), 6);
}

/// Pending and due scheduled jobs start; a started job finishes once none of its rows is
/// left queued; finished jobs are archived past their service's retention.
pub async fn bulk_jobs_move_through_statuses(store: &dyn Store) {
    let (service, template) = setup(store).await;
    let service = Service {
        retention_days: 1,
        ..service
    };
    store.update_service(&service).await.unwrap();
    let now = at(0);
    let job = new_job(&template, 2, None);
    let job_rows = rows(&template, 2, None);
    create(store, &job, &[], job_rows.clone(), 10)
        .await
        .unwrap();
    let later = new_job(&template, 1, Some(at(600)));
    create(store, &later, &[], rows(&template, 1, Some(at(600))), 10)
        .await
        .unwrap();

    assert_eq!(store.advance_jobs(now).await.unwrap(), 1);
    let started = store.job(service.id, job.id).await.unwrap().unwrap();
    assert_eq!(started.status, JobStatus::InProgress);
    assert_eq!(started.processing_started, Some(micros(now)));
    let waiting = store.job(service.id, later.id).await.unwrap().unwrap();
    assert_eq!(waiting.status, JobStatus::Scheduled);

    // One row delivered, one still claimed: not finished.
    finish(
        store,
        at(1),
        &[(&job_rows[0].notification, NotificationStatus::Delivered)],
    )
    .await;
    store.advance_jobs(at(2)).await.unwrap();
    let status = |id| async move { store.job(service.id, id).await.unwrap().unwrap().status };
    assert_eq!(status(job.id).await, JobStatus::InProgress);
    finish(
        store,
        at(3),
        &[(&job_rows[1].notification, NotificationStatus::Delivered)],
    )
    .await;
    store.advance_jobs(at(4)).await.unwrap();
    let finished = store.job(service.id, job.id).await.unwrap().unwrap();
    assert_eq!(finished.status, JobStatus::Finished);
    assert_eq!(finished.processing_finished, Some(micros(at(4))));
    assert_eq!(
        store.job_counts(service.id, job.id).await.unwrap(),
        vec![(NotificationStatus::Delivered, 2)]
    );

    store.advance_jobs(at(600)).await.unwrap();
    assert_eq!(status(later.id).await, JobStatus::InProgress);

    let past = at(0) + Duration::days(2);
    store.advance_jobs(past).await.unwrap();
    assert!(
        store
            .job(service.id, job.id)
            .await
            .unwrap()
            .unwrap()
            .archived
    );
    // Still sending: not archived whatever its age.
    assert!(
        !store
            .job(service.id, later.id)
            .await
            .unwrap()
            .unwrap()
            .archived
    );
}
