//! The login throttle: after repeated wrong passwords an account is locked for a while.
//!
//! Pure: the caller passes the current time (Unix milliseconds) and persists
//! the state it gets back, so a restart does not reset the count.

use serde::{Deserialize, Serialize};

/// Consecutive failures and the lock they caused, as stored per account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginThrottle {
    pub failures: u32,
    /// Unix milliseconds until which logins are refused, if locked.
    pub locked_until_ms: Option<i64>,
}

/// Whether a login attempt may be checked at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleVerdict {
    Allowed,
    Locked { remaining_secs: u64 },
}

impl LoginThrottle {
    /// Wrong passwords in a row before the account locks.
    pub const MAX_FAILURES: u32 = 5;
    /// How long a lock lasts.
    pub const LOCK_MS: i64 = 5 * 60 * 1000;

    pub fn check(&self, now_ms: i64) -> ThrottleVerdict {
        match self.locked_until_ms {
            Some(until) if until > now_ms => ThrottleVerdict::Locked {
                remaining_secs: ((until - now_ms) as u64).div_ceil(1000),
            },
            _ => ThrottleVerdict::Allowed,
        }
    }

    /// The state after a wrong password at `now_ms`.
    pub fn after_failure(self, now_ms: i64) -> Self {
        // A lock that has run out starts a fresh count.
        let base = match self.locked_until_ms {
            Some(until) if until <= now_ms => 0,
            _ => self.failures,
        };
        let failures = base + 1;
        if failures >= Self::MAX_FAILURES {
            Self {
                failures,
                locked_until_ms: Some(now_ms + Self::LOCK_MS),
            }
        } else {
            Self {
                failures,
                locked_until_ms: None,
            }
        }
    }

    /// The state after a correct password.
    pub fn after_success(self) -> Self {
        Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_five_failures_and_unlocks_later() {
        let mut t = LoginThrottle::default();
        for i in 0..4 {
            t = t.after_failure(1_000 + i);
            assert_eq!(t.check(1_000 + i), ThrottleVerdict::Allowed);
        }
        t = t.after_failure(2_000);
        assert_eq!(
            t.check(2_000),
            ThrottleVerdict::Locked {
                remaining_secs: 300
            }
        );
        assert_eq!(
            t.check(2_000 + LoginThrottle::LOCK_MS),
            ThrottleVerdict::Allowed
        );
        // After the lock ran out, one more failure does not lock again at once.
        let t = t.after_failure(2_000 + LoginThrottle::LOCK_MS);
        assert_eq!(t.failures, 1);
        assert_eq!(
            t.check(2_000 + LoginThrottle::LOCK_MS),
            ThrottleVerdict::Allowed
        );
    }

    #[test]
    fn success_resets() {
        let t = LoginThrottle::default().after_failure(0).after_failure(1);
        assert_eq!(t.after_success(), LoginThrottle::default());
    }
}
