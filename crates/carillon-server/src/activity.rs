//! What one connection is doing, for its watchdog: waiting for a request (the idle timeout
//! runs), reading a request head (the header timeout runs), or handling requests (no
//! connection deadline: request bodies have their own). The socket wrapper reports the first
//! byte of a request and the response-body wrapper the end of each answer.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Between requests since this instant.
    Idle(Instant),
    /// Reading a request head since this instant.
    Head(Instant),
    /// This many requests handed to the application and not yet answered in full.
    Busy(usize),
}

/// The phase of one connection and the timeouts that apply to it.
#[derive(Debug)]
pub(crate) struct Activity {
    phase: Mutex<Phase>,
    changed: Notify,
    header_timeout: Duration,
    idle_timeout: Duration,
}

impl Activity {
    /// A connection accepted now: a client that connects must send its request within the
    /// header timeout, as if it had started one (as Go's `ReadHeaderTimeout` does).
    pub(crate) fn new(header_timeout: Duration, idle_timeout: Duration) -> Self {
        Self {
            phase: Mutex::new(Phase::Head(Instant::now())),
            changed: Notify::new(),
            header_timeout,
            idle_timeout,
        }
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        // The phase is a plain value, valid whatever a panicking holder was doing.
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// When the connection must be closed unless its phase changes first; `None` while
    /// requests are being handled.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        match *self.phase() {
            Phase::Idle(since) => Some(since + self.idle_timeout),
            Phase::Head(since) => Some(since + self.header_timeout),
            Phase::Busy(_) => None,
        }
    }

    /// Whether the deadline has passed at `now` (the phase may have changed since the
    /// watchdog last looked).
    pub(crate) fn expired(&self, now: Instant) -> bool {
        self.deadline().is_some_and(|deadline| deadline <= now)
    }

    /// Completes when the phase has changed since the last call (or this one).
    pub(crate) async fn changed(&self) {
        self.changed.notified().await;
    }

    /// Bytes arrived: when the connection was idle, they begin a request head.
    fn received(&self) {
        let mut phase = self.phase();
        if let Phase::Idle(_) = *phase {
            *phase = Phase::Head(Instant::now());
            drop(phase);
            // `notify_one` keeps the wake-up for a watchdog that is not waiting yet.
            self.changed.notify_one();
        }
    }

    /// A request head was parsed and handed to the application.
    pub(crate) fn request_started(self: &Arc<Self>) -> Answering {
        let mut phase = self.phase();
        *phase = match *phase {
            Phase::Busy(requests) => Phase::Busy(requests + 1),
            Phase::Idle(_) | Phase::Head(_) => Phase::Busy(1),
        };
        Answering(Arc::clone(self))
    }

    fn request_finished(&self) {
        let mut phase = self.phase();
        *phase = match *phase {
            Phase::Busy(requests) if requests > 1 => Phase::Busy(requests - 1),
            // The idle clock starts once the answer is handed to the connection: the time its
            // last bytes take to be written (to a client that does not read) counts as idle.
            _ => Phase::Idle(Instant::now()),
        };
        drop(phase);
        self.changed.notify_one();
    }
}

/// One request being answered; dropping it (with the answer's body) ends it.
#[derive(Debug)]
pub(crate) struct Answering(Arc<Activity>);

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

/// An answer's body that ends its request when it is finished or dropped.
#[derive(Debug)]
pub(crate) struct AnswerBody {
    inner: Body,
    answering: Option<Answering>,
}

impl AnswerBody {
    pub(crate) fn new(inner: Body, answering: Answering) -> Self {
        Self {
            inner,
            answering: Some(answering),
        }
    }
}

impl HttpBody for AnswerBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let frame = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(None) = frame {
            self.answering = None;
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A client's socket that tells the connection's [`Activity`] when bytes arrive.
#[derive(Debug)]
pub(crate) struct Watched<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S> Watched<S> {
    pub(crate) fn new(inner: S, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }

    /// The socket, once the connection is done with it.
    pub(crate) fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = read
            && buf.filled().len() > before
        {
            self.activity.received();
        }
        read
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The deadline, checked to be `timeout` after an instant between `before` and now.
    fn deadline_after(activity: &Activity, before: Instant, timeout: Duration) -> Instant {
        let deadline = activity.deadline().unwrap();
        assert!(before + timeout <= deadline && deadline <= Instant::now() + timeout);
        deadline
    }

    #[tokio::test]
    async fn each_phase_has_its_deadline() {
        let header = Duration::from_secs(10);
        let idle = Duration::from_secs(75);
        let before = Instant::now();
        let activity = Arc::new(Activity::new(header, idle));
        deadline_after(&activity, before, header);

        let first = activity.request_started();
        let second = activity.request_started();
        assert_eq!(activity.deadline(), None, "no deadline while answering");
        activity.received();
        assert_eq!(activity.deadline(), None, "body bytes start no head");
        drop(first);
        assert_eq!(activity.deadline(), None, "one request still answered");
        let before = Instant::now();
        drop(second);
        let deadline = deadline_after(&activity, before, idle);
        assert!(!activity.expired(deadline - Duration::from_millis(1)));
        assert!(activity.expired(deadline));

        let before = Instant::now();
        activity.received();
        let head = deadline_after(&activity, before, header);
        activity.received();
        assert_eq!(
            activity.deadline(),
            Some(head),
            "later bytes of the same head do not extend it"
        );
    }
}
