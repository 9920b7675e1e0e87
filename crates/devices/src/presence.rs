//! Who has been heard from lately: silence past a device's heartbeat timeout, a last will or a closed page connection means offline.
//!
//! The tracker answers changes only (a device going offline or coming
//! back), so the shell turns each into one observation for the alarms. A
//! tracker started (or restarted) counts every device as heard at that
//! moment: nobody is declared offline before one whole timeout has passed.

use crate::registry::DeviceId;
use crate::Millis;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Heard at this time; offline once the timeout passes.
    Heard(Millis),
    /// Holding a live connection (a page's WebSocket): present until it closes.
    Connected,
    Offline,
}

/// A change of a device's presence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Online(DeviceId),
    Offline(DeviceId),
}

/// The presence of every tracked device.
#[derive(Debug, Clone, Default)]
pub struct Presence {
    seen: BTreeMap<DeviceId, (Seen, Millis)>,
}

impl Presence {
    pub fn new() -> Self {
        Self::default()
    }

    /// Tracks `id` with `timeout_ms` of allowed silence, as heard `now`.
    /// Tracking it again changes only the timeout.
    pub fn track(&mut self, id: DeviceId, timeout_ms: Millis, now: Millis) {
        self.seen
            .entry(id)
            .and_modify(|(_, t)| *t = timeout_ms)
            .or_insert((Seen::Heard(now), timeout_ms));
    }

    /// Stops tracking `id` (it was removed from the registry).
    pub fn forget(&mut self, id: &DeviceId) {
        self.seen.remove(id);
    }

    pub fn is_tracked(&self, id: &DeviceId) -> bool {
        self.seen.contains_key(id)
    }

    pub fn is_online(&self, id: &DeviceId) -> bool {
        matches!(self.seen.get(id), Some((s, _)) if *s != Seen::Offline)
    }

    /// The device spoke (any message); `Some` when it was offline.
    pub fn heard(&mut self, id: &DeviceId, now: Millis) -> Option<Change> {
        let (seen, _) = self.seen.get_mut(id)?;
        let was = *seen;
        if was != Seen::Connected {
            *seen = Seen::Heard(now);
        }
        (was == Seen::Offline).then(|| Change::Online(id.clone()))
    }

    /// A live connection opened (a page's WebSocket).
    pub fn connected(&mut self, id: &DeviceId) -> Option<Change> {
        let (seen, _) = self.seen.get_mut(id)?;
        let was = std::mem::replace(seen, Seen::Connected);
        (was == Seen::Offline).then(|| Change::Online(id.clone()))
    }

    /// The connection closed, or the device's last will arrived: offline now.
    pub fn dropped(&mut self, id: &DeviceId) -> Option<Change> {
        let (seen, _) = self.seen.get_mut(id)?;
        let was = std::mem::replace(seen, Seen::Offline);
        (was != Seen::Offline).then(|| Change::Offline(id.clone()))
    }

    /// The devices silent past their timeout at `now`, now marked offline.
    pub fn expire(&mut self, now: Millis) -> Vec<Change> {
        let mut out = Vec::new();
        for (id, (seen, timeout)) in &mut self.seen {
            if let Seen::Heard(at) = *seen {
                if now.saturating_sub(at) > *timeout {
                    *seen = Seen::Offline;
                    out.push(Change::Offline(id.clone()));
                }
            }
        }
        out
    }

    /// When the next device falls silent, if none speaks before (for the shell's timer).
    pub fn next_deadline(&self) -> Option<Millis> {
        self.seen
            .values()
            .filter_map(|(s, t)| match s {
                Seen::Heard(at) => Some(at.saturating_add(*t).saturating_add(1)),
                _ => None,
            })
            .min()
    }
}
