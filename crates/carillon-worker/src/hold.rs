//! Holding a batch's claims for as long as it takes to send it, and never sending past them.
//!
//! A claim holds its rows for one lease; once it has passed, any worker (in any process) may
//! claim them again and send them. A batch that takes longer than the lease to hand to a slow
//! provider must therefore neither lose its rows to another worker (both would send them) nor
//! hand over a message it no longer holds. Two rules, and nothing else, give that:
//!
//! - While the batch is being sent, its claims are renewed every [`margin`] (a quarter of the
//!   lease), each renewal moving their end a whole lease on. The database checks that each
//!   row's `attempts` is still the claim's, so a renewal never takes back a row another worker
//!   claimed; as long as this worker and the database are up, nobody else claims the batch.
//! - The messages go to the provider through a [`Gate`] that closes [`margin`] before the
//!   claims end by the last renewal that succeeded (timed from before it was sent), or at once
//!   when a renewal finds a claim taken. A message whose turn comes after that is not sent; its
//!   claim is given back without counting an attempt, for any worker to take.
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

    /// Runs `work` (the sending), renewing `claims` meanwhile. A renewal under way when `work`
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
            while self.gate.is_open() {
                tokio::select! {
                    _ = &mut finished => return,
                    () = tokio::time::sleep(margin(self.lease)) => {}
                }
                self.renew(store, clock, claims).await;
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
                self.gate.close();
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
    use super::*;

    #[test]
    fn the_gate_closes_a_quarter_lease_before_the_claims_end() {
        let claimed_at = Instant::now();
        let hold = Hold::new(claimed_at, time::Duration::seconds(8));
        assert_eq!(hold.gate().closes_at(), claimed_at + Duration::from_secs(6));
        assert_eq!(hold.ends_at(), claimed_at + Duration::from_secs(8));
    }
}
