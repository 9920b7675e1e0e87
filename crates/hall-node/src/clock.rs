//! The hall's clock: Unix milliseconds and the business day in the hall's time zone.

use std::time::{SystemTime, UNIX_EPOCH};

/// China Standard Time, the default for every hall.
pub const CST_OFFSET_MINUTES: i32 = 8 * 60;

#[derive(Debug, Clone)]
pub struct Clock {
    offset_ms: i64,
}

impl Clock {
    pub fn new(utc_offset_minutes: i32) -> Self {
        Self {
            offset_ms: i64::from(utc_offset_minutes) * 60_000,
        }
    }

    /// The hall's offset from UTC.
    pub fn utc_offset_minutes(&self) -> i32 {
        (self.offset_ms / 60_000) as i32
    }

    pub fn now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }

    /// Days since the epoch in the hall's local time.
    pub fn day(&self) -> u32 {
        self.day_of(self.now())
    }

    pub fn day_of(&self, ms: i64) -> u32 {
        ((ms + self.offset_ms).max(0) / 86_400_000) as u32
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new(CST_OFFSET_MINUTES)
    }
}
