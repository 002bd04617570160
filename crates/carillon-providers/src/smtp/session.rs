//! Opening one SMTP session: TCP (ours, with `TCP_NODELAY`), TLS as configured, `EHLO`, login.
//!
//! The TCP connection is opened here rather than by lettre so it can have `TCP_NODELAY`: lettre
//! writes a message's body and its closing `.` separately, and with Nagle's algorithm the `.`
//! waits for the body's acknowledgement, which the server delays (40 ms on Linux) because it
//! has nothing to answer yet. That alone capped a session at about 25 messages a second.
//! lettre only takes over an already-connected plain stream, so implicit TLS is set up here
//! too, with the same crypto (aws-lc-rs) and verifier (the platform's) as lettre's STARTTLS.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use rustls_platform_verifier::BuilderVerifierExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::settings::SmtpTls;
use crate::ProviderError;

/// Why a session could not be used.
#[derive(Debug)]
pub(super) enum Failure {
    /// The server's reply, or lettre's own error.
    Smtp(lettre::transport::smtp::Error),
    /// Connecting, or the implicit TLS handshake.
    Io(io::Error),
    /// The exchange took longer than the timeout.
    TimedOut(std::time::Duration),
    /// The address has a non-ASCII local part and the relay does not offer SMTPUTF8.
    NoSmtpUtf8,
}

impl From<lettre::transport::smtp::Error> for Failure {
    fn from(error: lettre::transport::smtp::Error) -> Self {
        Self::Smtp(error)
    }
}

/// How sessions are secured, prepared once.
pub(super) enum Security {
    None,
    StartTls(TlsParameters),
    Implicit(TlsConnector, ServerName<'static>),
}

impl Security {
    /// Prepares TLS for `host`.
    pub(super) fn new(tls: SmtpTls, host: &str) -> Result<Self, ProviderError> {
        let unusable = |e: &dyn std::fmt::Display| {
            ProviderError::Permanent(format!("cannot set up TLS for the SMTP relay: {e}"))
        };
        Ok(match tls {
            SmtpTls::None => Self::None,
            SmtpTls::StartTls => {
                Self::StartTls(TlsParameters::new(host.to_owned()).map_err(|e| unusable(&e))?)
            }
            SmtpTls::Implicit => {
                let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
                let config = ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .and_then(BuilderVerifierExt::with_platform_verifier)
                    .map_err(|e| unusable(&e))?
                    .with_no_client_auth();
                let name = ServerName::try_from(host.to_owned()).map_err(|e| unusable(&e))?;
                Self::Implicit(TlsConnector::from(Arc::new(config)), name)
            }
        })
    }

    pub(super) fn mode(&self) -> SmtpTls {
        match self {
            Self::None => SmtpTls::None,
            Self::StartTls(_) => SmtpTls::StartTls,
            Self::Implicit(..) => SmtpTls::Implicit,
        }
    }
}

/// Connects, secures, greets and logs in. The caller bounds the time it takes.
pub(super) async fn open(
    host: &str,
    port: u16,
    security: &Security,
    hello: &ClientId,
    credentials: Option<&Credentials>,
) -> Result<AsyncSmtpConnection, Failure> {
    let tcp = TcpStream::connect((host, port))
        .await
        .map_err(Failure::Io)?;
    tcp.set_nodelay(true).map_err(Failure::Io)?;
    let stream: Box<dyn AsyncTokioStream> = match security {
        Security::Implicit(connector, name) => Box::new(ImplicitTls(
            connector
                .connect(name.clone(), tcp)
                .await
                .map_err(Failure::Io)?,
        )),
        Security::None | Security::StartTls(_) => Box::new(tcp),
    };
    let mut connection = AsyncSmtpConnection::connect_with_transport(stream, hello).await?;
    if let Security::StartTls(parameters) = security {
        // Fails when the server does not offer STARTTLS: never falls back to plain text.
        connection.starttls(parameters.clone(), hello).await?;
    }
    if let Some(credentials) = credentials {
        connection.auth(DEFAULT_MECHANISMS, credentials).await?;
    }
    Ok(connection)
}

/// A TLS stream lettre can use as its transport.
#[derive(Debug)]
struct ImplicitTls(TlsStream<TcpStream>);

impl AsyncTokioStream for ImplicitTls {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl AsyncRead for ImplicitTls {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl AsyncWrite for ImplicitTls {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}
