//! Hybrid logical clocks: wall time plus a counter, so causally later events always sort later.

use serde::{Deserialize, Serialize};

/// A timestamp: compare as (wall, counter, node).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
    pub node: String,
}

/// A peer's clock is further from ours than we tolerate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkewError {
    /// How far the peer is ahead (positive) or behind (negative), in ms.
    pub skew_ms: i64,
}

/// One node's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HlcClock {
    node: String,
    wall_ms: i64,
    counter: u32,
    max_skew_ms: i64,
}

impl HlcClock {
    pub fn new(node: impl Into<String>, max_skew_ms: i64) -> Self {
        Self {
            node: node.into(),
            wall_ms: 0,
            counter: 0,
            max_skew_ms,
        }
    }

    /// Resumes after a restart from the last timestamp this node issued.
    pub fn resume(node: impl Into<String>, max_skew_ms: i64, last: &Hlc) -> Self {
        Self {
            node: node.into(),
            wall_ms: last.wall_ms,
            counter: last.counter,
            max_skew_ms,
        }
    }

    /// The largest clock difference to a peer that is tolerated, in ms.
    pub fn max_skew_ms(&self) -> i64 {
        self.max_skew_ms
    }

    /// A timestamp for a local event at `now_ms`: later than every one before.
    pub fn tick(&mut self, now_ms: i64) -> Hlc {
        if now_ms > self.wall_ms {
            self.wall_ms = now_ms;
            self.counter = 0;
        } else {
            self.counter += 1;
        }
        self.stamp()
    }

    /// Takes in a peer's timestamp received at `now_ms`; refuses one too far in the future.
    pub fn observe(&mut self, remote: &Hlc, now_ms: i64) -> Result<Hlc, SkewError> {
        let skew_ms = remote.wall_ms - now_ms;
        if skew_ms > self.max_skew_ms {
            return Err(SkewError { skew_ms });
        }
        let wall = self.wall_ms.max(remote.wall_ms).max(now_ms);
        self.counter = if wall == self.wall_ms && wall == remote.wall_ms {
            self.counter.max(remote.counter) + 1
        } else if wall == self.wall_ms {
            self.counter + 1
        } else if wall == remote.wall_ms {
            remote.counter + 1
        } else {
            0
        };
        self.wall_ms = wall;
        Ok(self.stamp())
    }

    /// Checks a peer's current wall clock (as it stated it) against ours, both ways.
    pub fn check_peer_clock(&self, peer_now_ms: i64, now_ms: i64) -> Result<(), SkewError> {
        let skew_ms = peer_now_ms - now_ms;
        if skew_ms.abs() > self.max_skew_ms {
            return Err(SkewError { skew_ms });
        }
        Ok(())
    }

    fn stamp(&self) -> Hlc {
        Hlc {
            wall_ms: self.wall_ms,
            counter: self.counter,
            node: self.node.clone(),
        }
    }
}
