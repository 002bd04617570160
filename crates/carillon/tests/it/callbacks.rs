//! Service callbacks end to end: notifications sent through the API, delivered by a worker
//! (or timed out), reported to a real local HTTP receiver by the callback dispatcher.

use std::sync::Arc;
use std::time::{Duration, Instant};

use carillon_crypto::api_key;
use carillon_domain::{
    ApiKey, ApiKeyId, KeyType, NewApiKey, NewService, NewTemplate, NotificationType, ProcessType,
    ServiceId, TemplateId,
};
use carillon_server::{Providers, Server, ServerSettings};
use carillon_store::{BearerToken, CallbackConfig, CallbackKind, NewComplaint, Store};
use carillon_worker::CallbackSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};

use crate::harness::TestApp;
use crate::on_both_backends;
use crate::receiver::Receiver;

const TOKEN: &str = "callback-token-0123456789";

/// A running dispatcher with test settings (short retry delay, quick polling).
pub(crate) struct Dispatcher {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Dispatcher {
    pub(crate) fn start(store: &Arc<dyn Store>, settings: CallbackSettings) -> Self {
        let settings = ServerSettings {
            callbacks: settings,
            ..crate::harness::test_settings()
        };
        let dispatcher = Server::new(Arc::clone(store), settings, Providers::outbox(store))
            .callback_dispatcher(Arc::new(Notify::new()))
            .unwrap();
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(dispatcher.run(stopped));
        Self { stop, task }
    }

    /// Stops it once its requests in flight are done and their results recorded.
    pub(crate) async fn stop(self) {
        self.stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(20), self.task)
            .await
            .expect("the dispatcher stops")
            .unwrap();
    }
}

fn fast() -> CallbackSettings {
    CallbackSettings {
        retry_delay: time::Duration::milliseconds(100),
        idle_poll: Duration::from_millis(20),
        ..CallbackSettings::default()
    }
}

pub(crate) async fn set_callback(
    store: &Arc<dyn Store>,
    service: ServiceId,
    kind: CallbackKind,
    url: String,
) {
    let config = CallbackConfig {
        service_id: service,
        kind,
        url,
        bearer_token: BearerToken::new(TOKEN),
        suspended: false,
        updated_at: OffsetDateTime::now_utc(),
    };
    store.set_callback(&config).await.unwrap();
}

/// Nothing left in the queue, even for retries far in the future.
async fn assert_queue_empty(store: &Arc<dyn Store>) {
    let later = OffsetDateTime::now_utc() + time::Duration::days(1);
    let left = store
        .claim_callbacks(later, later + time::Duration::MINUTE, 100, 100, &[])
        .await
        .unwrap();
    assert!(left.is_empty(), "still queued: {left:?}");
}

/// A second live service with an email template and a live key.
async fn another_service(app: &TestApp) -> (ApiKey, TemplateId) {
    let now = OffsetDateTime::now_utc();
    let service = app
        .store
        .create_service(
            &NewService {
                id: ServiceId::new(),
                name: "Other Service".into(),
                email_from: "other.service".parse().unwrap(),
                restricted: false,
            },
            now,
        )
        .await
        .unwrap();
    let key = NewApiKey {
        permissions: carillon_domain::ApiKeyPermissions::default(),
        id: ApiKeyId::new(),
        service_id: service.id,
        name: "other live".into(),
        key_type: KeyType::Normal,
        secret: api_key::generate_secret(),
    };
    let key = app.store.create_api_key(&key, now).await.unwrap();
    let template = NewTemplate {
        id: TemplateId::new(),
        service_id: service.id,
        name: "Other".into(),
        kind: NotificationType::Email,
        subject: Some("Hi".into()),
        content: "Hello".into(),
        category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
        process_type_override: None,
        created_by: None,
    };
    let template = app.store.create_template(&template, now).await.unwrap();
    (key, template.id)
}

fn only<'a>(received: &'a [crate::receiver::Received], id: &str) -> &'a Value {
    let matching: Vec<_> = received.iter().filter(|r| r.body["id"] == id).collect();
    assert_eq!(matching.len(), 1, "{received:?}");
    &matching[0].body
}

