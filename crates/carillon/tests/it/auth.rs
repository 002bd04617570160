//! Authentication errors with GC Notify's status codes and messages.

use reqwest::{Method, StatusCode};

use crate::harness::messages;
use crate::on_both_backends;

on_both_backends! {
    auth_errors(app) {
        let path = "/v2/notifications";
        let (status, body) = app.request(Method::GET, path, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["errors"][0]["error"], "AuthError");
        assert_eq!(messages(&body), vec!["Unauthorized, authentication token must be provided"]);

        let (status, body) = app.request(Method::GET, path, Some("Basic abc"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(messages(&body)[0].starts_with("Unauthorized, Authorization header is invalid."));

        let (status, body) = app.request(Method::GET, path, Some("Bearer not.a.jwt"), None).await;
        assert_eq!((status, messages(&body)), (StatusCode::FORBIDDEN, vec!["Invalid token: signature, api token is not valid".to_owned()]));

        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let wrong = carillon_crypto::jwt::sign(&app.service.id.to_string(), now, &uuid::Uuid::new_v4().to_string());
        let (_, body) = app.request(Method::GET, path, Some(&format!("Bearer {wrong}")), None).await;
        assert_eq!(messages(&body), vec!["Invalid token: signature, api token not found"]);

        let stale = carillon_crypto::jwt::sign(&app.service.id.to_string(), now - 120, &app.live.secret);
        let (_, body) = app.request(Method::GET, path, Some(&format!("Bearer {stale}")), None).await;
        assert_eq!(messages(&body), vec!["Error: Your system clock must be accurate to within 30 seconds"]);

        let unknown = carillon_crypto::jwt::sign(&uuid::Uuid::new_v4().to_string(), now, &app.live.secret);
        let (_, body) = app.request(Method::GET, path, Some(&format!("Bearer {unknown}")), None).await;
        assert_eq!(messages(&body), vec!["Invalid token: service not found"]);

        let (_, body) = app.request(Method::GET, path, Some("ApiKey-v1 gcntfy-short"), None).await;
        assert_eq!(messages(&body), vec!["Invalid token: API key not found"]);
        let (_, body) = app.request(Method::GET, path, Some("ApiKey-v1 nope"), None).await;
        assert_eq!(messages(&body), vec!["Invalid token: Enter your full API key"]);

        app.store.revoke_api_key(app.service.id, app.team.id, time::OffsetDateTime::now_utc()).await.unwrap();
        let (status, body) = app.get(path, &app.team).await;
        assert_eq!((status, messages(&body)), (StatusCode::FORBIDDEN, vec!["Invalid token: API key revoked".to_owned()]));
        let (status, _) = app.request(Method::GET, path, Some(&app.bearer(&app.team)), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
