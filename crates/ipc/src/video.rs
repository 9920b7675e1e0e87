//! The hall node's video wire: cameras with their recorders, watching live or recorded footage through a tokened address, the footage around an event, clips, evidence locks and the audit of who looked at what.
//!
//! Watching is granted, never open: `POST /api/v1/video/watch` answers a
//! playlist address carrying a random token that is good for one camera,
//! one time range (or live) and a few hours. The token is all a player
//! needs, so hls.js (or an `<img>` for MJPEG) loads it without the staff
//! token; every grant is one line of the video audit.

pub use devices::video::{
    Access, AccessRecord, CameraSetup, EvidenceLock, RecorderState, Retention, Span, Stretch,
    Unlock,
};
use devices::{DeviceId, Spot};
use serde::{Deserialize, Serialize};

/// A grant's address is good for this long.
pub const GRANT_MS: i64 = 4 * 3_600_000;
/// The most lines `GET /api/v1/video/access` answers.
pub const MAX_ACCESS_LINES: u32 = 500;

/// One camera in `GET /api/v1/video/cameras`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CameraView {
    pub id: DeviceId,
    pub name: String,
    pub spot: Spot,
    /// `None`: no stream configured yet (nothing recorded).
    pub setup: Option<CameraSetup>,
    /// `None` when nothing is configured.
    pub recorder: Option<RecorderState>,
    /// The oldest footage kept, and how much there is.
    pub kept_from: Option<i64>,
    pub kept_bytes: u64,
    /// The open evidence locks on its footage.
    pub locks: u32,
}

/// `GET /api/v1/video/cameras`: the cameras and the storage as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoView {
    pub cameras: Vec<CameraView>,
    pub retention: Retention,
    pub kept_bytes: u64,
    /// What the disk holding the footage has free.
    pub free_bytes: Option<u64>,
}

/// `PUT /api/v1/video/cameras/{id}`: where a camera's stream is and what it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetCamera {
    pub url: String,
    #[serde(default)]
    pub covers: Vec<u16>,
}

/// The desktop's `video_setup` command: a camera and its stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetCameraAct {
    pub camera: String,
    pub setup: SetCamera,
}

/// `POST /api/v1/video/watch`: live (no range) or recorded footage of one camera.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchRequest {
    pub camera: String,
    #[serde(default)]
    pub from_ms: Option<i64>,
    #[serde(default)]
    pub to_ms: Option<i64>,
    /// What it is about (the event it was opened from), for the audit; at most 100 characters.
    #[serde(default)]
    pub about: String,
}

/// A stretch of a camera's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelinePart {
    pub from_ms: i64,
    pub to_ms: i64,
    pub stretch: Stretch,
}

/// The answer to a watch: where to play it from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Watch {
    pub camera: DeviceId,
    /// The HLS playlist (fMP4 segments), relative to the hall node
    /// (`/video/g/<token>/index.m3u8`); the desktop answers it absolute.
    pub playlist: String,
    /// Live only: MJPEG frames, for a player without MSE or H.264.
    pub mjpeg: Option<String>,
    /// The recorded range asked for (`None` for live).
    pub range: Option<Span>,
    /// Recorded stretches and gaps of the range (empty for live).
    pub timeline: Vec<TimelinePart>,
    /// Recorded footage: where each recorded stretch sits in the playlist
    /// (gaps are left out of it), to map a player's position to a
    /// wall-clock time and back. Empty for live.
    pub pieces: Vec<PlayPiece>,
    pub expires_at: i64,
}

/// A recorded stretch of a playback: it starts `at_s` seconds into the playlist.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlayPiece {
    pub at_s: f64,
    pub from_ms: i64,
    pub to_ms: i64,
}

impl Watch {
    /// The wall-clock time at playlist position `pos_s` (`None` for live, or past the end).
    pub fn time_at(&self, pos_s: f64) -> Option<i64> {
        let p = self.pieces.iter().rev().find(|p| p.at_s <= pos_s + 1e-6)?;
        let t = p.from_ms + ((pos_s - p.at_s) * 1000.0).round() as i64;
        Some(t.min(p.to_ms))
    }

    /// The playlist position showing wall-clock time `t` (the start of the next recorded stretch in a gap).
    pub fn position_of(&self, t: i64) -> Option<f64> {
        let p = self.pieces.iter().find(|p| t < p.to_ms)?;
        let into = (t - p.from_ms).max(0);
        Some(p.at_s + into as f64 / 1000.0)
    }
}

/// `POST /api/v1/video/around`: the footage around an event at a counter (or anywhere in the hall).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AroundRequest {
    pub at_ms: i64,
    #[serde(default)]
    pub counter: Option<u16>,
    /// Seconds before the event (default 30, at most 600).
    #[serde(default)]
    pub before_s: Option<u32>,
    /// Seconds after it (default 60, at most 1800).
    #[serde(default)]
    pub after_s: Option<u32>,
}

/// One camera's footage around an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CameraFootage {
    pub camera: DeviceId,
    pub name: String,
    /// It looks at the event's counter (not only an overview).
    pub covers_counter: bool,
    pub timeline: Vec<TimelinePart>,
    /// How much of the range is recorded.
    pub recorded_ms: i64,
}

/// The answer: the range, and the cameras that show it, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Around {
    pub range: Span,
    pub cameras: Vec<CameraFootage>,
}

/// `POST /api/v1/video/export`: one camera's range as a single MP4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    pub camera: String,
    pub from_ms: i64,
    pub to_ms: i64,
    #[serde(default)]
    pub about: String,
}

/// A clip made: where to fetch it (tokened, relative to the hall node), its size and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clip {
    pub url: String,
    pub file_name: String,
    pub bytes: u64,
    pub range: Span,
    /// Parts of the range with no footage (the clip skips them).
    pub missing_ms: i64,
}

/// The desktop's answer to an export: the clip saved on this PC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedClip {
    pub path: String,
    pub bytes: u64,
    pub range: Span,
    pub missing_ms: i64,
}

/// `POST /api/v1/video/locks`: keep a camera's range as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockRequest {
    pub camera: String,
    pub from_ms: i64,
    pub to_ms: i64,
    pub reason: String,
}

/// `POST /api/v1/video/locks/{id}/unlock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnlockRequest {
    pub reason: String,
}

/// The desktop's `video_unlock` command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockAct {
    pub id: u64,
    pub reason: String,
}

/// `GET /api/v1/video/access?camera=&limit=`: the audit, newest first (limit 100 by default, at most 500).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessQuery {
    #[serde(default)]
    pub camera: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}
