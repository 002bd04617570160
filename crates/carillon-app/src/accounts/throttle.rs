//! Rate limits on the endpoints people can hammer without an account: sign-in, second-factor
//! codes, and the ones that send email (registration, forgotten password, resending a code).
//!
//! The lockout after 10 failures protects each account across every process; these limits
//! protect against spraying many accounts from one client, per process, in fixed windows.
//! Clients are keyed by a keyed hash of what the edge identifies them by (an IP address),
//! so no address is kept in memory in clear.

use std::collections::HashMap;
use std::sync::Mutex;

use time::OffsetDateTime;

use super::purpose;
use crate::App;

/// Entries kept at most before expired windows are swept.
const MAX_ENTRIES: usize = 100_000;

/// What a client attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthAction {
    /// A password checked (sign-in, and the password asked again on the profile).
    SignIn,
    /// A second-factor code checked.
    Code,
    /// An email sent on an anonymous request: registration, forgotten password, new code.
    Email,
}

impl AuthAction {
    /// Attempts allowed per window, and the window in seconds.
    pub const fn allowance(self) -> (u32, i64) {
        match self {
            AuthAction::SignIn => (20, 300),
            AuthAction::Code => (20, 300),
            AuthAction::Email => (5, 900),
        }
    }
}

/// An action by one client (its keyed hash).
type ClientAction = (AuthAction, [u8; 32]);
/// When the current window began, and the attempts counted in it.
type Window = (OffsetDateTime, u32);

/// This process's counts, per action and client.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    windows: Mutex<HashMap<ClientAction, Window>>,
}

impl App {
    /// Counts one attempt of `action` by `client` (an IP address, or any stable key) and
    /// says whether it is within the allowance; refuse the request (HTTP 429) when not.
    pub fn allow_attempt(&self, action: AuthAction, client: &str) -> bool {
        let (limit, window) = action.allowance();
        let key = self.settings.token_key.hash(purpose::THROTTLE, client);
        let now = self.clock.now();
        let Ok(mut windows) = self.throttle.windows.lock() else {
            return true;
        };
        if windows.len() >= MAX_ENTRIES {
            windows.retain(|(action, _), (start, _)| {
                (now - *start).whole_seconds() < action.allowance().1
            });
        }
        let entry = windows.entry((action, key)).or_insert((now, 0));
        if (now - entry.0).whole_seconds() >= window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= limit
    }
}
