//! The service-management use cases on both real backends: permissions, invitations,
//! departures, settings, go-live, keys, callbacks, platform admin tools and the audit log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod admin_users;
mod api;
mod golive;
mod invites;
mod members;
mod reply_to;
mod seed;

use std::sync::{Arc, Mutex};

use carillon_domain::{
    EmailAddress, EmailLocalPart, FixedClock, Language, NotificationFilter, SecondFactor, Service,
    User, UserId, UserState,
};
use carillon_test_support::stores::TestStore;
use time::macros::datetime;

use super::{CreateService, InvitationEmail, InvitationMailer};
use crate::accounts::platform_service_id;
use crate::{App, AppSettings};

/// An app over a fresh store, with a clock the test moves.
pub(super) struct Fx {
    pub(super) app: App,
    pub(super) clock: Arc<FixedClock>,
    _store: TestStore,
}

impl Fx {
    fn over(store: TestStore) -> Self {
        let clock = Arc::new(FixedClock::new(datetime!(2026-12-01 12:00:00 UTC)));
        let app = App::new(
            Arc::clone(&store.store),
            Arc::clone(&clock) as Arc<dyn carillon_domain::Clock>,
            AppSettings {
                cache_ttl: std::time::Duration::ZERO,
                web_base_url: "https://notify.example.ca/".to_owned(),
                ..AppSettings::default()
            },
        );
        Self {
            app,
            clock,
            _store: store,
        }
    }

    /// A stored, active account.
    pub(super) async fn user(&self, name: &str, admin: bool) -> User {
        let user = User {
            id: UserId::new(),
            name: name.to_owned(),
            email: EmailAddress::parse(&format!("{}@example.gc.ca", name.to_lowercase())).unwrap(),
            password_hash: "$argon2id$not-checked-here".to_owned(),
            state: UserState::Active,
            platform_admin: admin,
            second_factor: SecondFactor::EmailCode,
            totp_secret: None,
            totp_last_step: 0,
            failed_sign_ins: 0,
            language: Language::English,
            password_changed_at: self.app.clock().now(),
            created_at: self.app.clock().now(),
        };
        self.app.store().create_user(&user).await.unwrap();
        user
    }

    /// A trial service created by `owner`, who manages it.
    pub(super) async fn service(&self, owner: &User, name: &str) -> Service {
        let email_from = name.to_lowercase().replace(' ', ".");
        self.app
            .create_service_for(
                owner,
                CreateService {
                    name: name.to_owned(),
                    email_from: EmailLocalPart::parse(&email_from).unwrap(),
                    language: Language::English,
                },
            )
            .await
            .unwrap()
    }

    /// The newest reply-to verification email to `to`: subject and body.
    pub(super) async fn reply_to_email(&self, to: &str) -> String {
        let filter = NotificationFilter {
            limit: 100,
            ..NotificationFilter::default()
        };
        let sent = self
            .app
            .store()
            .notifications(platform_service_id(), &filter)
            .await
            .unwrap();
        let email = sent.into_iter().find(|n| n.to == to).expect("an email");
        format!("{}\n{}", email.subject.unwrap_or_default(), email.body)
    }

    /// The token of the newest reply-to verification link emailed to `to`.
    pub(super) async fn reply_to_token(&self, to: &str) -> String {
        let email = self.reply_to_email(to).await;
        let prefix = "https://notify.example.ca/reply-to/verify/";
        let start = email.find(prefix).expect("a link") + prefix.len();
        email[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    /// The audit log's action codes for `service`, oldest first.
    pub(super) async fn actions(&self, service: &Service) -> Vec<String> {
        let events = self
            .app
            .store()
            .audit_events(Some(service.id), 100)
            .await
            .unwrap();
        events.into_iter().rev().map(|e| e.action).collect()
    }
}

/// Keeps the invitation emails it is asked to send (or refuses them).
#[derive(Debug, Default)]
pub(super) struct Mailbox {
    pub(super) refuse: bool,
    pub(super) sent: Mutex<Vec<(String, String)>>,
}

impl Mailbox {
    /// The token of the last invitation sent to `to`.
    pub(super) fn token_for(&self, to: &str) -> String {
        let sent = self.sent.lock().unwrap();
        let found = sent.iter().rev().find(|(address, _)| address == to);
        found.expect("an invitation to this address").1.clone()
    }
}

impl InvitationMailer for Mailbox {
    async fn send_invitation(&self, email: &InvitationEmail<'_>) -> Result<(), String> {
        if self.refuse {
            return Err("refused".to_owned());
        }
        let sent = (email.to.as_str().to_owned(), email.token.to_owned());
        self.sent.lock().unwrap().push(sent);
        Ok(())
    }
}

/// One `#[tokio::test]` per backend for each `async fn(&Fx)` named.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let store = carillon_test_support::stores::TestStore::sqlite().await;
                    super::$name(&crate::team::tests::Fx::over(store)).await;
                }

                #[tokio::test]
                async fn postgres() {
                    let Some(store) = carillon_test_support::stores::TestStore::postgres().await
                    else {
                        return;
                    };
                    super::$name(&crate::team::tests::Fx::over(store)).await;
                }
            }
        )*
    };
}
pub(super) use on_both_backends;
