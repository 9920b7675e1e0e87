//! The hall's video: one supervised ffmpeg recorder per camera, the segment index, retention under evidence locks, and the grants that let a player fetch footage.
//!
//! One task owns the recorders. Every tick it reads each recorder's
//! playlist for new segments (indexing them and telling the alarm service
//! the camera delivers), asks each camera's `devices::video::Supervision`
//! what to do (start, stop a stalled one, start again after a back-off) and
//! does it. Every sweep it applies `devices::video::retention` to the index
//! and deletes files oldest first, never footage under an evidence lock;
//! when locked footage alone is over the quota (or the disk's reserve),
//! recording is held and the cameras report a full storage.
//!
//! Footage lives under `<dir>/<camera>/<run>/` (one folder per ffmpeg
//! process: `init.mp4`, `seg-NNNNNN.m4s`, ffmpeg's `live.m3u8`). A restart
//! of the node starts new runs; what earlier runs recorded stays indexed.
//!
//! Watching is granted: a grant is a random token good for one camera,
//! live or one range, for a few hours; the player's requests carry only it.

pub mod ffmpeg;
pub mod playlist;

use crate::alarms::AlarmService;
use crate::clock::Clock;
use crate::error::HallError;
use devices::telemetry::{Heard, Message, Report};
use devices::video::{
    CameraSetup, Do, Piece, RecorderState, Retention, Span, SuperviseRules, Supervision,
};
use devices::{DeviceId, Metrics};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use store::video::SegmentRow;
use store::Store;
use tokio::process::Child;
use tokio::sync::{mpsc, oneshot};

/// How the hall records its cameras.
#[derive(Debug, Clone)]
pub struct VideoOptions {
    /// Where footage goes; `None`: `video/` beside the database.
    pub dir: Option<PathBuf>,
    /// The ffmpeg to run.
    pub ffmpeg: PathBuf,
    pub retention: Retention,
    /// Keep at least this much of the disk free (footage goes first).
    pub reserve_bytes: u64,
    pub rules: SuperviseRules,
    /// A camera is offline after this long without a recorded segment.
    pub stream_timeout_ms: i64,
    /// How often recorders are looked at.
    pub tick_ms: u64,
    /// How often retention runs.
    pub sweep_ms: u64,
    /// A demo database's cameras get their streams from test cameras here
    /// (`rtsp://host:port`, serving `/cam-1`, `/cam-2`); `None`: left unset.
    pub demo_cameras: Option<String>,
}

impl Default for VideoOptions {
    fn default() -> Self {
        Self {
            dir: None,
            ffmpeg: PathBuf::from("ffmpeg"),
            retention: Retention {
                keep_days: 30,
                quota_bytes: 200 * (1 << 30),
            },
            reserve_bytes: 2 * (1 << 30),
            rules: SuperviseRules::default(),
            stream_timeout_ms: 10_000,
            tick_ms: 250,
            sweep_ms: 30_000,
            demo_cameras: None,
        }
    }
}

/// A player's permission: one camera, live or one range, until it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub camera: DeviceId,
    /// `None`: live.
    pub range: Option<Span>,
    pub expires: i64,
    /// A clip made for this grant (export only).
    pub clip: Option<PathBuf>,
}

enum Job {
    Setup(DeviceId, Option<CameraSetup>),
    Sweep(oneshot::Sender<()>),
}

/// The handle the routes hold.
#[derive(Clone)]
pub struct Video {
    jobs: mpsc::Sender<Job>,
    pub store: Store,
    pub dir: PathBuf,
    pub ffmpeg: PathBuf,
    pub retention: Retention,
    setups: Arc<RwLock<BTreeMap<DeviceId, CameraSetup>>>,
    states: Arc<RwLock<HashMap<DeviceId, RecorderState>>>,
    grants: Arc<Mutex<HashMap<String, Grant>>>,
}

/// The most grants held at once; the oldest go first.
const MAX_GRANTS: usize = 10_000;

