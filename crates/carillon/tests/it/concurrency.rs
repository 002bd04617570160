//! A worker with several batches in flight delivers every notification exactly once, on both
//! backends: the loops share the queue through the store's claims, never the same row twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use carillon_domain::{NotificationId, ProcessType};
use carillon_providers::{Accepted, EmailMessage, EmailProvider, Outbox, ProviderError};
use serde_json::json;

use crate::on_both_backends;

/// The built-in outbox, with a tally of how often each notification reached it.
#[derive(Debug)]
struct Tallied {
    outbox: Outbox,
    seen: Mutex<HashMap<NotificationId, u32>>,
}

#[async_trait]
impl EmailProvider for Tallied {
    fn name(&self) -> &'static str {
        "tallied outbox"
    }

    async fn send_emails(&self, messages: &[EmailMessage]) -> Vec<Result<Accepted, ProviderError>> {
        {
            let mut seen = self.seen.lock().unwrap();
            for message in messages {
                *seen.entry(message.id).or_default() += 1;
            }
        }
        self.outbox.send_emails(messages).await
    }
}

const QUEUED: usize = 600;

on_both_backends! {
    batches_in_flight_at_once_deliver_each_notification_once(app) {
        let queued: Vec<_> = (0..QUEUED)
            .map(|i| {
                let to = format!("person{i}@example.ca");
                (app.new_email(&to, json!({"name": format!("P{i}"), "code": "1"}), ProcessType::Normal), Vec::new())
            })
            .collect();
        app.store.insert_notifications(&queued).await.unwrap();

        let outbox = Arc::new(Outbox::new(Arc::clone(&app.store)));
        let tallied = Arc::new(Tallied { outbox: Outbox::new(Arc::clone(&app.store)), seen: Mutex::default() });
        let settings = carillon_worker::WorkerSettings {
            // Small batches and many loops: the loops' claims overlap all the time.
            batch_size: 16,
            concurrency: 6,
            idle_poll: Duration::from_millis(20),
            ..carillon_worker::WorkerSettings::default()
        };
        let worker = app.server.with_providers(carillon_server::Providers { email: tallied.clone(), sms: outbox }).with_worker_settings(settings).worker();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let running = tokio::spawn(worker.run(stopped));
        app.accepted.notify_one();

        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while tallied.seen.lock().unwrap().len() < QUEUED {
            assert!(tokio::time::Instant::now() < deadline, "not all delivered within 60 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stop.send(true).unwrap();
        running.await.unwrap();

        let seen = tallied.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), QUEUED);
        let twice: Vec<_> = seen.iter().filter(|(_, n)| **n != 1).collect();
        assert!(twice.is_empty(), "sent more than once: {twice:?}");
        for (notification, _) in queued.iter().step_by(37) {
            let stored = app.store.notification(app.service.id, notification.id).await.unwrap().unwrap();
            assert_eq!(stored.status, carillon_domain::NotificationStatus::Delivered, "{}", notification.id);
        }
    }
}
