//! The delivery providers the workers hand messages to: the built-in outbox by default, an
//! SMTP server or Amazon SES for email, an HTTP gateway or Amazon SNS for text messages.

use std::sync::Arc;

use carillon_providers::{EmailProvider, HttpSmsProvider, Outbox, SmsProvider, SmtpProvider};
use carillon_providers_aws::{AwsSettings, SdkConfig, SesProvider, SnsProvider};
use carillon_store::Store;
use tokio::sync::OnceCell;

use crate::error::ServerError;
use crate::settings::{EmailProviderChoice, SmsProviderChoice};

/// An email and an SMS provider.
#[derive(Debug, Clone)]
pub struct Providers {
    /// Where email goes.
    pub email: Arc<dyn EmailProvider>,
    /// Where text messages go.
    pub sms: Arc<dyn SmsProvider>,
}

impl Providers {
    /// Both kinds of message kept in the built-in outbox of `store`.
    #[must_use]
    pub fn outbox(store: &Arc<dyn Store>) -> Self {
        let outbox = Arc::new(Outbox::new(Arc::clone(store)));
        Self {
            email: outbox.clone(),
            sms: outbox,
        }
    }

    /// The providers the settings choose.
    ///
    /// # Errors
    /// [`ServerError::EmailProvider`] or [`ServerError::SmsProvider`] when a provider cannot
    /// be set up (e.g. TLS for the SMTP host).
    pub async fn choose(
        email: &EmailProviderChoice,
        sms: &SmsProviderChoice,
        aws_settings: &AwsSettings,
        store: &Arc<dyn Store>,
    ) -> Result<Self, ServerError> {
        let outbox = Arc::new(Outbox::new(Arc::clone(store)));
        // Loaded once, and only when SES or SNS is chosen.
        let aws = OnceCell::new();
        let email: Arc<dyn EmailProvider> = match email {
            EmailProviderChoice::Outbox => outbox.clone(),
            EmailProviderChoice::Ses { configuration_set } => Arc::new(SesProvider::new(
                aws.get_or_init(|| aws_config(aws_settings)).await,
                configuration_set.clone(),
            )),
            EmailProviderChoice::Smtp(smtp) => Arc::new(
                SmtpProvider::new(smtp.clone())
                    .map_err(|e| ServerError::EmailProvider(e.to_string()))?,
            ),
        };
        let sms: Arc<dyn SmsProvider> = match sms {
            SmsProviderChoice::Outbox => outbox,
            SmsProviderChoice::Sns { sender_id } => Arc::new(SnsProvider::new(
                aws.get_or_init(|| aws_config(aws_settings)).await,
                *sender_id,
            )),
            SmsProviderChoice::Gateway(gateway) => Arc::new(
                HttpSmsProvider::new(gateway.clone())
                    .map_err(|e| ServerError::SmsProvider(e.to_string()))?,
            ),
        };
        Ok(Self { email, sms })
    }
}

/// The AWS SDK's configuration (credentials are looked up on first use).
async fn aws_config(aws: &AwsSettings) -> SdkConfig {
    tracing::info!(region = %aws.region, endpoint = ?aws.endpoint_url, "using AWS");
    aws.load().await
}
