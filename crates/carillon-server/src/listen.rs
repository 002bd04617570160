//! The accept loop and each connection's life: at most `max_connections` served at once
//! (more wait in the kernel's backlog until one ends), accept errors backed off rather than
//! spun on, and each connection closed by its watchdog when a request head, or the next
//! request, takes longer than its timeout.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;

use crate::activity::{Activity, Watched};
use crate::guard::{Guard, PARSER_MAX_HEAD_BYTES, PARSER_MAX_HEADERS, RequestLimits};
use crate::settings::ConnectionSettings;

/// How long the loop waits after an accept error that is not the client's (out of file
/// descriptors or memory) before trying again: long enough not to spin, short enough to
/// resume quickly once a connection ends.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// At most one warning that the cap is reached per this long: a server at its cap reaches it
/// again each time a connection ends.
const FULL_WARNING_INTERVAL: Duration = Duration::from_secs(60);

/// Most connections served at once when the settings say none: three quarters of the
/// open-file limit leave room for the database, providers and logs; above this many idle
/// connections memory, not descriptors, runs out first.
const DEFAULT_MAX_CONNECTIONS_CEILING: usize = 16_384;

/// Serves `router` on `listener` until `shutdown` completes, then lets every connection
/// finish its request (idle ones close at once) and returns once all have ended.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    settings: ConnectionSettings,
    limits: RequestLimits,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) {
    let max_connections =
        u32::try_from(max_connections.clamp(1, Semaphore::MAX_PERMITS)).unwrap_or(u32::MAX);
    let permits = Arc::new(Semaphore::new(max_connections as usize));
    let (stop, stopped) = watch::channel(false);
    let connection = Connection {
        router,
        settings,
        limits,
        stopped,
    };
    tokio::pin!(shutdown);
    let mut warned_full: Option<Instant> = None;
    loop {
        if permits.available_permits() == 0
            && warned_full.is_none_or(|at| at.elapsed() >= FULL_WARNING_INTERVAL)
        {
            tracing::warn!(
                max_connections,
                "every connection is in use: new clients wait in the backlog"
            );
            warned_full = Some(Instant::now());
        }
        // At the cap, no accept happens: new clients wait in the kernel's backlog, and are
        // served as soon as a connection ends, instead of being accepted and dropped.
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            stream = accept(&listener) => stream,
        };
        tokio::spawn(connection.clone().serve(stream, permit));
    }
    // Clients that connect from now on are refused instead of waiting for a server that
    // will not answer them.
    drop(listener);
    let _ = stop.send(true);
    let _ = permits.acquire_many(max_connections).await;
}

