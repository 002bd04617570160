//! A fresh store, an app on a fixed clock, and helpers to read the platform's emails as the
//! pipeline stored them (what a person would read in the outbox).

use std::sync::Arc;

use carillon_app::accounts::{NewUser, Session, platform_service_id};
use carillon_app::{App, AppSettings};
use carillon_domain::{FixedClock, Notification, NotificationFilter, User};
use carillon_test_support::stores::TestStore;
use time::macros::datetime;

pub(crate) const PASSWORD: &str = "a long enough passphrase";

pub(crate) struct Fixture {
    pub(crate) app: App,
    pub(crate) clock: Arc<FixedClock>,
    pub(crate) store: TestStore,
}

impl Fixture {
    pub(crate) async fn new(store: TestStore) -> Self {
        let clock = Arc::new(FixedClock::new(datetime!(2026-12-01 12:00:00 UTC)));
        let settings = AppSettings {
            cache_ttl: std::time::Duration::ZERO,
            web_base_url: "https://notify.example.ca/".to_owned(),
            ..AppSettings::default()
        };
        let app = App::new(Arc::clone(&store.store), clock.clone(), settings);
        Self { app, clock, store }
    }

    /// An active account signing in with an emailed code.
    pub(crate) async fn user(&self, email: &str) -> User {
        self.app
            .create_user(NewUser {
                name: "Ada Lovelace".to_owned(),
                email: email.to_owned(),
                password: PASSWORD.to_owned(),
                platform_admin: false,
            })
            .await
            .unwrap()
    }

    pub(crate) fn advance(&self, minutes: i64) {
        self.clock.advance(time::Duration::minutes(minutes));
    }

    /// The platform's emails to `to`, newest first.
    pub(crate) async fn emails_to(&self, to: &str) -> Vec<Notification> {
        let filter = NotificationFilter {
            limit: 100,
            ..NotificationFilter::default()
        };
        let mut all = self
            .store
            .store
            .notifications(platform_service_id(), &filter)
            .await
            .unwrap();
        all.retain(|n| n.to == to);
        all
    }

    /// The sign-in code in the newest email to `to`.
    pub(crate) async fn code_sent_to(&self, to: &str) -> String {
        let email = self
            .emails_to(to)
            .await
            .into_iter()
            .next()
            .expect("an email");
        assert_eq!(email.subject.as_deref(), Some("Your sign-in code"));
        email
            .body
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    }

    /// The token at the end of the link in the newest email to `to`.
    pub(crate) async fn link_token_sent_to(&self, to: &str, path: &str) -> String {
        let email = self
            .emails_to(to)
            .await
            .into_iter()
            .next()
            .expect("an email");
        let prefix = format!("https://notify.example.ca{path}/");
        let start = email.body.find(&prefix).expect("a link") + prefix.len();
        email.body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    /// A stored anonymous session and its cookie.
    pub(crate) async fn new_session(&self) -> (Session, String) {
        let mut session = self.app.open_session(None).await.unwrap();
        let cookie = session
            .cookie_to_set()
            .expect("a new session sets its cookie");
        self.app.save_session(&mut session).await.unwrap();
        (session, cookie)
    }

    /// Signs `email` in with the emailed code; returns the signed-in session's cookie.
    pub(crate) async fn sign_in(&self, email: &str) -> (Session, String) {
        let (mut session, _) = self.new_session().await;
        self.app
            .sign_in(&mut session, email, PASSWORD)
            .await
            .unwrap();
        let code = self.code_sent_to(email).await;
        self.app
            .verify_email_code(&mut session, &code)
            .await
            .unwrap();
        let cookie = session.cookie_to_set().expect("a rotated id");
        (session, cookie)
    }

    pub(crate) async fn reload(&self, user: &User) -> User {
        self.store.store.user(user.id).await.unwrap().unwrap()
    }

    pub(crate) async fn audit_actions(&self) -> Vec<String> {
        let events = self.store.store.audit_events(None, 100).await.unwrap();
        events.into_iter().map(|e| e.action).collect()
    }
}

/// Runs one scenario on SQLite and, when configured, PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                super::$name(Fixture::new(TestStore::sqlite().await).await).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(store) = TestStore::postgres().await {
                    super::$name(Fixture::new(store).await).await;
                }
            }
        }
    )*};
}
