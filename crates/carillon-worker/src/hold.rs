//! Holding a batch's claims for as long as it takes to send it, and never sending past them.
//!
//! A claim holds its rows for one lease; once it has passed, any worker (in any process) may
//! claim them again and send them. A batch that takes longer than the lease to render and hand
//! to a slow provider must therefore neither lose its rows to another worker (both would send
//! them) nor hand over a message it no longer holds. Two rules give that:
//!
//! - From the claim until the outcomes are about to be recorded, the claims are renewed every
//!   [`margin`] (a quarter of the lease), each renewal moving their end a whole lease on. The
//!   database renews a row only while its `attempts` is still the claim's, so a renewal never
//!   takes back a row another worker claimed; while this worker and the database are up,
//!   nobody else claims the batch.
//! - The messages go to the provider through a [`Gate`] that closes [`margin`] before the
//!   claims end by the last renewal that worked (timed from before it was sent), and shuts for
//!   good when a renewal finds a claim taken. A message whose turn comes while it is closed is
//!   not sent; its claim is given back without counting an attempt, for any worker to take. A
//!   renewal that works opens a gate whose time had passed again: it proves nobody claimed the
//!   rows since, so nobody else can have sent them.
//!
//! The margin covers the clock of another worker's host running ahead of this one (the lease
//! end is written by this clock and compared with theirs) and the time a message handed just
//! before the gate closes takes to reach the provider. Only a worker cut off from the database
//! for most of a lease, or stopped, can still see a claim pass with messages handed and their
//! outcomes not recorded: that is the crash window, where delivery is at least once.

use std::future::Future;
use std::time::Duration;

use carillon_domain::Clock;
use carillon_providers::Gate;
use carillon_store::{Claim, DeliveryStore};
use tokio::time::Instant;

/// How far ahead of the claims' end the gate closes, and how often they are renewed.
pub(crate) fn margin(lease: Duration) -> Duration {
    lease / 4
}

/// The claims of one batch in hand.
#[derive(Debug)]
pub(crate) struct Hold {
    gate: Gate,
    lease: Duration,
}

impl Hold {
    /// Claims made with `lease` by a statement sent at `claimed_at`.
    pub(crate) fn new(claimed_at: Instant, lease: time::Duration) -> Self {
        let lease = Duration::try_from(lease).unwrap_or_default();
        Self {
            gate: Gate::until(claimed_at + lease - margin(lease)),
            lease,
        }
    }

    /// What messages are handed through.
    pub(crate) fn gate(&self) -> &Gate {
        &self.gate
    }

    /// When the claims end, as far as this worker knows.
    pub(crate) fn ends_at(&self) -> Instant {
        self.gate.closes_at() + margin(self.lease)
    }

    /// Runs `work` (rendering and sending), renewing `claims` meanwhile. A renewal under way when `work`
    /// ends is finished first, so none can land after the outcomes are recorded.
    pub(crate) async fn keep<T>(
        &self,
        store: &dyn DeliveryStore,
        clock: &dyn Clock,
        claims: &[Claim],
        work: impl Future<Output = T>,
    ) -> T {
        let (done, mut finished) = tokio::sync::oneshot::channel::<()>();
        let work = async {
            let output = work.await;
            let _ = done.send(());
            output
        };
        let renewing = async {
            // The first renewal comes at once if the claim itself took most of the lease.
            let mut pause = margin(self.lease).min(
                self.gate
                    .closes_at()
                    .saturating_duration_since(Instant::now()),
            );
            while !self.gate.is_shut() {
                tokio::select! {
                    _ = &mut finished => return,
                    () = tokio::time::sleep(pause) => {}
                }
                self.renew(store, clock, claims).await;
                pause = margin(self.lease);
            }
        };
        let (output, ()) = tokio::join!(work, renewing);
        output
    }

