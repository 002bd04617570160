//! Chooses the delivery providers from the settings: the built-in outbox by default, an SMTP
//! server or Amazon SES for email, an HTTP gateway or Amazon SNS for text messages.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use carillon_providers::{
    EmailProvider, HttpSmsProvider, HttpSmsSettings, Outbox, SecretString, SmsProvider,
    SmtpProvider, SmtpSettings,
};
use carillon_providers_aws::{AwsSettings, SdkConfig, SenderId, SesProvider, SnsProvider};
use carillon_store::Store;

use crate::cli::SnsSenderId;
use crate::settings::Settings;

/// The email and SMS providers the workers hand messages to.
pub(crate) async fn choose(
    settings: &Settings,
    store: &Arc<dyn Store>,
) -> Result<(Arc<dyn EmailProvider>, Arc<dyn SmsProvider>)> {
    let outbox = Arc::new(Outbox::new(Arc::clone(store)));
    let uses_aws = settings.email_provider == "ses" || settings.sms_provider == "sns";
    let aws = if uses_aws {
        Some(aws_config(settings).await)
    } else {
        None
    };
    let email: Arc<dyn EmailProvider> = match (settings.email_provider.as_str(), &aws) {
        ("outbox", _) => outbox.clone(),
        ("ses", Some(aws)) => Arc::new(SesProvider::new(
            aws,
            settings.ses_configuration_set.clone(),
        )),
        (url, _) => {
            let smtp = SmtpSettings::from_url(url).map_err(|e| anyhow!("--email-provider: {e}"))?;
            Arc::new(SmtpProvider::new(smtp).map_err(|e| anyhow!("--email-provider: {e}"))?)
        }
    };
    let sms: Arc<dyn SmsProvider> = match (settings.sms_provider.as_str(), &aws) {
        ("outbox", _) => outbox,
        ("sns", Some(aws)) => {
            let sender_id = match settings.sns_sender_id {
                SnsSenderId::Off => SenderId::Off,
                SnsSenderId::FromMessage => SenderId::FromMessage,
            };
            Arc::new(SnsProvider::new(aws, sender_id))
        }
        (url, _) => {
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

/// The AWS SDK's configuration (credentials are looked up on first use).
async fn aws_config(settings: &Settings) -> SdkConfig {
    let aws = AwsSettings {
        region: settings.aws_region.clone(),
        endpoint_url: settings.aws_endpoint_url.clone(),
    };
    tracing::info!(region = %aws.region, endpoint = ?aws.endpoint_url, "using AWS");
    aws.load().await
}
