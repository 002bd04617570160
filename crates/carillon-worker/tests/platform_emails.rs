//! The web app's sign-in code goes through the whole pipeline: accepted from the platform
//! service, delivered by a worker to the outbox, and read there it signs the person in. And
//! the worker's housekeeping removes sessions that have timed out.
//!
//! PostgreSQL needs `CARILLON_TEST_POSTGRES_URL`; see `carillon_test_support::stores`.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use carillon_app::accounts::NewUser;
use carillon_app::{App, AppSettings};
use carillon_domain::SystemClock;
use carillon_providers::Outbox;
use carillon_store::SessionStage;
use carillon_test_support::stores::TestStore;
use carillon_worker::{Worker, WorkerSettings};

const PASSWORD: &str = "a long enough passphrase";

async fn the_sign_in_code_arrives_in_the_outbox(store: &TestStore) {
    let app = App::new(
        Arc::clone(&store.store),
        Arc::new(SystemClock),
        AppSettings::default(),
    );
    app.create_user(NewUser {
        name: "Ada".to_owned(),
        email: "ada@canada.ca".to_owned(),
        password: PASSWORD.to_owned(),
        platform_admin: false,
    })
    .await
    .unwrap();
    let mut session = app.open_session(None).await.unwrap();
    app.sign_in(&mut session, "ada@canada.ca", PASSWORD)
        .await
        .unwrap();

    let outbox = Arc::new(Outbox::new(Arc::clone(&store.store)));
    let worker = Worker::new(
        Arc::clone(&store.store),
        outbox.clone(),
        outbox,
        WorkerSettings::default(),
        Arc::clone(app.accepted()),
    );
    assert_eq!(worker.run_once().await.unwrap(), 1);

    let kept = app.outbox(10, None).await.unwrap();
    assert_eq!(kept.len(), 1);
    let message = &kept[0];
    assert_eq!(message.to, "ada@canada.ca");
    assert_eq!(message.subject.as_deref(), Some("Your sign-in code"));
    assert!(message.from.contains("<notify@"), "{}", message.from);
    let code: String = message
        .text
        .chars()
        .filter(char::is_ascii_digit)
        .take(5)
        .collect();
    assert_eq!(code.len(), 5, "{}", message.text);

    app.verify_email_code(&mut session, &code).await.unwrap();
    assert_eq!(session.stage(), SessionStage::SignedIn);
}

#[tokio::test]
async fn sign_in_code_through_the_outbox_sqlite() {
    the_sign_in_code_arrives_in_the_outbox(&TestStore::sqlite().await).await;
}

#[tokio::test]
async fn sign_in_code_through_the_outbox_postgres() {
    let Some(store) = TestStore::postgres().await else {
        return;
    };
    the_sign_in_code_arrives_in_the_outbox(&store).await;
}

async fn housekeeping_removes_timed_out_sessions(store: &TestStore) {
    use carillon_domain::{Clock, FixedClock};
    use time::macros::datetime;

    let clock = Arc::new(FixedClock::new(datetime!(2026-12-01 12:00:00 UTC)));
    let app = App::new(
        Arc::clone(&store.store),
        Arc::clone(&clock) as Arc<dyn Clock>,
        AppSettings::default(),
    );
    let mut session = app.open_session(None).await.unwrap();
    let cookie = session.cookie_to_set().unwrap();
    app.save_session(&mut session).await.unwrap();
    let hash = app.settings().token_key.hash(b"session", &cookie);
    let outbox = Arc::new(Outbox::new(Arc::clone(&store.store)));
    let worker = Worker::new(
        Arc::clone(&store.store),
        outbox.clone(),
        outbox,
        WorkerSettings::default(),
        Arc::clone(app.accepted()),
    )
    .with_clock(Arc::clone(&clock) as Arc<dyn Clock>);

    clock.advance(time::Duration::minutes(29));
    worker.housekeep().await.unwrap();
    assert!(
        store.store.session(&hash).await.unwrap().is_some(),
        "still valid"
    );
    // Housekeeping runs once per 10 minutes; by then the session has been idle too long.
    clock.advance(time::Duration::minutes(11));
    worker.housekeep().await.unwrap();
    assert!(store.store.session(&hash).await.unwrap().is_none());
}

#[tokio::test]
async fn timed_out_sessions_are_purged_sqlite() {
    housekeeping_removes_timed_out_sessions(&TestStore::sqlite().await).await;
}

#[tokio::test]
async fn timed_out_sessions_are_purged_postgres() {
    let Some(store) = TestStore::postgres().await else {
        return;
    };
    housekeeping_removes_timed_out_sessions(&store).await;
}
