//! Fetching (and caching) SNS signing certificates, and confirming subscriptions: the only
//! network calls the receipts endpoint makes, both only to trusted URLs.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

use super::sns::{self, SigningKey, SnsError, SnsMessage};

/// Certificates kept; SNS uses one per region at a time, so this is never reached in practice.
const CACHE_LIMIT: usize = 64;
/// A certificate is a few kilobytes.
const CERTIFICATE_LIMIT: usize = 64 * 1024;
const TIMEOUT: Duration = Duration::from_secs(10);

/// Checks SNS messages: topic, certificate host and signature.
#[derive(Debug)]
pub(crate) struct SnsVerifier {
    client: Option<reqwest::Client>,
    extra_origins: Vec<String>,
    topics: Vec<String>,
    keys: Mutex<HashMap<String, SigningKey>>,
}

impl SnsVerifier {
    pub(crate) fn new(extra_origins: Vec<String>, topics: Vec<String>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| tracing::error!(error = %e, "no HTTP client for SNS certificates"))
            .ok();
        Self {
            client,
            extra_origins,
            topics,
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// Parses `body` and checks it is a genuine SNS message from an accepted topic.
    pub(crate) async fn verify(
        &self,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<SnsMessage, SnsError> {
        let message = sns::parse(body)?;
        if !self.topics.is_empty() && !self.topics.contains(&message.topic_arn) {
            return Err(SnsError::UntrustedTopic);
        }
        let url = sns::trusted_url(
            &message.signing_cert_url,
            &self.extra_origins,
            "SigningCertURL",
        )?;
        let key = self.key(url, now).await?;
        message.verify(&key)?;
        Ok(message)
    }

    /// Confirms a subscription by fetching its `SubscribeURL` (trusted hosts only).
    pub(crate) async fn confirm(&self, message: &SnsMessage) -> Result<(), SnsError> {
        let url = message
            .subscribe_url
            .as_deref()
            .ok_or_else(|| SnsError::Malformed("SubscribeURL is missing".to_owned()))?;
        let url = sns::trusted_url(url, &self.extra_origins, "SubscribeURL")?;
        let response = self.get(url).await?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(SnsError::CertificateUnavailable(format!(
                "confirming the subscription answered {}",
                response.status()
            )))
        }
    }

    async fn get(&self, url: url::Url) -> Result<reqwest::Response, SnsError> {
        let client = self
            .client
            .as_ref()
            .ok_or_else(|| SnsError::CertificateUnavailable("no HTTP client".to_owned()))?;
        client
            .get(url)
            .send()
            .await
            .map_err(|e| SnsError::CertificateUnavailable(e.to_string()))
    }

    async fn key(&self, url: url::Url, now: OffsetDateTime) -> Result<SigningKey, SnsError> {
        let cached = self
            .keys
            .lock()
            .ok()
            .and_then(|keys| keys.get(url.as_str()).cloned());
        if let Some(key) = cached.filter(|key| key.not_after() > now) {
            return Ok(key);
        }
        let name = url.to_string();
        let mut response = self.get(url).await?;
        if !response.status().is_success() {
            return Err(SnsError::CertificateUnavailable(format!(
                "{name} answered {}",
                response.status()
            )));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| SnsError::CertificateUnavailable(e.to_string()))?
        {
            if bytes.len() + chunk.len() > CERTIFICATE_LIMIT {
                return Err(SnsError::Certificate("larger than 64 KiB".to_owned()));
            }
            bytes.extend_from_slice(&chunk);
        }
        let key = SigningKey::from_certificate(&bytes, now)?;
        if let Ok(mut keys) = self.keys.lock() {
            if keys.len() >= CACHE_LIMIT {
                keys.clear();
            }
            keys.insert(name, key.clone());
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn message(topic: &str, cert_url: &str) -> Vec<u8> {
        json!({
            "Type": "Notification",
            "MessageId": "m",
            "TopicArn": topic,
            "Message": "{}",
            "Timestamp": "2026-11-22T07:00:00.000Z",
            "SignatureVersion": "2",
            "Signature": "c2lnbmF0dXJl",
            "SigningCertURL": cert_url,
        })
        .to_string()
        .into_bytes()
    }

    /// Refused before any certificate is fetched: the URLs below answer nothing.
    #[tokio::test]
    async fn topics_and_certificate_hosts_are_checked_first() {
        let allowed = "arn:aws:sns:ca-central-1:123456789012:carillon";
        let verifier = SnsVerifier::new(Vec::new(), vec![allowed.to_owned()]);
        let now = OffsetDateTime::now_utc();
        let other = message(
            "arn:aws:sns:ca-central-1:999999999999:evil",
            "https://sns.ca-central-1.amazonaws.com/c.pem",
        );
        assert_eq!(
            verifier.verify(&other, now).await.unwrap_err(),
            SnsError::UntrustedTopic
        );
        let elsewhere = message(allowed, "https://example.com/c.pem");
        assert_eq!(
            verifier.verify(&elsewhere, now).await.unwrap_err(),
            SnsError::UntrustedUrl("SigningCertURL")
        );
    }

    /// A trusted host that does not answer: worth trying again (503), not a forgery.
    #[tokio::test]
    async fn an_unreachable_certificate_host_is_unavailable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let origin = format!("http://127.0.0.1:{port}");
        let verifier = SnsVerifier::new(vec![origin.clone()], Vec::new());
        let body = message("arn:aws:sns:ca-central-1:1:t", &format!("{origin}/c.pem"));
        let error = verifier
            .verify(&body, OffsetDateTime::now_utc())
            .await
            .unwrap_err();
        assert!(
            matches!(error, SnsError::CertificateUnavailable(_)),
            "{error:?}"
        );
    }
}
