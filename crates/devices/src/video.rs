//! Video as pure rules: a camera's stream and what it covers, the supervision of its recorder, retention under evidence locks, timelines with their gaps, and the footage around an event.
//!
//! The hall node records each camera with one ffmpeg process. Whether that
//! process should run, be stopped as stalled or be started again after a
//! back-off is [`Supervision`]'s decision, time an argument. Which recorded
//! segments go when they are too old or the disk too full is [`retention`]'s:
//! oldest first, never one an evidence lock covers. What a supervisor sees
//! of a time range (recorded here, nothing there) is [`timeline`].

use crate::registry::DeviceId;
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest stream address.
pub const MAX_URL: usize = 300;
/// The most counters one camera covers.
pub const MAX_COVERS: usize = 16;
/// The longest a lock's or an unlock's reason, in characters.
pub const MAX_REASON: usize = 200;
/// The longest range one playback, export or lock spans: 2 hours.
pub const MAX_RANGE_MS: Millis = 2 * 3_600_000;
/// The most footage before an event one asks for: 10 minutes.
pub const MAX_BEFORE_MS: Millis = 10 * 60_000;
/// The most footage after an event one asks for: 30 minutes.
pub const MAX_AFTER_MS: Millis = 30 * 60_000;
/// Recorded pieces closer than this are one stretch on a timeline (a
/// segment's start as written rounds to the millisecond; a missing segment
/// is a gap of its whole length).
pub const JOIN_MS: Millis = 250;

const DAY_MS: Millis = 86_400_000;

/// Where a camera's stream is and which counters it looks at (none: the hall as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CameraSetup {
    /// `rtsp://` or `rtsps://`, host and path.
    pub url: String,
    /// The counters in its picture, ascending; empty for an overview camera.
    #[serde(default)]
    pub covers: Vec<u16>,
}

impl CameraSetup {
    /// Checks a stream address and a list of counters as a person typed them.
    pub fn parse(url: &str, covers: &[u16]) -> Result<Self, VideoError> {
        let url = url.trim();
        let rest = url
            .strip_prefix("rtsp://")
            .or_else(|| url.strip_prefix("rtsps://"));
        let host_ok = rest.is_some_and(|r| {
            let host = r.split(['/', '?']).next().unwrap_or("");
            let host = host.rsplit('@').next().unwrap_or("");
            !host.is_empty() && !host.starts_with(':')
        });
        if url.len() > MAX_URL
            || !host_ok
            || url.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(VideoError::BadUrl);
        }
        if covers.len() > MAX_COVERS {
            return Err(VideoError::TooManyCovers);
        }
        if covers.iter().any(|&c| c == 0 || c > 999) {
            return Err(VideoError::BadCounter);
        }
        let mut covers = covers.to_vec();
        covers.sort_unstable();
        covers.dedup();
        Ok(Self {
            url: url.to_owned(),
            covers,
        })
    }

    /// Whether this camera shows counter `counter` (an overview camera shows them all, from afar).
    pub fn shows(&self, counter: u16) -> bool {
        self.covers.is_empty() || self.covers.contains(&counter)
    }
}

/// A half-open stretch of time `[from_ms, to_ms)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub from_ms: Millis,
    pub to_ms: Millis,
}

impl Span {
    /// A range one may play, export or lock: forward, non-empty, at most [`MAX_RANGE_MS`], not in the future.
    pub fn checked(from_ms: Millis, to_ms: Millis, now: Millis) -> Result<Self, VideoError> {
        if from_ms <= 0 || to_ms <= from_ms {
            return Err(VideoError::BadRange);
        }
        if to_ms - from_ms > MAX_RANGE_MS {
            return Err(VideoError::RangeTooLong);
        }
        if from_ms > now {
            return Err(VideoError::BadRange);
        }
        Ok(Self {
            from_ms,
            to_ms: to_ms.min(now),
        })
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.from_ms < other.to_ms && other.from_ms < self.to_ms
    }

    pub fn len_ms(&self) -> Millis {
        self.to_ms - self.from_ms
    }
}

