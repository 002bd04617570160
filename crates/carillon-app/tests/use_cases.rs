//! The sending use cases without HTTP, on SQLite and on PostgreSQL: every rule's typed error,
//! the parse cache, and bulk check and submit.
//!
//! PostgreSQL needs `CARILLON_TEST_POSTGRES_URL` (an account allowed to create databases); the
//! tests fail without it in CI and are skipped, with a message on stderr, elsewhere.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "use_cases/fixture.rs"]
mod fixture;
#[path = "use_cases/sent.rs"]
mod sent;

use std::sync::Arc;

use carillon_app::{
    BulkError, BulkFile, LimitPeriod, ParsedTemplate, RecipientRefused, SendError, TemplateError,
};
use carillon_bulk::Format;
use carillon_domain::{KeyType, NotificationStatus, NotificationType, Permission, TemplateUpdate};
use carillon_render::RenderError;
use carillon_store::{Counter, Period};
use fixture::{Fixture, input};
use serde_json::json;

macro_rules! on_both_backends {
    ($($name:ident($f:ident) $body:block)*) => {$(
        mod $name {
            use super::*;

            async fn run($f: &Fixture) $body

            #[tokio::test]
            async fn sqlite() {
                let f = Fixture::sqlite().await;
                run(&f).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(f) = Fixture::postgres().await {
                    run(&f).await;
                }
            }
        }
    )*};
}

