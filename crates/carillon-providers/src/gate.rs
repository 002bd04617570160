//! The gate a worker hands messages through: open while the worker holds the claims of the
//! messages' notifications (with a margin), closed once it may not. A provider that queues
//! messages behind a limited number of sessions or requests checks it as each message's turn
//! comes, so a message that waited in the queue past the claim is never sent by this worker
//! (another worker may have claimed it and be sending it already).

use std::sync::{Arc, Mutex, PoisonError};

use tokio::time::Instant;

/// Open until an instant that the holder may move (a renewed claim), or shut for good (a
/// claim taken by another worker). Clones share one state.
#[derive(Debug, Clone)]
pub struct Gate {
    state: Arc<Mutex<State>>,
}

#[derive(Debug)]
struct State {
    closes_at: Instant,
    shut: bool,
}

impl Gate {
    /// A gate open until `closes_at`.
    #[must_use]
    pub fn until(closes_at: Instant) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                closes_at,
                shut: false,
            })),
        }
    }

    /// Whether a message may still be handed over now.
    #[must_use]
    pub fn is_open(&self) -> bool {
        let state = self.state();
        !state.shut && Instant::now() < state.closes_at
    }

    /// When the gate closes unless it is moved.
    #[must_use]
    pub fn closes_at(&self) -> Instant {
        self.state().closes_at
    }

    /// Whether [`shut`](Self::shut) was called: no renewal can open it again.
    #[must_use]
    pub fn is_shut(&self) -> bool {
        self.state().shut
    }

    /// Keeps the gate open until `closes_at`, or opens it again until then if its time had
    /// passed: the holder has just renewed its claims, which the database grants only when
    /// nobody claimed them since (so nobody else can have sent them). Never moves it earlier,
    /// never opens a shut gate.
    pub fn extend_to(&self, closes_at: Instant) {
        let mut state = self.state();
        if !state.shut && closes_at > state.closes_at {
            state.closes_at = closes_at;
        }
    }

    /// Closes the gate for good.
    pub fn shut(&self) {
        let mut state = self.state();
        state.shut = true;
        state.closes_at = state.closes_at.min(Instant::now());
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is two plain values: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn opens_until_its_time_and_moves_forward_only() {
        let start = Instant::now();
        let gate = Gate::until(start + Duration::from_millis(100));
        assert!(gate.is_open());
        gate.extend_to(start + Duration::from_millis(50));
        assert_eq!(
            gate.closes_at(),
            start + Duration::from_millis(100),
            "never earlier"
        );
        gate.extend_to(start + Duration::from_millis(200));
        tokio::time::sleep_until(start + Duration::from_millis(150)).await;
        assert!(gate.is_open(), "extended");
        tokio::time::sleep_until(start + Duration::from_millis(200)).await;
        assert!(!gate.is_open(), "closed at its time");
        gate.extend_to(Instant::now() + Duration::from_secs(60));
        assert!(gate.is_open(), "a renewal opens a lapsed gate again");
    }

    #[test]
    fn shut_is_for_good_and_shared_by_clones() {
        let gate = Gate::until(Instant::now() + Duration::from_secs(10));
        let clone = gate.clone();
        gate.shut();
        assert!(!clone.is_open());
        assert!(clone.is_shut());
        clone.extend_to(Instant::now() + Duration::from_secs(60));
        assert!(!gate.is_open());
    }
}
