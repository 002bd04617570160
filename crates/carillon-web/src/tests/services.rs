//! A fixture for the service pages: real accounts signed in through the sign-in use cases
//! (the emailed code read back from the platform service's notifications), a service, and
//! requests carrying the signed-in session's cookie and its forms' token.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use carillon_app::accounts::{NewUser, platform_service_id};
use carillon_app::team::CreateService;
use carillon_app::{App, AppSettings};
use carillon_domain::{
    EmailLocalPart, Language, MemberPermission, NotificationFilter, Service, SystemClock, User,
};
use carillon_test_support::stores::TestStore;

use super::{Answer, get, post, send};
use crate::{CookieMode, WebSettings, WebState};

mod admin;
mod admin_users;
mod dashboard;
mod go_live;
mod invitation;
mod sent;
mod settings;
mod team;
mod templates;

pub(super) const PASSWORD: &str = "a long enough passphrase";

pub(super) struct Fx {
    pub(super) router: Router,
    pub(super) app: App,
    _store: TestStore,
}

/// A signed-in person: the account and the session cookie.
pub(super) struct Person {
    pub(super) user: User,
    pub(super) cookie: String,
}

impl Fx {
    pub(super) async fn new() -> Self {
        let store = TestStore::sqlite().await;
        let settings = AppSettings {
            cache_ttl: std::time::Duration::ZERO,
            web_base_url: "https://notify.example".to_owned(),
            ..AppSettings::default()
        };
        let app = App::new(Arc::clone(&store.store), Arc::new(SystemClock), settings);
        let web = WebSettings {
            cookies: CookieMode::Secure,
            ..WebSettings::default()
        };
        let state = WebState::new(app.clone(), web).unwrap();
        Self {
            router: crate::standalone(state),
            app,
            _store: store,
        }
    }

    /// The platform's emails to `to`, newest first (bodies as a person reads them).
    pub(super) async fn emails_to(&self, to: &str) -> Vec<String> {
        let filter = NotificationFilter {
            limit: 100,
            ..NotificationFilter::default()
        };
        let all = self
            .app
            .store()
            .notifications(platform_service_id(), &filter)
            .await
            .unwrap();
        all.into_iter()
            .filter(|n| n.to == to)
            .map(|n| n.body)
            .collect()
    }

    /// An active account, signed in with the emailed code.
    pub(super) async fn person(&self, name: &str, platform_admin: bool) -> Person {
        let email = format!("{}@example.gc.ca", name.to_lowercase());
        let user = self
            .app
            .create_user(NewUser {
                name: name.to_owned(),
                email: email.clone(),
                password: PASSWORD.to_owned(),
                platform_admin,
            })
            .await
            .unwrap();
        let cookie = self.sign_in(&email).await;
        Person { user, cookie }
    }

    /// Signs `email` in with the emailed code and agrees to the terms; the session cookie.
    pub(super) async fn sign_in(&self, email: &str) -> String {
        let mut session = self.app.open_session(None).await.unwrap();
        self.app.save_session(&mut session).await.unwrap();
        self.app
            .sign_in(&mut session, email, PASSWORD)
            .await
            .unwrap();
        let body = self.emails_to(email).await.remove(0);
        let code: String = body.chars().take_while(char::is_ascii_digit).collect();
        self.app
            .verify_email_code(&mut session, &code)
            .await
            .unwrap();
        let id = session.cookie_to_set().unwrap();
        // "Before you continue" is web's page: agree to the terms as it does.
        session.set_data("terms_agreed", serde_json::Value::Bool(true));
        self.app.save_session(&mut session).await.unwrap();
        format!("__Host-carillon={id}")
    }

    /// A trial service managed by `owner`.
    pub(super) async fn service(&self, owner: &Person, name: &str) -> Service {
        let email_from = name.to_lowercase().replace(' ', ".");
        self.app
            .create_service_for(
                &owner.user,
                CreateService {
                    name: name.to_owned(),
                    email_from: EmailLocalPart::parse(&email_from).unwrap(),
                    language: Language::English,
                },
            )
            .await
            .unwrap()
    }

    /// Adds `person` to `service` with `permissions`, through an invitation from `by`.
    pub(super) async fn join(
        &self,
        by: &Person,
        service: &Service,
        person: &Person,
        permissions: Vec<MemberPermission>,
    ) {
        let email = person.user.email.clone();
        self.app
            .invite(&by.user, service.id, &email, permissions, &self.app)
            .await
            .unwrap();
        let token = self.invitation_token(email.as_str()).await;
        self.app
            .accept_invitation(&token, Some(&person.user))
            .await
            .unwrap();
    }

    /// The token in the newest invitation link sent to `to`.
    pub(super) async fn invitation_token(&self, to: &str) -> String {
        self.link_token(to, "/invitation/").await
    }

    /// The token after `path` in the newest link sent to `to`.
    pub(super) async fn link_token(&self, to: &str, path: &str) -> String {
        let body = self.emails_to(to).await.remove(0);
        let marker = format!("https://notify.example{path}");
        let start = body.find(&marker).expect("a link") + marker.len();
        body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    /// GET `uri` as `person`.
    pub(super) async fn get_as(&self, person: &Person, uri: &str) -> Answer {
        let request = Request::get(uri)
            .header(header::COOKIE, &person.cookie)
            .body(Body::empty())
            .unwrap();
        send(&self.router, request).await
    }

    /// POST the form `fields` to `uri` as `person`, with the token of the page at `form_page`.
    pub(super) async fn post_as(
        &self,
        person: &Person,
        form_page: &str,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> Answer {
        let page = self.get_as(person, form_page).await;
        assert_eq!(page.status, StatusCode::OK, "{form_page}: {}", page.body);
        let token = page.csrf_token();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        send(&self.router, post(uri, &person.cookie, &all)).await
    }

    /// POST without the token: must be refused.
    pub(super) async fn post_without_token(&self, person: &Person, uri: &str) -> Answer {
        send(&self.router, post(uri, &person.cookie, &[])).await
    }

    /// GET `uri` signed out.
    pub(super) async fn get_signed_out(&self, uri: &str) -> Answer {
        get(&self.router, uri).await
    }
}

/// `uri` renders for `person` in French with a title of its own, then in English with
/// `heading` (the session remembers the last `?lang=`, so English comes last).
pub(super) async fn renders_in_both(fx: &Fx, person: &Person, uri: &str, heading: &str) -> Answer {
    let sep = if uri.contains('?') { '&' } else { '?' };
    let french = fx.get_as(person, &format!("{uri}{sep}lang=fr")).await;
    assert_eq!(french.status, StatusCode::OK, "{uri}: {}", french.body);
    assert!(french.body.contains("<html lang=\"fr\">"), "{uri}");
    let english = fx.get_as(person, &format!("{uri}{sep}lang=en")).await;
    assert_eq!(english.status, StatusCode::OK, "{uri}: {}", english.body);
    assert!(english.body.contains("<html lang=\"en\">"), "{uri}");
    assert_eq!(english.title(), format!("{heading} – Carillon"), "{uri}");
    assert_ne!(french.title(), english.title(), "{uri}");
    assert!(french.title().ends_with(" – Carillon"), "{uri}");
    english
}

/// Where a redirect goes.
pub(super) fn location(answer: &Answer) -> &str {
    answer
        .headers
        .get(header::LOCATION)
        .expect("a redirect")
        .to_str()
        .unwrap()
}