impl Video {
    /// Loads the cameras' setups and starts recording them.
    pub async fn start(
        store: Store,
        db: &Path,
        opts: VideoOptions,
        clock: Clock,
        alarms: AlarmService,
    ) -> Result<Self, HallError> {
        let dir = opts.dir.clone().unwrap_or_else(|| {
            db.parent()
                .map(|d| d.join("video"))
                .unwrap_or_else(|| PathBuf::from("video"))
        });
        std::fs::create_dir_all(&dir).map_err(HallError::internal)?;
        let setups: BTreeMap<_, _> = store.camera_setups().await?.into_iter().collect();
        let (jobs, rx) = mpsc::channel(64);
        let video = Self {
            jobs,
            store: store.clone(),
            dir: dir.clone(),
            ffmpeg: opts.ffmpeg.clone(),
            retention: opts.retention,
            setups: Arc::new(RwLock::new(setups.clone())),
            states: Default::default(),
            grants: Default::default(),
        };
        let now = clock.now();
        let cams = setups
            .into_iter()
            .map(|(id, setup)| {
                alarms.watch_stream(id.clone(), opts.stream_timeout_ms, true);
                (id, Cam::new(setup, opts.rules, now))
            })
            .collect();
        let service = Service {
            store,
            dir,
            opts,
            clock,
            alarms,
            cams,
            states: video.states.clone(),
            held: false,
        };
        tokio::spawn(service.run(rx));
        Ok(video)
    }

    /// Every configured camera's setup.
    pub fn setups(&self) -> BTreeMap<DeviceId, CameraSetup> {
        self.setups
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn setup(&self, id: &DeviceId) -> Option<CameraSetup> {
        self.setups
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// How each camera's recorder is doing.
    pub fn recorder(&self, id: &DeviceId) -> Option<RecorderState> {
        self.states
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .copied()
    }

    /// Stores a camera's stream and (re)starts its recorder.
    pub async fn set_camera(
        &self,
        id: &DeviceId,
        setup: CameraSetup,
        by: &str,
        now: i64,
    ) -> Result<(), HallError> {
        self.store.put_camera_setup(id, &setup, by, now).await?;
        self.setups
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.clone(), setup.clone());
        self.jobs
            .send(Job::Setup(id.clone(), Some(setup)))
            .await
            .map_err(|_| HallError::Unavailable)
    }

    /// Runs retention now and waits for it (tests, and after a lock is released).
    pub async fn sweep(&self) -> Result<(), HallError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Job::Sweep(tx))
            .await
            .map_err(|_| HallError::Unavailable)?;
        rx.await.map_err(|_| HallError::Unavailable)
    }

    /// A new grant's token.
    pub fn grant(&self, grant: Grant, now: i64) -> String {
        let token = store::tokens::new_token();
        let mut grants = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        grants.retain(|_, g| g.expires > now);
        if grants.len() >= MAX_GRANTS {
            if let Some(oldest) = grants
                .iter()
                .min_by_key(|(_, g)| g.expires)
                .map(|(t, _)| t.clone())
            {
                grants.remove(&oldest);
            }
        }
        grants.insert(token.clone(), grant);
        token
    }

    /// The grant of `token`, if it is one and has not expired.
    pub fn granted(&self, token: &str, now: i64) -> Option<Grant> {
        if token.len() != 64 {
            return None;
        }
        let grants = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        grants.get(token).filter(|g| g.expires > now).cloned()
    }

    /// The folder of one run of a camera.
    pub fn run_dir(&self, camera: &str, run: i64) -> PathBuf {
        run_dir(&self.dir, camera, run)
    }

    /// A segment's file.
    pub fn segment_file(&self, camera: &str, s: &SegmentRow) -> PathBuf {
        self.run_dir(camera, s.run).join(segment_name(s.seq))
    }

    /// `camera`'s segments in `span` whose files are whole (a missing or cut file is a gap).
    pub async fn intact_segments(
        &self,
        camera: &DeviceId,
        span: Span,
    ) -> Result<Vec<SegmentRow>, HallError> {
        let rows = self.store.segments(camera, span).await?;
        let this = self.clone();
        let camera = camera.to_string();
        tokio::task::spawn_blocking(move || {
            rows.into_iter()
                .filter(|s| {
                    let file = this.segment_file(&camera, s);
                    let whole = std::fs::metadata(&file).is_ok_and(|m| m.len() == s.bytes);
                    if !whole {
                        tracing::warn!(file = %file.display(), "a segment is missing or cut: left out");
                    }
                    whole
                })
                .collect()
        })
        .await
        .map_err(HallError::internal)
    }

    /// What the disk holding the footage has free.
    pub fn free_bytes(&self) -> Option<u64> {
        free_bytes(&self.dir)
    }
}

fn run_dir(root: &Path, camera: &str, run: i64) -> PathBuf {
    root.join(camera).join(run.to_string())
}

fn segment_name(seq: u32) -> String {
    format!("seg-{seq:06}.m4s")
}

/// What the filesystem holding `dir` has free for us, where that can be asked.
#[cfg(unix)]
pub fn free_bytes(dir: &Path) -> Option<u64> {
    let s = rustix::fs::statvfs(dir).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize))
}