on_both_backends! {
    sent_messages_search_and_pages(f) {
        sent::search_and_pages(f).await;
    }

    sent_messages_csv_export(f) {
        sent::csv_export(f).await;
    }

    a_live_key_sends_and_counts(f) {
        let accepted = f.app.send(input(f, KeyType::Normal, "a@example.ca")).await.unwrap();
        assert_eq!(accepted.body, "Hello Ada, your code is 1");
        assert_eq!(accepted.subject.as_deref(), Some("Code for Ada"));
        assert!(!accepted.simulated);
        let stored = f.app.store().notification(f.service.id, accepted.id).await.unwrap().unwrap();
        assert_eq!(stored.status, NotificationStatus::Created);
        assert_eq!(f.sent_today().await, 1);
    }

    a_suspended_service_sends_nothing(f) {
        let mut service = f.service.clone();
        service.active = false;
        let mut input = input(f, KeyType::Normal, "a@example.ca");
        input.service = &service;
        assert!(matches!(f.app.send(input).await, Err(SendError::Suspended)));
    }

    a_missing_permission_is_refused(f) {
        let mut service = f.service.clone();
        service.permissions.retain(|p| *p != Permission::Email);
        let mut input = input(f, KeyType::Normal, "a@example.ca");
        input.service = &service;
        let error = f.app.send(input).await.unwrap_err();
        assert!(matches!(error, SendError::NotAllowed(NotificationType::Email)), "{error:?}");
        assert_eq!(error.to_string(), "Service is not allowed to send emails");
    }

    trial_mode_reaches_only_the_safelist(f) {
        let mut service = f.service.clone();
        service.restricted = true;
        let mut to_stranger = input(f, KeyType::Normal, "stranger@example.ca");
        to_stranger.service = &service;
        let error = f.app.send(to_stranger).await.unwrap_err();
        assert!(matches!(error, SendError::RecipientRefused(RecipientRefused::TrialMode)), "{error:?}");
        let mut to_listed = input(f, KeyType::Normal, fixture::SAFELISTED);
        to_listed.service = &service;
        f.app.send(to_listed).await.unwrap();
        // A team key is held to the safelist whatever the service's mode.
        let error = f.app.send(input(f, KeyType::Team, "stranger@example.ca")).await.unwrap_err();
        assert!(matches!(error, SendError::RecipientRefused(RecipientRefused::TeamKey(id)) if id == f.service.id), "{error:?}");
        f.app.send(input(f, KeyType::Team, fixture::SAFELISTED)).await.unwrap();
    }

    test_keys_and_smoke_tests_are_not_counted(f) {
        f.app.send(input(f, KeyType::Test, "a@example.ca")).await.unwrap();
        let smoke = f.app
            .send(input(f, KeyType::Normal, "simulate-delivered@notification.canada.ca"))
            .await
            .unwrap();
        assert!(smoke.simulated);
        assert_eq!(f.app.store().notification(f.service.id, smoke.id).await.unwrap(), None, "never stored");
        assert_eq!(f.sent_today().await, 0);
    }

    the_daily_and_annual_limits_are_typed(f) {
        f.set_limits(1, 10).await;
        let service = f.app.store().service(f.service.id).await.unwrap().unwrap();
        let send = |to| { let mut i = input(f, KeyType::Normal, to); i.service = &service; i };
        f.app.send(send("a@example.ca")).await.unwrap();
        let error = f.app.send(send("b@example.ca")).await.unwrap_err();
        let SendError::LimitExceeded(exceeded) = error else { panic!("{error:?}") };
        assert_eq!((exceeded.period, exceeded.limit, exceeded.trial), (LimitPeriod::Daily, 1, false));
        assert_eq!(exceeded.class(), "LiveServiceTooManyEmailRequestsError");
        assert_eq!(exceeded.message(), "Exceeded email daily sending limit of 1 messages");

        f.set_limits(10, 1).await;
        let service = f.app.store().service(f.service.id).await.unwrap().unwrap();
        let mut again = input(f, KeyType::Normal, "c@example.ca");
        again.service = &service;
        let error = f.app.send(again).await.unwrap_err();
        let SendError::LimitExceeded(exceeded) = error else { panic!("{error:?}") };
        assert_eq!((exceeded.period, exceeded.limit), (LimitPeriod::Annual, 1));
        assert_eq!(exceeded.class(), "LiveServiceRequestExceedsEmailAnnualLimitError");
    }

    a_template_of_the_other_channel_is_refused(f) {
        let mut input = input(f, KeyType::Normal, "a@example.ca");
        input.template_id = f.sms_template.id;
        let error = f.app.send(input).await.unwrap_err();
        assert!(matches!(
            error,
            SendError::Template(TemplateError::WrongType { found: NotificationType::Sms, requested: NotificationType::Email })
        ), "{error:?}");
        assert_eq!(error.to_string(), "sms template is not suitable for email notification");
    }

    missing_personalisation_is_named(f) {
        let mut input = input(f, KeyType::Normal, "a@example.ca");
        input.personalisation = json!({"name": "Ada"}).as_object().unwrap().clone();
        let error = f.app.send(input).await.unwrap_err();
        let SendError::MissingPersonalisation { template_id, names } = &error else { panic!("{error:?}") };
        assert_eq!((*template_id, names.as_slice()), (f.email_template.id, ["code".to_owned()].as_slice()));
        assert_eq!(f.sent_today().await, 0);
    }

    a_message_blank_once_personalised_previews_but_is_not_sent(f) {
        let update = TemplateUpdate { content: Some("((code))".into()), ..TemplateUpdate::default() };
        f.app.store()
            .update_template(f.service.id, f.email_template.id, &update, time::OffsetDateTime::now_utc())
            .await
            .unwrap();
        let blank = json!({"name": "Ada", "code": " "}).as_object().unwrap().clone();
        // GC Notify's preview renders it; only sending refuses it.
        let preview = f.app.preview(f.service.id, f.email_template.id, &blank).await.unwrap();
        assert_eq!((preview.body.as_str(), preview.subject.as_deref()), (" ", Some("Code for Ada")));
        let mut input = input(f, KeyType::Normal, "a@example.ca");
        input.personalisation = blank;
        let error = f.app.send(input).await.unwrap_err();
        assert!(matches!(error, SendError::Render(RenderError::EmptyMessage)), "{error:?}");
        assert_eq!(f.sent_today().await, 0);
    }

    a_template_version_is_parsed_once(f) {
        let first = f.app.parsed_template(&f.email_template).await.unwrap();
        let again = f.app.parsed_template(&f.email_template).await.unwrap();
        let (ParsedTemplate::Email(first), ParsedTemplate::Email(again)) = (&first, &again) else { panic!() };
        assert!(Arc::ptr_eq(first, again), "the second call is a cache hit");
        let update = TemplateUpdate { content: Some("Bye ((name))".into()), ..TemplateUpdate::default() };
        let next = f.app.store()
            .update_template(f.service.id, f.email_template.id, &update, time::OffsetDateTime::now_utc())
            .await
            .unwrap();
        let ParsedTemplate::Email(newer) = f.app.parsed_template(&next).await.unwrap() else { panic!() };
        assert!(!Arc::ptr_eq(first, &newer), "a new version is parsed anew");
        let names = f.app.parsed_template(&next).await.unwrap().placeholder_names();
        assert!(names.contains(&"name".to_owned()) && !names.contains(&"code".to_owned()), "{names:?}");
    }

    bulk_files_are_checked_then_submitted(f) {
        let template = f.app.bulk_template(&f.service, f.email_template.id).await.unwrap();
        let file = |text: &str| BulkFile {
            name: "people.csv".into(),
            bytes: text.as_bytes().to_vec(),
            format: Format::Csv,
            scheduled_for: None,
            reply_to_id: None,
        };
        let bad = file("email address,name,code\na@example.ca,Ada,1\nnope,,1\n");
        let checked = f.app.check_bulk(&f.service, KeyType::Normal, &template, &bad).await.unwrap();
        assert_eq!(checked.report.rows, 2);
        let problem = checked.problem.clone().unwrap();
        assert!(problem.starts_with("Some rows have errors."), "{problem}");
        let error = f.app.submit_bulk(&f.service, None, &bad, checked).await.unwrap_err();
        assert!(matches!(error, BulkError::Problem(_)), "{error:?}");
        let error = f.app
            .check_bulk(&f.service, KeyType::Normal, &template, &file("phone number\n+16135550123\n"))
            .await
            .unwrap_err();
        assert!(matches!(error, BulkError::Header(_)), "{error:?}");

        let good = file("email address,name,code\na@example.ca,Ada,1\nb@example.ca,Bo,2\n");
        let checked = f.app.check_bulk(&f.service, KeyType::Normal, &template, &good).await.unwrap();
        assert_eq!(checked.problem, None);
        let job = f.app.submit_bulk(&f.service, None, &good, checked).await.unwrap();
        assert_eq!(job.notification_count, 2);
        assert_eq!(
            f.app.store().job_counts(f.service.id, job.id).await.unwrap(),
            vec![(NotificationStatus::Created, 2)]
        );
        assert_eq!(f.sent_today().await, 2);
    }
}

impl Fixture {
    /// What the service has sent today, by email.
    async fn sent_today(&self) -> u64 {
        let counter = Counter {
            service_id: self.service.id,
            kind: NotificationType::Email,
            period: Period::day_of(time::OffsetDateTime::now_utc()),
        };
        self.app.store().counter(&counter).await.unwrap()
    }
}