/// The footage around an event at `at`: from `before_ms` before it to `after_ms` after, capped at `now`.
pub fn around(
    at: Millis,
    before_ms: Millis,
    after_ms: Millis,
    now: Millis,
) -> Result<Span, VideoError> {
    if !(0..=MAX_BEFORE_MS).contains(&before_ms) || !(0..=MAX_AFTER_MS).contains(&after_ms) {
        return Err(VideoError::BadWindow);
    }
    if at <= 0 || at > now {
        return Err(VideoError::BadRange);
    }
    let to = (at + after_ms).min(now).max(at + 1);
    Ok(Span {
        from_ms: at - before_ms,
        to_ms: to,
    })
}

/// The cameras to show for an event at `counter` (none: somewhere in the
/// hall): those covering that counter first, then the overview cameras; for
/// an event without a counter, the overview cameras, or every camera when
/// the hall has none.
pub fn covering<'a>(
    cameras: impl IntoIterator<Item = (&'a DeviceId, &'a CameraSetup)>,
    counter: Option<u16>,
) -> Vec<DeviceId> {
    let cameras: Vec<_> = cameras.into_iter().collect();
    let overview = cameras
        .iter()
        .filter(|(_, s)| s.covers.is_empty())
        .map(|(id, _)| (*id).clone());
    match counter {
        Some(c) => cameras
            .iter()
            .filter(|(_, s)| s.covers.contains(&c))
            .map(|(id, _)| (*id).clone())
            .chain(overview)
            .collect(),
        None => {
            let overview: Vec<_> = overview.collect();
            if overview.is_empty() {
                cameras.iter().map(|(id, _)| (*id).clone()).collect()
            } else {
                overview
            }
        }
    }
}

/// How the recorder of one camera is doing, as the supervisor shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RecorderState {
    /// Started, nothing recorded yet.
    Connecting { since: Millis },
    /// Segments are arriving.
    Recording { since: Millis, last: Millis },
    /// Stopped (the stream ended or stalled, or it could not connect); tried again at `at`.
    Retrying { at: Millis, attempt: u32 },
    /// Held: the storage is full of footage that must be kept.
    Held,
}

/// What the shell is to do to a camera's recorder process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Do {
    Start,
    Stop,
}

/// The timing rules of a recorder's supervision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuperviseRules {
    /// The first segment must arrive within this long of the start.
    pub first_ms: Millis,
    /// A segment must follow the last within this long.
    pub stall_ms: Millis,
    /// The first wait before starting again; it doubles with each failure…
    pub backoff_min_ms: Millis,
    /// …up to this.
    pub backoff_max_ms: Millis,
    /// A run that recorded this long forgets earlier failures.
    pub healthy_ms: Millis,
}

impl Default for SuperviseRules {
    fn default() -> Self {
        Self {
            first_ms: 15_000,
            stall_ms: 8_000,
            backoff_min_ms: 1_000,
            backoff_max_ms: 60_000,
            healthy_ms: 30_000,
        }
    }
}

/// One camera's recorder as a state machine: started, watched for progress,
/// stopped when it stalls, started again after a growing back-off.
#[derive(Debug, Clone)]
pub struct Supervision {
    rules: SuperviseRules,
    state: Run,
    /// Failures since the last healthy run.
    failures: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Waiting {
        until: Millis,
    },
    Running {
        since: Millis,
        last: Option<Millis>,
    },
    /// Asked to stop; waiting for the process to end.
    Stopping {
        hold: bool,
    },
    Held,
}

impl Supervision {
    /// A recorder to be started at the next tick.
    pub fn new(rules: SuperviseRules, now: Millis) -> Self {
        Self {
            rules,
            state: Run::Waiting { until: now },
            failures: 0,
        }
    }

