//! Turns a stored notification into the message a provider sends: the template version it was
//! accepted with, the stored personalisation, the service's name and branding.

use carillon_domain::{Notification, NotificationType, Service, Template};
use carillon_providers::{EmailMessage, SmsMessage};
use carillon_render::{
    Branding, EmailLayout, EmailTemplate, Language, Personalisation, SmsTemplate,
};

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
    template: &Template,
    sending_domain: &str,
    branding: &Branding,
) -> Result<Rendered, String> {
    let values = match &notification.personalisation {
        serde_json::Value::Object(map) => Personalisation::from_json(map),
        _ => Personalisation::new(),
    };
    match notification.kind {
        NotificationType::Email => {
            let parsed =
                EmailTemplate::parse(template.subject.as_deref().unwrap_or(""), &template.content)
                    .map_err(|e| e.to_string())?;
            let email = parsed.render(&values).map_err(|e| e.to_string())?;
            let default_language = if service.default_language_french {
                Language::French
            } else {
                Language::English
            };
            let layout = EmailLayout {
                branding,
                default_language,
                rtl: template.text_direction_rtl,
            };
            Ok(Rendered::Email(EmailMessage {
                id: notification.id,
                service_id: service.id,
                to: notification.normalised_to.clone(),
                from_name: service.name.clone(),
                from_address: format!("{}@{sending_domain}", service.email_from),
                reply_to: notification.sender.clone(),
                subject: email.subject.clone(),
                html: email.full_html(&layout),
                text: email.text,
            }))
        }
        NotificationType::Sms => {
            let parsed = SmsTemplate::parse(&template.content).map_err(|e| e.to_string())?;
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
    }
}
