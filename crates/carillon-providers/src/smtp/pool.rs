//! A pool of SMTP sessions built on lettre's [`AsyncSmtpConnection`].
//!
//! lettre's own async pool is not used because its async sessions have no timeout after the
//! TCP connect, and cancelling a send (the only way to bound it) hands the half-used session
//! back to that pool: the next message then reads the previous one's late reply, and a
//! rejection can be pinned on the wrong notification. Here a session is owned by the send using
//! it; it goes back to the pool only after a complete exchange, and a timed-out send drops
//! (closes) it.
//!
//! A semaphore bounds the sessions in use across every caller to the pool size; idle sessions
//! are reused newest first, checked with `NOOP` when they have been idle a while, and dropped
//! after [`MAX_IDLE`].

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::{ClientId, Extension};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::session::{self, Failure, Security};
use super::settings::SmtpSettings;
use crate::ProviderError;

/// Idle sessions older than this are closed rather than reused (servers close quiet sessions
/// after a few minutes, sooner when busy).
const MAX_IDLE: Duration = Duration::from_secs(60);
/// Idle sessions older than this are checked with `NOOP` before reuse.
const CHECK_AFTER: Duration = Duration::from_secs(2);

/// Sessions to one relay.
pub(super) struct Pool {
    host: String,
    port: u16,
    tls: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
    /// Sessions in use (each send holds a permit for its whole exchange).
    sessions: Semaphore,
    /// Sessions between messages, the most recently used last.
    idle: Mutex<Vec<Idle>>,
}

struct Idle {
    connection: AsyncSmtpConnection,
    since: Instant,
}

impl Pool {
    /// Prepares the pool (TLS configuration included); connects lazily.
    pub(super) fn new(settings: SmtpSettings) -> Result<Self, ProviderError> {
        settings.validate()?;
        let tls = Security::new(settings.tls, &settings.host)?;
        let credentials = match (&settings.username, &settings.password) {
            (Some(username), Some(password)) => {
                use secrecy::ExposeSecret;
                Some(Credentials::new(
                    username.clone(),
                    password.expose_secret().to_owned(),
                ))
            }
            _ => None,
        };
        Ok(Self {
            hello: ClientId::default(),
            sessions: Semaphore::new(settings.pool_size as usize),
            idle: Mutex::new(Vec::with_capacity(settings.pool_size as usize)),
            host: settings.host,
            port: settings.port,
            tls,
            credentials,
            timeout: settings.timeout,
        })
    }

    /// Waits for a free session slot: hold it while preparing and sending one message, so
    /// that only messages about to go are built (a batch waiting for sessions holds none).
    pub(super) async fn slot(&self) -> Option<SemaphorePermit<'_>> {
        // The semaphore is never closed, so acquiring only waits.
        self.sessions.acquire().await.ok()
    }

    /// Sends one message on a pooled session, within the timeout; the caller holds a
    /// [`slot`](Self::slot).
    pub(super) async fn send(
        &self,
        _slot: &Option<SemaphorePermit<'_>>,
        envelope: &Envelope,
        body: &[u8],
    ) -> Result<(), Failure> {
        match tokio::time::timeout(self.timeout, self.exchange(envelope, body)).await {
            Ok(result) => result,
            Err(_) => Err(Failure::TimedOut(self.timeout)),
        }
    }

    async fn exchange(&self, envelope: &Envelope, body: &[u8]) -> Result<(), Failure> {
        let mut connection = match self.reuse().await {
            Some(connection) => connection,
            None => {
                let opened = session::open(
                    &self.host,
                    self.port,
                    &self.tls,
                    &self.hello,
                    self.credentials.as_ref(),
                )
                .await?;
                tracing::debug!(host = %self.host, port = self.port, "opened an SMTP session");
                opened
            }
        };
        if needs_smtputf8(envelope)
            && !connection
                .server_info()
                .supports_feature(Extension::SmtpUtfEight)
        {
            // The session is still good for other messages.
            self.lock_idle().push(Idle {
                connection,
                since: Instant::now(),
            });
            return Err(Failure::NoSmtpUtf8);
        }
        let sent = connection.send(envelope, body).await;
        // lettre ends (and marks broken) a session whose command failed; only a session that
        // completed its exchange is reused.
        if !connection.has_broken() {
            self.lock_idle().push(Idle {
                connection,
                since: Instant::now(),
            });
        }
        sent.map(drop).map_err(Failure::Smtp)
    }

    /// The most recently used idle session still worth using.
    async fn reuse(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let Idle {
                mut connection,
                since,
            } = self.lock_idle().pop()?;
            let idle = since.elapsed();
            if idle > MAX_IDLE {
                // The others are older still.
                self.lock_idle().clear();
                return None;
            }
            if idle < CHECK_AFTER || connection.test_connected().await {
                return Some(connection);
            }
            tracing::debug!(host = %self.host, "dropping an SMTP session that went away");
        }
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        // Nothing can leave the list half-changed, so a poisoned lock is still usable.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls.mode())
            .field("login", &self.credentials.is_some())
            .field("timeout", &self.timeout)
            .field("free_sessions", &self.sessions.available_permits())
            .finish_non_exhaustive()
    }
}

/// Whether an address of the envelope has non-ASCII characters (lettre asks the relay for
/// SMTPUTF8 then, and refuses to send without it).
fn needs_smtputf8(envelope: &Envelope) -> bool {
    envelope
        .from()
        .into_iter()
        .chain(envelope.to())
        .any(|address| !AsRef::<str>::as_ref(address).is_ascii())
}