#[cfg(not(unix))]
pub fn free_bytes(_dir: &Path) -> Option<u64> {
    None
}

/// One camera's recorder as the service keeps it.
struct Cam {
    setup: CameraSetup,
    sup: Supervision,
    child: Option<Child>,
    /// The run being recorded.
    run: Option<Run>,
    /// When a stop was asked (a graceful one first, then a kill).
    stopping_since: Option<i64>,
}

impl Cam {
    fn new(setup: CameraSetup, rules: SuperviseRules, now: i64) -> Self {
        Self {
            setup,
            sup: Supervision::new(rules, now),
            child: None,
            run: None,
            stopping_since: None,
        }
    }
}

/// The run a recorder writes.
struct Run {
    id: i64,
    dir: PathBuf,
    /// The last segment indexed.
    last: Option<u32>,
    /// How far ffmpeg's segment times are from when the camera delivered:
    /// it dates the first segment when it has finished probing the stream,
    /// a second or two after the first frame arrived. Learned from the
    /// newest segment the first time the playlist is read (it has just
    /// ended), and applied to the whole run.
    skew_ms: Option<i64>,
}

/// Retention reads the footage index this many segments at a time.
const SWEEP_PAGE: u32 = 2_000;

/// A stopped recorder is killed again if it has not ended this long after.
const STOP_GRACE_MS: i64 = 3_000;

struct Service {
    store: Store,
    dir: PathBuf,
    opts: VideoOptions,
    clock: Clock,
    alarms: AlarmService,
    cams: BTreeMap<DeviceId, Cam>,
    states: Arc<RwLock<HashMap<DeviceId, RecorderState>>>,
    /// Recording is held: the storage is full of locked footage.
    held: bool,
}

impl Service {
    async fn run(mut self, mut jobs: mpsc::Receiver<Job>) {
        self.catch_up().await;
        let mut tick = tokio::time::interval(Duration::from_millis(self.opts.tick_ms.max(10)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut sweep = tokio::time::interval(Duration::from_millis(self.opts.sweep_ms.max(100)));
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => self.on_tick().await,
                _ = sweep.tick() => self.sweep().await,
                job = jobs.recv() => match job {
                    Some(Job::Setup(id, setup)) => self.on_setup(id, setup).await,
                    Some(Job::Sweep(done)) => {
                        self.sweep().await;
                        let _ = done.send(());
                    }
                    None => break,
                },
            }
        }
        for cam in self.cams.values_mut() {
            if let Some(child) = cam.child.as_mut() {
                ffmpeg::stop(child);
            }
        }
    }

    /// Indexes what the newest runs wrote after the previous node last
    /// looked (it was killed between a segment and its row): recording goes
    /// on in new runs, and the end of the old ones is not lost.
    async fn catch_up(&self) {
        let runs = match self.store.newest_runs().await {
            Ok(runs) => runs,
            Err(e) => {
                tracing::error!(error = %e, "the recorder runs cannot be read");
                return;
            }
        };
        let now = self.clock.now();
        for (camera, id, last) in runs {
            let Ok(camera) = DeviceId::parse(&camera) else {
                continue;
            };
            let dir = run_dir(&self.dir, camera.as_str(), id);
            // The run's correction, from a segment both indexed and still listed.
            let listed = tokio::fs::read_to_string(dir.join(ffmpeg::PLAYLIST))
                .await
                .map(|t| playlist::read_ffmpeg(&t))
                .unwrap_or_default();
            let skew = last
                .and_then(|(seq, from)| {
                    let l = listed.iter().find(|l| l.seq == seq)?;
                    Some(from - l.starts_ms?)
                })
                .unwrap_or(0);
            let mut run = Run {
                id,
                dir,
                last: last.map(|(seq, _)| seq),
                skew_ms: Some(skew),
            };
            let n = index_new(&self.store, &camera, &mut run, now).await;
            if n > 0 {
                tracing::info!(camera = %camera, run = id, segments = n, "segments recorded before a restart were indexed");
            }
        }
    }

