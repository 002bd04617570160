//! The administration use cases on both backends, without HTTP: services, keys, senders,
//! safelist, callbacks and templates, with the errors each refuses with.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "admin/support.rs"]
mod support;

use carillon_app::App;
use carillon_app::callbacks::{CallbackError, HealthCheck};
use carillon_app::keys::KeyError;
use carillon_app::safelist::SafelistError;
use carillon_app::senders::SenderError;
use carillon_app::services::{CreateService, ServiceChanges, ServiceError};
use carillon_app::template_admin::{CreateTemplate, TemplateAdminError, TemplateChanges};
use carillon_domain::{
    ApiKeyId, EmailLocalPart, KeyType, NotificationType, Permission, ProcessType, SafelistId,
    Service, ServiceId, SmsFrom, TemplateId,
};
use carillon_store::CallbackKind;

async fn create(app: &App, name: &str, live: bool) -> Service {
    app.create_service(CreateService {
        name: name.to_owned(),
        email_from: EmailLocalPart::parse(&name.to_lowercase().replace(' ', ".")).unwrap(),
        live,
    })
    .await
    .unwrap()
}

on_both_backends!(
    services_created_shown_and_updated,
    services_chosen_when_left_out,
    keys_created_listed_and_revoked,
    reply_tos_keep_their_default,
    sms_senders_keep_their_default,
    safelist_added_and_removed,
    callbacks_set_after_the_health_check,
    templates_versioned_and_archived,
);

async fn services_created_shown_and_updated(app: &App) {
    let trial = create(app, "Trial service", false).await;
    assert!(trial.restricted && trial.active);
    assert_eq!((trial.email_daily_limit, trial.sms_daily_limit), (50, 50));
    let live = create(app, "Live service", true).await;
    assert!(!live.restricted);
    assert_eq!(
        (live.email_daily_limit, live.sms_daily_limit),
        (10_000, 1_500)
    );
    assert_eq!(app.service(live.id).await.unwrap(), live);

    let changed = app
        .update_service(
            trial.id,
            ServiceChanges {
                email_daily_limit: Some(75),
                sms_annual_limit: Some(500),
                rate_limit: Some(30),
                active: Some(false),
                prefix_sms: Some(false),
                permissions: Some(vec![Permission::Email, Permission::Email]),
                ..ServiceChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.email_daily_limit, 75);
    assert_eq!(changed.sms_daily_limit, 50);
    assert_eq!(changed.sms_annual_limit, 500);
    assert_eq!(changed.rate_limit, 30);
    assert!(!changed.active && !changed.prefix_sms);
    assert_eq!(changed.permissions, [Permission::Email]);
    assert_eq!(app.service(trial.id).await.unwrap(), changed);

    // Going live raises the daily limits to the live defaults unless given.
    let gone_live = app
        .update_service(
            trial.id,
            ServiceChanges {
                live: Some(true),
                sms_daily_limit: Some(2_000),
                ..ServiceChanges::default()
            },
        )
        .await
        .unwrap();
    assert!(!gone_live.restricted);
    assert_eq!(
        (gone_live.email_daily_limit, gone_live.sms_daily_limit),
        (10_000, 2_000)
    );

    for zero in [
        ServiceChanges {
            email_daily_limit: Some(0),
            ..ServiceChanges::default()
        },
        ServiceChanges {
            sms_annual_limit: Some(0),
            ..ServiceChanges::default()
        },
        ServiceChanges {
            rate_limit: Some(0),
            ..ServiceChanges::default()
        },
    ] {
        assert!(matches!(
            app.update_service(trial.id, zero).await,
            Err(ServiceError::ZeroLimit(_))
        ));
    }
    let taken = ServiceChanges {
        name: Some(live.name.clone()),
        ..ServiceChanges::default()
    };
    assert!(matches!(
        app.update_service(trial.id, taken).await,
        Err(ServiceError::Duplicate)
    ));
    assert!(matches!(
        app.update_service(ServiceId::new(), ServiceChanges::default())
            .await,
        Err(ServiceError::NotFound(_))
    ));
    let bad = CreateService {
        name: " ".to_owned(),
        email_from: EmailLocalPart::parse("blank").unwrap(),
        live: false,
    };
    assert!(matches!(
        app.create_service(bad).await,
        Err(ServiceError::InvalidName)
    ));
}

async fn services_chosen_when_left_out(app: &App) {
    assert!(matches!(
        app.service_or_only(None).await,
        Err(ServiceError::NoServices)
    ));
    let only = create(app, "Only", false).await;
    assert_eq!(app.service_or_only(None).await.unwrap(), only);
    let other = create(app, "Other", false).await;
    let error = app.service_or_only(None).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains(&only.id.to_string()) && text.contains(&other.id.to_string()),
        "{text}"
    );
    assert_eq!(app.service_or_only(Some(other.id)).await.unwrap(), other);
}

