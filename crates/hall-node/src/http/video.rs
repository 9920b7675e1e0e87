//! `/api/v1/video…` and `/video/g/…`: the supervisor's cameras, watching live or recorded footage through grants, the footage around an event, clips, evidence locks and the audit; and the tokened files players load.
//!
//! Only the supervisor role may watch (the emergency console will, during
//! an incident, once incidents exist). Every grant, export, lock and
//! unlock is one line of the video audit, written with its replication row
//! before the answer. The player's own requests (`/video/g/<token>/…`)
//! carry only the grant's token: 256 random bits, one camera, live or one
//! range, expiring; a segment outside the grant is refused like an unknown
//! one.

use super::{Body, Path, Query};
use crate::auth::Caller;
use crate::error::HallError;
use crate::video::{ffmpeg, playlist, Grant};
use crate::AppState;
use axum::body::Body as HttpBody;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use devices::video::{
    self as rules, AccessRecord, CameraSetup, EvidenceLock, Piece, Span, Stretch,
};
use devices::{DeviceId, DeviceKind};
use ipc::video::{
    AccessQuery, Around, AroundRequest, CameraFootage, CameraView, Clip, ExportRequest,
    LockRequest, SetCamera, TimelinePart, UnlockRequest, VideoView, Watch, WatchRequest, GRANT_MS,
    MAX_ACCESS_LINES,
};
use ipc::ErrorCode;
use store::accounts::Account;
use store::hall::OutboxRow;
use sync_proto::ChangeKind;

/// A live playlist lists this many of the newest segments.
const LIVE_SEGMENTS: u32 = 4;
/// What the audit keeps of what a view was about.
const MAX_ABOUT: usize = 100;
/// Seconds of footage before and after an event unless asked otherwise.
const BEFORE_S: u32 = 30;
const AFTER_S: u32 = 60;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/video/cameras", get(cameras))
        .route("/api/v1/video/cameras/{id}", put(set_camera))
        .route("/api/v1/video/watch", post(watch))
        .route("/api/v1/video/around", post(around))
        .route("/api/v1/video/export", post(export))
        .route("/api/v1/video/locks", get(locks).post(lock))
        .route("/api/v1/video/locks/{id}/unlock", post(unlock))
        .route("/api/v1/video/access", get(access))
        .route("/video/g/{token}/index.m3u8", get(playlist_file))
        .route("/video/g/{token}/live.mjpeg", get(mjpeg))
        .route("/video/g/{token}/clip.mp4", get(clip_file))
        .route("/video/g/{token}/{run}/{file}", get(segment_file))
}

fn bad(code: ErrorCode) -> HallError {
    HallError::bad(code)
}

fn video_error(e: rules::VideoError) -> HallError {
    use rules::VideoError as V;
    bad(match e {
        V::BadUrl | V::TooManyCovers | V::BadCounter => ErrorCode::CameraSetupInvalid,
        V::BadRange | V::RangeTooLong | V::BadWindow => ErrorCode::VideoRangeInvalid,
        V::BadReason => ErrorCode::LockReasonInvalid,
    })
}

/// The camera of that id: registered, a camera, not revoked.
async fn camera(s: &AppState, raw: &str) -> Result<(DeviceId, String, devices::Spot), HallError> {
    let id = DeviceId::parse(raw)?;
    let record = s
        .store
        .device_records()
        .await?
        .into_iter()
        .find(|r| r.device.id == id && r.revoked_at.is_none())
        .ok_or(HallError::Input(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownDevice,
        ))?;
    if record.device.kind != DeviceKind::Camera {
        return Err(bad(ErrorCode::NotACamera));
    }
    Ok((id, record.device.name, record.device.spot))
}

fn about(raw: &str) -> String {
    raw.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_ABOUT)
        .collect()
}

fn audit_row(s: &AppState, line: &AccessRecord) -> Option<OutboxRow> {
    let hlc = s.driver.stamp(s.clock.now());
    crate::changes::row(hlc, ChangeKind::VideoAccess, line.id.to_string(), line)
}

