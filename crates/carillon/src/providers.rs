//! The delivery providers the settings choose, for commands that deliver in this process
//! (`send-bulk`); the server library makes the choice.

use std::sync::Arc;

use anyhow::Result;
use carillon_providers::{EmailProvider, SmsProvider};
use carillon_server::Providers;
use carillon_store::Store;

use crate::settings::Settings;

/// The email and SMS providers the workers hand messages to.
pub(crate) async fn choose(
    settings: &Settings,
    store: &Arc<dyn Store>,
) -> Result<(Arc<dyn EmailProvider>, Arc<dyn SmsProvider>)> {
    let providers = Providers::choose(&settings.email, &settings.sms, &settings.aws, store).await?;
    Ok((providers.email, providers.sms))
}