async fn keys_created_listed_and_revoked(app: &App) {
    let service = create(app, "Keys", false).await;
    let created = app
        .create_api_key(service.id, "Prod key", KeyType::Team)
        .await
        .unwrap();
    assert!(created.full_key.starts_with("gcntfy-prod_key-"));
    assert!(created.full_key.ends_with(&created.key.secret));
    assert!(matches!(
        app.create_api_key(service.id, "Prod key", KeyType::Test)
            .await,
        Err(KeyError::DuplicateName(_))
    ));
    app.revoke_api_key(service.id, created.key.id)
        .await
        .unwrap();
    // A revoked key's name may be used again.
    let again = app
        .create_api_key(service.id, "Prod key", KeyType::Test)
        .await
        .unwrap();
    let keys = app.api_keys(service.id).await.unwrap();
    assert_eq!(keys.len(), 2);
    for key in &keys {
        assert_eq!(key.revoked_at.is_some(), key.id == created.key.id);
        assert!(key.id == created.key.id || key.id == again.key.id);
    }
    assert!(matches!(
        app.revoke_api_key(service.id, ApiKeyId::new()).await,
        Err(KeyError::NotFound(_))
    ));
    assert!(matches!(
        app.api_keys(ServiceId::new()).await,
        Err(KeyError::Service(ServiceError::NotFound(_)))
    ));
}

async fn reply_tos_keep_their_default(app: &App) {
    let service = create(app, "Replies", false).await;
    let first = app
        .add_reply_to(service.id, "First@Example.gc.ca", false)
        .await
        .unwrap();
    assert!(first.is_default, "the first address is the default");
    let second = app
        .add_reply_to(service.id, "second@example.gc.ca", false)
        .await
        .unwrap();
    assert!(!second.is_default);
    assert!(matches!(
        app.add_reply_to(service.id, "not an address", false).await,
        Err(SenderError::InvalidEmail { .. })
    ));
    assert!(matches!(
        app.remove_reply_to(service.id, first.id).await,
        Err(SenderError::DefaultReplyTo(_))
    ));
    app.remove_reply_to(service.id, second.id).await.unwrap();
    assert_eq!(
        app.reply_tos(service.id).await.unwrap(),
        std::slice::from_ref(&first)
    );
    assert!(matches!(
        app.remove_reply_to(service.id, second.id).await,
        Err(SenderError::ReplyToNotFound(_))
    ));
    // The default goes when it is the last.
    app.remove_reply_to(service.id, first.id).await.unwrap();
    assert!(app.reply_tos(service.id).await.unwrap().is_empty());
}

async fn sms_senders_keep_their_default(app: &App) {
    let service = create(app, "Senders", false).await;
    let first = app
        .add_sms_sender(service.id, &SmsFrom::parse("GCNOTIFY").unwrap(), false)
        .await
        .unwrap();
    assert!(first.is_default);
    let second = app
        .add_sms_sender(service.id, &SmsFrom::parse("+16135550123").unwrap(), false)
        .await
        .unwrap();
    assert!(matches!(
        app.remove_sms_sender(service.id, first.id).await,
        Err(SenderError::DefaultSmsSender(_))
    ));
    app.remove_sms_sender(service.id, second.id).await.unwrap();
    assert_eq!(
        app.sms_senders(service.id).await.unwrap(),
        std::slice::from_ref(&first)
    );
    // Even the last one: GC Notify never deletes the default sender.
    assert!(matches!(
        app.remove_sms_sender(service.id, first.id).await,
        Err(SenderError::DefaultSmsSender(_))
    ));
}

async fn safelist_added_and_removed(app: &App) {
    let service = create(app, "Safelist", false).await;
    let phone = app
        .add_safelist_entry(service.id, "613-555-0123", false)
        .await
        .unwrap();
    assert_eq!(phone.recipient, "+16135550123");
    assert_eq!(phone.kind, NotificationType::Sms);
    let email = app
        .add_safelist_entry(service.id, "Member@Example.gc.ca", true)
        .await
        .unwrap();
    assert_eq!(email.recipient, "member@example.gc.ca");
    assert!(matches!(
        app.add_safelist_entry(service.id, "nobody", false).await,
        Err(SafelistError::InvalidRecipient(_))
    ));
    app.remove_safelist_entry(service.id, phone.id)
        .await
        .unwrap();
    assert_eq!(app.safelist(service.id).await.unwrap(), [email]);
    assert!(matches!(
        app.remove_safelist_entry(service.id, phone.id).await,
        Err(SafelistError::NotFound(_))
    ));
    assert!(matches!(
        app.remove_safelist_entry(service.id, SafelistId::new())
            .await,
        Err(SafelistError::NotFound(_))
    ));
}

/// A health check that answers as told, and counts the checks it was asked for.
#[derive(Debug, Default)]
struct Probe {
    refuse: bool,
    checks: std::sync::atomic::AtomicUsize,
}

impl HealthCheck for Probe {
    async fn check(&self, _url: &str, _token: &str) -> Result<(), String> {
        self.checks
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if self.refuse {
            Err("it answered 401 Unauthorized".to_owned())
        } else {
            Ok(())
        }
    }
}

