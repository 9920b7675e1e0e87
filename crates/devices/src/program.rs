//! Programs on the hall's screens: what the province (or the hall itself) publishes, when each is on, and what a call display shows at a given moment.
//!
//! A program is a notice, an image, a short video or a scrolling text,
//! with a validity window, optional daily hours and weekdays. The rotation
//! is anchored to the local midnight, so every display of a hall shows the
//! same program at the same time and the supervisor's board can tell what
//! is on each screen without asking it. Scrolling texts run together in a
//! ticker under the calls; the calls themselves are never hidden by a program
//! (the display lays them out apart).

use crate::Millis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Bounds of a program.
pub const MAX_TITLE: usize = 40;
pub const MAX_TEXT: usize = 500;
pub const MIN_SECONDS: u32 = 5;
pub const MAX_SECONDS: u32 = 600;
/// A program's id: 1–40 of `A–Z a–z 0–9 - _`.
pub const MAX_ID: usize = 40;

const DAY_MS: Millis = 86_400_000;

/// What a program shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
    Notice {
        text: String,
    },
    /// Runs in the ticker under the calls, with the other scrolling texts.
    Scroll {
        text: String,
    },
    /// A file the hall caches, named by its SHA-256.
    Image {
        asset: Asset,
    },
    Video {
        asset: Asset,
    },
}

/// A media file of a program, fetched once per hall and checked by digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    pub sha256: String,
    pub bytes: u64,
    pub mime: String,
}

/// Who published it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Province,
    /// A local notice of this hall.
    Hall,
}

/// When a program is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub from: Millis,
    pub until: Millis,
    /// Local minutes of the day it runs between (`None`: all day).
    #[serde(default)]
    pub hours: Option<(u16, u16)>,
    /// Weekdays it runs on, bit 0 = Monday … bit 6 = Sunday (`0x7f`: every day).
    #[serde(default = "every_day")]
    pub weekdays: u8,
}

fn every_day() -> u8 {
    0x7f
}

/// One program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    pub id: String,
    pub title: String,
    pub content: Content,
    /// Time on screen per turn (a video: its length).
    pub seconds: u32,
    pub window: Window,
    /// Higher goes first in the rotation.
    #[serde(default)]
    pub priority: u8,
    pub origin: Origin,
}

/// Why a program was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramError {
    BadId,
    BadTitle,
    BadText,
    BadSeconds,
    BadWindow,
    BadAsset,
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgramError::BadId => write!(f, "节目编号应为 1–{MAX_ID} 位字母、数字、- 或 _"),
            ProgramError::BadTitle => write!(f, "节目标题应为 1–{MAX_TITLE} 个字"),
            ProgramError::BadText => write!(f, "节目文字应为 1–{MAX_TEXT} 个字"),
            ProgramError::BadSeconds => {
                write!(f, "每次播放时长应为 {MIN_SECONDS}–{MAX_SECONDS} 秒")
            }
            ProgramError::BadWindow => write!(f, "播放时段不正确：开始须早于结束"),
            ProgramError::BadAsset => write!(f, "媒体文件不正确（须为图片或视频，附 SHA-256）"),
        }
    }
}

fn text_ok(s: &str, max: usize) -> bool {
    let n = s.trim().chars().count();
    n > 0 && n <= max && !s.chars().any(|c| c.is_control() && c != '\n')
}

impl Program {
    pub fn check(&self) -> Result<(), ProgramError> {
        let id_ok = !self.id.is_empty()
            && self.id.len() <= MAX_ID
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !id_ok {
            return Err(ProgramError::BadId);
        }
        if !text_ok(&self.title, MAX_TITLE) || self.title.contains('\n') {
            return Err(ProgramError::BadTitle);
        }
        match &self.content {
            Content::Notice { text } | Content::Scroll { text } => {
                if !text_ok(text, MAX_TEXT) {
                    return Err(ProgramError::BadText);
                }
            }
            Content::Image { asset } | Content::Video { asset } => {
                let kind = if matches!(self.content, Content::Image { .. }) {
                    "image/"
                } else {
                    "video/"
                };
                let digest_ok = asset.sha256.len() == 64
                    && asset
                        .sha256
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
                if !digest_ok || !asset.mime.starts_with(kind) || asset.bytes == 0 {
                    return Err(ProgramError::BadAsset);
                }
            }
        }
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&self.seconds) {
            return Err(ProgramError::BadSeconds);
        }
        let w = &self.window;
        let hours_ok = w.hours.is_none_or(|(a, b)| a < b && b <= 1440);
        if w.from >= w.until || !hours_ok || w.weekdays & 0x7f == 0 {
            return Err(ProgramError::BadWindow);
        }
        Ok(())
    }

    /// Whether it is on at `now`, for a hall `utc_offset_minutes` from UTC.
    pub fn is_on(&self, now: Millis, utc_offset_minutes: i32) -> bool {
        let w = &self.window;
        if now < w.from || now >= w.until {
            return false;
        }
        let local = now + Millis::from(utc_offset_minutes) * 60_000;
        let day = local.div_euclid(DAY_MS);
        // 1970-01-01 was a Thursday (weekday 3 when Monday is 0).
        let weekday = (day + 3).rem_euclid(7) as u8;
        if w.weekdays & (1 << weekday) == 0 {
            return false;
        }
        let minute = (local.rem_euclid(DAY_MS) / 60_000) as u16;
        w.hours.is_none_or(|(a, b)| a <= minute && minute < b)
    }
}

/// What a call display shows at a moment: the program in the main area
/// (and until when), and the ticker's texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnScreen {
    pub program: Option<Program>,
    /// When the current program gives way to the next.
    pub until: Option<Millis>,
    pub ticker: Vec<String>,
}

/// The rotation of `programs` at `now`: the programs on, by priority then
/// id, each for its seconds, anchored to the local midnight.
pub fn on_screen(programs: &[Program], now: Millis, utc_offset_minutes: i32) -> OnScreen {
    let mut on: Vec<&Program> = programs
        .iter()
        .filter(|p| p.check().is_ok() && p.is_on(now, utc_offset_minutes))
        .collect();
    on.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.id.cmp(&b.id)));
    let ticker = on
        .iter()
        .filter_map(|p| match &p.content {
            Content::Scroll { text } => Some(text.clone()),
            _ => None,
        })
        .collect();
    let shown: Vec<&Program> = on
        .into_iter()
        .filter(|p| !matches!(p.content, Content::Scroll { .. }))
        .collect();
    let cycle: Millis = shown.iter().map(|p| Millis::from(p.seconds) * 1000).sum();
    if cycle == 0 {
        return OnScreen {
            program: None,
            until: None,
            ticker,
        };
    }
    let offset = Millis::from(utc_offset_minutes) * 60_000;
    let since_midnight = (now + offset).rem_euclid(DAY_MS);
    let mut at = since_midnight % cycle;
    let turn_start = now - at;
    let mut start = turn_start;
    for p in shown {
        let len = Millis::from(p.seconds) * 1000;
        if at < len {
            return OnScreen {
                program: Some(p.clone()),
                until: Some((start + len).min(p.window.until)),
                ticker,
            };
        }
        at -= len;
        start += len;
    }
    OnScreen {
        program: None,
        until: None,
        ticker,
    }
}
