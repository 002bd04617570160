//! Callback throughput, run by `bench/callbacks/run` (ignored by `cargo test`): queues
//! `CARILLON_BENCH_CALLBACKS` delivery-status notices (default 20,000) for one service through
//! real status changes, then measures how fast the dispatcher, with its default settings,
//! delivers them to a local receiver. `CARILLON_BENCH_BACKEND=postgres` for PostgreSQL;
//! `CARILLON_BENCH_PER_SERVICE` overrides the per-service in-flight cap.

use std::time::{Duration, Instant};

use carillon_domain::{KeyType, NewNotification, NotificationId, NotificationStatus};
use carillon_store::{CallbackKind, Outcome};
use carillon_worker::CallbackSettings;
use serde_json::json;
use time::OffsetDateTime;

use crate::callbacks::{Dispatcher, set_callback};
use crate::harness::{Backend, TestApp};
use crate::receiver::Receiver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run by bench/callbacks/run"]
async fn bench_callbacks() {
    let backend = match std::env::var("CARILLON_BENCH_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let total: usize = std::env::var("CARILLON_BENCH_CALLBACKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let app = TestApp::spawn(backend).await.expect("backend available");
    let receiver = Receiver::start().await;
    let url = format!("{}/bench", receiver.url);
    set_callback(
        &app.store,
        app.service.id,
        CallbackKind::DeliveryStatus,
        url,
    )
    .await;

    let now = OffsetDateTime::now_utc();
    let mut done = 0;
    while done < total {
        let batch: Vec<_> = (done..(done + 1_000).min(total))
            .map(|n| {
                let new = NewNotification {
                    id: NotificationId::new(),
                    service_id: app.service.id,
                    template_id: app.email_template.id,
                    template_version: app.email_template.version,
                    api_key_id: Some(app.live.id),
                    key_type: KeyType::Normal,
                    kind: app.email_template.kind,
                    to: format!("person.{n}@example.ca"),
                    normalised_to: format!("person.{n}@example.ca"),
                    personalisation: json!({"name": "Ada", "code": n}),
                    body: "Hello".into(),
                    subject: Some("Hi".into()),
                    client_reference: Some(format!("ref-{n}")),
                    sender: None,
                    process_type: app.email_template.process_type,
                    billable_units: 1,
                    scheduled_for: None,
                    created_at: now,
                };
                (new, Vec::new())
            })
            .collect();
        app.store.insert_notifications(&batch).await.unwrap();
        let claimed = app
            .store
            .claim_notifications(now, now + time::Duration::MINUTE, 1_000)
            .await
            .unwrap();
        let outcomes: Vec<_> = claimed
            .iter()
            .map(|n| Outcome {
                id: n.id,
                attempt: n.attempts,
                status: NotificationStatus::Delivered,
                provider_reference: Some(format!("ref-{}", n.id)),
                provider_response: None,
                sent_at: Some(now),
                retry_at: None,
                updated_at: now,
            })
            .collect();
        app.store.record_outcomes(&outcomes).await.unwrap();
        done += batch.len();
    }

    let started = Instant::now();
    let mut settings = CallbackSettings::default();
    if let Some(cap) = std::env::var("CARILLON_BENCH_PER_SERVICE")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        settings.per_service_in_flight = cap;
    }
    let dispatcher = Dispatcher::start(&app.store, settings);
    receiver
        .wait_for("bench", total, Duration::from_secs(600))
        .await;
    let elapsed = started.elapsed();
    dispatcher.stop().await;
    let rate = total as f64 / elapsed.as_secs_f64();
    eprintln!(
        "bench/callbacks: {backend:?}: {total} callbacks in {:.2} s = {rate:.0} callbacks/s",
        elapsed.as_secs_f64()
    );
    app.finish().await;
}