async fn callbacks_set_after_the_health_check(app: &App) {
    let service = create(app, "Callbacks", false).await;
    let kind = CallbackKind::DeliveryStatus;
    let token = "a-long-enough-token";
    let refusing = Probe {
        refuse: true,
        ..Probe::default()
    };
    let url = "https://receiver.example.ca/cb";
    assert!(matches!(
        app.set_callback(service.id, kind, url, token, &refusing)
            .await,
        Err(CallbackError::HealthCheck(_))
    ));
    assert!(app.callbacks(service.id).await.unwrap().is_empty());
    let probe = Probe::default();
    assert!(matches!(
        app.set_callback(service.id, kind, url, "short", &probe)
            .await,
        Err(CallbackError::TokenTooShort)
    ));
    assert!(matches!(
        app.set_callback(service.id, kind, "http://example.ca/cb", token, &probe)
            .await,
        Err(CallbackError::NotHttps)
    ));
    assert_eq!(
        probe.checks.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing is checked before the input is"
    );
    app.set_callback(service.id, kind, url, token, &probe)
        .await
        .unwrap();
    app.suspend_callback(service.id, kind, true).await.unwrap();
    let listed = app.callbacks(service.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].suspended && listed[0].url == url);
    app.suspend_callback(service.id, kind, false).await.unwrap();
    assert!(!app.callbacks(service.id).await.unwrap()[0].suspended);
    app.remove_callback(service.id, kind).await.unwrap();
    assert!(matches!(
        app.remove_callback(service.id, kind).await,
        Err(CallbackError::NotSet(CallbackKind::DeliveryStatus))
    ));
    assert!(matches!(
        app.suspend_callback(service.id, CallbackKind::Complaint, true)
            .await,
        Err(CallbackError::NotSet(_))
    ));
}

async fn templates_versioned_and_archived(app: &App) {
    let service = create(app, "Templates", false).await;
    let email = |subject: Option<&str>, content: &str| CreateTemplate {
        name: "Welcome".to_owned(),
        kind: NotificationType::Email,
        subject: subject.map(str::to_owned),
        content: content.to_owned(),
        category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
        process_type_override: None,
        created_by: None,
    };
    assert!(matches!(
        app.create_template(service.id, email(None, "Hello")).await,
        Err(TemplateAdminError::MissingSubject)
    ));
    assert!(matches!(
        app.create_template(service.id, email(Some("Hi"), "  "))
            .await,
        Err(TemplateAdminError::EmptyContent)
    ));
    let first = app
        .create_template(service.id, email(Some("Hi ((name))"), "Hello ((name))"))
        .await
        .unwrap();
    assert_eq!(first.version, 1);
    let sms = CreateTemplate {
        name: "Code".to_owned(),
        kind: NotificationType::Sms,
        subject: None,
        content: "x".repeat(613),
        category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Priority),
        process_type_override: None,
        created_by: None,
    };
    assert!(matches!(
        app.create_template(service.id, sms.clone()).await,
        Err(TemplateAdminError::ContentTooLong { limit: 612 })
    ));
    let sms = app
        .create_template(
            service.id,
            CreateTemplate {
                content: "Your code is ((code))".to_owned(),
                ..sms
            },
        )
        .await
        .unwrap();

    let second = app
        .update_template(
            service.id,
            first.id,
            TemplateChanges {
                subject: Some("Welcome, ((name))".to_owned()),
                process_type_override: Some(ProcessType::Bulk),
                ..TemplateChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(second.version, 2);
    assert_eq!(second.content, first.content);
    assert_eq!(second.process_type, ProcessType::Bulk);
    assert_eq!(
        app.template(service.id, first.id, None).await.unwrap(),
        second
    );
    let old = app.template(service.id, first.id, Some(1)).await.unwrap();
    assert_eq!(old.subject.as_deref(), Some("Hi ((name))"));
    assert!(matches!(
        app.template(service.id, first.id, Some(9)).await,
        Err(TemplateAdminError::VersionNotFound { version: 9, .. })
    ));
    assert!(matches!(
        app.template(service.id, TemplateId::new(), None).await,
        Err(TemplateAdminError::NotFound(_))
    ));
    assert!(matches!(
        app.update_template(
            service.id,
            sms.id,
            TemplateChanges {
                subject: Some("No".to_owned()),
                ..TemplateChanges::default()
            }
        )
        .await,
        Err(TemplateAdminError::SubjectOnSms)
    ));

    let archived = app.archive_template(service.id, first.id).await.unwrap();
    assert!(archived.archived);
    assert!(matches!(
        app.archive_template(service.id, first.id).await,
        Err(TemplateAdminError::AlreadyArchived)
    ));
    assert!(matches!(
        app.update_template(service.id, first.id, TemplateChanges::default())
            .await,
        Err(TemplateAdminError::Archived(_))
    ));
    let listed = app.templates(service.id, None).await.unwrap();
    assert_eq!(listed, [sms]);
    assert!(
        app.templates(service.id, Some(NotificationType::Email))
            .await
            .unwrap()
            .is_empty()
    );
}