fn lock_rows(s: &AppState, lock: &EvidenceLock, line: &AccessRecord) -> Vec<OutboxRow> {
    let hlc = s.driver.stamp(s.clock.now());
    let lock_row = crate::changes::row(hlc, ChangeKind::EvidenceLock, lock.id.to_string(), lock);
    lock_row.into_iter().chain(audit_row(s, line)).collect()
}

/// Writes one audit line (with its replication row) and wakes the uplink.
async fn audit(
    s: &AppState,
    account: &Account,
    camera: &DeviceId,
    access: rules::Access,
    range: (i64, Option<i64>),
    note: String,
) -> Result<AccessRecord, HallError> {
    let line = AccessRecord {
        id: 0,
        at: s.clock.now(),
        by: account.staff_no.to_string(),
        camera: camera.clone(),
        access,
        from_ms: range.0,
        to_ms: range.1,
        note,
    };
    let line = s
        .store
        .record_video_access(line, |l| audit_row(s, l))
        .await?;
    s.wake_uplink();
    tracing::info!(by = %line.by, camera = %line.camera, access = ?line.access, from = line.from_ms, to = ?line.to_ms, "video access");
    Ok(line)
}

fn parts(pieces: &[Piece], range: Span) -> (Vec<TimelinePart>, i64) {
    let timeline: Vec<TimelinePart> = rules::timeline(pieces, range)
        .into_iter()
        .map(|(span, stretch)| TimelinePart {
            from_ms: span.from_ms,
            to_ms: span.to_ms,
            stretch,
        })
        .collect();
    let recorded = timeline
        .iter()
        .filter(|p| p.stretch == Stretch::Recorded)
        .map(|p| p.to_ms - p.from_ms)
        .sum();
    (timeline, recorded)
}

fn pieces_of(segments: &[store::video::SegmentRow]) -> Vec<Piece> {
    segments
        .iter()
        .map(|s| Piece {
            from_ms: s.from_ms,
            to_ms: s.to_ms,
            bytes: s.bytes,
        })
        .collect()
}

/// `GET /api/v1/video/cameras`.
async fn cameras(State(s): State<AppState>, caller: Caller) -> Result<Json<VideoView>, HallError> {
    caller.supervisor()?;
    let kept = s.store.footage_kept().await?;
    let locks = s.store.evidence_locks().await?;
    let setups = s.video.setups();
    let cameras = s
        .store
        .device_records()
        .await?
        .into_iter()
        .filter(|r| r.device.kind == DeviceKind::Camera && r.revoked_at.is_none())
        .map(|r| {
            let id = r.device.id;
            let (kept_from, kept_bytes) = kept
                .iter()
                .find(|(c, _, _)| c == id.as_str())
                .map_or((None, 0), |(_, f, b)| (Some(*f), *b));
            CameraView {
                name: r.device.name,
                spot: r.device.spot,
                setup: setups.get(&id).cloned(),
                recorder: s.video.recorder(&id),
                kept_from,
                kept_bytes,
                locks: locks
                    .iter()
                    .filter(|l| l.camera == id && l.unlocked.is_none())
                    .count() as u32,
                id,
            }
        })
        .collect();
    Ok(Json(VideoView {
        cameras,
        retention: s.video.retention,
        kept_bytes: kept.iter().map(|(_, _, b)| b).sum(),
        free_bytes: s.video.free_bytes(),
    }))
}

/// `PUT /api/v1/video/cameras/{id}`: where its stream is and what it covers; recording (re)starts.
async fn set_camera(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(req): Body<SetCamera>,
) -> Result<Json<CameraView>, HallError> {
    let account = caller.supervisor()?;
    let (id, name, spot) = camera(&s, &id).await?;
    let setup = CameraSetup::parse(&req.url, &req.covers).map_err(video_error)?;
    let now = s.clock.now();
    s.video
        .set_camera(&id, setup.clone(), account.staff_no.as_str(), now)
        .await?;
    tracing::info!(camera = %id, by = %account.staff_no, "a camera's stream was set");
    Ok(Json(CameraView {
        recorder: s.video.recorder(&id),
        id,
        name,
        spot,
        setup: Some(setup),
        kept_from: None,
        kept_bytes: 0,
        locks: 0,
    }))
}

