//! The floors' bookkeeping alone: when a claim may skip what it has already seen empty.

use std::time::{Duration as StdDuration, Instant};

use time::macros::datetime;

use super::{DUE_MARGIN, FULL_EVERY, Floors, LANES, Learned};

const NOW: time::OffsetDateTime = datetime!(2026-11-22 12:00 UTC);

fn empty(now: time::OffsetDateTime, last_seq: i64) -> Learned {
    Learned {
        lanes_exhausted: [true; LANES],
        due_exhausted: true,
        last_seq: Some(last_seq),
        now,
    }
}

#[test]
fn the_first_claim_is_full_and_an_empty_one_sets_the_floors() {
    let floors = Floors::default();
    let at = Instant::now();
    let plan = floors.plan(1, true, NOW, at);
    assert!(plan.full);
    assert_eq!(plan.lanes, [0; LANES]);
    assert_eq!(plan.due_from, None);
    floors.learn(&plan, empty(NOW, 41), 1, at);

    let next = floors.plan(1, true, NOW, at + StdDuration::from_secs(1));
    assert!(!next.full);
    assert_eq!(next.lanes, [42; LANES]);
    assert_eq!(next.due_from, Some(NOW - DUE_MARGIN));
}

#[test]
fn a_lane_that_was_not_exhausted_keeps_its_floor() {
    let floors = Floors::default();
    let at = Instant::now();
    let plan = floors.plan(1, true, NOW, at);
    let learned = Learned {
        lanes_exhausted: [true, false, true],
        due_exhausted: false,
        ..empty(NOW, 100)
    };
    floors.learn(&plan, learned, 1, at);
    let next = floors.plan(1, true, NOW, at);
    assert_eq!(next.lanes, [101, 0, 101]);
    assert_eq!(next.due_from, None);
}

#[test]
fn any_news_makes_the_next_claim_full() {
    let floors = Floors::default();
    let at = Instant::now();
    let plan = floors.plan(1, true, NOW, at);
    floors.learn(&plan, empty(NOW, 10), 1, at);
    // Announced (or made ready here) after the floors were set.
    assert!(floors.plan(2, true, NOW, at).full);
    // The listener missed announcements.
    assert!(floors.plan(1, false, NOW, at).full);
    // The clock went back past the due floor.
    assert!(floors.plan(1, true, NOW - DUE_MARGIN * 2, at).full);
    // Some time passed.
    assert!(floors.plan(1, true, NOW, at + FULL_EVERY).full);
    assert!(
        !floors
            .plan(1, true, NOW, at + StdDuration::from_secs(1))
            .full
    );
}

#[test]
fn what_a_claim_learns_while_the_epoch_moves_is_dropped() {
    let floors = Floors::default();
    let at = Instant::now();
    let plan = floors.plan(1, true, NOW, at);
    floors.learn(&plan, empty(NOW, 10), 2, at);
    assert!(floors.plan(2, true, NOW, at).full);
    assert!(floors.plan(1, true, NOW, at).full);
}

#[test]
fn floors_only_move_forward_within_an_epoch() {
    let floors = Floors::default();
    let at = Instant::now();
    let plan = floors.plan(1, true, NOW, at);
    floors.learn(&plan, empty(NOW, 50), 1, at);
    let next = floors.plan(1, true, NOW, at);
    // A claim whose sequence read came back lower (it cannot, but a floor must not fall).
    floors.learn(&next, empty(NOW - time::Duration::seconds(5), 20), 1, at);
    let after = floors.plan(1, true, NOW, at);
    assert_eq!(after.lanes, [51; LANES]);
    assert_eq!(after.due_from, Some(NOW - DUE_MARGIN));
}
