//! Nearby halls' live waits, as the province tells a hall that diverts its customers (`GET /sync/v1/nearby`).

use serde::{Deserialize, Serialize};

/// The halls of the asking hall's area (itself left out), least waiting first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearbyReply {
    /// When the province read the figures.
    pub at_ms: i64,
    pub halls: Vec<NearbyHall>,
}

/// One hall and its queue as the province last heard it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearbyHall {
    pub code: String,
    pub name: String,
    /// Customers waiting now (today's tickets not yet called).
    pub waiting: u32,
    /// The longest of their waits, in seconds.
    pub longest_wait_s: u32,
}
