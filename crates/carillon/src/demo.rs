//! `carillon demo`: a live demo service with keys of every type, an email and an SMS template,
//! a reply-to address and an SMS sender; seeded idempotently, described in one JSON line.

use std::sync::Arc;

use anyhow::Result;
use carillon_app::App;
use carillon_app::accounts::{NewUser, UserAdminError};
use carillon_crypto::api_key;
use carillon_domain::{
    ApiKey, ApiKeyId, EmailLocalPart, KeyType, MemberPermission, Membership, NewApiKey, NewService,
    NewTemplate, NotificationType, ProcessType, ReplyTo, ReplyToId, ServiceId, SmsFrom, SmsSender,
    SmsSenderId, TemplateId, UserId,
};
use carillon_store::Store;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

/// Fixed identifiers, so running the demo again finds what it made before.
const SERVICE: Uuid = Uuid::from_u128(0x5e3c_1a8e_0000_4000_8000_0000_0000_0001);
const EMAIL_TEMPLATE: Uuid = Uuid::from_u128(0x5e3c_1a8e_0000_4000_8000_0000_0000_0002);
const SMS_TEMPLATE: Uuid = Uuid::from_u128(0x5e3c_1a8e_0000_4000_8000_0000_0000_0003);
const REPLY_TO: Uuid = Uuid::from_u128(0x5e3c_1a8e_0000_4000_8000_0000_0000_0004);
const SMS_SENDER: Uuid = Uuid::from_u128(0x5e3c_1a8e_0000_4000_8000_0000_0000_0005);

const EMAIL_BODY: &str = "[[en]]\nHello ((name)),\n\nThis message came from your Carillon \
demo. Every email and text message you send from here is kept in the outbox.\n[[/en]]\n\n---\n\n\
[[fr]]\nBonjour ((name)),\n\nCe message vient de votre démo Carillon.\n[[/fr]]";

/// The demo's web account.
const ACCOUNT_EMAIL: &str = "demo@carillon.example";

/// Where the demo answers, and its web account when the web app is served.
#[derive(Debug)]
pub(crate) struct Urls {
    pub(crate) api: String,
    /// The metrics, when served.
    pub(crate) metrics: Option<String>,
    /// The web app's sign-in page, when the role serves the web app.
    pub(crate) sign_in: Option<String>,
    /// The web account: its id, email address and password.
    pub(crate) account: Option<(UserId, String, String)>,
}

/// The demo's web account, a platform admin (so it sees every service, the demo's included),
/// with a new generated password each run, printed once in the demo's line.
pub(crate) async fn account(app: &App) -> Result<(UserId, String, String)> {
    let password = carillon_crypto::token::new_token();
    let user = match app.user_by_email(ACCOUNT_EMAIL).await {
        Ok(user) => {
            app.set_password(ACCOUNT_EMAIL, &password).await?;
            user
        }
        Err(UserAdminError::NotFound) => {
            app.create_user(NewUser {
                name: "Demo Admin".to_owned(),
                email: ACCOUNT_EMAIL.to_owned(),
                password: password.clone(),
                platform_admin: true,
            })
            .await?
        }
        Err(error) => return Err(error.into()),
    };
    Ok((user.id, ACCOUNT_EMAIL.to_owned(), password))
}