on_both_backends! {
    test_and_live_keys_call_back_with_gc_notify_payload(app) {
        let receiver = Receiver::start().await;
        set_callback(&app.store, app.service.id, CallbackKind::DeliveryStatus, format!("{}/status", receiver.url)).await;
        let (status, live) = app.send_email(&app.live, "Ada@Example.ca", json!({"reference": "ref-live"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, test) = app.send_email(&app.test, "perm-fail@simulator.notify", json!({})).await;
        let sms = json!({"phone_number": "613 555 0123", "template_id": app.sms_template.id.to_string(), "personalisation": {"name": "Zoé", "code": "7"}});
        let (_, sms) = app.post("/v2/notifications/sms", &app.live, &sms).await;
        app.worker().run_once().await.unwrap();
        let dispatcher = Dispatcher::start(&app.store, fast());
        let received = receiver.wait_for("status", 3, Duration::from_secs(10)).await;
        dispatcher.stop().await;
        for request in &received {
            assert_eq!(request.authorization.as_deref(), Some(format!("Bearer {TOKEN}").as_str()));
            assert_eq!(request.content_type.as_deref(), Some("application/json"));
        }
        for (sent, key, to, status, description, reference, kind) in [
            (&live, &app.live, "Ada@Example.ca", "delivered", "Delivered", json!("ref-live"), "email"),
            (&test, &app.test, "perm-fail@simulator.notify", "permanent-failure", "No such address", Value::Null, "email"),
            (&sms, &app.live, "613 555 0123", "delivered", "Delivered", Value::Null, "sms"),
        ] {
            let id = sent["id"].as_str().unwrap();
            let (_, got) = app.get(&format!("/v2/notifications/{id}"), key).await;
            let expected = json!({
                "id": id,
                "reference": reference,
                "to": to,
                "status": status,
                "status_description": description,
                "provider_response": null,
                "created_at": got["created_at"],
                "completed_at": got["completed_at"],
                "sent_at": got["sent_at"],
                "notification_type": kind,
            });
            assert!(got["completed_at"].as_str().unwrap().ends_with('Z'), "{got}");
            assert_eq!(only(&received, id), &expected);
        }
        assert_queue_empty(&app.store).await;
    }

    retries_on_500_and_429_but_not_on_400(app) {
        let receiver = Receiver::start().await;
        receiver.script("flaky", &[500, 429]);
        receiver.script("refuse", &[400, 400]);
        set_callback(&app.store, app.service.id, CallbackKind::DeliveryStatus, format!("{}/flaky", receiver.url)).await;
        let (_, sent) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        app.worker().run_once().await.unwrap();
        let dispatcher = Dispatcher::start(&app.store, fast());
        let received = receiver.wait_for("flaky", 3, Duration::from_secs(10)).await;
        dispatcher.stop().await;
        assert_eq!(received.len(), 3);
        assert!(received.iter().all(|r| r.body["id"] == sent["id"]));
        assert!(received[1].at.duration_since(received[0].at) >= Duration::from_millis(100), "retried before its delay");
        assert_queue_empty(&app.store).await;

        set_callback(&app.store, app.service.id, CallbackKind::DeliveryStatus, format!("{}/refuse", receiver.url)).await;
        app.send_email(&app.live, "b@example.ca", json!({})).await;
        app.worker().run_once().await.unwrap();
        let dispatcher = Dispatcher::start(&app.store, fast());
        receiver.wait_for("refuse", 1, Duration::from_secs(10)).await;
        dispatcher.stop().await;
        assert_queue_empty(&app.store).await;
        assert_eq!(receiver.received("refuse").len(), 1, "a 400 was retried");
    }

    gives_up_after_the_retries(app) {
        let receiver = Receiver::start().await;
        receiver.script("down", &[503; 10]);
        set_callback(&app.store, app.service.id, CallbackKind::DeliveryStatus, format!("{}/down", receiver.url)).await;
        app.send_email(&app.live, "a@example.ca", json!({})).await;
        app.worker().run_once().await.unwrap();
        let settings = CallbackSettings { max_retries: 2, ..fast() };
        let dispatcher = Dispatcher::start(&app.store, settings);
        receiver.wait_for("down", 3, Duration::from_secs(10)).await;
        dispatcher.stop().await;
        assert_queue_empty(&app.store).await;
        assert_eq!(receiver.received("down").len(), 3, "one try and two retries");
    }

    a_hanging_receiver_does_not_delay_other_services(app) {
        let receiver = Receiver::start().await;
        set_callback(&app.store, app.service.id, CallbackKind::DeliveryStatus, format!("{}/hang", receiver.url)).await;
        let (other_key, other_template) = another_service(app).await;
        set_callback(&app.store, other_key.service_id, CallbackKind::DeliveryStatus, format!("{}/other", receiver.url)).await;
        for n in 0..6 {
            app.send_email(&app.live, &format!("p{n}@example.ca"), json!({})).await;
        }
        app.worker().run_once().await.unwrap();
        let settings = CallbackSettings { per_service_in_flight: 2, ..fast() };
        let dispatcher = Dispatcher::start(&app.store, settings);
        receiver.wait_for("hang", 2, Duration::from_secs(10)).await;

        let body = json!({"email_address": "b@example.ca", "template_id": other_template.to_string()});
        let (status, _) = app.request(reqwest::Method::POST, "/v2/notifications/email", Some(&app.api_key_header(&other_key)), Some(&body)).await;
        assert_eq!(status, StatusCode::CREATED);
        app.worker().run_once().await.unwrap();
        let started = Instant::now();
        // Well inside the hanging requests' 5 s timeout.
        receiver.wait_for("other", 1, Duration::from_secs(2)).await;
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(receiver.received("hang").len(), 2, "more than the per-service cap in flight");
        dispatcher.task.abort();
    }

    timeouts_call_back(app) {
        let receiver = Receiver::start().await;
        set_callback(&app.store, app.service.id, CallbackKind::DeliveryStatus, format!("{}/status", receiver.url)).await;
        let (_, sent) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        let now = OffsetDateTime::now_utc() + time::Duration::seconds(1);
        let timed_out = app.store.time_out_notifications(now, now).await.unwrap();
        assert_eq!(timed_out.len(), 1);
        let dispatcher = Dispatcher::start(&app.store, fast());
        let received = receiver.wait_for("status", 1, Duration::from_secs(10)).await;
        dispatcher.stop().await;
        let body = &received[0].body;
        assert_eq!(body["id"], sent["id"]);
        assert_eq!((body["status"].as_str(), body["status_description"].as_str()), (Some("technical-failure"), Some("Tech issue")));
    }

    complaints_call_back(app) {
        let receiver = Receiver::start().await;
        set_callback(&app.store, app.service.id, CallbackKind::Complaint, format!("{}/complaint", receiver.url)).await;
        let (_, sent) = app.send_email(&app.live, "Ada@Example.ca", json!({"reference": "r-1"})).await;
        app.worker().run_once().await.unwrap();
        let id = carillon_domain::NotificationId::parse(sent["id"].as_str().unwrap()).unwrap();
        let reference = app.store.notification(app.service.id, id).await.unwrap().unwrap().provider_reference.unwrap();
        let date = time::macros::datetime!(2026-11-22 10:11:12.5 UTC);
        let complaint = NewComplaint { provider_reference: reference, feedback_type: Some("abuse".into()), feedback_subtype: None, complaint_date: date, created_at: OffsetDateTime::now_utc() };
        let stored = app.store.record_complaints(&[complaint]).await.unwrap()[0].clone().unwrap();
        let dispatcher = Dispatcher::start(&app.store, fast());
        let received = receiver.wait_for("complaint", 1, Duration::from_secs(10)).await;
        dispatcher.stop().await;
        let expected = json!({"notification_id": sent["id"], "complaint_id": stored.id.to_string(), "reference": "r-1", "to": "Ada@Example.ca", "complaint_date": "2026-11-22T10:11:12.500000Z"});
        assert_eq!(received[0].body, expected);
        assert_eq!(received[0].authorization.as_deref(), Some(format!("Bearer {TOKEN}").as_str()));
        let (_, got) = app.get(&format!("/v2/notifications/{}", sent["id"].as_str().unwrap()), &app.live).await;
        assert_eq!(got["status"], "delivered");
    }
}
