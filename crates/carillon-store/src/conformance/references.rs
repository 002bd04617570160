//! Checks for finding notifications by client reference, which backends store sealed and find
//! through a keyed hash: the match is exact and stays within the service, whichever way the
//! notification was stored, and the reference reads back as it was sent.

use carillon_domain::{
    JobId, NewJob, NotificationFilter, NotificationId, NotificationType, ServiceId,
};

use super::fixtures::{at, ids, notification, queue, service, template};
use crate::{JobOutcome, JobRow, Store};

async fn by_reference(
    store: &dyn Store,
    service: ServiceId,
    reference: &str,
) -> Vec<NotificationId> {
    let filter = NotificationFilter {
        client_reference: Some(reference.to_owned()),
        limit: 100,
        ..NotificationFilter::default()
    };
    let found = store.notifications(service, &filter).await.unwrap();
    for notification in &found {
        assert_eq!(notification.client_reference.as_deref(), Some(reference));
    }
    ids(&found)
}

/// Equal references are found, newest first, and nothing else: not another service's with
/// the same reference, not one differing in case, accents or a trailing space.
pub async fn references_found_exactly_within_their_service(store: &dyn Store) {
    let ours = service(store, "References").await;
    let theirs = service(store, "References other").await;
    let email = template(store, &ours, NotificationType::Email, at(0)).await;
    let their_email = template(store, &theirs, NotificationType::Email, at(0)).await;
    let references = [
        Some("case-1"),
        Some("Case-1"),
        Some("case-1 "),
        Some("réf-42"),
        Some("ref-42"),
        None,
        Some("case-1"),
        Some(""),
    ];
    let mut made = Vec::new();
    for (n, reference) in (0..).zip(references) {
        let mut new = notification(&email, n, at(i64::from(n) + 1));
        new.client_reference = reference.map(str::to_owned);
        queue(store, std::slice::from_ref(&new)).await;
        made.push(new.id);
    }
    let mut their = notification(&their_email, 20, at(30));
    their.client_reference = Some("case-1".to_owned());
    queue(store, std::slice::from_ref(&their)).await;

    let found = |reference: &'static str| by_reference(store, ours.id, reference);
    assert_eq!(found("case-1").await, [made[6], made[0]]);
    assert_eq!(found("Case-1").await, [made[1]]);
    assert_eq!(found("case-1 ").await, [made[2]]);
    assert_eq!(found("réf-42").await, [made[3]]);
    assert_eq!(found("ref-42").await, [made[4]]);
    assert_eq!(found("").await, [made[7]]);
    assert_eq!(found("case").await, []);
    assert_eq!(by_reference(store, theirs.id, "case-1").await, [their.id]);

    let read = store.notification(ours.id, made[5]).await.unwrap();
    assert_eq!(read.map(|n| n.client_reference), Some(None));
    let read = store.notification(ours.id, made[3]).await.unwrap();
    assert_eq!(
        read.and_then(|n| n.client_reference).as_deref(),
        Some("réf-42")
    );
}

/// A bulk job's rows (stored by another path than single sends) are found by reference too.
pub async fn references_of_bulk_rows_found(store: &dyn Store) {
    let ours = service(store, "Bulk references").await;
    let sms = template(store, &ours, NotificationType::Sms, at(0)).await;
    let job = NewJob {
        id: JobId::new(),
        service_id: ours.id,
        template_id: sms.id,
        template_version: sms.version,
        kind: sms.kind,
        original_file_name: "people.csv".to_owned(),
        notification_count: 3,
        api_key_id: None,
        sender_id: None,
        scheduled_for: None,
        created_at: at(0),
    };
    let rows: Vec<JobRow> = (0..3)
        .map(|n| {
            let mut new = notification(&sms, n, at(0));
            new.client_reference = (n != 1).then(|| format!("row-{}", n % 2));
            JobRow {
                row_number: n,
                notification: new,
            }
        })
        .collect();
    let expected = [rows[2].notification.id, rows[0].notification.id];
    let mut batches = std::iter::once(Ok(rows));
    let outcome = store.create_job(&job, &[], &mut batches).await.unwrap();
    assert_eq!(outcome, JobOutcome::Created);
    assert_eq!(by_reference(store, ours.id, "row-0").await, expected);
    assert_eq!(by_reference(store, ours.id, "row-1").await, []);
}
