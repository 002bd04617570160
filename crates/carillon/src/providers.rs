//! Chooses the delivery providers from the settings: the built-in outbox by default, an SMTP
//! server for email, an HTTP gateway for text messages.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use carillon_providers::{
    EmailProvider, HttpSmsProvider, HttpSmsSettings, Outbox, SecretString, SmsProvider,
    SmtpProvider, SmtpSettings,
};
use carillon_store::Store;

use crate::settings::Settings;

/// The email and SMS providers the workers hand messages to.
pub(crate) fn choose(
    settings: &Settings,
    store: &Arc<dyn Store>,
) -> Result<(Arc<dyn EmailProvider>, Arc<dyn SmsProvider>)> {
    let outbox = Arc::new(Outbox::new(Arc::clone(store)));
    let email: Arc<dyn EmailProvider> = match settings.email_provider.as_str() {
        "outbox" => outbox.clone(),
        url => {
            let smtp = SmtpSettings::from_url(url).map_err(|e| anyhow!("--email-provider: {e}"))?;
            Arc::new(SmtpProvider::new(smtp).map_err(|e| anyhow!("--email-provider: {e}"))?)
        }
    };
    let sms: Arc<dyn SmsProvider> = match settings.sms_provider.as_str() {
        "outbox" => outbox,
        url => {
            let token = settings.sms_gateway_token.clone().ok_or_else(|| {
                anyhow!("an SMS gateway needs its bearer token: set CARILLON_SMS_GATEWAY_TOKEN")
            })?;
            let gateway = HttpSmsSettings::new(url, SecretString::from(token))
                .map_err(|e| anyhow!("--sms-provider: {e}"))?;
            Arc::new(HttpSmsProvider::new(gateway).map_err(|e| anyhow!("--sms-provider: {e}"))?)
        }
    };
    Ok((email, sms))
}
