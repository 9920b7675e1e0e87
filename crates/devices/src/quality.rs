//! When the queue and the service call for an alarm: a business waiting past its limit, a clerk's recent ratings below the satisfaction floor (the 服务评价 rule).
//!
//! Both are conditions for [`crate::Alarms::observe`]: the shell reads the
//! waits and the ratings, these rules say whether the condition holds.

use crate::Millis;
use serde::{Deserialize, Serialize};

/// A clerk's satisfaction floor: of their last `window` rated services, at
/// least `floor_pct` per cent must be satisfied (a score of `satisfied_from`
/// or more). Fewer than `window` ratings are not yet enough to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SatisfactionRule {
    pub window: usize,
    pub floor_pct: u8,
    pub satisfied_from: u8,
}

impl Default for SatisfactionRule {
    fn default() -> Self {
        Self {
            window: 10,
            floor_pct: 80,
            satisfied_from: 4,
        }
    }
}

impl SatisfactionRule {
    /// Whether the clerk is below the floor, given their scores oldest first
    /// (only the last `window` count); `false` while there are fewer.
    pub fn below_floor(&self, scores: &[u8]) -> bool {
        let window = self.window.max(1);
        if scores.len() < window {
            return false;
        }
        let recent = &scores[scores.len() - window..];
        let satisfied = recent.iter().filter(|s| **s >= self.satisfied_from).count();
        // satisfied / window < floor / 100, in integers.
        satisfied * 100 < usize::from(self.floor_pct.min(100)) * window
    }
}

/// Whether a business's longest wait (`None`: nobody waits) is past `limit_ms`.
pub fn waits_too_long(longest_wait_ms: Option<Millis>, limit_ms: Millis) -> bool {
    longest_wait_ms.is_some_and(|w| w > limit_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_judges_the_last_window_only() {
        let rule = SatisfactionRule::default();
        // Nine ratings, all bad: not enough to judge yet.
        assert!(!rule.below_floor(&[1; 9]));
        // Ten with eight satisfied: exactly at the floor is not below it.
        let mut s = vec![5, 5, 5, 5, 4, 4, 4, 4, 2, 3];
        assert!(!rule.below_floor(&s));
        // A third unsatisfied one: 7 of 10 is below 80 %.
        s.push(1);
        assert!(rule.below_floor(&s));
        // Older ratings fall out of the window: seven more good ones keep
        // two of the bad in it, eight leave one (and 3, unsatisfied).
        s.extend([5; 7]);
        assert!(rule.below_floor(&s));
        s.push(5);
        assert!(!rule.below_floor(&s));
    }

    #[test]
    fn the_rule_is_configurable() {
        let rule = SatisfactionRule {
            window: 4,
            floor_pct: 50,
            satisfied_from: 3,
        };
        assert!(!rule.below_floor(&[3, 3, 1, 1]));
        assert!(rule.below_floor(&[3, 1, 1, 1]));
        let strict = SatisfactionRule {
            floor_pct: 100,
            ..SatisfactionRule::default()
        };
        assert!(strict.below_floor(&[5, 5, 5, 5, 5, 5, 5, 5, 5, 4 - 1]));
        // A window of 0 is read as 1.
        let one = SatisfactionRule {
            window: 0,
            ..SatisfactionRule::default()
        };
        assert!(one.below_floor(&[2]));
        assert!(!one.below_floor(&[]));
    }

    #[test]
    fn a_wait_is_too_long_only_past_the_limit() {
        assert!(!waits_too_long(None, 0));
        assert!(!waits_too_long(Some(600_000), 600_000));
        assert!(waits_too_long(Some(600_001), 600_000));
    }
}
