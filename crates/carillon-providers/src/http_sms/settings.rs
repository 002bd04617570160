//! Where the HTTP SMS gateway is and how to call it.

use std::time::Duration;

use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};

use crate::ProviderError;

/// How long one request may take when the settings don't say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests in flight at once when the settings don't say.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;
/// The longest timeout allowed.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(300);
/// The most requests allowed in flight at once.
pub const MAX_IN_FLIGHT: usize = 1024;

/// How to reach the gateway. `Debug` shows the token as `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct HttpSmsSettings {
    /// The endpoint each message is POSTed to (`http` or `https`, no user name or password).
    pub url: Url,
    /// Sent as `Authorization: Bearer <token>`.
    pub bearer_token: SecretString,
    /// The longest one request may take, connecting and reading the reply included.
    pub timeout: Duration,
    /// Requests in flight at once, across every batch using the provider.
    pub max_in_flight: usize,
}

impl HttpSmsSettings {
    /// Settings for `url` with the default timeout and concurrency.
    ///
    /// # Errors
    /// `Permanent` when the URL or the token is unusable; the message never quotes the token.
    pub fn new(url: &str, bearer_token: SecretString) -> Result<Self, ProviderError> {
        let url = Url::parse(url).map_err(|e| config(format!("invalid SMS gateway URL: {e}")))?;
        let settings = Self {
            url,
            bearer_token,
            timeout: DEFAULT_TIMEOUT,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
        };
        settings.validate()?;
        Ok(settings)
    }

    /// Bounds each request.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Allows up to `max_in_flight` requests at once.
    #[must_use]
    pub fn with_max_in_flight(mut self, max_in_flight: usize) -> Self {
        self.max_in_flight = max_in_flight;
        self
    }

    /// Checks the settings; [`HttpSmsProvider::new`](super::HttpSmsProvider::new) does too.
    ///
    /// # Errors
    /// `Permanent`, saying what is wrong.
    pub fn validate(&self) -> Result<(), ProviderError> {
        if !matches!(self.url.scheme(), "http" | "https") || self.url.host_str().is_none() {
            return Err(config(
                "the SMS gateway URL must be http:// or https:// with a host",
            ));
        }
        if !self.url.username().is_empty() || self.url.password().is_some() {
            return Err(config(
                "the SMS gateway URL must not hold credentials: use the bearer token",
            ));
        }
        if self.url.fragment().is_some() {
            return Err(config("the SMS gateway URL must not have a fragment"));
        }
        let token = self.bearer_token.expose_secret();
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(config(
                "the SMS gateway token must be non-empty printable ASCII without spaces",
            ));
        }
        if self.timeout.is_zero() || self.timeout > MAX_TIMEOUT {
            return Err(config(format!(
                "the SMS gateway timeout must be more than 0 and at most {} s",
                MAX_TIMEOUT.as_secs()
            )));
        }
        if !(1..=MAX_IN_FLIGHT).contains(&self.max_in_flight) {
            return Err(config(format!(
                "the SMS gateway's requests in flight must be between 1 and {MAX_IN_FLIGHT}"
            )));
        }
        Ok(())
    }
}

fn config(message: impl Into<String>) -> ProviderError {
    ProviderError::Permanent(message.into())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn token() -> SecretString {
        SecretString::from("t0ken-value")
    }

    #[test]
    fn accepts_http_and_https_and_redacts_the_token() {
        let settings = HttpSmsSettings::new("https://sms.example.ca/v1/messages", token()).unwrap();
        assert_eq!(settings.timeout, DEFAULT_TIMEOUT);
        let shown = format!("{settings:?}");
        assert!(
            !shown.contains("t0ken-value") && shown.contains("REDACTED"),
            "{shown}"
        );
        HttpSmsSettings::new("http://127.0.0.1:8080/send", token()).unwrap();
    }

    #[test]
    fn refuses_unusable_settings() {
        for url in [
            "ftp://sms.example.ca",
            "not a url",
            "https://user:pw@sms.example.ca",
            "https://sms.example.ca/#x",
        ] {
            assert!(
                matches!(
                    HttpSmsSettings::new(url, token()),
                    Err(ProviderError::Permanent(_))
                ),
                "{url}"
            );
        }
        for bad in ["", "has space", "new\nline"] {
            let error = HttpSmsSettings::new("https://x.ca", SecretString::from(bad)).unwrap_err();
            assert!(!error.to_string().contains("new\nline"));
        }
        let settings = HttpSmsSettings::new("https://x.ca", token()).unwrap();
        assert!(
            settings
                .clone()
                .with_timeout(Duration::ZERO)
                .validate()
                .is_err()
        );
        assert!(settings.with_max_in_flight(0).validate().is_err());
    }
}
