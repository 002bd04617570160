//! Delivery through the built-in outbox: statuses move, content arrives as rendered, test keys
//! get simulated outcomes and scheduled sends wait for their time.

use carillon_domain::NotificationId;
use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;

on_both_backends! {
    email_reaches_the_outbox_as_rendered(app) {
        let (status, sent) = app.send_email(&app.live, "Ada@Example.ca", json!({"reference": "r1"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let id = sent["id"].as_str().unwrap();
        assert_eq!(app.worker().run_once().await.unwrap(), 1);
        let (_, got) = app.get(&format!("/v2/notifications/{id}"), &app.live).await;
        assert_eq!(got["status"], "delivered");
        assert_eq!(got["status_description"], "Delivered");
        assert!(got["sent_at"].is_string() && got["completed_at"].is_string(), "{got}");
        let kept = app.store.outbox_message(NotificationId::parse(id).unwrap()).await.unwrap().expect("in the outbox");
        assert_eq!(kept.to, "ada@example.ca");
        assert_eq!(kept.from, r#""Test Service" <test.service@sending-domain-not-set.invalid>"#, "the placeholder domain by default");
        assert_eq!(kept.subject.as_deref(), Some("Hello Ada"));
        let html = kept.html.unwrap();
        assert!(html.contains("<strong>123456</strong>") && html.starts_with("<!DOCTYPE html>"), "{html}");
        assert!(kept.text.contains("Your code is **123456**."), "{}", kept.text);
        assert_eq!(app.worker().run_once().await.unwrap(), 0, "nothing is delivered twice");
    }

    sms_reaches_the_outbox_with_the_service_prefix(app) {
        let body = json!({"phone_number": "613 555 0123", "template_id": app.sms_template.id.to_string(), "personalisation": {"name": "Zoé", "code": "7"}});
        let (_, sent) = app.post("/v2/notifications/sms", &app.live, &body).await;
        app.worker().run_once().await.unwrap();
        let id = NotificationId::parse(sent["id"].as_str().unwrap()).unwrap();
        let kept = app.store.outbox_message(id).await.unwrap().unwrap();
        assert_eq!(kept.to, "+16135550123");
        assert_eq!(kept.text, "Test Service: Hi Zoé, your code is 7.");
        assert_eq!(kept.from, "CANADA.CA");
    }

    test_keys_get_simulated_outcomes_and_never_reach_the_outbox(app) {
        let mut ids = Vec::new();
        for to in ["temp-fail@simulator.notify", "perm-fail@simulator.notify", "someone@example.ca"] {
            let (_, sent) = app.send_email(&app.test, to, json!({})).await;
            ids.push(sent["id"].as_str().unwrap().to_owned());
        }
        app.worker().run_once().await.unwrap();
        let statuses: Vec<String> = {
            let mut out = Vec::new();
            for id in &ids {
                let (_, got) = app.get(&format!("/v2/notifications/{id}"), &app.test).await;
                out.push(got["status"].as_str().unwrap().to_owned());
            }
            out
        };
        assert_eq!(statuses, ["temporary-failure", "permanent-failure", "delivered"]);
        assert!(app.store.outbox(10, None).await.unwrap().is_empty());
    }

    scheduled_sends_wait_for_their_time(app) {
        let later = time::OffsetDateTime::now_utc() + time::Duration::hours(2);
        let when = later.format(&time::format_description::well_known::Rfc3339).unwrap();
        let (status, sent) = app.send_email(&app.live, "a@example.ca", json!({"scheduled_for": when})).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(app.worker().run_once().await.unwrap(), 0);
        let (_, got) = app.get(&format!("/v2/notifications/{}", sent["id"].as_str().unwrap()), &app.live).await;
        assert_eq!(got["status"], "created");
        assert!(got["scheduled_for"].is_string());
    }

    a_running_worker_delivers_without_being_asked(app) {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(app.worker().run(stopped));
        let (_, sent) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        app.eventually_status(sent["id"].as_str().unwrap(), "delivered").await;
        stop.send(true).unwrap();
        worker.await.unwrap();
    }

    personal_data_is_purged_after_retention_and_stuck_messages_time_out(app) {
        let old = |days: i64, to: &str| carillon_domain::NewNotification {
            id: NotificationId::new(),
            service_id: app.service.id,
            template_id: app.email_template.id,
            template_version: 1,
            api_key_id: Some(app.live.id),
            key_type: carillon_domain::KeyType::Normal,
            kind: carillon_domain::NotificationType::Email,
            to: to.to_owned(),
            normalised_to: to.to_owned(),
            personalisation: json!({"name": "Old", "code": "1"}),
            body: "Dear Old".to_owned(),
            subject: Some("Hello Old".to_owned()),
            client_reference: None,
            sender: None,
            process_type: carillon_domain::ProcessType::Normal,
            billable_units: 1,
            scheduled_for: None,
            created_at: time::OffsetDateTime::now_utc() - time::Duration::days(days),
        };
        // Stuck for 4 days (no worker ran): timed out as a technical failure.
        let stuck = old(4, "stuck@example.ca");
        app.store.insert_notifications(&[(stuck.clone(), Vec::new())]).await.unwrap();
        app.worker().housekeep().await.unwrap();
        let (_, got) = app.get(&format!("/v2/notifications/{}", stuck.id), &app.live).await;
        assert_eq!(got["status"], "technical-failure");

        // Delivered 8 days ago, past the default 7-day retention: gone from the API and outbox.
        let expired = old(8, "expired@example.ca");
        let recent = old(1, "recent@example.ca");
        app.store.insert_notifications(&[(expired.clone(), Vec::new()), (recent.clone(), Vec::new())]).await.unwrap();
        app.worker().run_once().await.unwrap();
        assert!(app.store.outbox_message(expired.id).await.unwrap().is_some());
        // Housekeeping runs once per period (the job lock) and already ran above: purge directly.
        let now = time::OffsetDateTime::now_utc();
        while app.store.purge_personal_data(now, 1000).await.unwrap() > 0 {}
        let (status, _) = app.get(&format!("/v2/notifications/{}", expired.id), &app.live).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(app.store.outbox_message(expired.id).await.unwrap().is_none());
        let (status, _) = app.get(&format!("/v2/notifications/{}", recent.id), &app.live).await;
        assert_eq!(status, StatusCode::OK);
    }
}
