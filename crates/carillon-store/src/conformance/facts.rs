//! Checks for the daily fact table: after every kind of change to notifications (inserts,
//! bulk jobs, outcomes, receipts, timeouts, cancelled jobs, purges, concurrent ones), the facts
//! equal a count over the notifications the check created.

use std::collections::BTreeMap;

use carillon_domain::{
    KeyType, NewNotification, NotificationFilter, NotificationStatus, NotificationType, Service,
    TemplateId,
};
use time::macros::{date, datetime};
use time::{Date, Duration, UtcOffset};

use super::bulk_jobs::{create, new_job, rows};
use super::fixtures::{T0, at, notification, outcome, queue, service, template};
use crate::{
    DailyFact, FiscalYear, MonthlyFact, Outcome, Receipt, Store, TemplateFact, months_of,
    sort_daily,
};

use NotificationStatus::{
    Created, Delivered, Pending, Sending, Sent, TechnicalFailure, TemporaryFailure,
};
use NotificationType::{Email, Sms};

/// The days the checks' notifications fall on, with a day of margin either side.
fn days() -> (Date, Date) {
    (T0.date() - Duration::days(1), T0.date() + Duration::days(2))
}

/// The facts `service`'s notifications should give, counted from the notifications themselves
/// (test-key ones left out): per day and per template.
async fn counted(store: &dyn Store, ours: &Service) -> (Vec<DailyFact>, Vec<TemplateFact>) {
    let filter = NotificationFilter {
        include_jobs: true,
        limit: 10_000,
        ..NotificationFilter::default()
    };
    let listed = store.notifications(ours.id, &filter).await.unwrap();
    let mut daily: BTreeMap<(Date, &str, &str), DailyFact> = BTreeMap::new();
    let mut templates: BTreeMap<(TemplateId, &str, &str), TemplateFact> = BTreeMap::new();
    for n in listed.iter().filter(|n| n.key_type != KeyType::Test) {
        let day = n.created_at.to_offset(UtcOffset::UTC).date();
        let units = u64::from(n.billable_units);
        let fact = daily
            .entry((day, n.kind.as_str(), n.status.as_str()))
            .or_insert(DailyFact {
                day,
                kind: n.kind,
                status: n.status,
                notifications: 0,
                billable_units: 0,
            });
        fact.notifications += 1;
        fact.billable_units += units;
        let fact = templates
            .entry((n.template_id, n.kind.as_str(), n.status.as_str()))
            .or_insert(TemplateFact {
                template: n.template_id,
                kind: n.kind,
                status: n.status,
                notifications: 0,
                billable_units: 0,
            });
        fact.notifications += 1;
        fact.billable_units += units;
    }
    let mut daily: Vec<_> = daily.into_values().collect();
    sort_daily(&mut daily);
    (daily, templates.into_values().collect())
}

fn by_template(mut facts: Vec<TemplateFact>) -> Vec<TemplateFact> {
    facts.sort_by_key(|f| (f.template, f.kind.as_str(), f.status.as_str()));
    facts
}

/// Asserts the facts of `ours` equal the count over its notifications; returns the daily ones.
async fn assert_facts_match(store: &dyn Store, ours: &Service, step: &str) -> Vec<DailyFact> {
    let (from, to) = days();
    let (daily, templates) = counted(store, ours).await;
    let facts = store.daily_facts(ours.id, from, to).await.unwrap();
    assert_eq!(facts, daily, "daily facts after {step}");
    let per_template = store.template_facts(ours.id, from, to).await.unwrap();
    assert_eq!(
        by_template(per_template),
        by_template(templates),
        "template facts after {step}"
    );
    let year = FiscalYear::of(T0.date());
    let monthly = store.monthly_facts(ours.id, year).await.unwrap();
    assert_eq!(monthly, months_of(&daily), "monthly facts after {step}");
    facts
}

fn delivered_email(facts: &[DailyFact]) -> u64 {
    facts
        .iter()
        .filter(|f| f.kind == Email && f.status == Delivered)
        .map(|f| f.notifications)
        .sum()
}

