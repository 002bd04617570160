//! SES v2: the raw MIME message reaches SES with every header and both parts; refusals are
//! permanent and outages transient.

use aws_sdk_sesv2::Client;
use carillon_domain::{NotificationId, ServiceId};
use carillon_providers::{EmailMessage, EmailProvider, ProviderError};
use carillon_providers_aws::SesProvider;
use mail_parser::MessageParser;

use crate::moto;

const DOMAIN: &str = "notification.example.ca";

fn email(to: &str) -> EmailMessage {
    EmailMessage {
        id: NotificationId::new(),
        service_id: ServiceId::new(),
        to: to.to_owned(),
        from_name: "Service Canada".to_owned(),
        from_address: format!("service@{DOMAIN}"),
        reply_to: None,
        subject: "Hello".to_owned(),
        html: "<p>Hello</p>".to_owned(),
        text: "Hello".to_owned(),
    }
}

/// moto's SES refuses senders whose domain is not verified: verify ours.
async fn verified(url: &str) -> aws_config::SdkConfig {
    let config = moto::config(url).await;
    Client::new(&config)
        .create_email_identity()
        .email_identity(DOMAIN)
        .send()
        .await
        .unwrap();
    config
}

#[tokio::test]
async fn sends_the_raw_message() {
    let Some(url) = moto::url() else { return };
    let provider = SesProvider::new(&verified(&url).await, None).with_concurrency(2);
    let mut first = email("lea@example.ca");
    first.subject = "Votre demande — reçue".to_owned();
    first.reply_to = Some("reply@example.gc.ca".to_owned());
    first.html = "<p>Bonjour <strong>Léa</strong></p>".to_owned();
    first.text = "Bonjour Léa".to_owned();
    let second = email("sam@example.ca");
    let third = email("kim@example.ca");
    let results = provider
        .send_emails(&[first.clone(), second.clone(), third])
        .await;
    let references: Vec<String> = results
        .into_iter()
        .map(|r| {
            let accepted = r.unwrap();
            assert!(!accepted.delivered, "SES's acceptance is not a delivery");
            accepted.reference
        })
        .collect();
    assert_eq!(references.len(), 3);
    assert!(references.iter().all(|r| !r.is_empty()));

    let data = moto::data(&url).await;
    let raw_messages = data["ses"]["RawMessage"].as_array().unwrap();
    let stored = |reference: &str| {
        raw_messages
            .iter()
            .find(|m| m["id"] == reference)
            .unwrap_or_else(|| panic!("{reference} never reached SES"))
            .clone()
    };
    let got = stored(&references[0]);
    assert_eq!(got["source"], format!("service@{DOMAIN}"));
    assert!(
        got["destinations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d == "lea@example.ca")
    );
    let raw = got["raw_data"].as_str().unwrap();
    let parsed = MessageParser::default().parse(raw.as_bytes()).unwrap();
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Service Canada"));
    assert_eq!(from.address(), Some(format!("service@{DOMAIN}").as_str()));
    assert_eq!(
        parsed.to().unwrap().first().unwrap().address(),
        Some("lea@example.ca")
    );
    assert_eq!(
        parsed.reply_to().unwrap().first().unwrap().address(),
        Some("reply@example.gc.ca")
    );
    assert_eq!(parsed.subject(), Some("Votre demande — reçue"));
    assert_eq!(
        parsed.message_id(),
        Some(format!("{}@{DOMAIN}", first.id).as_str())
    );
    assert_eq!(parsed.body_text(0).unwrap().trim(), "Bonjour Léa");
    assert_eq!(
        parsed.body_html(0).unwrap().trim(),
        "<p>Bonjour <strong>Léa</strong></p>"
    );

    let other = stored(&references[1]);
    let parsed = MessageParser::default()
        .parse(other["raw_data"].as_str().unwrap().as_bytes())
        .unwrap();
    assert_eq!(
        parsed.message_id(),
        Some(format!("{}@{DOMAIN}", second.id).as_str())
    );
    assert!(parsed.reply_to().is_none());
}

#[tokio::test]
async fn an_unverified_sender_is_refused_for_good() {
    let Some(url) = moto::url() else { return };
    let provider = SesProvider::new(&verified(&url).await, None);
    let mut message = email("lea@example.ca");
    message.from_address = "someone@unverified.example.com".to_owned();
    let result = provider.send_emails(&[message]).await.remove(0);
    let Err(ProviderError::Permanent(reason)) = result else {
        panic!("an unverified sender must be permanent: {result:?}");
    };
    assert!(reason.contains("MessageRejected"), "{reason}");
    assert!(!reason.contains("lea@example.ca"), "{reason}");
}

#[tokio::test]
async fn a_bad_address_is_permanent_without_calling_ses() {
    let Some(url) = moto::url() else { return };
    let provider = SesProvider::new(&verified(&url).await, None);
    let result = provider.send_emails(&[email("not an address")]).await;
    assert!(matches!(result[..], [Err(ProviderError::Permanent(_))]));
}

#[tokio::test]
async fn an_unreachable_endpoint_is_transient() {
    let endpoint = format!("http://127.0.0.1:{}", moto::closed_port());
    let provider = SesProvider::new(&moto::config(&endpoint).await, None);
    let results = provider
        .send_emails(&[email("a@example.ca"), email("b@example.ca")])
        .await;
    assert_eq!(results.len(), 2);
    for result in results {
        assert!(
            matches!(result, Err(ProviderError::Transient(_))),
            "{result:?}"
        );
    }
}

#[tokio::test]
async fn a_configuration_set_is_named() {
    let Some(url) = moto::url() else { return };
    let config = verified(&url).await;
    Client::new(&config)
        .create_configuration_set()
        .configuration_set_name("carillon-events")
        .send()
        .await
        .unwrap();
    let provider = SesProvider::new(&config, Some("carillon-events".to_owned()));
    let result = provider
        .send_emails(&[email("a@example.ca")])
        .await
        .remove(0);
    assert!(result.is_ok(), "{result:?}");
}