/// `POST /api/v1/video/watch`: a grant to watch live or a recorded range.
async fn watch(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<WatchRequest>,
) -> Result<Json<Watch>, HallError> {
    let account = caller.supervisor()?;
    let (id, _, _) = camera(&s, &req.camera).await?;
    if s.video.setup(&id).is_none() {
        return Err(Conflict::of(ErrorCode::CameraNotConfigured));
    }
    let now = s.clock.now();
    let answer = match (req.from_ms, req.to_ms) {
        (None, None) => {
            let (token, expires_at) = grant_audited(
                &s,
                account,
                &id,
                rules::Access::Live,
                None,
                &req.about,
                None,
            )
            .await?;
            Watch {
                camera: id,
                playlist: format!("/video/g/{token}/index.m3u8"),
                mjpeg: Some(format!("/video/g/{token}/live.mjpeg")),
                range: None,
                timeline: Vec::new(),
                pieces: Vec::new(),
                expires_at,
            }
        }
        (Some(from), Some(to)) => {
            let range = Span::checked(from, to, now).map_err(video_error)?;
            let segments = recorded_segments(&s, &id, range).await?;
            let (timeline, _) = parts(&pieces_of(&segments), range);
            let (_, pieces) = playlist::recorded(&segments);
            let access = rules::Access::Playback;
            let (token, expires_at) =
                grant_audited(&s, account, &id, access, Some(range), &req.about, None).await?;
            Watch {
                camera: id,
                playlist: format!("/video/g/{token}/index.m3u8"),
                mjpeg: None,
                range: Some(range),
                timeline,
                pieces,
                expires_at,
            }
        }
        _ => return Err(bad(ErrorCode::VideoRangeInvalid)),
    };
    Ok(Json(answer))
}

/// `camera`'s whole segments in `range`; none is a refusal (`video_not_recorded`).
async fn recorded_segments(
    s: &AppState,
    camera: &DeviceId,
    range: Span,
) -> Result<Vec<store::video::SegmentRow>, HallError> {
    let segments = s.video.intact_segments(camera, range).await?;
    if segments.is_empty() {
        return Err(HallError::Input(
            StatusCode::NOT_FOUND,
            ErrorCode::VideoNotRecorded,
        ));
    }
    Ok(segments)
}

/// Writes the audit line of a look at `camera`'s footage (live from now
/// when `range` is `None`), then grants it: the token and when it expires.
async fn grant_audited(
    s: &AppState,
    account: &Account,
    camera: &DeviceId,
    access: rules::Access,
    range: Option<Span>,
    what_about: &str,
    clip: Option<std::path::PathBuf>,
) -> Result<(String, i64), HallError> {
    let now = s.clock.now();
    let looked = range.map_or((now, None), |r| (r.from_ms, Some(r.to_ms)));
    audit(s, account, camera, access, looked, about(what_about)).await?;
    let expires = now + GRANT_MS;
    let grant = Grant {
        camera: camera.clone(),
        range,
        expires,
        clip,
    };
    Ok((s.video.grant(grant, now), expires))
}

/// A refusal that is about the state of things (409).
struct Conflict;

impl Conflict {
    fn of(code: ErrorCode) -> HallError {
        HallError::Input(StatusCode::CONFLICT, code)
    }
}

