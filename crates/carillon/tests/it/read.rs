//! GET /v2/notifications: filters, key-type scoping and the `older_than` cursor.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::messages;
use crate::on_both_backends;

on_both_backends! {
    list_filters_and_pages(app) {
        let mut ids = Vec::new();
        for n in 0..3 {
            let (_, body) = app.send_email(&app.live, "a@example.ca", json!({"reference": format!("r{n}")})).await;
            ids.push(body["id"].as_str().unwrap().to_owned());
        }
        let sms = json!({"phone_number": "6135550123", "template_id": app.sms_template.id.to_string(), "personalisation": {"name": "A", "code": "1"}});
        assert_eq!(app.post("/v2/notifications/sms", &app.live, &sms).await.0, StatusCode::CREATED);
        app.send_email(&app.test, "t@example.ca", json!({})).await;

        let (status, body) = app.get("/v2/notifications", &app.live).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let listed = body["notifications"].as_array().unwrap();
        assert_eq!(listed.len(), 4, "test-key sends are not listed for live keys");
        assert_eq!(listed[1]["id"], ids[2].as_str(), "newest first");
        assert!(body["links"]["current"].as_str().unwrap().ends_with("/v2/notifications"));

        let (_, body) = app.get("/v2/notifications?template_type=sms", &app.live).await;
        assert_eq!(body["notifications"].as_array().unwrap().len(), 1);
        let (_, body) = app.get("/v2/notifications?reference=r1", &app.live).await;
        assert_eq!(body["notifications"][0]["id"], ids[1].as_str());
        let (_, body) = app.get("/v2/notifications?status=created&template_type=email", &app.live).await;
        assert_eq!(body["notifications"].as_array().unwrap().len(), 3);
        let (_, body) = app.get("/v2/notifications?status=delivered", &app.live).await;
        assert!(body["notifications"].as_array().unwrap().is_empty());
        assert!(body["links"].get("next").is_none(), "no next link on an empty page");

        let (_, body) = app.get(&format!("/v2/notifications?template_type=email&older_than={}", ids[2]), &app.live).await;
        let older: Vec<&str> = body["notifications"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
        assert_eq!(older, vec![ids[1].as_str(), ids[0].as_str()]);
        assert!(body["links"]["next"].as_str().unwrap().contains(&format!("older_than={}", ids[0])));

        let (_, body) = app.get("/v2/notifications?template_type=letter", &app.live).await;
        assert!(body["notifications"].as_array().unwrap().is_empty(), "no letters");
        assert!(body["links"].get("next").is_none());
        let (_, body) = app.get("/v2/notifications?template_type=letter&template_type=sms", &app.live).await;
        assert_eq!(body["notifications"].as_array().unwrap().len(), 1);
        let (_, body) = app.get("/v2/notifications", &app.test).await;
        assert_eq!(body["notifications"].as_array().unwrap().len(), 1, "test keys see only test sends");
    }

    list_parameters_are_validated(app) {
        let (status, body) = app.get("/v2/notifications?status=bogus&older_than=x&colour=red", &app.live).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let errors = messages(&body);
        assert!(errors[0].starts_with("status bogus is not one of ["), "{errors:?}");
        assert_eq!(errors[1], "older_than is not a valid UUID");
        assert_eq!(errors[2], "Additional properties are not allowed (colour was unexpected)");
        let (status, body) = app.get("/v2/notifications/not-a-uuid", &app.live).await;
        assert_eq!((status, messages(&body)), (StatusCode::BAD_REQUEST, vec!["notification_id is not a valid UUID".to_owned()]));
    }
}
