//! Checks for the sent-messages page's listing: search by recipient (sealed, found through a
//! keyed hash of the normalised address or number), status groups, channel, template and
//! bulk-send filters, and pages newest first through the `older_than` cursor.

use carillon_domain::{
    JobId, NewJob, NewNotification, NotificationFilter, NotificationId, NotificationType,
    Recipient, ServiceId, StatusGroup, Template,
};
use time::Duration;

use super::fixtures::{at, finish, ids, notification, queue, service, template};
use crate::{JobOutcome, JobRow, Store};

use NotificationType::{Email, Sms};
use carillon_domain::NotificationStatus::{
    Cancelled, Delivered, Pending, PermanentFailure, Sending, Sent, TechnicalFailure,
};

fn page(limit: u32) -> NotificationFilter {
    NotificationFilter {
        limit,
        ..NotificationFilter::default()
    }
}

async fn to(
    store: &dyn Store,
    service: ServiceId,
    kind: NotificationType,
    text: &str,
) -> Vec<NotificationId> {
    let filter = NotificationFilter {
        recipient: Some(Recipient::parse(kind, text).unwrap()),
        ..page(100)
    };
    ids(&store.notifications(service, &filter).await.unwrap())
}

/// A recipient is found however it was written (case of an address; spaces, dashes and the
/// country code of a number), newest first, only within the service, and the rows of a bulk
/// send are found as one-off ones are. Other recipients are not found.
pub async fn search_by_recipient_within_the_service(store: &dyn Store) {
    let ours = service(store, "Search").await;
    let theirs = service(store, "Search other").await;
    let email = template(store, &ours, Email, at(0)).await;
    let sms = template(store, &ours, Sms, at(0)).await;
    let their_email = template(store, &theirs, Email, at(0)).await;
    // Person 1 twice by email and once by text; person 2 once by email.
    let first = notification(&email, 1, at(1));
    let other = notification(&email, 2, at(2));
    let text = notification(&sms, 1, at(3));
    let second = notification(&email, 1, at(4));
    for new in [&first, &other, &text, &second] {
        queue(store, std::slice::from_ref(new)).await;
    }
    queue(store, &[notification(&their_email, 1, at(5))]).await;

    let expected = [second.id, first.id];
    assert_eq!(
        to(store, ours.id, Email, "person.1@example.com").await,
        expected
    );
    assert_eq!(
        to(store, ours.id, Email, "PERSON.1@Example.COM").await,
        expected
    );
    assert_eq!(
        to(store, ours.id, Email, "person.2@example.com").await,
        [other.id]
    );
    assert_eq!(to(store, ours.id, Email, "person.3@example.com").await, []);
    assert_eq!(
        to(store, ours.id, Sms, "+1 (613) 555-0001").await,
        [text.id]
    );
    assert_eq!(to(store, ours.id, Sms, "6135550001").await, [text.id]);
    assert_eq!(to(store, ours.id, Sms, "613-555-0002").await, []);
    // The same address in another service is that service's alone.
    let theirs_found = to(store, theirs.id, Email, "person.1@example.com").await;
    assert_eq!(theirs_found.len(), 1);
    assert!(!expected.contains(&theirs_found[0]));
    // Listed rows open to the recipient searched for.
    let filter = NotificationFilter {
        recipient: Some(Recipient::parse(Email, "person.1@example.com").unwrap()),
        ..page(1)
    };
    let listed = store.notifications(ours.id, &filter).await.unwrap();
    assert_eq!(listed[0].normalised_to, "person.1@example.com");
    assert_eq!(ids(&listed), [second.id]);

    let job = bulk(store, &sms, 3).await;
    let rows = to(store, ours.id, Sms, "613 555 0001").await;
    assert_eq!(rows, [job[1], text.id]);
}

/// Stores a bulk send of `count` texts from the template, row `n` to person `n`; returns the
/// notifications' ids in row order.
async fn bulk(store: &dyn Store, sms: &Template, count: u32) -> Vec<NotificationId> {
    let job = NewJob {
        id: JobId::new(),
        service_id: sms.service_id,
        template_id: sms.id,
        template_version: sms.version,
        kind: sms.kind,
        original_file_name: "people.csv".to_owned(),
        notification_count: count,
        api_key_id: None,
        sender_id: None,
        scheduled_for: None,
        created_at: at(50),
    };
    let rows: Vec<JobRow> = (0..count)
        .map(|n| JobRow {
            row_number: n,
            notification: notification(sms, n, at(50)),
        })
        .collect();
    let made = rows.iter().map(|row| row.notification.id).collect();
    let mut batches = std::iter::once(Ok(rows));
    let outcome = store.create_job(&job, &[], &mut batches).await.unwrap();
    assert_eq!(outcome, JobOutcome::Created);
    made
}