/// Seeds the demo and returns the JSON line describing it (with where the metrics and the
/// web app are served, when they are).
pub(crate) async fn seed(store: &Arc<dyn Store>, urls: &Urls) -> Result<String> {
    let now = OffsetDateTime::now_utc();
    let service_id = ServiceId::from_uuid(SERVICE);
    let mut service = match store.service(service_id).await? {
        Some(service) => service,
        None => {
            let new = NewService {
                id: service_id,
                name: "Carillon Demo".to_owned(),
                email_from: EmailLocalPart::parse("demo")?,
                restricted: false,
            };
            store.create_service(&new, now).await?
        }
    };
    if service.restricted || !service.active {
        service.restricted = false;
        service.active = true;
        store.update_service(&service).await?;
    }

    let existing = store.api_keys(service_id).await?;
    let mut keys = serde_json::Map::new();
    // "manage" may also use /v2/manage-template and /v2/reports (GC Notify's key permissions).
    let manage = carillon_domain::ApiKeyPermissions {
        manage_templates: true,
        manage_reports: true,
    };
    let none = carillon_domain::ApiKeyPermissions::default();
    for (label, key_type, permissions) in [
        ("live", KeyType::Normal, none),
        ("team", KeyType::Team, none),
        ("test", KeyType::Test, none),
        ("manage", KeyType::Normal, manage),
    ] {
        let name = format!("demo {label}");
        let key: ApiKey = match existing
            .iter()
            .find(|k| k.name == name && k.revoked_at.is_none())
        {
            Some(key) => key.clone(),
            None => {
                let new = NewApiKey {
                    permissions,
                    id: ApiKeyId::new(),
                    service_id,
                    name: name.clone(),
                    key_type,
                    secret: api_key::generate_secret(),
                };
                store.create_api_key(&new, now).await?
            }
        };
        let full = api_key::format_key(&key.name, &service_id.to_string(), &key.secret);
        keys.insert(label.to_owned(), json!(full));
    }

    for (id, kind, name, subject, body) in [
        (
            EMAIL_TEMPLATE,
            NotificationType::Email,
            "Demo email",
            Some("Hello ((name))"),
            EMAIL_BODY,
        ),
        (
            SMS_TEMPLATE,
            NotificationType::Sms,
            "Demo text message",
            None,
            "Hello ((name)), this text came from your Carillon demo.",
        ),
    ] {
        let template_id = TemplateId::from_uuid(id);
        if store.template(service_id, template_id).await?.is_none() {
            let new = NewTemplate {
                id: template_id,
                service_id,
                name: name.to_owned(),
                kind,
                subject: subject.map(str::to_owned),
                content: body.to_owned(),
                category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
                process_type_override: None,
                created_by: None,
            };
            store.create_template(&new, now).await?;
        }
    }

    let reply_to_id = ReplyToId::from_uuid(REPLY_TO);
    if !store
        .reply_tos(service_id)
        .await?
        .iter()
        .any(|r| r.id == reply_to_id)
    {
        store
            .add_reply_to(&ReplyTo {
                id: reply_to_id,
                service_id,
                email_address: "demo-reply@example.gc.ca".to_owned(),
                is_default: true,
                archived: false,
                // The demo's own address, vouched for like the command line's.
                verified: true,
            })
            .await?;
    }
    let sender_id = SmsSenderId::from_uuid(SMS_SENDER);
    if !store
        .sms_senders(service_id)
        .await?
        .iter()
        .any(|s| s.id == sender_id)
    {
        store
            .add_sms_sender(&SmsSender {
                id: sender_id,
                service_id,
                sms_sender: SmsFrom::parse("CARILLON")?,
                is_default: true,
                archived: false,
            })
            .await?;
    }

    let mut line = json!({
        "api_url": urls.api,
        "service_id": service_id.to_string(),
        "api_keys": keys,
        "templates": {"email": EMAIL_TEMPLATE.to_string(), "sms": SMS_TEMPLATE.to_string()},
        "email_reply_to_id": REPLY_TO.to_string(),
        "sms_sender_id": SMS_SENDER.to_string(),
    });
    if let Some(url) = &urls.metrics {
        line["metrics_url"] = json!(url);
    }
    if let Some(url) = &urls.sign_in {
        line["sign_in_url"] = json!(url);
    }
    if let Some((user, email, password)) = &urls.account {
        // A member of the demo service with every permission, so "Your services" lists it.
        if store.membership(service_id, *user).await?.is_none() {
            let membership = Membership {
                service: service_id,
                user: *user,
                permissions: MemberPermission::ALL.to_vec(),
            };
            store.put_membership(&membership).await?;
        }
        line["web_account"] = json!({"email": email, "password": password});
    }
    Ok(line.to_string())
}
