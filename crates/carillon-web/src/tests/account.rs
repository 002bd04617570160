//! A signed-in person for the pages behind sign-in: an account made with the operators' use
//! case, signed in through the real use cases (the code read from the platform's outbox), and
//! a trial service they manage.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use carillon_app::accounts::{NewUser, platform_service_id};
use carillon_app::team::CreateService;
use carillon_app::{App, AppSettings};
use carillon_domain::{
    EmailLocalPart, Language, MemberPermission, Membership, NotificationFilter, Service,
    SystemClock, User,
};
use carillon_test_support::stores::TestStore;

use super::{Answer, get_with, send};
use crate::{CookieMode, WebSettings, WebState};

pub(super) const PASSWORD: &str = "a long enough passphrase";

pub(super) struct Fixture {
    pub(super) router: Router,
    pub(super) app: App,
    pub(super) store: TestStore,
}

/// A person signed in: their cookie and their forms' token.
pub(super) struct Person {
    pub(super) user: User,
    pub(super) cookie: String,
    pub(super) token: String,
}

impl Fixture {
    pub(super) async fn new() -> Self {
        let store = TestStore::sqlite().await;
        let app = App::new(
            Arc::clone(&store.store),
            Arc::new(SystemClock),
            AppSettings::default(),
        );
        let settings = WebSettings {
            cookies: CookieMode::Secure,
            callbacks_allow_loopback: true,
            ..WebSettings::default()
        };
        let state = WebState::new(app.clone(), settings).unwrap();
        Self {
            router: crate::standalone(state),
            app,
            store,
        }
    }

    /// An active account, signed in with the code emailed to it.
    pub(super) async fn person(&self, email: &str) -> Person {
        self.app
            .create_user(NewUser {
                name: "Ada Lovelace".to_owned(),
                email: email.to_owned(),
                password: PASSWORD.to_owned(),
                platform_admin: false,
            })
            .await
            .unwrap();
        self.person_again(email).await
    }

    /// The same account signed in again, in another browser.
    pub(super) async fn person_again(&self, email: &str) -> Person {
        let mut session = self.app.open_session(None).await.unwrap();
        self.app.save_session(&mut session).await.unwrap();
        self.app
            .sign_in(&mut session, email, PASSWORD)
            .await
            .unwrap();
        let code = self.code_sent_to(email).await;
        self.app
            .verify_email_code(&mut session, &code)
            .await
            .unwrap();
        let user = session.user().cloned().expect("signed in");
        // "Before you continue" asks for the terms once per session: agreed here.
        session.set_data("terms_agreed", serde_json::Value::Bool(true));
        self.app.save_session(&mut session).await.unwrap();
        let id = session.cookie_to_set().expect("a rotated id");
        let cookie = format!("__Host-carillon={id}");
        let profile = get_with(&self.router, "/profile", &cookie).await;
        assert_eq!(profile.status, StatusCode::OK, "{}", profile.body);
        let token = profile.csrf_token();
        Person {
            user,
            cookie,
            token,
        }
    }

    /// The body of the newest platform email to `to`.
    pub(super) async fn email_to(&self, to: &str) -> String {
        let filter = NotificationFilter {
            limit: 100,
            ..NotificationFilter::default()
        };
        let sent = self
            .store
            .store
            .notifications(platform_service_id(), &filter)
            .await
            .unwrap();
        sent.into_iter()
            .find(|n| n.to == to)
            .expect("an email")
            .body
    }

    async fn code_sent_to(&self, to: &str) -> String {
        self.email_to(to)
            .await
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    }

    /// A trial service `person` manages with every permission.
    pub(super) async fn service(&self, person: &Person, name: &str) -> Service {
        self.app
            .create_service_for(
                &person.user,
                CreateService {
                    name: name.to_owned(),
                    email_from: EmailLocalPart::parse(&name.to_lowercase()).unwrap(),
                    language: Language::English,
                },
            )
            .await
            .unwrap()
    }

    /// Makes `person` a member of `service` who may only see its activity.
    pub(super) async fn viewer(&self, service: &Service, person: &Person) {
        let membership = Membership {
            service: service.id,
            user: person.user.id,
            permissions: vec![MemberPermission::ViewActivity],
        };
        self.store.store.put_membership(&membership).await.unwrap();
    }

    pub(super) async fn get(&self, person: &Person, uri: &str) -> Answer {
        get_with(&self.router, uri, &person.cookie).await
    }

    pub(super) async fn post(&self, person: &Person, uri: &str, fields: &[(&str, &str)]) -> Answer {
        let mut all = vec![("csrf_token", person.token.as_str())];
        all.extend_from_slice(fields);
        send(&self.router, super::post(uri, &person.cookie, &all)).await
    }
}
