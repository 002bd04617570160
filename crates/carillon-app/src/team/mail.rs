//! Invitation emails sent through the platform service's bilingual template, so they take
//! the same pipeline (outbox in the demo, the provider in production) as every message.

use carillon_domain::Language;
use serde_json::{Map, Value};

use super::invites::{INVITATION_VALIDITY, InvitationEmail, InvitationMailer};
use crate::App;
use crate::accounts::PlatformEmail;

/// The web app's path of an invitation link: `{web_base_url}/invitation/{token}`.
pub const INVITATION_PATH: &str = "/invitation";

impl InvitationMailer for App {
    async fn send_invitation(&self, email: &InvitationEmail<'_>) -> Result<(), String> {
        let base = self.settings().web_base_url.trim_end_matches('/');
        let link = format!("{base}{INVITATION_PATH}/{}", email.token);
        let mut personalisation = Map::new();
        let mut put = |key: &str, value: String| {
            personalisation.insert(key.to_owned(), Value::String(value));
        };
        put("invited_by", email.invited_by.to_owned());
        put("service_name", email.service_name.to_owned());
        put("link", link);
        put("days", INVITATION_VALIDITY.whole_days().to_string());
        let language: Language = email.language;
        self.send_platform_email(
            PlatformEmail::Invitation,
            email.to,
            language,
            personalisation,
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    }
}
