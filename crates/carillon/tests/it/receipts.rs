//! Delivery receipts end to end, on both backends: an email goes through the worker to SES
//! (moto), and a signed SNS notification carrying an SES event, posted to `/receipts/ses`,
//! moves its status (a complaint is stored and reaches the complaint callback); an SMS sent through SNS (moto) is moved by `/receipts/sns-sms`. The SNS
//! signing certificate is a throwaway one served by a local HTTP server that the API is
//! configured to trust; unsigned, tampered and wrongly hosted messages get 403.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carillon_providers_aws::{SenderId, SesProvider, SnsProvider};
use reqwest::StatusCode;
use serde_json::{Value, json};

use carillon_store::CallbackKind;

use crate::aws::{moto_config, moto_url, ses_message_for};
use crate::callbacks::{Dispatcher, set_callback};
use crate::on_both_backends;
use crate::receiver::Receiver;

struct Signer {
    pair: RsaKeyPair,
    cert_pem: String,
}

fn signer() -> &'static Signer {
    static SIGNER: OnceLock<Signer> = OnceLock::new();
    SIGNER.get_or_init(|| {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let pkcs8 = pair.as_der().unwrap().as_ref().to_vec();
        let key = rcgen::KeyPair::try_from(pkcs8.as_slice()).unwrap();
        let cert_pem = rcgen::CertificateParams::new(vec!["sns.test".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap()
            .pem();
        Signer { pair, cert_pem }
    })
}

/// GETs a [`cert_server`] answered.
#[derive(Default)]
struct Hits {
    certificate: AtomicUsize,
    confirm: AtomicUsize,
}

/// Serves the signing certificate at `/cert.pem` and a subscription confirmation at
/// `/confirm`, counting requests.
async fn cert_server() -> (String, Arc<Hits>) {
    let hits = Arc::new(Hits::default());
    let counter = Arc::clone(&hits);
    let certificate_counter = Arc::clone(&hits);
    let app = axum::Router::new()
        .route(
            "/cert.pem",
            axum::routing::get(move || {
                certificate_counter
                    .certificate
                    .fetch_add(1, Ordering::SeqCst);
                async { signer().cert_pem.clone() }
            }),
        )
        .route(
            "/confirm",
            axum::routing::get(move || {
                counter.confirm.fetch_add(1, Ordering::SeqCst);
                async { "<ConfirmSubscriptionResponse/>" }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hits)
}

/// An SNS message as SNS posts it, signed (SignatureVersion 2) over AWS's canonical string.
fn sns_message(kind: &str, message: &str, cert_url: &str, subscribe_url: Option<&str>) -> Value {
    let mut fields = vec![
        ("Message", message.to_owned()),
        ("MessageId", uuid::Uuid::new_v4().to_string()),
    ];
    if let Some(url) = subscribe_url {
        fields.push(("SubscribeURL", url.to_owned()));
    }
    fields.push(("Timestamp", "2026-11-22T07:00:00.000Z".to_owned()));
    if subscribe_url.is_some() {
        fields.push(("Token", "token-1".to_owned()));
    }
    fields.push((
        "TopicArn",
        "arn:aws:sns:ca-central-1:123456789012:carillon".to_owned(),
    ));
    fields.push(("Type", kind.to_owned()));
    let canonical: String = fields.iter().map(|(k, v)| format!("{k}\n{v}\n")).collect();
    let signer = signer();
    let mut signature = vec![0; signer.pair.public_modulus_len()];
    signer
        .pair
        .sign(
            &RSA_PKCS1_SHA256,
            &aws_lc_rs::rand::SystemRandom::new(),
            canonical.as_bytes(),
            &mut signature,
        )
        .unwrap();
    let mut body: serde_json::Map<String, Value> = fields
        .into_iter()
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    body.insert("SignatureVersion".into(), json!("2"));
    body.insert("Signature".into(), json!(STANDARD.encode(signature)));
    body.insert("SigningCertURL".into(), json!(cert_url));
    Value::Object(body)
}

/// The receipts endpoints on a new port, trusting `certs` for certificates and confirmations
/// (what `CARILLON_SNS_TRUSTED_ORIGINS` configures); returns its URL.
async fn post(url: &str, body: &Value) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "text/plain; charset=UTF-8")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn ses_event(event: Value, reference: &str) -> String {
    let mut event = event;
    event["mail"] = json!({"messageId": reference, "destination": ["lea@example.ca"]});
    event.to_string()
}

on_both_backends! {
    receipts_move_statuses(app) {
        let Some(moto) = moto_url() else { return };
        let config = moto_config(&moto, carillon_domain::PLACEHOLDER_SENDING_DOMAIN).await;
        let (certs, hits) = cert_server().await;
        let api = app
            .another_server(carillon_server::ServerSettings {
                sns: carillon_server::SnsSettings { trusted_origins: vec![certs.clone()], ..Default::default() },
                ..crate::harness::test_settings()
            })
            .await;
        let ses_url = format!("{api}/receipts/ses");
        let cert_url = format!("{certs}/cert.pem");
        let worker = app.worker_with(
            Arc::new(SesProvider::new(&config, None)),
            Arc::new(SnsProvider::new(&config, SenderId::Off)),
        );

        // Subscribing: the confirmation URL is fetched.
        let confirm = format!("{certs}/confirm");
        let subscribe = sns_message("SubscriptionConfirmation", "Confirm", &cert_url, Some(&confirm));
        assert_eq!(post(&ses_url, &subscribe).await.0, StatusCode::OK);
        assert_eq!(hits.confirm.load(Ordering::SeqCst), 1);
        // ... but never on a host that is not trusted.
        let (elsewhere, elsewhere_hits) = cert_server().await;
        let untrusted = sns_message("SubscriptionConfirmation", "Confirm", &cert_url, Some(&format!("{elsewhere}/confirm")));
        let (status, body) = post(&ses_url, &untrusted).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(elsewhere_hits.confirm.load(Ordering::SeqCst), 0);

        // An email handed to SES is `sending`.
        let (status, sent) = app.send_email(&app.live, "lea@example.ca", json!({})).await;
        assert_eq!(status, StatusCode::CREATED);
        let id = sent["id"].as_str().unwrap().to_owned();
        assert_eq!(worker.run_once().await.unwrap(), 1);
        app.eventually_status(&id, "sending").await;
        let (reference, _) = ses_message_for(&moto, &id).await.expect("the email reached SES");

        // Not genuine: refused with 403, nothing changes.
        let delivery = ses_event(json!({"eventType": "Delivery", "delivery": {}}), &reference);
        let mut tampered = sns_message("Notification", &delivery, &cert_url, None);
        tampered["Message"] = json!(ses_event(json!({"eventType": "Bounce", "bounce": {"bounceType": "Permanent"}}), &reference));
        let (status, body) = post(&ses_url, &tampered).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["errors"][0]["error"], "AuthError");
        let wrong_host = format!("{elsewhere}/cert.pem");
        let (status, body) = post(&ses_url, &sns_message("Notification", &delivery, &wrong_host, None)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(elsewhere_hits.certificate.load(Ordering::SeqCst), 0, "fetched from an untrusted host");
        let oversized = json!({"Message": "x".repeat(600 * 1024)});
        let (status, body) = post(&ses_url, &oversized).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["status_code"], 413, "GC Notify's error format: {body}");
        let mut unsigned = sns_message("Notification", &delivery, &cert_url, None);
        unsigned.as_object_mut().unwrap().remove("Signature");
        assert_eq!(post(&ses_url, &unsigned).await.0, StatusCode::FORBIDDEN);
        let (status, _) = post(&ses_url, &json!("not an SNS message")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        app.eventually_status(&id, "sending").await;

        // Delivered; then a late permanent bounce overrides it, and a repeated delivery does not.
        let (status, body) = post(&ses_url, &sns_message("Notification", &delivery, &cert_url, None)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let got = app.eventually_status(&id, "delivered").await;
        assert!(got["completed_at"].is_string(), "{got}");
        let bounce = ses_event(
            json!({"notificationType": "Bounce", "bounce": {"bounceType": "Permanent", "bounceSubType": "Suppressed"}}),
            &reference,
        );
        assert_eq!(post(&ses_url, &sns_message("Notification", &bounce, &cert_url, None)).await.0, StatusCode::OK);
        let got = app.eventually_status(&id, "permanent-failure").await;
        assert_eq!(got["provider_response"], "The email address is on our email provider suppression list");
        assert_eq!(post(&ses_url, &sns_message("Notification", &delivery, &cert_url, None)).await.0, StatusCode::OK);
        app.eventually_status(&id, "permanent-failure").await;

        // A complaint keeps the status, is stored, and reaches the complaint callback.
        let receiver = Receiver::start().await;
        set_callback(&app.store, app.service.id, CallbackKind::Complaint, format!("{}/complaint", receiver.url)).await;
        let complaint = ses_event(json!({"eventType": "Complaint", "complaint": {"complaintFeedbackType": "abuse", "timestamp": "2026-11-22T08:09:10.250Z", "complainedRecipients": [{"emailAddress": "lea@example.ca"}]}}), &reference);
        assert_eq!(post(&ses_url, &sns_message("Notification", &complaint, &cert_url, None)).await.0, StatusCode::OK);
        app.eventually_status(&id, "permanent-failure").await;
        let dispatcher = Dispatcher::start(&app.store, carillon_worker::CallbackSettings::default());
        let received = receiver.wait_for("complaint", 1, std::time::Duration::from_secs(10)).await;
        dispatcher.stop().await;
        assert_eq!(received[0].body["notification_id"], id.as_str());
        assert_eq!(received[0].body["to"], "lea@example.ca");
        assert_eq!(received[0].body["complaint_date"], "2026-11-22T08:09:10.250000Z");

        // A receipt for a reference nobody has yet: 503, so SNS delivers it again.
        let unknown = ses_event(json!({"eventType": "Delivery"}), "not-yet-recorded");
        let (status, body) = post(&ses_url, &sns_message("Notification", &unknown, &cert_url, None)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");

        // SMS through SNS is `sent`; its delivery status applies once.
        let sms = json!({"phone_number": "613 555 0123", "template_id": app.sms_template.id.to_string(), "personalisation": {"name": "Zoé", "code": "7"}});
        let (_, sent) = app.post("/v2/notifications/sms", &app.live, &sms).await;
        let sms_id = sent["id"].as_str().unwrap().to_owned();
        assert_eq!(worker.run_once().await.unwrap(), 1);
        app.eventually_status(&sms_id, "sent").await;
        let stored = app
            .store
            .notification(app.service.id, carillon_domain::NotificationId::parse(&sms_id).unwrap())
            .await
            .unwrap()
            .unwrap();
        let sns_reference = stored.provider_reference.unwrap();
        let status_of = |status: &str, response: &str| {
            json!({
                "notification": {"messageId": sns_reference, "timestamp": "2026-11-22 07:00:00.000"},
                "delivery": {"destination": "+16135550123", "providerResponse": response},
                "status": status,
            })
            .to_string()
        };
        let sms_url = format!("{api}/receipts/sns-sms");
        let failed = status_of("FAILURE", "Phone has blocked SMS");
        assert_eq!(post(&sms_url, &sns_message("Notification", &failed, &cert_url, None)).await.0, StatusCode::OK);
        let got = app.eventually_status(&sms_id, "temporary-failure").await;
        assert_eq!(got["provider_response"], "Phone has blocked SMS");
        let late = status_of("SUCCESS", "Message has been accepted by phone carrier");
        assert_eq!(post(&sms_url, &sns_message("Notification", &late, &cert_url, None)).await.0, StatusCode::OK);
        app.eventually_status(&sms_id, "temporary-failure").await;
        assert_eq!(hits.certificate.load(Ordering::SeqCst), 1, "the certificate is cached");
    }
}
