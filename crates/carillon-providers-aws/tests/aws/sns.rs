//! SNS: the text reaches SNS for the right number; refusals are permanent and outages
//! transient.

use carillon_domain::{NotificationId, ServiceId};
use carillon_providers::{ProviderError, SmsMessage, SmsProvider};
use carillon_providers_aws::{SenderId, SnsProvider};

use crate::moto;

fn sms(to: &str, body: &str) -> SmsMessage {
    SmsMessage {
        id: NotificationId::new(),
        service_id: ServiceId::new(),
        to: to.to_owned(),
        sender: "GCNotify".to_owned(),
        body: body.to_owned(),
    }
}

#[tokio::test]
async fn publishes_to_the_number() {
    let Some(url) = moto::url() else { return };
    let config = moto::config(&url).await;
    moto::start_recording(&url).await;
    for sender_id in [SenderId::Off, SenderId::FromMessage] {
        let provider = SnsProvider::new(&config, sender_id);
        let body = format!("Votre code est 123456 ({sender_id:?})");
        let results = provider
            .send_sms(&[sms("+16135550123", &body), sms("+447700900123", "Second")])
            .await;
        let references: Vec<String> = results.into_iter().map(|r| r.unwrap().reference).collect();
        let data = moto::data(&url).await;
        let published = data["sns"]["SMS"].as_array().unwrap();
        let find = |reference: &str| {
            published
                .iter()
                .find(|m| m["message_id"] == reference)
                .unwrap_or_else(|| panic!("{reference} never reached SNS"))
                .clone()
        };
        let first = find(&references[0]);
        assert_eq!(first["phone_number"], "+16135550123");
        assert_eq!(first["message"], body.as_str());
        assert_eq!(find(&references[1])["phone_number"], "+447700900123");

        // What moto does not keep: the attributes of the request.
        let forms = moto::recorded_forms(&url).await;
        let form = forms
            .iter()
            .find(|form| form.iter().any(|(k, v)| k == "Message" && *v == body))
            .expect("the Publish request was recorded");
        let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        assert_eq!(field("Action").as_deref(), Some("Publish"));
        assert_eq!(field("PhoneNumber").as_deref(), Some("+16135550123"));
        let attribute = |name: &str| {
            (1..10).find_map(|n| {
                (field(&format!("MessageAttributes.entry.{n}.Name")).as_deref() == Some(name))
                    .then(|| field(&format!("MessageAttributes.entry.{n}.Value.StringValue")))
                    .flatten()
            })
        };
        assert_eq!(
            attribute("AWS.SNS.SMS.SMSType").as_deref(),
            Some("Transactional")
        );
        let sender = attribute("AWS.SNS.SMS.SenderID");
        match sender_id {
            SenderId::Off => assert_eq!(sender, None),
            SenderId::FromMessage => assert_eq!(sender.as_deref(), Some("GCNotify")),
        }
    }
}

#[tokio::test]
async fn an_invalid_number_is_refused_for_good() {
    let Some(url) = moto::url() else { return };
    let provider = SnsProvider::new(&moto::config(&url).await, SenderId::Off);
    let result = provider
        .send_sms(&[sms("not-a-number", "x")])
        .await
        .remove(0);
    assert!(
        matches!(result, Err(ProviderError::Permanent(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_unreachable_endpoint_is_transient() {
    let endpoint = format!("http://127.0.0.1:{}", moto::closed_port());
    let provider = SnsProvider::new(&moto::config(&endpoint).await, SenderId::Off);
    let result = provider
        .send_sms(&[sms("+16135550123", "x")])
        .await
        .remove(0);
    assert!(
        matches!(result, Err(ProviderError::Transient(_))),
        "{result:?}"
    );
}