/// `POST /api/v1/video/around`: the cameras showing an event and their footage of it.
async fn around(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<AroundRequest>,
) -> Result<Json<Around>, HallError> {
    caller.supervisor()?;
    let now = s.clock.now();
    let before = i64::from(req.before_s.unwrap_or(BEFORE_S)) * 1000;
    let after = i64::from(req.after_s.unwrap_or(AFTER_S)) * 1000;
    let range = rules::around(req.at_ms, before, after, now).map_err(video_error)?;
    if let Some(c) = req.counter {
        if c == 0 || c > 999 {
            return Err(bad(ErrorCode::VideoRangeInvalid));
        }
    }
    let setups = s.video.setups();
    let names: std::collections::HashMap<DeviceId, String> = s
        .store
        .device_records()
        .await?
        .into_iter()
        .filter(|r| r.revoked_at.is_none())
        .map(|r| (r.device.id, r.device.name))
        .collect();
    let live: Vec<(&DeviceId, &CameraSetup)> = setups
        .iter()
        .filter(|(id, _)| names.contains_key(*id))
        .collect();
    let mut cameras = Vec::new();
    for id in rules::covering(live, req.counter) {
        let segments = s.video.intact_segments(&id, range).await?;
        let (timeline, recorded_ms) = parts(&pieces_of(&segments), range);
        cameras.push(CameraFootage {
            name: names.get(&id).cloned().unwrap_or_default(),
            covers_counter: req
                .counter
                .is_some_and(|c| setups.get(&id).is_some_and(|s| s.covers.contains(&c))),
            camera: id,
            timeline,
            recorded_ms,
        });
    }
    Ok(Json(Around { range, cameras }))
}

/// `POST /api/v1/video/export`: one MP4 of a camera's range, fetched through a grant.
async fn export(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<ExportRequest>,
) -> Result<Json<Clip>, HallError> {
    let account = caller.supervisor()?;
    let (id, _, _) = camera(&s, &req.camera).await?;
    let now = s.clock.now();
    let range = Span::checked(req.from_ms, req.to_ms, now).map_err(video_error)?;
    let segments = recorded_segments(&s, &id, range).await?;
    let (_, recorded) = parts(&pieces_of(&segments), range);
    let clips = s.video.dir.join("clips");
    tokio::fs::create_dir_all(&clips)
        .await
        .map_err(HallError::internal)?;
    let stem = format!(
        "{}-{}",
        id,
        store::tokens::new_token().get(..16).unwrap_or("clip")
    );
    let list = clips.join(format!("{stem}.m3u8"));
    let out = clips.join(format!("{stem}.mp4"));
    let text = local_playlist(&s, &id, &segments);
    tokio::fs::write(&list, text)
        .await
        .map_err(HallError::internal)?;
    let made = ffmpeg::clip(&s.video.ffmpeg, &list, &out).await;
    let _ = tokio::fs::remove_file(&list).await;
    if let Err(e) = made {
        tracing::error!(camera = %id, error = %e, "a clip could not be made");
        let _ = tokio::fs::remove_file(&out).await;
        return Err(HallError::Input(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::ExportFailed,
        ));
    }
    let bytes = tokio::fs::metadata(&out)
        .await
        .map_err(HallError::internal)?
        .len();
    let access = rules::Access::Export;
    let (token, _) =
        grant_audited(&s, account, &id, access, Some(range), &req.about, Some(out)).await?;
    Ok(Json(Clip {
        url: format!("/video/g/{token}/clip.mp4"),
        file_name: clip_name(&id, range, s.clock.utc_offset_minutes()),
        bytes,
        range,
        missing_ms: range.len_ms() - recorded,
    }))
}

/// `摄像机-20261207-193005-193135.mp4` in the hall's local time.
fn clip_name(id: &DeviceId, range: Span, offset_min: i32) -> String {
    let local = |ms: i64| {
        let t = time::OffsetDateTime::from_unix_timestamp(ms / 1000 + i64::from(offset_min) * 60)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        (
            format!("{:04}{:02}{:02}", t.year(), u8::from(t.month()), t.day()),
            format!("{:02}{:02}{:02}", t.hour(), t.minute(), t.second()),
        )
    };
    let (day, from) = local(range.from_ms);
    let (_, to) = local(range.to_ms);
    format!("{id}-{day}-{from}-{to}.mp4")
}

