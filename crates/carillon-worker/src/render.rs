//! Turns a stored notification into the message a provider sends: the template version it was
//! accepted with, the stored personalisation, the service's name and branding.

use carillon_app::ParsedTemplate as Parsed;
use carillon_domain::{Notification, NotificationType, Service, Template};
use carillon_providers::{EmailMessage, SmsMessage};
use carillon_render::{Branding, EmailLayout, Language, Personalisation};

/// A template version parsed once for every notification of a batch that uses it (by the
/// parser the API uses too).
#[derive(Debug)]
pub(crate) struct Prepared {
    template: Template,
    /// The error text becomes `provider_response`.
    parsed: Result<Parsed, String>,
}

impl Prepared {
    pub(crate) fn new(template: Template) -> Self {
        let parsed = Parsed::parse(&template).map_err(|e| e.to_string());
        Self { template, parsed }
    }
}

/// A message ready for a provider.
#[derive(Debug)]
pub(crate) enum Rendered {
    Email(EmailMessage),
    Sms(SmsMessage),
}

/// Renders a notification; the error text becomes `provider_response`.
pub(crate) fn render(
    notification: &Notification,
    service: &Service,
    prepared: &Prepared,
    sending_domain: &str,
    branding: &Branding,
) -> Result<Rendered, String> {
    let values = match &notification.personalisation {
        serde_json::Value::Object(map) => Personalisation::from_json(map),
        _ => Personalisation::new(),
    };
    match (
        notification.kind,
        prepared.parsed.as_ref().map_err(Clone::clone)?,
    ) {
        (NotificationType::Email, Parsed::Email(parsed)) => {
            let email = parsed.render(&values).map_err(|e| e.to_string())?;
            let default_language = match service.default_language {
                carillon_domain::Language::English => Language::English,
                carillon_domain::Language::French => Language::French,
            };
            let layout = EmailLayout {
                branding,
                default_language,
                rtl: prepared.template.text_direction_rtl,
            };
            Ok(Rendered::Email(EmailMessage {
                id: notification.id,
                service_id: service.id,
                to: notification.normalised_to.clone(),
                from_name: service.name.clone(),
                from_address: format!("{}@{sending_domain}", service.email_from),
                reply_to: notification.sender.clone(),
                html: email.full_html(&layout),
                subject: email.subject,
                text: email.text,
            }))
        }
        (NotificationType::Sms, Parsed::Sms(parsed)) => {
            let prefix = service.prefix_sms.then_some(service.name.as_str());
            let sms = parsed.render(&values, prefix).map_err(|e| e.to_string())?;
            Ok(Rendered::Sms(SmsMessage {
                id: notification.id,
                service_id: service.id,
                to: notification.normalised_to.clone(),
                sender: notification.sender.clone().unwrap_or_default(),
                body: sms.content,
            }))
        }
        _ => Err("the template is for another channel".to_owned()),
    }
}
