//! Programs on the hall's screens as the hall API speaks them: what is on now, every program of the hall, and a supervisor's local notice.
//!
//! The programs themselves are the `devices` crate's records
//! (`devices::program`), carried as they are.

pub use devices::program::{Asset, Content, OnScreen, Origin, Program, Window};
use serde::{Deserialize, Serialize};

/// Local notices a hall keeps at most.
pub const MAX_LOCAL: usize = 50;
/// The longest a local notice may run, from now: 90 days.
pub const MAX_LOCAL_MS: i64 = 90 * 86_400_000;
/// The longest program id.
pub use devices::program::MAX_ID;

/// `POST /api/v1/programs`: a supervisor's local notice, on from now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewNotice {
    /// 1–40 characters.
    pub title: String,
    /// 1–500 characters.
    pub text: String,
    /// `true`: a scrolling text for the ticker under the calls.
    #[serde(default)]
    pub scroll: bool,
    /// Time on screen per turn, 5–600 s (a notice); default 15.
    #[serde(default)]
    pub seconds: Option<u32>,
    /// When it ends (at most 90 days ahead); default: a day from now.
    #[serde(default)]
    pub until_ms: Option<i64>,
}

/// One program of the hall, and whether it can show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramItem {
    pub program: Program,
    /// Its media file is cached here (always `true` for texts).
    pub ready: bool,
    /// It is in the rotation now.
    pub on_now: bool,
}

/// A call display and what it shows now (every display of a hall shows the
/// same rotation, anchored to the local midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenView {
    pub device: String,
    pub name: String,
}

/// `GET /api/v1/programs`: what the call displays show now, and every program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreensView {
    pub now: OnScreen,
    pub displays: Vec<ScreenView>,
    pub programs: Vec<ProgramItem>,
}

/// The address a device page loads a cached media file from (with its token as `?token=`).
pub fn asset_path(sha256: &str) -> String {
    format!("/api/v1/programs/assets/{sha256}")
}