    /// What to do at `now`.
    pub fn tick(&mut self, now: Millis) -> Option<Do> {
        match self.state {
            Run::Waiting { until } if now >= until => {
                self.state = Run::Running {
                    since: now,
                    last: None,
                };
                Some(Do::Start)
            }
            Run::Running { since, last } => {
                let due = match last {
                    None => since + self.rules.first_ms,
                    Some(last) => last + self.rules.stall_ms,
                };
                (now > due).then(|| {
                    self.state = Run::Stopping { hold: false };
                    Do::Stop
                })
            }
            _ => None,
        }
    }

    /// A segment was recorded at `now`.
    pub fn segment(&mut self, now: Millis) {
        if let Run::Running { since, .. } = self.state {
            self.state = Run::Running {
                since,
                last: Some(now),
            };
            if now - since >= self.rules.healthy_ms {
                self.failures = 0;
            }
        }
    }

    /// The process ended at `now` (it died, the stream ended, or it was stopped).
    pub fn exited(&mut self, now: Millis) {
        self.state = match self.state {
            Run::Stopping { hold: true } | Run::Held => Run::Held,
            _ => {
                let shift = self.failures.min(16);
                let wait = (self.rules.backoff_min_ms << shift).min(self.rules.backoff_max_ms);
                self.failures = self.failures.saturating_add(1);
                Run::Waiting { until: now + wait }
            }
        };
    }

    /// Stop recording until [`Supervision::release`] (the storage is full); answers whether the process must be stopped.
    pub fn hold(&mut self) -> Option<Do> {
        match self.state {
            Run::Running { .. } => {
                self.state = Run::Stopping { hold: true };
                Some(Do::Stop)
            }
            Run::Stopping { .. } => {
                self.state = Run::Stopping { hold: true };
                None
            }
            Run::Waiting { .. } | Run::Held => {
                self.state = Run::Held;
                None
            }
        }
    }

    /// Record again (space was freed): started at the next tick.
    pub fn release(&mut self, now: Millis) {
        match self.state {
            Run::Held => self.state = Run::Waiting { until: now },
            Run::Stopping { hold: true } => self.state = Run::Stopping { hold: false },
            _ => {}
        }
    }

    pub fn is_held(&self) -> bool {
        matches!(self.state, Run::Held | Run::Stopping { hold: true })
    }

    /// Whether segments arrive now (the camera delivers).
    pub fn delivering(&self) -> bool {
        matches!(self.state, Run::Running { last: Some(_), .. })
    }

    pub fn state(&self) -> RecorderState {
        match self.state {
            Run::Running { since, last: None } => RecorderState::Connecting { since },
            Run::Running {
                since,
                last: Some(last),
            } => RecorderState::Recording { since, last },
            Run::Waiting { until } => RecorderState::Retrying {
                at: until,
                attempt: self.failures,
            },
            Run::Stopping { hold: false } => RecorderState::Retrying {
                at: 0,
                attempt: self.failures,
            },
            Run::Stopping { hold: true } | Run::Held => RecorderState::Held,
        }
    }
}

/// One recorded segment, as retention and timelines see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    pub from_ms: Millis,
    pub to_ms: Millis,
    pub bytes: u64,
}

/// How long footage is kept and how much of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// Footage older than this many days goes (unless locked).
    pub keep_days: u32,
    /// All footage together stays under this many bytes (oldest unlocked goes first).
    pub quota_bytes: u64,
}

/// What retention decided: the pieces to delete (their indices, oldest
/// first), and how many bytes are still over the quota or the disk's
/// reserve because everything left is locked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sweep {
    pub delete: Vec<usize>,
    pub still_over: u64,
}

/// Which of `pieces` (all cameras' segments, each with the locks of its own
/// camera) go at `now`: every unlocked piece past the days kept, then the
/// oldest unlocked ones until the total is under the quota and `short_bytes`
/// more are freed (what the disk lacks of its reserve). A piece any lock of
/// its camera touches is never deleted.
pub fn retention(
    pieces: &[(Piece, &[Span])],
    rule: &Retention,
    now: Millis,
    short_bytes: u64,
) -> Sweep {
    let total: u64 = pieces.iter().map(|(p, _)| p.bytes).sum();
    retention_from(pieces, rule, now, must_free(total, rule, short_bytes))
}

