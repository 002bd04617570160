//! Where the SMTP relay is and how to talk to it, built in code or parsed from a URL (the
//! forms are listed in the [`smtp`](super) module's documentation). Credentials are refused on a
//! plain-text connection to anything but a loopback host, so a password never crosses a network
//! unencrypted.

use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use secrecy::SecretString;
use url::Url;

use crate::ProviderError;

/// Sessions kept open when the settings don't say.
pub const DEFAULT_POOL_SIZE: u32 = 10;
/// The most sessions allowed: more would look like an attack to most relays.
pub const MAX_POOL_SIZE: u32 = 256;
/// How long one message's SMTP exchange may take when the settings don't say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest timeout allowed.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(600);

/// How the connection to the relay is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmtpTls {
    /// Plain text (`smtp://`).
    None,
    /// Plain, then upgraded with STARTTLS; a server that does not offer it fails the send
    /// (`smtp+starttls://`).
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

impl SmtpTls {
    /// The port this kind of connection usually uses: 25, 587 or 465.
    pub fn default_port(self) -> u16 {
        match self {
            Self::None => 25,
            Self::StartTls => 587,
            Self::Implicit => 465,
        }
    }
}

/// How to reach the SMTP relay. `Debug` shows the password as `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// A host name or IP address (IPv6 with or without brackets).
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// Log in with `AUTH PLAIN` or `AUTH LOGIN` when set (both or neither with `password`).
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// Sessions kept open, which is also how many messages are sent at once.
    pub pool_size: u32,
    /// The longest one message's SMTP exchange may take, connecting included (waiting for a
    /// free session is not).
    pub timeout: Duration,
}

impl SmtpSettings {
    /// Settings for `host` on `tls`'s usual port, without login, with the default pool size and
    /// timeout. Adjust with the `with_` methods.
    ///
    /// # Errors
    /// `Permanent` when the host is not a valid host name or IP address.
    pub fn new(host: impl Into<String>, tls: SmtpTls) -> Result<Self, ProviderError> {
        let host = host.into();
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .map_or(host.clone(), str::to_owned);
        let settings = Self {
            host,
            port: tls.default_port(),
            tls,
            username: None,
            password: None,
            pool_size: DEFAULT_POOL_SIZE,
            timeout: DEFAULT_TIMEOUT,
        };
        settings.validate()?;
        Ok(settings)
    }

    /// Parses `smtp://`, `smtp+starttls://` or `smtps://` URLs (see the [`smtp`](super) module).
    ///
    /// # Errors
    /// `Permanent` when the URL is malformed or the settings it gives are invalid; the message
    /// never repeats the password.
    pub fn from_url(url: &str) -> Result<Self, ProviderError> {
        let parsed = Url::parse(url).map_err(|e| config(format!("invalid SMTP URL: {e}")))?;
        let tls = match parsed.scheme() {
            "smtp" => SmtpTls::None,
            "smtp+starttls" => SmtpTls::StartTls,
            "smtps" => SmtpTls::Implicit,
            other => {
                return Err(config(format!(
                    "unknown SMTP URL scheme {other:?} (smtp, smtp+starttls or smtps)"
                )));
            }
        };
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| config("the SMTP URL has no host"))?;
        if !matches!(parsed.path(), "" | "/") || parsed.fragment().is_some() {
            return Err(config("the SMTP URL must not have a path or fragment"));
        }
        let mut settings = Self::new(decode(host, "host")?, tls)?;
        if let Some(port) = parsed.port() {
            settings.port = port;
        }
        let username = decode(parsed.username(), "user name")?;
        match (username.is_empty(), parsed.password()) {
            (true, None) => {}
            (false, Some(password)) => {
                let password = decode(password, "password")?;
                settings = settings.with_credentials(username, SecretString::from(password));
            }
            (true, Some(_)) => return Err(config("the SMTP URL has a password but no user name")),
            (false, None) => return Err(config("the SMTP URL has a user name but no password")),
        }
        for (key, value) in parsed.query_pairs() {
            let number = || {
                value
                    .parse::<u32>()
                    .map_err(|_| config(format!("{key} in the SMTP URL must be a whole number")))
            };
            match key.as_ref() {
                "pool_size" => settings.pool_size = number()?,
                "timeout_secs" => settings.timeout = Duration::from_secs(number()?.into()),
                _ => {
                    return Err(config(format!(
                        "unknown SMTP URL parameter {key:?} (pool_size, timeout_secs)"
                    )));
                }
            }
        }
        settings.validate()?;
        Ok(settings)
    }

    /// Uses another port.
    #[must_use]
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Logs in as `username`.
    #[must_use]
    pub fn with_credentials(mut self, username: impl Into<String>, password: SecretString) -> Self {
        self.username = Some(username.into());
        self.password = Some(password);
        self
    }

    /// Keeps (and uses at once) up to `pool_size` sessions.
    #[must_use]
    pub fn with_pool_size(mut self, pool_size: u32) -> Self {
        self.pool_size = pool_size;
        self
    }

    /// Bounds one message's SMTP exchange.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Checks the settings; [`SmtpProvider::new`](super::SmtpProvider::new) does too.
    ///
    /// # Errors
    /// `Permanent`, saying what is wrong (never quoting the password).
    pub fn validate(&self) -> Result<(), ProviderError> {
        if !valid_host(&self.host) {
            return Err(config(format!(
                "SMTP host {:?} is not a host name or IP address",
                self.host
            )));
        }
        if self.port == 0 {
            return Err(config("SMTP port 0 is not a port"));
        }
        if !(1..=MAX_POOL_SIZE).contains(&self.pool_size) {
            return Err(config(format!(
                "SMTP pool size must be between 1 and {MAX_POOL_SIZE}, not {}",
                self.pool_size
            )));
        }
        if self.timeout.is_zero() || self.timeout > MAX_TIMEOUT {
            return Err(config(format!(
                "SMTP timeout must be more than 0 and at most {} s",
                MAX_TIMEOUT.as_secs()
            )));
        }
        match (&self.username, &self.password) {
            (None, None) => {}
            (Some(username), Some(_)) => {
                if username.is_empty() || username.chars().any(char::is_control) {
                    return Err(config(
                        "SMTP user name must be non-empty, without line breaks",
                    ));
                }
                if self.tls == SmtpTls::None && !is_loopback(&self.host) {
                    return Err(config(
                        "SMTP credentials would be sent unencrypted: use smtps:// or \
                         smtp+starttls:// (plain smtp:// with a login only reaches loopback hosts)",
                    ));
                }
            }
            _ => return Err(config("SMTP user name and password go together")),
        }
        Ok(())
    }
}

