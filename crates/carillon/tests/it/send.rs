//! POST /v2/notifications/email and /sms: responses, durability, validation, limits, keys.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::messages;
use crate::on_both_backends;

on_both_backends! {
    email_is_durable_before_201(app) {
        let (status, body) = app
            .send_email(&app.live, "Ada.Lovelace@Example.ca", json!({"reference": "ref-1", "scheduled_for": null}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["id"].as_str().unwrap();
        assert_eq!(body["reference"], "ref-1");
        assert_eq!(body["content"]["subject"], "Hello Ada");
        assert_eq!(body["content"]["body"], "Dear Ada,\n\nYour code is **123456**.");
        assert_eq!(body["content"]["from_email"], "test.service@sending-domain-not-set.invalid", "the placeholder domain by default");
        assert_eq!(body["template"]["version"], 1);
        assert!(body["uri"].as_str().unwrap().ends_with(&format!("/v2/notifications/{id}")));
        assert!(body["template"]["uri"].as_str().unwrap().contains(&format!("/services/{}/templates/", app.service.id)));
        // GC Notify may answer 404 here for ~10 s; Carillon's row is committed before the 201.
        let (status, got) = app.get(&format!("/v2/notifications/{id}"), &app.live).await;
        assert_eq!(status, StatusCode::OK, "{got}");
        assert_eq!(got["email_address"], "Ada.Lovelace@Example.ca");
        assert_eq!(got["phone_number"], serde_json::Value::Null);
        assert_eq!(got["type"], "email");
        assert_eq!(got["status"], "created");
        assert_eq!(got["status_description"], "In transit");
        assert_eq!(got["subject"], "Hello Ada");
        assert_eq!(got["reference"], "ref-1");
        assert_eq!(got["completed_at"], serde_json::Value::Null);
        assert!(got["created_at"].as_str().unwrap().ends_with('Z'));
    }

    sms_uses_the_default_sender_and_no_prefix_in_the_body(app) {
        let body = json!({
            "phone_number": "613-555-0123",
            "template_id": app.sms_template.id.to_string(),
            "personalisation": {"name": "Zoé", "code": 42},
        });
        let (status, body) = app.post("/v2/notifications/sms", &app.live, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["content"]["body"], "Hi Zoé, your code is 42.");
        assert_eq!(body["content"]["from_number"], "CANADA.CA");
        let (_, got) = app.get(&format!("/v2/notifications/{}", body["id"].as_str().unwrap()), &app.live).await;
        assert_eq!(got["phone_number"], "613-555-0123");
        assert_eq!(got["type"], "sms");
    }

    bearer_jwt_works_like_the_official_clients(app) {
        let body = json!({"email_address": "a@example.ca", "template_id": app.email_template.id.to_string(),
                          "personalisation": {"name": "A", "code": "1"}});
        let (status, body) = app
            .request(reqwest::Method::POST, "/v2/notifications/email", Some(&app.bearer(&app.live)), Some(&body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    schema_errors_are_reported_together(app) {
        let body = json!({"template_id": "nope", "personalisation": "x", "colour": "blue"});
        let (status, body) = app.post("/v2/notifications/email", &app.live, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["status_code"], 400);
        assert_eq!(body["errors"][0]["error"], "ValidationError");
        assert_eq!(
            messages(&body),
            vec![
                "template_id is not a valid UUID",
                "personalisation x is not of type object",
                "email_address is a required property",
                "Additional properties are not allowed (colour was unexpected)",
            ]
        );
    }

    non_json_and_broken_json_are_refused(app) {
        let client = reqwest::Client::new();
        let url = format!("{}/v2/notifications/email", app.url);
        let response = client.post(&url).header("Authorization", app.api_key_header(&app.live))
            .header("Content-Type", "text/plain").body("hello").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(messages(&body)[0].starts_with("UnsupportedMediaType error"));
        let response = client.post(&url).header("Authorization", app.api_key_header(&app.live))
            .header("Content-Type", "application/json").body("{\"email_address\":").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(messages(&body)[0].starts_with("Error decoding arguments"));
    }

    template_problems_use_gc_wording(app) {
        let (status, body) = app
            .post("/v2/notifications/email", &app.live, &json!({"email_address": "a@example.ca", "template_id": uuid::Uuid::new_v4().to_string()}))
            .await;
        assert_eq!((status, messages(&body)), (StatusCode::BAD_REQUEST, vec!["Template not found".to_owned()]));
        let (_, body) = app
            .post("/v2/notifications/email", &app.live, &json!({"email_address": "a@example.ca", "template_id": app.sms_template.id.to_string()}))
            .await;
        assert_eq!(messages(&body), vec!["sms template is not suitable for email notification"]);
        let (_, body) = app
            .post("/v2/notifications/email", &app.live, &json!({"email_address": "a@example.ca", "template_id": app.email_template.id.to_string(), "personalisation": {}}))
            .await;
        assert_eq!(
            messages(&body),
            vec![format!("Missing personalisation for template ID {}: name, code", app.email_template.id)]
        );
    }

    team_keys_reach_only_the_safelist(app) {
        let (status, body) = app.send_email(&app.team, "stranger@example.ca", json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(messages(&body)[0].starts_with("Can’t send to this recipient using a team-only API key"), "{body}");
        app.store
            .add_safelist_entry(&carillon_domain::SafelistEntry {
                id: carillon_domain::SafelistId::new(),
                service_id: app.service.id,
                kind: carillon_domain::NotificationType::Email,
                recipient: "friend@example.ca".into(),
                team_member: false,
            })
            .await
            .unwrap();
        let (status, body) = app.send_email(&app.team, "Friend@Example.ca", json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        // Test keys reach anyone.
        let (status, _) = app.send_email(&app.test, "stranger@example.ca", json!({})).await;
        assert_eq!(status, StatusCode::CREATED);
    }

    trial_services_reach_only_the_safelist(app) {
        let mut service = app.service.clone();
        service.restricted = true;
        app.store.update_service(&service).await.unwrap();
        let (status, body) = app.send_email(&app.live, "stranger@example.ca", json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(messages(&body)[0].starts_with("Can’t send to this recipient when service is in trial mode"));
    }

    smoke_test_recipients_are_answered_but_not_stored(app) {
        let (status, body) = app.send_email(&app.team, "simulate-delivered@notification.canada.ca", json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, got) = app.get(&format!("/v2/notifications/{}", body["id"].as_str().unwrap()), &app.live).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(got["message"], "Notification not found in database");
    }

    daily_limit_is_enforced_and_test_keys_are_not_counted(app) {
        let mut service = app.service.clone();
        service.email_daily_limit = 2;
        app.store.update_service(&service).await.unwrap();
        for _ in 0..2 {
            let (status, _) = app.send_email(&app.live, "a@example.ca", json!({})).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let (status, body) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["errors"][0]["error"], "LiveServiceTooManyEmailRequestsError");
        assert_eq!(messages(&body), vec!["Exceeded email daily sending limit of 2 messages"]);
        let (status, _) = app.send_email(&app.test, "a@example.ca", json!({})).await;
        assert_eq!(status, StatusCode::CREATED);
    }

    rate_limit_answers_429(app) {
        let mut service = app.service.clone();
        service.rate_limit = 3;
        app.store.update_service(&service).await.unwrap();
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(app.send_email(&app.live, "a@example.ca", json!({})).await.0);
        }
        assert_eq!(statuses[..3], [StatusCode::CREATED; 3]);
        let (status, body) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(messages(&body), vec!["Exceeded rate limit for key type LIVE of 3 requests per 60 seconds"]);
        // Each key type has its own allowance.
        assert_eq!(app.send_email(&app.test, "a@example.ca", json!({})).await.0, StatusCode::CREATED);
    }

    suspended_and_unpermitted_services_cannot_send(app) {
        let mut service = app.service.clone();
        service.permissions.retain(|p| *p != carillon_domain::Permission::Email);
        app.store.update_service(&service).await.unwrap();
        let (status, body) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        assert_eq!((status, messages(&body)), (StatusCode::BAD_REQUEST, vec!["Service is not allowed to send emails".to_owned()]));
        service.active = false;
        app.store.update_service(&service).await.unwrap();
        let (status, body) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        assert_eq!((status, messages(&body)), (StatusCode::FORBIDDEN, vec!["Service is suspended".to_owned()]));
    }

    unknown_reply_to_is_refused(app) {
        let id = uuid::Uuid::new_v4();
        let (status, body) = app.send_email(&app.live, "a@example.ca", json!({"email_reply_to_id": id.to_string()})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(messages(&body), vec![format!("email_reply_to_id {id} does not exist in database for service id {}", app.service.id)]);
    }

    unverified_reply_to_is_refused(app) {
        // Waiting for someone to open its verification link: named, but not usable yet.
        let pending = carillon_domain::ReplyTo {
            id: carillon_domain::ReplyToId::new(),
            service_id: app.service.id,
            email_address: "pending@example.gc.ca".to_owned(),
            is_default: false,
            archived: false,
            verified: false,
        };
        app.store.add_reply_to(&pending).await.unwrap();
        let id = pending.id;
        let (status, body) = app.send_email(&app.live, "a@example.ca", json!({"email_reply_to_id": id.to_string()})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["errors"][0]["error"], "BadRequestError");
        assert_eq!(messages(&body), vec![format!("email_reply_to_id {id} is not verified yet for service id {}", app.service.id)]);
    }

    annual_limit_is_enforced(app) {
        let mut service = app.service.clone();
        service.email_annual_limit = 1;
        service.restricted = false;
        app.store.update_service(&service).await.unwrap();
        assert_eq!(app.send_email(&app.live, "a@example.ca", json!({})).await.0, StatusCode::CREATED);
        let (status, body) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["errors"][0]["error"], "LiveServiceRequestExceedsEmailAnnualLimitError");
        assert_eq!(messages(&body), vec!["Exceeded annual email sending limit of 1 messages"]);
    }

    oversized_bodies_are_refused_in_gc_format(app) {
        let big = "x".repeat(3 * 1024 * 1024);
        let (status, body) = app.send_email(&app.live, "a@example.ca", json!({"reference": big})).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["status_code"], 413);
    }

    sending_records_the_key_use(app) {
        assert_eq!(app.send_email(&app.live, "a@example.ca", json!({})).await.0, StatusCode::CREATED);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let keys = app.store.api_keys(app.service.id).await.unwrap();
            if keys.iter().find(|k| k.id == app.live.id).unwrap().last_used_at.is_some() {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "last use never recorded");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}
