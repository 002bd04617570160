//! When to try a message again: exponential backoff with jitter, shorter for the priority lane
//! (authentication codes are useless late), then give up as a technical failure.

use carillon_domain::ProcessType;
use time::Duration;

/// Attempts before a transient failure becomes a technical failure.
pub const MAX_ATTEMPTS: u32 = 8;

/// The wait before attempt `attempts + 1`, or `None` when attempts are used up.
/// `jitter` in 0..1 spreads retries of a provider outage over time.
pub fn backoff(attempts: u32, lane: ProcessType, jitter: f64) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let base = match lane {
        ProcessType::Priority => 5.0,
        ProcessType::Normal | ProcessType::Bulk => 30.0,
    };
    let cap = 3600.0;
    let exponent = attempts.saturating_sub(1).min(16);
    let seconds = (base * f64::from(1u32 << exponent)).min(cap);
    // Between half and all of the delay ("equal jitter").
    Some(Duration::seconds_f64(
        seconds * (0.5 + jitter.clamp(0.0, 1.0) / 2.0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_stops() {
        let first = backoff(1, ProcessType::Normal, 1.0).unwrap();
        let second = backoff(2, ProcessType::Normal, 1.0).unwrap();
        assert_eq!(first, Duration::seconds(30));
        assert_eq!(second, Duration::seconds(60));
        assert!(backoff(1, ProcessType::Priority, 1.0).unwrap() < first);
        assert_eq!(
            backoff(7, ProcessType::Bulk, 1.0).unwrap(),
            Duration::seconds(1920)
        );
        assert!(backoff(MAX_ATTEMPTS, ProcessType::Normal, 0.0).is_none());
        assert_eq!(
            backoff(2, ProcessType::Normal, 0.0).unwrap(),
            Duration::seconds(30)
        );
    }
}