/// How many bytes retention must free when all footage holds `total`.
pub fn must_free(total: u64, rule: &Retention, short_bytes: u64) -> u64 {
    total.saturating_sub(rule.quota_bytes).max(short_bytes)
}

/// [`retention`] over a page of the oldest pieces, with `must_free` bytes
/// still to free (from [`must_free`], then each page's `still_over`): so a
/// shell walks the footage oldest first, a page at a time, and stops once
/// nothing more must go and the page reached past the days kept.
pub fn retention_from(
    pieces: &[(Piece, &[Span])],
    rule: &Retention,
    now: Millis,
    mut must_free: u64,
) -> Sweep {
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by_key(|&i| (pieces[i].0.from_ms, i));
    let locked = |i: usize| {
        let (p, locks) = &pieces[i];
        let span = Span {
            from_ms: p.from_ms,
            to_ms: p.to_ms.max(p.from_ms + 1),
        };
        locks.iter().any(|l| l.overlaps(&span))
    };
    let cutoff = retention_cutoff(rule, now);
    let mut sweep = Sweep::default();
    for i in order {
        if locked(i) {
            continue;
        }
        let p = pieces[i].0;
        if p.to_ms <= cutoff || must_free > 0 {
            must_free = must_free.saturating_sub(p.bytes);
            sweep.delete.push(i);
        }
    }
    sweep.still_over = must_free;
    sweep
}

/// Footage that ended before this is past the days kept.
pub fn retention_cutoff(rule: &Retention, now: Millis) -> Millis {
    now - i64::from(rule.keep_days) * DAY_MS
}

/// A stretch of a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stretch {
    Recorded,
    /// Nothing was recorded (the camera was off, or the footage is gone).
    Gap,
}

/// `range` cut into recorded stretches and gaps, from `pieces` (any order):
/// pieces closer than [`JOIN_MS`] make one stretch.
pub fn timeline(pieces: &[Piece], range: Span) -> Vec<(Span, Stretch)> {
    let mut inside: Vec<Span> = pieces
        .iter()
        .map(|p| Span {
            from_ms: p.from_ms.max(range.from_ms),
            to_ms: p.to_ms.min(range.to_ms),
        })
        .filter(|s| s.to_ms > s.from_ms)
        .collect();
    inside.sort_by_key(|s| s.from_ms);
    let mut merged: Vec<Span> = Vec::new();
    for s in inside {
        match merged.last_mut() {
            Some(last) if s.from_ms <= last.to_ms + JOIN_MS => last.to_ms = last.to_ms.max(s.to_ms),
            _ => merged.push(s),
        }
    }
    let mut out = Vec::new();
    let mut at = range.from_ms;
    for s in merged {
        let from = s.from_ms.max(at);
        if from > at {
            out.push((
                Span {
                    from_ms: at,
                    to_ms: from,
                },
                Stretch::Gap,
            ));
        }
        let to = s.to_ms.min(range.to_ms);
        if to > from {
            out.push((
                Span {
                    from_ms: from,
                    to_ms: to,
                },
                Stretch::Recorded,
            ));
        }
        at = at.max(to);
    }
    if at < range.to_ms {
        out.push((
            Span {
                from_ms: at,
                to_ms: range.to_ms,
            },
            Stretch::Gap,
        ));
    }
    out
}

/// What a person did with video: every live view, playback, export, lock and unlock is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Live,
    Playback,
    Export,
    Lock,
    Unlock,
}

impl Access {
    pub fn label_zh(self) -> &'static str {
        match self {
            Access::Live => "实时查看",
            Access::Playback => "回放",
            Access::Export => "导出",
            Access::Lock => "证据锁定",
            Access::Unlock => "解除锁定",
        }
    }
}