/// Inserts count under `created` on their UTC day of creation (test-key rows never), and
/// every status move after (outcomes, a retry, receipts, timeouts) leaves the old status and
/// joins the new one, text message parts included. Purging personal data keeps the facts.
pub async fn facts_follow_every_transition(store: &dyn Store) {
    let ours = service(store, "Facts").await;
    let email = template(store, &ours, Email, at(1)).await;
    let sms = template(store, &ours, Sms, at(1)).await;
    let e: Vec<NewNotification> = (0..4).map(|n| notification(&email, n, at(2))).collect();
    let texts = |n| NewNotification {
        billable_units: 3,
        ..notification(&sms, n, at(2))
    };
    let s = [texts(10), texts(11)];
    // Ten hours on is the next UTC day (T0 is 15:04 UTC).
    let tomorrow = notification(&email, 20, at(10 * 3_600));
    let test = NewNotification {
        key_type: KeyType::Test,
        ..notification(&email, 30, at(2))
    };
    let mut batch = e.clone();
    batch.extend(s.clone());
    batch.extend([tomorrow.clone(), test.clone()]);
    queue(store, &batch).await;
    let facts = assert_facts_match(store, &ours, "inserts").await;
    let created: u64 = facts.iter().map(|f| f.notifications).sum();
    assert_eq!(created, 7, "the test-key row is not counted: {facts:?}");
    assert_eq!(
        facts.iter().map(|f| f.day).max(),
        Some(T0.date() + Duration::days(1))
    );

    store.claim_notifications(at(3), at(60), 100).await.unwrap();
    let with_ref = |id, status, reference: &str| Outcome {
        provider_reference: Some(reference.to_owned()),
        ..outcome(id, status, 4)
    };
    let retry = Outcome {
        retry_at: Some(at(100)),
        ..outcome(e[2].id, Created, 4)
    };
    let outcomes = [
        with_ref(e[0].id, Sending, "facts-e0"),
        outcome(e[1].id, Delivered, 4),
        retry,
        outcome(e[3].id, TechnicalFailure, 4),
        with_ref(s[0].id, Sent, "facts-s0"),
        outcome(s[1].id, Pending, 4),
        outcome(test.id, Delivered, 4),
    ];
    store.record_outcomes(&outcomes).await.unwrap();
    let facts = assert_facts_match(store, &ours, "outcomes").await;
    assert_eq!(delivered_email(&facts), 1);

    let receipt = |reference: &str, kind| Receipt {
        reference: reference.to_owned(),
        kind,
        status: Delivered,
        provider_response: None,
        received_at: at(5),
    };
    store
        .apply_receipts(&[receipt("facts-e0", Email), receipt("facts-s0", Sms)])
        .await
        .unwrap();
    let facts = assert_facts_match(store, &ours, "receipts").await;
    assert_eq!(delivered_email(&facts), 2);

    let later = T0 + Duration::days(5);
    let timed_out = store.time_out_notifications(later, later).await.unwrap();
    assert_eq!(
        timed_out.len(),
        3,
        "the retry, tomorrow's email and the pending text"
    );
    let facts = assert_facts_match(store, &ours, "timeouts").await;
    assert!(facts.iter().any(|f| f.status == TemporaryFailure));

    let purged = store
        .purge_personal_data(T0 + Duration::days(30), 100)
        .await
        .unwrap();
    assert_eq!(purged, 8);
    let (from, to) = days();
    let kept = store.daily_facts(ours.id, from, to).await.unwrap();
    assert_eq!(kept, facts, "purging personal data keeps the facts");
}

/// A bulk job's rows count when stored; cancelling the scheduled job deletes them unsent and
/// takes them out of the facts again.
pub async fn facts_follow_bulk_jobs_and_cancellations(store: &dyn Store) {
    let ours = service(store, "Facts bulk").await;
    let email = template(store, &ours, Email, at(0)).await;
    let later = at(3_600);
    let job = new_job(&email, 7, Some(later));
    create(store, &job, &[], rows(&email, 7, Some(later)), 3)
        .await
        .unwrap();
    let now = new_job(&email, 2, None);
    create(store, &now, &[], rows(&email, 2, None), 3)
        .await
        .unwrap();
    let facts = assert_facts_match(store, &ours, "bulk inserts").await;
    assert_eq!(facts.iter().map(|f| f.notifications).sum::<u64>(), 9);
    store.cancel_job(ours.id, job.id, at(20)).await.unwrap();
    let facts = assert_facts_match(store, &ours, "a cancelled job").await;
    assert_eq!(facts.iter().map(|f| f.notifications).sum::<u64>(), 2);
}

