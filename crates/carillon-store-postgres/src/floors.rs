//! Where a claim may start reading the queue's indexes, so that an idle worker's poll costs a
//! handful of pages however many dead rows the table holds.
//!
//! A row that leaves the queue leaves its old version's entry in the partial indexes until
//! VACUUM removes it; with autovacuum off or lagging, a million finished rows are a million
//! entries in front of the queue, and a claim from the start walks (and, through a bitmap scan,
//! visits the heap for) every one of them on every poll. After a claim has seen that a lane holds
//! nothing claimable, the next claims read that lane only past the newest `seq` handed out then,
//! and read waiting rows only from a little before the time it found none due.
//!
//! A floor is only a shortcut: a claim reads from the start (a "full" claim) whenever rows may
//! have become ready below it — another process or this one announced new rows, a claim made
//! waiting rows ready, an outcome sent a row back to the queue, the listener was not hearing
//! every announcement — and at least every [`FULL_EVERY`] in any case.

use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};

use time::{Duration, OffsetDateTime};

/// Queue lanes: priority, normal, bulk (`codec::priority`).
pub(crate) const LANES: usize = 3;
/// A full claim at least this often, whatever the floors say: a row made ready in a way the
/// epoch cannot see (another process's promotion beyond what it claimed, a transaction that
/// ran across a lost listener connection) waits at most this long.
pub(crate) const FULL_EVERY: StdDuration = StdDuration::from_secs(30);
/// Waiting rows are read from this long before the last time none was due: a row written
/// with a due time a little in the past (a clock a little behind, a slow commit) is still seen.
pub(crate) const DUE_MARGIN: Duration = Duration::minutes(1);

/// Where one claim reads from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The epoch the plan was made in; what the claim learns is kept only if it has not moved.
    epoch: u64,
    pub(crate) full: bool,
    /// The first `seq` read in each lane (0: from the start).
    pub(crate) lanes: [i64; LANES],
    /// The earliest due time read among waiting rows (`None`: from the start).
    pub(crate) due_from: Option<OffsetDateTime>,
}

/// What a claim found out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Learned {
    /// Per lane: the lane was read and held fewer claimable rows than asked for.
    pub(crate) lanes_exhausted: [bool; LANES],
    /// Fewer waiting rows were due than the promotion would have taken.
    pub(crate) due_exhausted: bool,
    /// The newest `seq` handed out before the lanes were read (`None`: none yet).
    pub(crate) last_seq: Option<i64>,
    /// The claim's `now`.
    pub(crate) now: OffsetDateTime,
}

#[derive(Debug, Default)]
struct State {
    /// The epoch the floors hold for; `None` before the first full claim.
    valid_in: Option<u64>,
    lanes: [i64; LANES],
    due_from: Option<OffsetDateTime>,
    last_full: Option<Instant>,
}

/// The floors of one store, shared by its claims.
#[derive(Debug, Default)]
pub(crate) struct Floors {
    state: Mutex<State>,
}

impl Floors {
    /// The plan for a claim at `now` in `epoch`; `heard_all` says the listener has heard every
    /// announcement since it started.
    pub(crate) fn plan(
        &self,
        epoch: u64,
        heard_all: bool,
        now: OffsetDateTime,
        at: Instant,
    ) -> Plan {
        let state = self.lock();
        let stale = state
            .last_full
            .is_none_or(|last| at.saturating_duration_since(last) >= FULL_EVERY);
        // A clock that went back would otherwise hide rows due before the floor.
        let clock_back = state.due_from.is_some_and(|from| from > now);
        if !heard_all || state.valid_in != Some(epoch) || stale || clock_back {
            return Plan {
                epoch,
                full: true,
                lanes: [0; LANES],
                due_from: None,
            };
        }
        Plan {
            epoch,
            full: false,
            lanes: state.lanes,
            due_from: state.due_from,
        }
    }

    /// Keeps what a claim made with `plan` learned, unless the epoch moved meanwhile (then the
    /// next claim is full anyway).
    pub(crate) fn learn(&self, plan: &Plan, learned: Learned, epoch: u64, at: Instant) {
        if epoch != plan.epoch {
            return;
        }
        let mut state = self.lock();
        for (lane, floor) in state.lanes.iter_mut().enumerate() {
            *floor = match (learned.lanes_exhausted[lane], learned.last_seq) {
                // Nothing claimable up to `last_seq`: rows committed later with an older `seq`
                // were announced, which moves the epoch.
                (true, Some(last)) => plan.lanes[lane].max(last.saturating_add(1)),
                _ => plan.lanes[lane],
            };
        }
        state.due_from = if learned.due_exhausted {
            let from = learned.now - DUE_MARGIN;
            Some(plan.due_from.map_or(from, |old| old.max(from)))
        } else {
            plan.due_from
        };
        state.valid_in = Some(epoch);
        if plan.full {
            state.last_full = Some(at);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a few numbers written in one go: a panic elsewhere cannot leave it torn.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests;