    async fn on_setup(&mut self, id: DeviceId, setup: Option<CameraSetup>) {
        let now = self.clock.now();
        if let Some(mut old) = self.cams.remove(&id) {
            if let Some(child) = old.child.as_mut() {
                ffmpeg::stop(child);
                let _ = tokio::time::timeout(Duration::from_secs(3), child.wait()).await;
                let _ = child.start_kill();
            }
        }
        match setup {
            Some(setup) => {
                self.alarms
                    .watch_stream(id.clone(), self.opts.stream_timeout_ms, true);
                let mut cam = Cam::new(setup, self.opts.rules, now);
                if self.held {
                    cam.sup.hold();
                }
                self.cams.insert(id, cam);
            }
            None => {
                self.alarms.watch_stream(id.clone(), 0, false);
                self.states
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&id);
            }
        }
    }

    async fn on_tick(&mut self) {
        let now = self.clock.now();
        let ids: Vec<DeviceId> = self.cams.keys().cloned().collect();
        for id in ids {
            self.look_at(&id, now).await;
        }
        let mut states = self.states.write().unwrap_or_else(|p| p.into_inner());
        for (id, cam) in &self.cams {
            states.insert(id.clone(), cam.sup.state());
        }
    }

    async fn look_at(&mut self, id: &DeviceId, now: i64) {
        let Some(cam) = self.cams.get_mut(id) else {
            return;
        };
        // New segments first: a recorder that delivers is not stalled.
        if let Some(run) = cam.run.as_mut() {
            let fresh = index_new(&self.store, id, run, now).await;
            if fresh > 0 {
                cam.sup.segment(now);
                let heard = Heard {
                    device: id.clone(),
                    at: now,
                    message: Message::Report(Report::default()),
                };
                let _ = self.alarms.heard_sender().try_send(heard);
            }
        }
        // A process that ended.
        if let Some(child) = cam.child.as_mut() {
            match child.try_wait() {
                Ok(Some(status)) => {
                    tracing::info!(camera = %id, %status, "a recorder ended");
                    cam.child = None;
                    cam.stopping_since = None;
                    cam.sup.exited(now);
                }
                Ok(None) => {
                    if cam
                        .stopping_since
                        .is_some_and(|since| now - since > STOP_GRACE_MS)
                    {
                        let _ = child.start_kill();
                    }
                }
                Err(e) => {
                    tracing::warn!(camera = %id, error = %e, "a recorder cannot be looked at")
                }
            }
        }
        match cam.sup.tick(now) {
            Some(Do::Start) => {
                let run = match self.store.start_video_run(id, now).await {
                    Ok(run) => run,
                    Err(e) => {
                        tracing::error!(camera = %id, error = %e, "a recorder run cannot be started");
                        cam.sup.exited(now);
                        return;
                    }
                };
                let dir = run_dir(&self.dir, id.as_str(), run);
                let spawned = std::fs::create_dir_all(&dir)
                    .map_err(|e| e.to_string())
                    .and_then(|()| {
                        ffmpeg::record(&self.opts.ffmpeg, &cam.setup.url, &dir)
                            .map_err(|e| e.to_string())
                    });
                match spawned {
                    Ok(child) => {
                        tracing::info!(camera = %id, run, "a recorder starts");
                        cam.child = Some(child);
                        cam.run = Some(Run {
                            id: run,
                            dir,
                            last: None,
                            skew_ms: None,
                        });
                    }
                    Err(e) => {
                        tracing::error!(camera = %id, error = %e, "a recorder cannot start");
                        cam.sup.exited(now);
                    }
                }
            }
            Some(Do::Stop) => {
                tracing::warn!(camera = %id, "a recorder stalled: it is stopped and started again");
                match cam.child.as_mut() {
                    Some(child) => {
                        ffmpeg::stop(child);
                        cam.stopping_since = Some(now);
                    }
                    None => cam.sup.exited(now),
                }
            }
            None => {}
        }
    }

    async fn sweep(&mut self) {
        let now = self.clock.now();
        if let Err(e) = self.try_sweep(now).await {
            tracing::error!(error = %e, "retention could not run");
        }
    }

    async fn try_sweep(&mut self, now: i64) -> Result<(), HallError> {
        let mut locks: HashMap<String, Vec<Span>> = HashMap::new();
        for l in self.store.evidence_locks().await? {
            if l.unlocked.is_none() {
                locks.entry(l.camera.to_string()).or_default().push(l.span);
            }
        }
        let short = free_bytes(&self.dir)
            .map(|free| self.opts.reserve_bytes.saturating_sub(free))
            .unwrap_or(0);
        let rule = &self.opts.retention;
        let total = self.store.footage_total().await?;
        let mut must = devices::video::must_free(total, rule, short);
        let cutoff = devices::video::retention_cutoff(rule, now);
        let none: Vec<Span> = Vec::new();
        // The footage oldest first, a page at a time, until nothing more must go.
        let mut after = None;
        loop {
            let page = self.store.oldest_segments(after, SWEEP_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some((last.segment.from_ms, last.segment.run, last.segment.seq));
            let past_age = last.segment.to_ms > cutoff;
            let pieces: Vec<(Piece, &[Span])> = page
                .iter()
                .map(|s| {
                    let piece = Piece {
                        from_ms: s.segment.from_ms,
                        to_ms: s.segment.to_ms,
                        bytes: s.segment.bytes,
                    };
                    (piece, locks.get(&s.camera).unwrap_or(&none).as_slice())
                })
                .collect();
            let sweep = devices::video::retention_from(&pieces, rule, now, must);
            must = sweep.still_over;
            self.delete(&page, &sweep.delete).await?;
            if must == 0 && past_age {
                break;
            }
        }
        for (run, camera) in self.store.empty_video_runs().await? {
            let current = self
                .cams
                .values()
                .any(|c| c.run.as_ref().is_some_and(|r| r.id == run));
            if current {
                continue;
            }
            let dir = run_dir(&self.dir, &camera, run);
            match std::fs::remove_dir_all(&dir) {
                Ok(()) => self.store.remove_video_run(run).await?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    self.store.remove_video_run(run).await?
                }
                Err(e) => {
                    tracing::warn!(dir = %dir.display(), error = %e, "a run's folder cannot be removed")
                }
            }
        }
        let full = must > 0;
        if full != self.held {
            self.held = full;
            if full {
                tracing::error!(
                    over = must,
                    "the footage storage is full of locked footage: recording is held"
                );
            } else {
                tracing::info!("the footage storage has room again: recording resumes");
            }
            for (id, cam) in self.cams.iter_mut() {
                if full {
                    if cam.sup.hold() == Some(Do::Stop) {
                        if let Some(child) = cam.child.as_mut() {
                            ffmpeg::stop(child);
                            cam.stopping_since = Some(now);
                        }
                    }
                } else {
                    cam.sup.release(now);
                }
                let report = Report {
                    metrics: Metrics {
                        storage_full: Some(full),
                        ..Metrics::default()
                    },
                    ..Report::default()
                };
                let heard = Heard {
                    device: id.clone(),
                    at: now,
                    message: Message::Report(report),
                };
                let _ = self.alarms.heard_sender().send(heard).await;
            }
        }
        Ok(())
    }
}