/// Concurrent inserts, outcomes, receipts and timeouts on the same facts neither lose an
/// update nor deadlock.
pub async fn facts_concurrent_transitions(store: &dyn Store) {
    let ours = service(store, "Facts race").await;
    let email = template(store, &ours, Email, at(1)).await;
    let sms = template(store, &ours, Sms, at(1)).await;
    let batch = |first: u32| -> Vec<NewNotification> {
        (first..first + 6)
            .map(|n| notification(if n % 2 == 0 { &email } else { &sms }, n, at(2)))
            .collect()
    };
    let batches = [batch(0), batch(10), batch(20), batch(30)];
    tokio::join!(
        queue(store, &batches[0]),
        queue(store, &batches[1]),
        queue(store, &batches[2]),
        queue(store, &batches[3]),
    );
    assert_facts_match(store, &ours, "concurrent inserts").await;

    store.claim_notifications(at(3), at(60), 100).await.unwrap();
    let outcomes = |group: &[NewNotification], status| -> Vec<Outcome> {
        group
            .iter()
            .map(|n| Outcome {
                provider_reference: Some(format!("race-{}", n.id)),
                ..outcome(
                    n.id,
                    if n.kind == Sms && status == Sending {
                        Sent
                    } else {
                        status
                    },
                    4,
                )
            })
            .collect()
    };
    let groups = [
        outcomes(&batches[0], Sending),
        outcomes(&batches[1], Delivered),
        outcomes(&batches[2], Sending),
    ];
    let (a, b, c) = tokio::join!(
        store.record_outcomes(&groups[0]),
        store.record_outcomes(&groups[1]),
        store.record_outcomes(&groups[2]),
    );
    for result in [a, b, c] {
        result.unwrap();
    }
    assert_facts_match(store, &ours, "concurrent outcomes").await;

    let receipts = |group: &[NewNotification]| -> Vec<Receipt> {
        group
            .iter()
            .map(|n| Receipt {
                reference: format!("race-{}", n.id),
                kind: n.kind,
                status: Delivered,
                provider_response: None,
                received_at: at(5),
            })
            .collect()
    };
    let later = T0 + Duration::days(5);
    let extra = batch(40);
    // One receipt per call, as the receipts server applies them. (A batch of receipts is one
    // statement per receipt in one transaction: with the facts' row locks held between its
    // statements, PostgreSQL may abort it or a concurrent timeout as a deadlock, reported as
    // unavailable and worth retrying.)
    let one_by_one = |receipts: Vec<Receipt>| async move {
        for receipt in receipts {
            store.apply_receipts(&[receipt]).await?;
        }
        Ok::<(), crate::StoreError>(())
    };
    let (a, b, c, ()) = tokio::join!(
        one_by_one(receipts(&batches[0])),
        one_by_one(receipts(&batches[2])),
        store.time_out_notifications(at(4), later),
        queue(store, &extra),
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    assert_facts_match(store, &ours, "concurrent receipts, timeouts and inserts").await;
}

/// Days are UTC days, both ends of a range included; fiscal years run April 1 to March 31;
/// each service sees its own facts only; templates are told apart.
pub async fn facts_by_range_template_and_fiscal_year(store: &dyn Store) {
    let ours = service(store, "Facts ranges").await;
    let theirs = service(store, "Facts others").await;
    let first = template(store, &ours, Email, at(0)).await;
    let second = template(store, &ours, Email, at(0)).await;
    let other = template(store, &theirs, Email, at(0)).await;
    let march = datetime!(2027-03-31 23:59:59.999999 UTC);
    let april = datetime!(2027-04-01 00:00:00 UTC);
    queue(
        store,
        &[
            notification(&first, 1, march),
            notification(&first, 2, april),
            notification(&second, 3, april),
            notification(&other, 4, april),
        ],
    )
    .await;
    let fact = |day, notifications| DailyFact {
        day,
        kind: Email,
        status: Created,
        notifications,
        billable_units: notifications,
    };
    let (mar31, apr1) = (date!(2027 - 03 - 31), date!(2027 - 04 - 01));
    let daily = |from, to| store.daily_facts(ours.id, from, to);
    assert_eq!(
        daily(mar31, apr1).await.unwrap(),
        [fact(mar31, 1), fact(apr1, 2)]
    );
    assert_eq!(daily(apr1, apr1).await.unwrap(), [fact(apr1, 2)]);
    assert_eq!(daily(mar31, mar31).await.unwrap(), [fact(mar31, 1)]);
    assert!(daily(apr1, mar31).await.unwrap().is_empty());

    let per_template = store.template_facts(ours.id, apr1, apr1).await.unwrap();
    let mut counts: Vec<_> = per_template
        .iter()
        .map(|f| (f.template, f.notifications))
        .collect();
    counts.sort();
    let mut expected = vec![(first.id, 1), (second.id, 1)];
    expected.sort();
    assert_eq!(counts, expected);

    let month = |month, notifications| MonthlyFact {
        month,
        kind: Email,
        status: Created,
        notifications,
        billable_units: notifications,
    };
    let ending = store
        .monthly_facts(ours.id, FiscalYear(2026))
        .await
        .unwrap();
    assert_eq!(ending, [month(date!(2027 - 03 - 01), 1)]);
    let starting = store
        .monthly_facts(ours.id, FiscalYear(2027))
        .await
        .unwrap();
    assert_eq!(starting, [month(apr1, 2)]);
    let others = store.daily_facts(theirs.id, mar31, apr1).await.unwrap();
    assert_eq!(others, [fact(apr1, 1)]);
}