/// One line of the video audit: who did what with which camera's footage of which time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRecord {
    pub id: u64,
    pub at: Millis,
    /// Staff number.
    pub by: String,
    pub camera: DeviceId,
    pub access: Access,
    /// The time range looked at (a live view: from its start, open).
    pub from_ms: Millis,
    pub to_ms: Option<Millis>,
    /// Why (a lock or an unlock), or what it was about (the event it was opened from).
    #[serde(default)]
    pub note: String,
}

/// Footage kept past retention as evidence, until unlocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceLock {
    pub id: u64,
    pub camera: DeviceId,
    pub span: Span,
    pub by: String,
    pub reason: String,
    pub at: Millis,
    #[serde(default)]
    pub unlocked: Option<Unlock>,
}

/// Who let a lock go, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unlock {
    pub by: String,
    pub reason: String,
    pub at: Millis,
}

/// A lock's or an unlock's reason: 2–200 characters once trimmed.
pub fn reason(raw: &str) -> Result<String, VideoError> {
    let r = raw.trim();
    let n = r.chars().count();
    if !(2..=MAX_REASON).contains(&n) || r.chars().any(char::is_control) {
        return Err(VideoError::BadReason);
    }
    Ok(r.to_owned())
}

/// Why a video request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoError {
    BadUrl,
    TooManyCovers,
    BadCounter,
    BadRange,
    RangeTooLong,
    BadWindow,
    BadReason,
}

impl fmt::Display for VideoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VideoError::BadUrl => write!(
                f,
                "视频流地址应以 rtsp:// 或 rtsps:// 开头，含主机名，不超过 {MAX_URL} 个字符"
            ),
            VideoError::TooManyCovers => write!(f, "一台摄像机最多覆盖 {MAX_COVERS} 个窗口"),
            VideoError::BadCounter => write!(f, "窗口号应为 1–999"),
            VideoError::BadRange => write!(f, "时间范围无效（开始应早于结束，且不晚于现在）"),
            VideoError::RangeTooLong => write!(f, "时间范围最长 2 小时"),
            VideoError::BadWindow => write!(f, "事件前最多 10 分钟、事件后最多 30 分钟"),
            VideoError::BadReason => write!(f, "原因应为 2–{MAX_REASON} 个字"),
        }
    }
}