impl Service {
    /// Deletes the files of `page[i]` for each `i` of `delete`, then their rows.
    async fn delete(
        &self,
        page: &[store::video::StoredSegment],
        delete: &[usize],
    ) -> Result<(), HallError> {
        let mut gone = Vec::new();
        for &i in delete {
            let s = &page[i];
            let file =
                run_dir(&self.dir, &s.camera, s.segment.run).join(segment_name(s.segment.seq));
            match std::fs::remove_file(&file) {
                Ok(()) => gone.push((s.segment.run, s.segment.seq)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    gone.push((s.segment.run, s.segment.seq))
                }
                Err(e) => {
                    tracing::warn!(file = %file.display(), error = %e, "a segment cannot be deleted")
                }
            }
        }
        if !gone.is_empty() {
            self.store.remove_segments(&gone).await?;
            tracing::info!(segments = gone.len(), "retention removed footage");
        }
        Ok(())
    }
}

/// Indexes the segments ffmpeg listed since the run's last; answers how many.
async fn index_new(store: &Store, camera: &DeviceId, run: &mut Run, now: i64) -> usize {
    let Ok(text) = tokio::fs::read_to_string(run.dir.join(ffmpeg::PLAYLIST)).await else {
        return 0;
    };
    let listed = playlist::read_ffmpeg(&text);
    if run.skew_ms.is_none() {
        // The newest listed segment has just ended.
        if let Some(newest) = listed
            .last()
            .and_then(|l| l.starts_ms.map(|s| s + l.duration_ms))
        {
            run.skew_ms = Some((now - newest).min(0));
        }
    }
    let skew = run.skew_ms.unwrap_or(0);
    let mut rows = Vec::new();
    for l in listed {
        if run.last.is_some_and(|last| l.seq <= last) {
            continue;
        }
        let Ok(meta) = tokio::fs::metadata(run.dir.join(segment_name(l.seq))).await else {
            continue;
        };
        let from_ms = l.starts_ms.map_or(now - l.duration_ms, |s| s + skew);
        rows.push(SegmentRow {
            run: run.id,
            seq: l.seq,
            from_ms,
            to_ms: from_ms + l.duration_ms.max(1),
            bytes: meta.len(),
        });
    }
    if rows.is_empty() {
        return 0;
    }
    match store.add_segments(camera, &rows).await {
        Ok(()) => {
            run.last = rows.last().map(|r| r.seq);
            rows.len()
        }
        Err(e) => {
            tracing::error!(camera = %camera, error = %e, "segments cannot be indexed");
            0
        }
    }
}