/// Retention forgets the recipient with the rest of the personal data: a purged row is not
/// found by a search, while a recent one to the same recipient still is.
pub async fn search_forgets_purged_recipients(store: &dyn Store) {
    let ours = service(store, "Search retention").await;
    let ours = carillon_domain::Service {
        retention_days: 1,
        ..ours
    };
    store.update_service(&ours).await.unwrap();
    let email = template(store, &ours, Email, at(0)).await;
    let now = at(0) + Duration::days(10);
    let old = notification(&email, 1, now - Duration::days(2));
    let recent = notification(&email, 1, now - Duration::HOUR);
    queue(store, &[old.clone(), recent.clone()]).await;
    finish(store, now, &[(&old, Delivered), (&recent, Delivered)]).await;
    assert_eq!(
        to(store, ours.id, Email, "person.1@example.com").await,
        [recent.id, old.id]
    );
    assert_eq!(store.purge_personal_data(now, 100).await.unwrap(), 1);
    assert_eq!(
        to(store, ours.id, Email, "person.1@example.com").await,
        [recent.id]
    );
}

/// Status groups (sending, delivered, failed; cancelled in none), alone and with the channel,
/// template, bulk-send and recipient filters, and pages of a group newest first.
pub async fn listing_by_status_group_channel_template_and_job(store: &dyn Store) {
    let ours = service(store, "Groups").await;
    let email = template(store, &ours, Email, at(0)).await;
    let other_email = template(store, &ours, Email, at(0)).await;
    let sms = template(store, &ours, Sms, at(0)).await;
    let made: Vec<NewNotification> = [
        (&email, 0),
        (&email, 1),
        (&sms, 2),
        (&other_email, 3),
        (&email, 4),
        (&sms, 5),
        (&email, 6),
        (&email, 7),
        (&sms, 8),
    ]
    .into_iter()
    .map(|(template, n)| notification(template, n, at(i64::from(n) + 1)))
    .collect();
    for new in &made {
        queue(store, std::slice::from_ref(new)).await;
    }
    let statuses = [
        (&made[0], Delivered),
        (&made[1], PermanentFailure),
        (&made[2], Sent),
        (&made[3], Delivered),
        (&made[4], Sending),
        (&made[5], TechnicalFailure),
        (&made[6], Pending),
        (&made[7], Cancelled),
        // made[8] stays claimed: `created`, so sending.
    ];
    finish(store, at(20), &statuses).await;
    let id = |n: usize| made[n].id;
    let list = |filter: NotificationFilter| async move {
        ids(&store.notifications(ours.id, &filter).await.unwrap())
    };
    let group = |group: StatusGroup| NotificationFilter {
        status_group: Some(group),
        ..page(100)
    };

    let sending = group(StatusGroup::Sending);
    assert_eq!(list(sending.clone()).await, [id(8), id(6), id(4)]);
    let delivered = group(StatusGroup::Delivered);
    assert_eq!(list(delivered.clone()).await, [id(3), id(2), id(0)]);
    let failed = group(StatusGroup::Failed);
    assert_eq!(list(failed.clone()).await, [id(5), id(1)]);

    let email_delivered = NotificationFilter {
        kinds: vec![Email],
        ..delivered.clone()
    };
    assert_eq!(list(email_delivered).await, [id(3), id(0)]);
    let sms_only = NotificationFilter {
        kinds: vec![Sms],
        ..page(100)
    };
    assert_eq!(list(sms_only).await, [id(8), id(5), id(2)]);
    let of_template = NotificationFilter {
        template: Some(email.id),
        ..delivered.clone()
    };
    assert_eq!(list(of_template).await, [id(0)]);
    let other_template = NotificationFilter {
        template: Some(other_email.id),
        ..page(100)
    };
    assert_eq!(list(other_template).await, [id(3)]);
    let searched = NotificationFilter {
        recipient: Some(Recipient::parse(Email, "person.4@example.com").unwrap()),
        ..sending.clone()
    };
    assert_eq!(list(searched.clone()).await, [id(4)]);
    let not_there = NotificationFilter {
        status_group: Some(StatusGroup::Failed),
        ..searched
    };
    assert_eq!(list(not_there).await, []);

    // Pages of two through the sending group.
    let first = list(NotificationFilter {
        limit: 2,
        ..sending.clone()
    })
    .await;
    assert_eq!(first, [id(8), id(6)]);
    let second = list(NotificationFilter {
        older_than: Some(first[1]),
        limit: 2,
        ..sending
    })
    .await;
    assert_eq!(second, [id(4)]);

    // A bulk send's rows, and only them.
    let rows = bulk(store, &sms, 3).await;
    let job = store.jobs(ours.id).await.unwrap()[0].id;
    let of_job = NotificationFilter {
        job: Some(job),
        ..page(100)
    };
    let expected: Vec<_> = rows.iter().rev().copied().collect();
    assert_eq!(list(of_job.clone()).await, expected);
    let of_job_failed = NotificationFilter {
        status_group: Some(StatusGroup::Failed),
        ..of_job
    };
    assert_eq!(list(of_job_failed).await, []);
    let other_job = NotificationFilter {
        job: Some(JobId::new()),
        ..page(100)
    };
    assert_eq!(list(other_job).await, []);
}
