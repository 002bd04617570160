//! Several API processes on one database: rate and sending limits hold across them, and each
//! process's caches pick up changes within their lifetime.

use std::time::Duration;

use carillon_server::ServerSettings;
use reqwest::StatusCode;

use crate::harness::{default_settings, test_settings};
use crate::on_both_backends;

on_both_backends! {
    rate_limit_holds_across_processes(app) {
        let mut service = app.service.clone();
        service.rate_limit = 40;
        app.store.update_service(&service).await.unwrap();
        let second = app.another_server(test_settings()).await;
        let third = app.another_server(default_settings()).await;
        let mut accepted = 0;
        let started = std::time::Instant::now();
        for n in 0..60 {
            let url = [app.url.as_str(), second.as_str(), third.as_str()][n % 3];
            match app.send_email_via(url, &app.live).await {
                StatusCode::CREATED => accepted += 1,
                StatusCode::TOO_MANY_REQUESTS => {}
                other => panic!("unexpected {other}"),
            }
        }
        // The window refills by 40 per 60 s: what came back meanwhile depends on how long the
        // sends took (a loaded machine is slower), never more than one token per 1.5 s.
        let refilled = (started.elapsed().as_secs_f64() * 40.0 / 60.0).ceil() as usize;
        assert!(
            (40..=41 + refilled).contains(&accepted),
            "accepted {accepted} of 60 with a limit of 40 in {:?}",
            started.elapsed()
        );
    }

    daily_limit_holds_across_processes(app) {
        let mut service = app.service.clone();
        service.email_daily_limit = 5;
        app.store.update_service(&service).await.unwrap();
        let second = app.another_server(test_settings()).await;
        let mut statuses = Vec::new();
        for n in 0..8 {
            let url = if n % 2 == 0 { app.url.as_str() } else { second.as_str() };
            statuses.push(app.send_email_via(url, &app.live).await);
        }
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 5);
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count(), 3);
    }

    cached_processes_see_revocations_within_the_ttl(app) {
        let ttl = Duration::from_millis(300);
        let cached = app.another_server(ServerSettings { cache_ttl: ttl, ..default_settings() }).await;
        assert_eq!(app.send_email_via(&cached, &app.test).await, StatusCode::CREATED);
        app.store.revoke_api_key(app.service.id, app.test.id, time::OffsetDateTime::now_utc()).await.unwrap();
        // Within the TTL the cached key may still work; after it, the revocation holds.
        let deadline = std::time::Instant::now() + ttl * 10;
        loop {
            if app.send_email_via(&cached, &app.test).await == StatusCode::FORBIDDEN {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "revocation not seen after {:?}", ttl * 10);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
