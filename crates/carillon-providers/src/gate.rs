//! The gate a worker hands messages through: open while the worker holds the claims of the
//! messages' notifications (with a margin), closed once it may not. A provider that queues
//! messages behind a limited number of sessions or requests checks it as each message's turn
//! comes, so a message that waited in the queue past the claim is never sent by this worker
//! (another worker may have claimed it and be sending it already).

use std::sync::{Arc, Mutex, PoisonError};

use tokio::time::Instant;

/// Open until an instant that the holder may move (a renewed claim) or end at once (a lost
/// claim). Clones share one state.
#[derive(Debug, Clone)]
pub struct Gate {
    closes_at: Arc<Mutex<Instant>>,
}

impl Gate {
    /// A gate open until `closes_at`.
    #[must_use]
    pub fn until(closes_at: Instant) -> Self {
        Self {
            closes_at: Arc::new(Mutex::new(closes_at)),
        }
    }

    /// Whether a message may still be handed over now.
    #[must_use]
    pub fn is_open(&self) -> bool {
        Instant::now() < self.closes_at()
    }

    /// When the gate closes unless it is moved.
    #[must_use]
    pub fn closes_at(&self) -> Instant {
        // The state is one plain value: a panic elsewhere cannot leave it half-written.
        *self
            .closes_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps the gate open until `closes_at` (a renewed claim); never reopens a closed gate,
    /// since a claim that lapsed may have been taken by another worker meanwhile.
    pub fn extend_to(&self, closes_at: Instant) {
        let mut current = self
            .closes_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if Instant::now() < *current && closes_at > *current {
            *current = closes_at;
        }
    }

    /// Closes the gate for good.
    pub fn close(&self) {
        *self
            .closes_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn opens_until_its_time_and_moves_forward_only_while_open() {
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
        assert!(!gate.is_open(), "a closed gate stays closed");
    }

    #[test]
    fn close_is_for_good_and_shared_by_clones() {
        let gate = Gate::until(Instant::now() + Duration::from_secs(10));
        let clone = gate.clone();
        gate.close();
        assert!(!clone.is_open());
        clone.extend_to(Instant::now() + Duration::from_secs(60));
        assert!(!gate.is_open());
    }
}