impl std::error::Error for VideoError {}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Millis = 1_000;

    #[test]
    fn a_stalled_recorder_is_stopped_and_started_again_later_and_later() {
        let rules = SuperviseRules::default();
        let mut sup = Supervision::new(rules, 0);
        assert_eq!(sup.tick(0), Some(Do::Start));
        assert!(matches!(sup.state(), RecorderState::Connecting { .. }));
        // Nothing within the first 15 s: stopped.
        assert_eq!(sup.tick(15 * S), None);
        assert_eq!(sup.tick(15 * S + 1), Some(Do::Stop));
        sup.exited(16 * S);
        // 1 s, then 2 s, then 4 s of waiting.
        assert_eq!(sup.tick(16 * S + 999), None);
        assert_eq!(sup.tick(17 * S), Some(Do::Start));
        sup.exited(18 * S);
        assert_eq!(sup.tick(19 * S), None);
        assert_eq!(sup.tick(20 * S), Some(Do::Start));
        sup.exited(20 * S);
        assert_eq!(
            sup.state(),
            RecorderState::Retrying {
                at: 24 * S,
                attempt: 3
            }
        );
        // A healthy run forgets the failures.
        assert_eq!(sup.tick(24 * S), Some(Do::Start));
        for t in (25..=60).map(|t| t * S) {
            sup.segment(t);
            assert_eq!(sup.tick(t), None);
        }
        assert!(sup.delivering());
        // Then the stream stops: 8 s later it is stopped, and retried after 1 s.
        assert_eq!(sup.tick(68 * S), None);
        assert_eq!(sup.tick(68 * S + 1), Some(Do::Stop));
        sup.exited(69 * S);
        assert_eq!(sup.tick(70 * S), Some(Do::Start));
    }

    #[test]
    fn the_back_off_stops_growing_at_a_minute() {
        let mut sup = Supervision::new(SuperviseRules::default(), 0);
        let mut now = 0;
        for _ in 0..40 {
            while sup.tick(now) != Some(Do::Start) {
                now += 100;
            }
            sup.exited(now);
        }
        match sup.state() {
            RecorderState::Retrying { at, .. } => assert_eq!(at - now, 60 * S),
            s => panic!("{s:?}"),
        }
    }

    #[test]
    fn a_held_recorder_waits_for_release() {
        let mut sup = Supervision::new(SuperviseRules::default(), 0);
        sup.tick(0);
        sup.segment(S);
        assert_eq!(sup.hold(), Some(Do::Stop));
        sup.exited(2 * S);
        assert_eq!(sup.state(), RecorderState::Held);
        assert_eq!(sup.tick(600 * S), None);
        sup.release(601 * S);
        assert_eq!(sup.tick(601 * S), Some(Do::Start));
    }

    fn piece(from_s: i64, bytes: u64) -> Piece {
        Piece {
            from_ms: from_s * S,
            to_ms: (from_s + 2) * S,
            bytes,
        }
    }

    #[test]
    fn retention_takes_the_oldest_unlocked_first_and_never_a_locked_one() {
        let lock = [Span {
            from_ms: 3 * S,
            to_ms: 5 * S,
        }];
        let none: [Span; 0] = [];
        // Pieces at 0, 2, 4, 6, 8 s of 100 bytes; the one at 2 s and at 4 s touch the lock.
        let pieces: Vec<(Piece, &[Span])> =
            (0..5).map(|n| (piece(n * 2, 100), &lock[..])).collect();
        let rule = Retention {
            keep_days: 30,
            quota_bytes: 250,
        };
        // 500 bytes, 250 to free: the three unlocked ones, oldest first.
        let sweep = retention(&pieces, &rule, 10 * S, 0);
        assert_eq!(sweep.delete, vec![0, 3, 4]);
        assert_eq!(sweep.still_over, 0);
        // Everything locked: nothing goes, and it says how much is over.
        let all = [Span {
            from_ms: 0,
            to_ms: 20 * S,
        }];
        let locked: Vec<(Piece, &[Span])> = (0..5).map(|n| (piece(n * 2, 100), &all[..])).collect();
        let sweep = retention(&locked, &rule, 10 * S, 0);
        assert!(sweep.delete.is_empty());
        assert_eq!(sweep.still_over, 250);
        // Another camera's lock does not protect this camera's footage.
        let other: Vec<(Piece, &[Span])> = (0..5).map(|n| (piece(n * 2, 100), &none[..])).collect();
        assert_eq!(retention(&other, &rule, 10 * S, 0).delete, vec![0, 1, 2]);
    }

    #[test]
    fn retention_page_by_page_deletes_what_it_deletes_at_once() {
        let lock = [Span {
            from_ms: 5 * S,
            to_ms: 9 * S,
        }];
        let pieces: Vec<(Piece, &[Span])> =
            (0..20).map(|n| (piece(n * 2, 100), &lock[..])).collect();
        let rule = Retention {
            keep_days: 30,
            quota_bytes: 1_050,
        };
        let whole = retention(&pieces, &rule, 100 * S, 0);
        let mut must = must_free(2_000, &rule, 0);
        let mut paged = Vec::new();
        for (k, page) in pieces.chunks(3).enumerate() {
            let sweep = retention_from(page, &rule, 100 * S, must);
            paged.extend(sweep.delete.iter().map(|i| i + 3 * k));
            must = sweep.still_over;
        }
        assert_eq!(paged, whole.delete);
        assert_eq!(must, whole.still_over);
    }

    #[test]
    fn retention_by_age_and_by_the_disks_reserve() {
        let none: [Span; 0] = [];
        let day = 86_400 * S;
        let pieces: Vec<(Piece, &[Span])> = vec![
            (piece(0, 10), &none[..]),
            (piece(day / S, 10), &none[..]),
            (piece(2 * day / S, 10), &none[..]),
        ];
        let rule = Retention {
            keep_days: 1,
            quota_bytes: u64::MAX,
        };
        // At 2 days and 1 s: only the piece that ended more than a day ago goes.
        assert_eq!(retention(&pieces, &rule, 2 * day + S, 0).delete, vec![0]);
        // The disk short of 15 bytes: one piece more than age alone.
        assert_eq!(
            retention(&pieces, &rule, 2 * day + S, 15).delete,
            vec![0, 1]
        );
    }

    #[test]
    fn a_timeline_shows_recorded_stretches_and_gaps() {
        let pieces = [
            piece(10, 1),
            piece(12, 1),
            piece(14, 1), // 10–16 s, one stretch
            piece(30, 1), // 30–32 s
        ];
        let t = timeline(
            &pieces,
            Span {
                from_ms: 0,
                to_ms: 40 * S,
            },
        );
        let got: Vec<_> = t
            .iter()
            .map(|(s, k)| (s.from_ms / S, s.to_ms / S, *k))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 10, Stretch::Gap),
                (10, 16, Stretch::Recorded),
                (16, 30, Stretch::Gap),
                (30, 32, Stretch::Recorded),
                (32, 40, Stretch::Gap),
            ]
        );
        // A range never recorded is one gap.
        let t = timeline(
            &pieces,
            Span {
                from_ms: 100 * S,
                to_ms: 110 * S,
            },
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].1, Stretch::Gap);
    }

    #[test]
    fn the_cameras_for_a_counter_come_before_the_overview() {
        let a = DeviceId::parse("cam-a").unwrap();
        let b = DeviceId::parse("cam-b").unwrap();
        let o = DeviceId::parse("cam-o").unwrap();
        let sa = CameraSetup::parse("rtsp://10.0.0.5/a", &[1, 2]).unwrap();
        let sb = CameraSetup::parse("rtsp://10.0.0.6/b", &[3]).unwrap();
        let so = CameraSetup::parse("rtsp://user:pw@cam.local:554/o", &[]).unwrap();
        let all = [(&o, &so), (&a, &sa), (&b, &sb)];
        assert_eq!(covering(all, Some(2)), vec![a.clone(), o.clone()]);
        assert_eq!(covering(all, Some(9)), vec![o.clone()]);
        assert_eq!(covering(all, None), vec![o]);
        assert_eq!(covering([(&a, &sa), (&b, &sb)], None), vec![a, b]);
    }

    #[test]
    fn stream_addresses_and_ranges_are_checked() {
        for bad in [
            "",
            "http://cam/x",
            "rtsp://",
            "rtsp:///path",
            "rtsp://cam/a b",
            "rtsp://@/x",
        ] {
            assert_eq!(
                CameraSetup::parse(bad, &[]),
                Err(VideoError::BadUrl),
                "{bad}"
            );
        }
        assert_eq!(
            CameraSetup::parse("rtsp://cam/x", &[0]),
            Err(VideoError::BadCounter)
        );
        assert_eq!(
            CameraSetup::parse(" rtsp://cam/x ", &[3, 1, 3])
                .unwrap()
                .covers,
            vec![1, 3]
        );
        assert_eq!(Span::checked(10, 5, 100), Err(VideoError::BadRange));
        assert_eq!(Span::checked(200, 300, 100), Err(VideoError::BadRange));
        assert_eq!(
            Span::checked(1, 1 + MAX_RANGE_MS + 1, i64::MAX),
            Err(VideoError::RangeTooLong)
        );
        assert_eq!(Span::checked(10, 500, 100).unwrap().to_ms, 100);
        assert_eq!(
            around(100 * S, 30 * S, 60 * S, 120 * S).unwrap(),
            Span {
                from_ms: 70 * S,
                to_ms: 120 * S
            }
        );
        assert_eq!(
            around(100 * S, MAX_BEFORE_MS + 1, 0, 200 * S),
            Err(VideoError::BadWindow)
        );
        assert!(reason(" x ").is_err());
        assert_eq!(reason(" 客户投诉 ").unwrap(), "客户投诉");
    }
}