/// A playlist of the segments' files on this disk, for ffmpeg to make a clip of.
fn local_playlist(s: &AppState, id: &DeviceId, segments: &[store::video::SegmentRow]) -> String {
    let (text, _) = playlist::recorded(segments);
    let dir = s.video.dir.join(id.as_str());
    // The served playlist names files relative to the grant; here they are absolute paths.
    text.lines()
        .map(|line| {
            if let Some(rest) = line.strip_prefix("#EXT-X-MAP:URI=\"") {
                let rel = rest.trim_end_matches('"');
                format!("#EXT-X-MAP:URI=\"{}\"", dir.join(rel).display())
            } else if !line.starts_with('#') && !line.is_empty() {
                let (run, file) = line.split_once('/').unwrap_or(("0", line));
                let seq: u32 = file.trim_end_matches(".m4s").parse().unwrap_or(0);
                format!(
                    "{}",
                    dir.join(run).join(format!("seg-{seq:06}.m4s")).display()
                )
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// `GET /api/v1/video/locks`.
async fn locks(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<EvidenceLock>>, HallError> {
    caller.supervisor()?;
    Ok(Json(s.store.evidence_locks().await?))
}

/// `POST /api/v1/video/locks`: keep a range as evidence, past retention.
async fn lock(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<LockRequest>,
) -> Result<(StatusCode, Json<EvidenceLock>), HallError> {
    let account = caller.supervisor()?;
    let (id, _, _) = camera(&s, &req.camera).await?;
    let now = s.clock.now();
    let range = Span::checked(req.from_ms, req.to_ms, now).map_err(video_error)?;
    let reason = rules::reason(&req.reason).map_err(video_error)?;
    let by = account.staff_no.to_string();
    let lock = s
        .store
        .lock_evidence(&id, range, &by, &reason, now, |l, a| lock_rows(&s, l, a))
        .await?;
    s.wake_uplink();
    tracing::info!(lock = lock.id, camera = %id, by = %by, "footage locked as evidence");
    Ok((StatusCode::CREATED, Json(lock)))
}

/// `POST /api/v1/video/locks/{id}/unlock`.
async fn unlock(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    Body(req): Body<UnlockRequest>,
) -> Result<Json<EvidenceLock>, HallError> {
    let account = caller.supervisor()?;
    let reason = rules::reason(&req.reason).map_err(video_error)?;
    let Some(before) = s.store.evidence_lock(id).await? else {
        return Err(HallError::Input(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownLock,
        ));
    };
    if before.unlocked.is_some() {
        return Err(Conflict::of(ErrorCode::LockReleased));
    }
    let by = account.staff_no.to_string();
    let now = s.clock.now();
    let lock = s
        .store
        .unlock_evidence(id, &by, &reason, now, |l, a| lock_rows(&s, l, a))
        .await?
        .ok_or(HallError::Input(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownLock,
        ))?;
    s.wake_uplink();
    tracing::info!(lock = lock.id, by = %by, "an evidence lock was released");
    Ok(Json(lock))
}

/// `GET /api/v1/video/access`.
async fn access(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<AccessQuery>,
) -> Result<Json<Vec<AccessRecord>>, HallError> {
    caller.supervisor()?;
    let camera = q.camera.as_deref().map(DeviceId::parse).transpose()?;
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_ACCESS_LINES);
    Ok(Json(s.store.video_access(camera.as_ref(), limit).await?))
}

/// The grant of a player's token, or the refusal every bad token gets.
fn granted(s: &AppState, token: &str) -> Result<Grant, HallError> {
    s.video
        .granted(token, s.clock.now())
        .ok_or(HallError::Input(
            StatusCode::FORBIDDEN,
            ErrorCode::VideoGrantInvalid,
        ))
}

/// Players on other origins (the desktop's window) may read tokened files.
fn open_to_players(mut r: Response, mime: &'static str, cache: &'static str) -> Response {
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    r
}

/// `GET /video/g/{token}/index.m3u8`: the live playlist (the newest segments) or the range's.
async fn playlist_file(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, HallError> {
    let grant = granted(&s, &token)?;
    let text = match grant.range {
        None => {
            let newest = s.store.last_segments(&grant.camera, LIVE_SEGMENTS).await?;
            // Only the current run's: a new run starts the live list afresh.
            let run = newest.last().map(|l| l.run);
            let newest: Vec<_> = newest.into_iter().filter(|x| Some(x.run) == run).collect();
            if newest.is_empty() {
                return Err(HallError::Input(
                    StatusCode::NOT_FOUND,
                    ErrorCode::VideoNotRecorded,
                ));
            }
            playlist::live(&newest)
        }
        Some(range) => {
            let segments = s.video.intact_segments(&grant.camera, range).await?;
            playlist::recorded(&segments).0
        }
    };
    Ok(open_to_players(
        text.into_response(),
        "application/vnd.apple.mpegurl",
        "no-store",
    ))
}

/// `GET /video/g/{token}/{run}/{file}`: an init segment (`init.mp4`) or a media segment (`N.m4s`) the grant covers.
async fn segment_file(
    State(s): State<AppState>,
    Path((token, run, file)): Path<(String, i64, String)>,
) -> Result<Response, HallError> {
    let grant = granted(&s, &token)?;
    let refused = || HallError::Input(StatusCode::FORBIDDEN, ErrorCode::VideoGrantInvalid);
    let camera = grant.camera.as_str();
    let (path, mime) = if file == "init.mp4" {
        (s.video.run_dir(camera, run).join("init.mp4"), "video/mp4")
    } else {
        let seq: u32 = file
            .strip_suffix(".m4s")
            .and_then(|n| n.parse().ok())
            .ok_or_else(refused)?;
        let stored = s.store.segment(run, seq).await?.ok_or_else(refused)?;
        let inside = grant.range.is_none_or(|r| {
            r.overlaps(&Span {
                from_ms: stored.segment.from_ms,
                to_ms: stored.segment.to_ms,
            })
        });
        if stored.camera != camera || !inside {
            return Err(refused());
        }
        (
            s.video.segment_file(camera, &stored.segment),
            "video/iso.segment",
        )
    };
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| HallError::Input(StatusCode::NOT_FOUND, ErrorCode::VideoNotRecorded))?;
    Ok(open_to_players(
        bytes.into_response(),
        mime,
        "private, max-age=3600",
    ))
}

/// `GET /video/g/{token}/live.mjpeg`: the camera as MJPEG frames, for a player without H.264.
async fn mjpeg(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, HallError> {
    let grant = granted(&s, &token)?;
    if grant.range.is_some() {
        return Err(HallError::Input(
            StatusCode::FORBIDDEN,
            ErrorCode::VideoGrantInvalid,
        ));
    }
    let setup = s
        .video
        .setup(&grant.camera)
        .ok_or_else(|| Conflict::of(ErrorCode::CameraNotConfigured))?;
    let mut child = ffmpeg::mjpeg(&s.video.ffmpeg, &setup.url).map_err(HallError::internal)?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| HallError::internal("ffmpeg's output"))?;
    // The process lives as long as the response's body: a closed player ends it.
    let stream = Owned {
        stream: tokio_util::io::ReaderStream::new(stdout),
        _child: child,
    };
    let mut r = Response::new(HttpBody::from_stream(stream));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&format!(
            "multipart/x-mixed-replace;boundary={}",
            ffmpeg::MJPEG_BOUNDARY
        ))
        .map_err(HallError::internal)?,
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(r)
}

/// A body stream that owns the process writing it: a closed player drops it, and the process is killed.
struct Owned<S> {
    stream: S,
    _child: tokio::process::Child,
}

impl<S: futures_core::Stream + Unpin> futures_core::Stream for Owned<S> {
    type Item = S::Item;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<S::Item>> {
        std::pin::Pin::new(&mut self.stream).poll_next(cx)
    }
}

/// `GET /video/g/{token}/clip.mp4`: the clip an export made.
async fn clip_file(
    State(s): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, HallError> {
    let grant = granted(&s, &token)?;
    let path = grant.clip.ok_or(HallError::Input(
        StatusCode::FORBIDDEN,
        ErrorCode::VideoGrantInvalid,
    ))?;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|_| HallError::Input(StatusCode::NOT_FOUND, ErrorCode::VideoNotRecorded))?;
    let body = HttpBody::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok(open_to_players(
        Response::new(body),
        "video/mp4",
        "private, no-store",
    ))
}
