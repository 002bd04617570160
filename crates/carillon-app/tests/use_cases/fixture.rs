//! A store of either backend with one service, its key, an email and an SMS template and a
//! safelisted address, and the use cases over it.

use std::sync::Arc;

use carillon_app::{App, AppSettings, SendInput};
use carillon_domain::{
    ApiKey, ApiKeyId, KeyType, NewApiKey, NewService, NewTemplate, NotificationType, ProcessType,
    Recipient, SafelistEntry, SafelistId, Service, ServiceId, SystemClock, Template, TemplateId,
};
use carillon_test_support::stores::TestStore;
use serde_json::json;
use time::OffsetDateTime;

pub(crate) const SAFELISTED: &str = "listed@example.ca";

/// What the tests send with, and what holds the database until the test ends.
pub(crate) struct Fixture {
    pub(crate) app: App,
    pub(crate) service: Service,
    pub(crate) key: ApiKey,
    pub(crate) email_template: Template,
    pub(crate) sms_template: Template,
    _hold: TestStore,
}

impl Fixture {
    pub(crate) async fn sqlite() -> Self {
        Self::over(TestStore::sqlite().await).await
    }

    /// A fresh database on the test server, or `None` (after saying so) when there is none.
    pub(crate) async fn postgres() -> Option<Self> {
        Some(Self::over(TestStore::postgres().await?).await)
    }

    async fn over(hold: TestStore) -> Self {
        let store = Arc::clone(&hold.store);
        let now = OffsetDateTime::now_utc();
        let new = NewService {
            id: ServiceId::new(),
            name: "Use cases".into(),
            email_from: carillon_domain::EmailLocalPart::parse("use.cases")
                .expect("a valid local part"),
            restricted: false,
        };
        let mut service = store.create_service(&new, now).await.unwrap();
        service.email_daily_limit = 1_000;
        service.email_annual_limit = 10_000;
        store.update_service(&service).await.unwrap();
        let key = store
            .create_api_key(
                &NewApiKey {
                    permissions: carillon_domain::ApiKeyPermissions::default(),
                    id: ApiKeyId::new(),
                    service_id: service.id,
                    name: "key".into(),
                    key_type: KeyType::Normal,
                    secret: uuid::Uuid::new_v4().to_string(),
                },
                now,
            )
            .await
            .unwrap();
        let template = |kind, subject: Option<&str>, content: &str| NewTemplate {
            id: TemplateId::new(),
            service_id: service.id,
            name: format!("{kind} template"),
            kind,
            subject: subject.map(str::to_owned),
            content: content.to_owned(),
            category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
            process_type_override: None,
            created_by: None,
        };
        let email = template(
            NotificationType::Email,
            Some("Code for ((name))"),
            "Hello ((name)), your code is ((code))",
        );
        let email_template = store.create_template(&email, now).await.unwrap();
        let sms = template(NotificationType::Sms, None, "Code ((code))");
        let sms_template = store.create_template(&sms, now).await.unwrap();
        store
            .add_safelist_entry(&SafelistEntry {
                id: SafelistId::new(),
                service_id: service.id,
                kind: NotificationType::Email,
                recipient: SAFELISTED.to_owned(),
                team_member: false,
            })
            .await
            .unwrap();
        let settings = AppSettings {
            // Changes made by a test apply at once.
            cache_ttl: std::time::Duration::ZERO,
            ..AppSettings::default()
        };
        let app = App::new(store, Arc::new(SystemClock), settings);
        Self {
            app,
            service,
            key,
            email_template,
            sms_template,
            _hold: hold,
        }
    }

    /// Sets the service's email limits (read back by the tests that pass the service).
    pub(crate) async fn set_limits(&self, daily: u32, annual: u64) {
        let mut service = self.service.clone();
        service.email_daily_limit = daily;
        service.email_annual_limit = annual;
        self.app.store().update_service(&service).await.unwrap();
    }
}

/// An email with the fixture's template and full personalisation to `to`.
pub(crate) fn input<'a>(f: &'a Fixture, key_type: KeyType, to: &str) -> SendInput<'a> {
    SendInput {
        service: &f.service,
        key_id: f.key.id,
        key_type,
        kind: NotificationType::Email,
        template_id: f.email_template.id,
        recipient: Recipient::parse(NotificationType::Email, to).unwrap(),
        to: to.to_owned(),
        personalisation: json!({"name": "Ada", "code": 1})
            .as_object()
            .unwrap()
            .clone(),
        reference: None,
        scheduled_for: None,
        sender_id: None,
    }
}