    async fn renew(&self, store: &dyn DeliveryStore, clock: &dyn Clock, claims: &[Claim]) {
        let sent_at = Instant::now();
        let lease_until = clock.now() + self.lease;
        match store.renew_claims(claims, lease_until).await {
            Ok(renewed) if renewed == claims.len() as u64 => {
                metrics::counter!("carillon_claim_renewals_total").increment(1);
                self.gate
                    .extend_to(sent_at + self.lease - margin(self.lease));
            }
            Ok(renewed) => {
                // Only a claim whose lease passed can be taken; the rest of the batch is not
                // worth the risk.
                tracing::warn!(
                    batch = claims.len(),
                    taken = claims.len() as u64 - renewed,
                    "another worker took claims of a batch in hand; sending no more of it"
                );
                self.gate.shut();
            }
            Err(error) => tracing::warn!(
                %error,
                batch = claims.len(),
                "cannot renew the claims of a batch in hand; it stops short of their end unless a later renewal works"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};

    use carillon_domain::{Notification, NotificationId, SystemClock};
    use carillon_store::{Outcome, Receipt, ReceiptOutcome, StoreError, StoreResult};
    use time::OffsetDateTime;

    use super::*;

    const LEASE: Duration = Duration::from_millis(400);

    /// Answers renewals with `answer` for the batch it is given, recording when each ended.
    struct Renewals {
        answer: fn(usize) -> StoreResult<u64>,
        ended: Mutex<Vec<Instant>>,
        in_flight: AtomicBool,
    }

    impl Renewals {
        fn new(answer: fn(usize) -> StoreResult<u64>) -> Self {
            Self {
                answer,
                ended: Mutex::default(),
                in_flight: AtomicBool::new(false),
            }
        }
    }

    #[async_trait::async_trait]
    impl DeliveryStore for Renewals {
        async fn claim_notifications(
            &self,
            _: OffsetDateTime,
            _: OffsetDateTime,
            _: u32,
        ) -> StoreResult<Vec<Notification>> {
            Ok(Vec::new())
        }

        async fn record_outcomes(&self, _: &[Outcome]) -> StoreResult<()> {
            Ok(())
        }

        async fn apply_receipts(&self, _: &[Receipt]) -> StoreResult<Vec<ReceiptOutcome>> {
            Ok(Vec::new())
        }

        async fn renew_claims(&self, claims: &[Claim], _: OffsetDateTime) -> StoreResult<u64> {
            self.in_flight.store(true, Ordering::SeqCst);
            // A slow statement: the work may end while it runs.
            tokio::time::sleep(Duration::from_millis(30)).await;
            self.in_flight.store(false, Ordering::SeqCst);
            self.ended.lock().unwrap().push(Instant::now());
            (self.answer)(claims.len())
        }

        async fn release_claims(&self, _: &[Claim], _: OffsetDateTime) -> StoreResult<u64> {
            Ok(0)
        }
    }

    fn claims() -> Vec<Claim> {
        (0..3)
            .map(|_| Claim {
                id: NotificationId::new(),
                attempt: 1,
            })
            .collect()
    }

    /// Keeps `hold` over work that lasts `lasting`, and says whether the gate was open at its end.
    async fn keep_for(hold: &Hold, store: &Renewals, lasting: Duration) -> bool {
        let work = async {
            tokio::time::sleep(lasting).await;
            hold.gate().is_open()
        };
        let open = hold.keep(store, &SystemClock, &claims(), work).await;
        assert!(
            !store.in_flight.load(Ordering::SeqCst),
            "no renewal left running"
        );
        open
    }

    #[test]
    fn the_gate_closes_a_quarter_lease_before_the_claims_end() {
        let claimed_at = Instant::now();
        let hold = Hold::new(claimed_at, time::Duration::seconds(8));
        assert_eq!(hold.gate().closes_at(), claimed_at + Duration::from_secs(6));
        assert_eq!(hold.ends_at(), claimed_at + Duration::from_secs(8));
    }

    #[tokio::test]
    async fn renewals_keep_the_gate_open_past_the_first_lease() {
        let store = Renewals::new(|n| Ok(n as u64));
        let hold = Hold::new(Instant::now(), time::Duration::try_from(LEASE).unwrap());
        assert!(keep_for(&hold, &store, LEASE * 3).await);
        assert!(
            store.ended.lock().unwrap().len() >= 5,
            "every quarter lease"
        );
        assert!(hold.ends_at() > Instant::now() + LEASE / 2);
    }

    #[tokio::test]
    async fn failed_renewals_let_the_gate_close_before_the_claims_end() {
        let store = Renewals::new(|_| Err(StoreError::Unavailable("down".into())));
        let start = Instant::now();
        let hold = Hold::new(start, time::Duration::try_from(LEASE).unwrap());
        assert!(!keep_for(&hold, &store, LEASE).await);
        assert_eq!(hold.ends_at(), start + LEASE, "never moved");
    }

    #[tokio::test]
    async fn a_claim_taken_closes_the_gate_at_once() {
        let store = Renewals::new(|n| Ok(n as u64 - 1));
        let start = Instant::now();
        let hold = Hold::new(start, time::Duration::try_from(LEASE).unwrap());
        assert!(!keep_for(&hold, &store, LEASE / 2).await);
        let ended = store.ended.lock().unwrap().clone();
        assert_eq!(ended.len(), 1, "no renewal once the gate shut");
        assert!(hold.gate().closes_at() <= ended[0] + Duration::from_millis(5));
    }

    #[tokio::test]
    async fn a_claim_that_took_most_of_the_lease_is_renewed_at_once() {
        let store = Renewals::new(|n| Ok(n as u64));
        let claimed_at = Instant::now() - LEASE * 3 / 4;
        let hold = Hold::new(claimed_at, time::Duration::try_from(LEASE).unwrap());
        assert!(!hold.gate().is_open(), "lapsed before the work starts");
        assert!(keep_for(&hold, &store, LEASE / 8).await, "open again");
        assert_eq!(store.ended.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn work_shorter_than_a_quarter_lease_renews_nothing() {
        let store = Renewals::new(|n| Ok(n as u64));
        let hold = Hold::new(Instant::now(), time::Duration::try_from(LEASE).unwrap());
        assert!(keep_for(&hold, &store, Duration::from_millis(10)).await);
        assert!(store.ended.lock().unwrap().is_empty());
    }
}
