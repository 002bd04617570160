//! The web app's sign-in code goes through the whole pipeline: accepted from the platform
//! service, delivered by a worker to the outbox, and read there it signs the person in.
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