/// The next connection; errors that are not the client's are logged once and backed off.
async fn accept(listener: &TcpListener) -> TcpStream {
    let mut warned = false;
    loop {
        match listener.accept().await {
            Ok((stream, _)) => return stream,
            // The client gave up before being accepted: nothing to wait for.
            Err(error) if client_error(&error) => {}
            Err(error) => {
                if !warned {
                    tracing::warn!(%error, "cannot accept connections; retrying");
                    warned = true;
                }
                tokio::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
}

/// Whether an accept error concerns only the connection being accepted.
fn client_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    )
}

/// What every connection of one listener shares.
#[derive(Debug, Clone)]
struct Connection {
    router: Router,
    settings: ConnectionSettings,
    limits: RequestLimits,
    stopped: watch::Receiver<bool>,
}

impl Connection {
    /// Serves one connection until it ends, its watchdog closes it or, after shutdown, its
    /// last request is answered. `_permit` frees its place when the connection ends.
    async fn serve(mut self, stream: TcpStream, _permit: OwnedSemaphorePermit) {
        let activity = Arc::new(Activity::new(
            self.settings.header_timeout,
            self.settings.idle_timeout,
        ));
        let peer = stream.peer_addr().ok();
        let io = TokioIo::new(Watched::new(stream, Arc::clone(&activity)));
        let guard = Guard::new(self.router, Arc::clone(&activity), self.limits).with_peer(peer);
        let connection = http1::Builder::new()
            // The watchdog times heads and idle waits itself: hyper's header timeout would
            // also cut every idle keep-alive connection at the header timeout.
            .header_read_timeout(None)
            .max_headers(PARSER_MAX_HEADERS)
            .max_header_size(PARSER_MAX_HEAD_BYTES)
            .serve_connection(io, guard);
        // Boxed so that it can be polled without hyper shutting the socket down (see below)
        // and then taken apart.
        let mut connection = Box::pin(connection);
        let mut draining = false;
        loop {
            if !draining && *self.stopped.borrow() {
                connection.as_mut().graceful_shutdown();
                draining = true;
            }
            let deadline = activity.deadline();
            tokio::select! {
                ended = std::future::poll_fn(|cx| connection.as_mut().poll_without_shutdown(cx)) => {
                    if let Err(error) = ended {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                    break;
                }
                () = sleep_until(deadline) => {
                    if activity.expired(Instant::now()) {
                        tracing::debug!("closed a connection that timed out");
                        return;
                    }
                }
                () = activity.changed() => {}
                changed = self.stopped.changed(), if !draining => {
                    // The listener is gone without saying so: drain as on shutdown.
                    if changed.is_err() {
                        connection.as_mut().graceful_shutdown();
                        draining = true;
                    }
                }
            }
        }
        let socket = Pin::into_inner(connection).into_parts().io.into_inner();
        linger(socket.into_inner()).await;
    }
}

/// How long, and how many bytes, a closing connection still reads and discards (see [`linger`]).
const LINGER_TIME: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 4 * 1024 * 1024;

/// Closes a connection the way HTTP servers must when they answer before reading a whole
/// request (a 413 to a body over the limit, a 408): the answer is sent and the sending side
/// shut, then what the client is still sending is read and thrown away for a moment. Closing
/// with unread data would make the kernel reset the connection, and a client still writing
/// its body would see "connection reset" instead of the answer (RFC 9112 §9.6). Bounded in
/// time and bytes, so a client cannot hold the connection this way.
async fn linger(mut stream: TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if stream.shutdown().await.is_err() {
        return;
    }
    let mut discarded = 0;
    let mut buffer = vec![0; 64 * 1024];
    let _ = tokio::time::timeout(LINGER_TIME, async {
        while discarded < LINGER_BYTES {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => discarded += read,
            }
        }
    })
    .await;
}

/// Sleeps until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Raises the soft open-file limit to the hard one, as servers commonly do, so that the
/// connection cap rather than the kernel decides how many clients are served; returns the
/// soft limit now in force (`None`: unlimited or unknown).
pub(crate) fn raise_open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        if limit.current != limit.maximum {
            let raised = Rlimit {
                current: limit.maximum,
                maximum: limit.maximum,
            };
            match setrlimit(Resource::Nofile, raised) {
                Ok(()) => tracing::info!(
                    from = ?limit.current,
                    to = ?limit.maximum,
                    "raised the open-file limit"
                ),
                Err(error) => tracing::warn!(
                    %error,
                    soft = ?limit.current,
                    hard = ?limit.maximum,
                    "could not raise the open-file limit"
                ),
            }
        }
        let now = getrlimit(Resource::Nofile);
        tracing::info!(soft = ?now.current, hard = ?now.maximum, "open-file limit");
        now.current
    }
    #[cfg(not(unix))]
    None
}

/// The connection cap when the settings give none: three quarters of the open-file limit,
/// at most [`DEFAULT_MAX_CONNECTIONS_CEILING`].
pub(crate) fn default_max_connections(open_files: Option<u64>) -> usize {
    open_files
        .and_then(|limit| usize::try_from(limit / 4 * 3).ok())
        .unwrap_or(DEFAULT_MAX_CONNECTIONS_CEILING)
        .clamp(1, DEFAULT_MAX_CONNECTIONS_CEILING)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_cap_follows_the_open_file_limit() {
        assert_eq!(default_max_connections(Some(1024)), 768);
        assert_eq!(default_max_connections(Some(20_000)), 15_000);
        assert_eq!(default_max_connections(Some(1 << 20)), 16_384);
        assert_eq!(default_max_connections(None), 16_384);
        assert_eq!(default_max_connections(Some(0)), 1);
    }

    #[test]
    fn only_a_client_s_own_failures_are_retried_at_once() {
        assert!(client_error(&io::Error::from(
            io::ErrorKind::ConnectionAborted
        )));
        // EMFILE and ENOMEM are the server's: backed off.
        assert!(!client_error(&io::Error::from_raw_os_error(24)));
        assert!(!client_error(&io::Error::from(io::ErrorKind::OutOfMemory)));
    }
}