impl FromStr for SmtpSettings {
    type Err = ProviderError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Self::from_url(url)
    }
}

fn config(message: impl Into<String>) -> ProviderError {
    ProviderError::Permanent(message.into())
}

fn decode(value: &str, what: &str) -> Result<String, ProviderError> {
    percent_decode_str(value)
        .decode_utf8()
        .map(|v| v.into_owned())
        .map_err(|_| config(format!("the SMTP URL's {what} is not UTF-8 once decoded")))
}

fn valid_host(host: &str) -> bool {
    if host.parse::<IpAddr>().is_ok() {
        return true;
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn urls_give_tls_mode_default_ports_and_decoded_credentials() {
        let plain = SmtpSettings::from_url("smtp://relay.internal").unwrap();
        assert_eq!((plain.tls, plain.port), (SmtpTls::None, 25));
        assert!(plain.username.is_none() && plain.password.is_none());

        let start =
            SmtpSettings::from_url("smtp+starttls://me%40x.ca:p%3Ass%2Fw@mail.x.ca").unwrap();
        assert_eq!((start.tls, start.port), (SmtpTls::StartTls, 587));
        assert_eq!(start.username.as_deref(), Some("me@x.ca"));
        assert_eq!(start.password.unwrap().expose_secret(), "p:ss/w");

        let implicit: SmtpSettings = "smtps://u:p@[::1]:2465?pool_size=3&timeout_secs=5"
            .parse()
            .unwrap();
        assert_eq!(implicit.host, "::1");
        assert_eq!((implicit.tls, implicit.port), (SmtpTls::Implicit, 2465));
        assert_eq!(implicit.pool_size, 3);
        assert_eq!(implicit.timeout, Duration::from_secs(5));
    }

    #[test]
    fn bad_urls_and_settings_are_permanent_errors_without_the_password() {
        for url in [
            "http://mail.x.ca",
            "smtp://",
            "smtp://mail.x.ca/path",
            "smtp://user@mail.x.ca",
            "smtp://:pw@mail.x.ca",
            "smtps://mail.x.ca?pool_size=0",
            "smtps://mail.x.ca?pool_size=lots",
            "smtps://mail.x.ca?timeout_secs=0",
            "smtps://mail.x.ca?colour=blue",
            "smtp://user:hunter2@mail.x.ca",
            "smtp://bad_host!:25",
        ] {
            let error = SmtpSettings::from_url(url).unwrap_err();
            let ProviderError::Permanent(message) = &error else {
                panic!("{url}: {error:?}");
            };
            assert!(!message.contains("hunter2"), "{url}: {message}");
        }
        assert!(SmtpSettings::new("", SmtpTls::None).is_err());
        assert!(SmtpSettings::new("a b", SmtpTls::None).is_err());
        let no_port = SmtpSettings::new("x.ca", SmtpTls::Implicit)
            .unwrap()
            .with_port(0);
        assert!(no_port.validate().is_err());
        let long = SmtpSettings::new("x.ca", SmtpTls::Implicit)
            .unwrap()
            .with_timeout(Duration::from_secs(3600));
        assert!(long.validate().is_err());
    }

    #[test]
    fn a_login_in_plain_text_is_only_for_loopback() {
        let secret = || SecretString::from("pw");
        for host in ["127.0.0.1", "localhost", "::1"] {
            let settings = SmtpSettings::new(host, SmtpTls::None)
                .unwrap()
                .with_credentials("u", secret());
            settings.validate().unwrap();
        }
        let remote = SmtpSettings::new("mail.x.ca", SmtpTls::None)
            .unwrap()
            .with_credentials("u", secret());
        assert!(remote.validate().is_err());
        let secured = SmtpSettings::new("mail.x.ca", SmtpTls::StartTls)
            .unwrap()
            .with_credentials("u", secret());
        secured.validate().unwrap();
    }

    #[test]
    fn debug_redacts_the_password() {
        let settings = SmtpSettings::from_url("smtps://user:hunter2@mail.x.ca").unwrap();
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("REDACTED"), "{shown}");
    }
}
