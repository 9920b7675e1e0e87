//! The hall's video against real cameras (`yyt-testcam`, RTSP/H.264) and real ffmpeg: recording, live and recorded playback through grants, clips, evidence locks and retention, the audit, the faults (a dead address, a stream that stops, a cut segment, a full storage) and a kill -9 of the node.

use devices::video::{RecorderState, Retention, Stretch, SuperviseRules};
use ipc::video::{
    AccessRecord, Around, Clip, EvidenceLock, SetCamera, VideoView, Watch, WatchRequest,
};
use ipc::{ApiError, ErrorCode};
use reqwest::{Client, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Test cameras of one `yyt-testcam` process, killed however the test ends.
struct Cameras {
    child: Child,
    urls: Vec<String>,
}

impl Cameras {
    fn start(names: &[&str]) -> Self {
        let bin = testcam_bin();
        let mut cmd = Command::new(&bin);
        cmd.args(["--port", "0", "--size", "640x360", "--fps", "10"]);
        for n in names {
            cmd.args(["--camera", n]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let urls = names
            .iter()
            .map(|_| lines.next().unwrap().unwrap().trim().to_owned())
            .collect();
        std::thread::spawn(move || for _ in lines {});
        Cameras { child, urls }
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill {sig}");
    }
}

impl Drop for Cameras {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `yyt-testcam`, built beside this test by `cargo test --workspace` (or `cargo build -p testcam`).
fn testcam_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("YYT_TESTCAM") {
        return p.into();
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("yyt-testcam");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p testcam`",
        bin.display()
    );
    bin
}

fn video_options() -> hall_node::video::VideoOptions {
    hall_node::video::VideoOptions {
        tick_ms: 100,
        // Retention runs when a test asks.
        sweep_ms: 3_600_000,
        stream_timeout_ms: 3_000,
        rules: SuperviseRules {
            first_ms: 8_000,
            stall_ms: 3_000,
            backoff_min_ms: 500,
            backoff_max_ms: 4_000,
            healthy_ms: 10_000,
        },
        ..Default::default()
    }
}

struct Hall {
    running: hall_node::Running,
    base: String,
    http: Client,
    sup: String,
    _dir: tempfile::TempDir,
}

impl Hall {
    async fn start(video: hall_node::video::VideoOptions) -> Hall {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = super::opts(dir.path().join("hall.db"));
        opts.video = video;
        let running = hall_node::start(opts).await.unwrap();
        let base = format!("http://{}", running.addr);
        let mut hall = Hall {
            running,
            base,
            http: Client::builder().pool_max_idle_per_host(0).build().unwrap(),
            sup: String::new(),
            _dir: dir,
        };
        hall.sup = hall.login("2001").await;
        hall
    }

    async fn login(&self, staff: &str) -> String {
        let req = ipc::LoginRequest {
            staff_no: staff.into(),
            password: format!("demo-{staff}"),
        };
        let r = self
            .http
            .post(format!("{}/api/v1/sessions", self.base))
            .json(&req)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<ipc::hall::SessionReply>().await.unwrap().token
    }

    /// A request as `token` (`None`: anonymous), answered with its status and body text.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&impl Serialize>,
    ) -> (StatusCode, String) {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(b);
        }
        let resp = r.send().await.unwrap();
        (resp.status(), resp.text().await.unwrap())
    }

    async fn ok<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> T {
        let (status, text) = self.call(method, path, Some(&self.sup), body).await;
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    }

    /// A refusal: its status and the `{code, message}` it carries.
    async fn refused(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&impl Serialize>,
    ) -> (StatusCode, ErrorCode) {
        let (status, text) = self.call(method, path, token, body).await;
        let e: ApiError =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
        assert!(!e.message.is_empty());
        (status, e.code)
    }

    async fn set_camera(&self, id: &str, url: &str, covers: &[u16]) {
        let body = SetCamera {
            url: url.into(),
            covers: covers.to_vec(),
        };
        let _: ipc::video::CameraView = self
            .ok(
                reqwest::Method::PUT,
                &format!("/api/v1/video/cameras/{id}"),
                Some(&body),
            )
            .await;
    }

    async fn view(&self) -> VideoView {
        self.ok(reqwest::Method::GET, "/api/v1/video/cameras", None::<&()>)
            .await
    }

    /// Waits (at most `secs`) until the cameras' view satisfies `ok`.
    async fn until(&self, what: &str, secs: u64, ok: impl Fn(&VideoView) -> bool) -> VideoView {
        for _ in 0..secs * 5 {
            let v = self.view().await;
            if ok(&v) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{what}: not within {secs} s: {:?}", self.view().await);
    }

    async fn watch(&self, req: &WatchRequest) -> Watch {
        self.ok(reqwest::Method::POST, "/api/v1/video/watch", Some(req))
            .await
    }

    /// A player's request: only the grant's token, in the address.
    async fn fetch(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (r.status(), r.bytes().await.unwrap().to_vec())
    }

    async fn alarms(&self) -> Vec<ipc::devices::Alarm> {
        self.ok(
            reqwest::Method::GET,
            "/api/v1/alarms?state=all&limit=500",
            None::<&()>,
        )
        .await
    }
}

fn recording(v: &VideoView, id: &str) -> bool {
    v.cameras
        .iter()
        .any(|c| c.id.as_str() == id && matches!(c.recorder, Some(RecorderState::Recording { .. })))
}

fn kept(v: &VideoView, id: &str) -> u64 {
    v.cameras
        .iter()
        .find(|c| c.id.as_str() == id)
        .map_or(0, |c| c.kept_bytes)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The segment addresses a playlist lists, relative to the hall node.
fn segment_paths(playlist_path: &str, text: &str) -> Vec<String> {
    let base = playlist_path.trim_end_matches("index.m3u8");
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| format!("{base}{l}"))
        .collect()
}

fn init_path(playlist_path: &str, text: &str) -> String {
    let base = playlist_path.trim_end_matches("index.m3u8");
    let uri = text
        .lines()
        .find_map(|l| l.strip_prefix("#EXT-X-MAP:URI=\""))
        .unwrap()
        .trim_end_matches('"');
    format!("{base}{uri}")
}

fn boxed(bytes: &[u8], kinds: &[&str]) -> bool {
    bytes.len() > 8 && kinds.iter().any(|k| &bytes[4..8] == k.as_bytes())
}

/// Duration of a media file, as ffprobe reads it.
fn probe_seconds(file: &Path) -> f64 {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(file)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0.0)
}

#[tokio::test]
async fn a_camera_is_recorded_watched_exported_locked_and_every_look_audited() {
    let cams = Cameras::start(&["a", "b"]);
    let hall = Hall::start(video_options()).await;
    hall.set_camera("cam-1", &cams.urls[0], &[1, 2, 3]).await;
    hall.set_camera("cam-2", &cams.urls[1], &[4, 5, 6]).await;
    let v = hall
        .until("both cameras recording 8 s", 40, |v| {
            recording(v, "cam-1") && recording(v, "cam-2") && kept(v, "cam-1") > 0 && {
                let c = v.cameras.iter().find(|c| c.id.as_str() == "cam-1").unwrap();
                c.kept_from.is_some_and(|f| now_ms() - f > 8_000)
            }
        })
        .await;
    assert!(v.kept_bytes > 0);

    // Live: a playlist of the newest segments, an init segment and media segments, by token only.
    let live = hall
        .watch(&WatchRequest {
            camera: "cam-1".into(),
            from_ms: None,
            to_ms: None,
            about: "实时".into(),
        })
        .await;
    assert!(live.mjpeg.is_some() && live.range.is_none());
    let (s, text) = hall.fetch(&live.playlist).await;
    assert_eq!(s, StatusCode::OK);
    let text = String::from_utf8(text).unwrap();
    assert!(!text.contains("ENDLIST"), "{text}");
    let (s, init) = hall.fetch(&init_path(&live.playlist, &text)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(boxed(&init, &["ftyp"]));
    let segs = segment_paths(&live.playlist, &text);
    assert!(!segs.is_empty());
    let (s, seg) = hall.fetch(&segs[0]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(boxed(&seg, &["moof", "styp"]), "{:?}", &seg[..8]);

    // MJPEG frames for a player without H.264: a multipart stream of JPEGs, ended when the player goes.
    let mjpeg = live.mjpeg.clone().unwrap();
    let mut r = hall
        .http
        .get(format!("{}{mjpeg}", hall.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("multipart/x-mixed-replace"), "{kind}");
    let mut got = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !got.windows(2).any(|w| w == [0xff, 0xd8]) && std::time::Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(20), r.chunk()).await {
            Ok(Ok(Some(c))) => got.extend_from_slice(&c),
            _ => break,
        }
    }
    assert!(got.windows(2).any(|w| w == [0xff, 0xd8]), "a JPEG frame");
    drop(r);

    // Recorded: 4 s ending 3 s ago (what the recorder has surely indexed),
    // with their timeline and where they sit in the playlist.
    let to = now_ms() - 3_000;
    let from = to - 4_000;
    let range = WatchRequest {
        camera: "cam-1".into(),
        from_ms: Some(from),
        to_ms: Some(to),
        about: "评价 2 星 2 号窗口".into(),
    };
    let played = hall.watch(&range).await;
    assert!(played
        .timeline
        .iter()
        .any(|p| p.stretch == Stretch::Recorded));
    assert!(!played.pieces.is_empty());
    let t = played.time_at(0.5).unwrap();
    assert!((from - 1_500..=to).contains(&t), "{t} not in {from}..{to}");
    let (s, text) = hall.fetch(&played.playlist).await;
    assert_eq!(s, StatusCode::OK);
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("#EXT-X-ENDLIST"));
    for p in segment_paths(&played.playlist, &text) {
        assert_eq!(hall.fetch(&p).await.0, StatusCode::OK);
    }
    // The grant covers cam-1's range only: cam-2's segments are refused to it.
    let other = hall
        .watch(&WatchRequest {
            camera: "cam-2".into(),
            ..range.clone()
        })
        .await;
    let (_, other_text) = hall.fetch(&other.playlist).await;
    let other_seg =
        segment_paths(&other.playlist, &String::from_utf8(other_text).unwrap()).remove(0);
    let stolen = other_seg.replace(
        other.playlist.trim_end_matches("index.m3u8"),
        played.playlist.trim_end_matches("index.m3u8"),
    );
    let (s, body) = hall.fetch(&stolen).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let e: ApiError = serde_json::from_slice(&body).unwrap();
    assert_eq!(e.code, ErrorCode::VideoGrantInvalid);
    // A made-up token is refused the same way.
    let bad = format!("/video/g/{}/index.m3u8", "ab".repeat(32));
    assert_eq!(hall.fetch(&bad).await.0, StatusCode::FORBIDDEN);

    // The footage around an event at counter 2: cam-1 first (it covers it), recorded.
    let around: Around = hall
        .ok(
            reqwest::Method::POST,
            "/api/v1/video/around",
            Some(&ipc::video::AroundRequest {
                at_ms: to - 1_000,
                counter: Some(2),
                before_s: Some(3),
                after_s: Some(1),
            }),
        )
        .await;
    assert_eq!(around.cameras[0].camera.as_str(), "cam-1");
    assert!(around.cameras[0].covers_counter);
    assert!(around.cameras[0].recorded_ms > 2_000, "{around:?}");

    // A clip: one MP4 of the range.
    let clip: Clip = hall
        .ok(
            reqwest::Method::POST,
            "/api/v1/video/export",
            Some(&ipc::video::ExportRequest {
                camera: "cam-1".into(),
                from_ms: from,
                to_ms: to,
                about: String::new(),
            }),
        )
        .await;
    let (s, mp4) = hall.fetch(&clip.url).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mp4.len() as u64, clip.bytes);
    let file = hall._dir.path().join(&clip.file_name);
    std::fs::write(&file, &mp4).unwrap();
    let secs = probe_seconds(&file);
    assert!((3.5..=7.0).contains(&secs), "a clip of {secs} s");

    // An evidence lock, its release with a reason, and not twice.
    let lock: EvidenceLock = hall
        .ok(
            reqwest::Method::POST,
            "/api/v1/video/locks",
            Some(&ipc::video::LockRequest {
                camera: "cam-1".into(),
                from_ms: from,
                to_ms: to,
                reason: "客户投诉，留存证据".into(),
            }),
        )
        .await;
    let unlock = format!("/api/v1/video/locks/{}/unlock", lock.id);
    let no_reason = ipc::video::UnlockRequest { reason: " ".into() };
    assert_eq!(
        hall.refused(
            reqwest::Method::POST,
            &unlock,
            Some(&hall.sup),
            Some(&no_reason)
        )
        .await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::LockReasonInvalid
        )
    );
    let reason = ipc::video::UnlockRequest {
        reason: "投诉已处理".into(),
    };
    let released: EvidenceLock = hall.ok(reqwest::Method::POST, &unlock, Some(&reason)).await;
    assert_eq!(released.unlocked.unwrap().by, "2001");
    assert_eq!(
        hall.refused(
            reqwest::Method::POST,
            &unlock,
            Some(&hall.sup),
            Some(&reason)
        )
        .await,
        (StatusCode::CONFLICT, ErrorCode::LockReleased)
    );

    // Every look is audited, newest first, and each line and the lock go up to the province.
    let lines: Vec<AccessRecord> = hall
        .ok(reqwest::Method::GET, "/api/v1/video/access", None::<&()>)
        .await;
    use devices::video::Access as A;
    let kinds: Vec<A> = lines.iter().rev().map(|l| l.access).collect();
    assert_eq!(
        kinds,
        [
            A::Live,
            A::Playback,
            A::Playback,
            A::Export,
            A::Lock,
            A::Unlock
        ]
    );
    assert!(lines.iter().all(|l| l.by == "2001"));
    assert_eq!(lines[4].note, "评价 2 星 2 号窗口");
    let rows = hall.running.store.outbox_after(0, 10_000).await.unwrap();
    assert_eq!(rows.iter().filter(|r| r.kind == "video_access").count(), 6);
    assert_eq!(rows.iter().filter(|r| r.kind == "evidence_lock").count(), 2);
}

#[tokio::test]
async fn video_refusals_answer_code_and_message_and_change_nothing() {
    let cams = Cameras::start(&["a"]);
    let hall = Hall::start(video_options()).await;
    use reqwest::Method as M;
    let watch = |camera: &str, from: Option<i64>, to: Option<i64>| WatchRequest {
        camera: camera.into(),
        from_ms: from,
        to_ms: to,
        about: String::new(),
    };
    let live = watch("cam-1", None, None);
    // Not configured yet.
    assert_eq!(
        hall.refused(M::POST, "/api/v1/video/watch", Some(&hall.sup), Some(&live))
            .await,
        (StatusCode::CONFLICT, ErrorCode::CameraNotConfigured)
    );
    // Bad setups.
    for (id, url, covers, want) in [
        ("cam-1", "http://x/y", vec![], ErrorCode::CameraSetupInvalid),
        (
            "cam-1",
            "rtsp://cam/x",
            vec![0],
            ErrorCode::CameraSetupInvalid,
        ),
        ("kiosk-1", "rtsp://cam/x", vec![], ErrorCode::NotACamera),
        ("nope", "rtsp://cam/x", vec![], ErrorCode::UnknownDevice),
        (
            "bad id!",
            "rtsp://cam/x",
            vec![],
            ErrorCode::DeviceIdInvalid,
        ),
    ] {
        let body = SetCamera {
            url: url.into(),
            covers,
        };
        let path = format!("/api/v1/video/cameras/{}", id.replace(' ', "%20"));
        let (_, code) = hall
            .refused(M::PUT, &path, Some(&hall.sup), Some(&body))
            .await;
        assert_eq!(code, want, "{id} {url}");
    }
    hall.set_camera("cam-1", &cams.urls[0], &[1]).await;
    hall.until("recording", 40, |v| recording(v, "cam-1")).await;
    // Who may watch: the supervisor only, signed in.
    let clerk = hall.login("1001").await;
    assert_eq!(
        hall.refused(M::POST, "/api/v1/video/watch", Some(&clerk), Some(&live))
            .await,
        (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    );
    assert_eq!(
        hall.refused(M::POST, "/api/v1/video/watch", None, Some(&live))
            .await,
        (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized)
    );
    for path in [
        "/api/v1/video/cameras",
        "/api/v1/video/access",
        "/api/v1/video/locks",
    ] {
        assert_eq!(
            hall.refused(M::GET, path, Some(&clerk), None::<&()>)
                .await
                .1,
            ErrorCode::Forbidden
        );
    }
    let now = now_ms();
    // Ranges: never recorded, backwards, too long, in the future, half given.
    for (req, want) in [
        (
            watch("cam-1", Some(now - 3_600_000), Some(now - 3_500_000)),
            (StatusCode::NOT_FOUND, ErrorCode::VideoNotRecorded),
        ),
        (
            watch("cam-1", Some(now - 1_000), Some(now - 5_000)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::VideoRangeInvalid,
            ),
        ),
        (
            watch("cam-1", Some(now - 3 * 3_600_000), Some(now)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::VideoRangeInvalid,
            ),
        ),
        (
            watch("cam-1", Some(now + 60_000), Some(now + 70_000)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::VideoRangeInvalid,
            ),
        ),
        (
            watch("cam-1", Some(now - 5_000), None),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::VideoRangeInvalid,
            ),
        ),
        (
            watch("kiosk-1", None, None),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::NotACamera),
        ),
    ] {
        assert_eq!(
            hall.refused(M::POST, "/api/v1/video/watch", Some(&hall.sup), Some(&req))
                .await,
            want,
            "{req:?}"
        );
    }
    // An unknown field, a lock without a reason, an unknown lock.
    let (s, code) = hall
        .refused(
            M::POST,
            "/api/v1/video/watch",
            Some(&hall.sup),
            Some(&serde_json::json!({"camera": "cam-1", "extra": 1})),
        )
        .await;
    assert_eq!(
        (s, code),
        (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::BadRequest)
    );
    let lock = ipc::video::LockRequest {
        camera: "cam-1".into(),
        from_ms: now - 3_000,
        to_ms: now - 1_000,
        reason: "x".into(),
    };
    assert_eq!(
        hall.refused(M::POST, "/api/v1/video/locks", Some(&hall.sup), Some(&lock))
            .await
            .1,
        ErrorCode::LockReasonInvalid
    );
    let reason = ipc::video::UnlockRequest {
        reason: "理由充分".into(),
    };
    assert_eq!(
        hall.refused(
            M::POST,
            "/api/v1/video/locks/999/unlock",
            Some(&hall.sup),
            Some(&reason)
        )
        .await,
        (StatusCode::NOT_FOUND, ErrorCode::UnknownLock)
    );
    // Nothing refused was written: no lock, and only the one live-view attempt… none at all.
    let locks: Vec<EvidenceLock> = hall.ok(M::GET, "/api/v1/video/locks", None::<&()>).await;
    assert!(locks.is_empty());
    let lines: Vec<AccessRecord> = hall.ok(M::GET, "/api/v1/video/access", None::<&()>).await;
    assert!(lines.is_empty(), "{lines:?}");
}

#[tokio::test]
async fn a_dead_address_and_a_stopped_stream_raise_alarms_and_the_other_camera_records_on() {
    let a = Cameras::start(&["a"]);
    let b = Cameras::start(&["b"]);
    let hall = Hall::start(video_options()).await;
    hall.set_camera("cam-1", &a.urls[0], &[1]).await;
    hall.set_camera("cam-2", &b.urls[0], &[2]).await;
    hall.until("both recording", 40, |v| {
        recording(v, "cam-1") && recording(v, "cam-2")
    })
    .await;
    // Camera b's stream stops mid-recording (its process frozen).
    b.signal("-STOP");
    let before = kept(&hall.view().await, "cam-1");
    let v = hall
        .until("cam-2 given up and retried", 30, |v| {
            !recording(v, "cam-2") && kept(v, "cam-1") > before
        })
        .await;
    assert!(recording(&v, "cam-1"), "the other camera records on: {v:?}");
    let offline = |alarms: &[ipc::devices::Alarm], open: bool| {
        alarms.iter().any(|a| {
            a.key.fault == devices::Fault::Offline
                && a.key.source.device().map(|d| d.as_str()) == Some("cam-2")
                && a.is_open() == open
        })
    };
    let mut raised = false;
    for _ in 0..50 {
        if offline(&hall.alarms().await, true) {
            raised = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(raised, "an offline alarm for cam-2");
    // It comes back: recording resumes and the alarm clears.
    b.signal("-CONT");
    hall.until("cam-2 recording again", 40, |v| recording(v, "cam-2"))
        .await;
    let mut cleared = false;
    for _ in 0..50 {
        let alarms = hall.alarms().await;
        if !offline(&alarms, true) && offline(&alarms, false) {
            cleared = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(cleared, "the alarm cleared");

    // A camera whose address answers nothing: retried with a growing wait, offline, the others unaffected.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    hall.set_camera("cam-2", &format!("rtsp://127.0.0.1:{port}/gone"), &[2])
        .await;
    let v = hall
        .until("cam-2 retrying", 20, |v| {
            v.cameras.iter().any(|c| {
                c.id.as_str() == "cam-2"
                    && matches!(c.recorder, Some(RecorderState::Retrying { attempt, .. }) if attempt >= 2)
            })
        })
        .await;
    assert!(recording(&v, "cam-1"));
}

/// The newest run folder of `camera` under `dir`.
fn newest_run(dir: &Path, camera: &str) -> PathBuf {
    let mut runs: Vec<(i64, PathBuf)> = std::fs::read_dir(dir.join(camera))
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            Some((e.file_name().to_str()?.parse().ok()?, e.path()))
        })
        .collect();
    runs.sort();
    runs.pop().unwrap().1
}

#[tokio::test]
async fn a_cut_segment_is_a_gap_and_the_clip_goes_round_it() {
    let cams = Cameras::start(&["a"]);
    let hall = Hall::start(video_options()).await;
    hall.set_camera("cam-1", &cams.urls[0], &[1]).await;
    hall.until("10 s recorded", 40, |v| {
        v.cameras
            .iter()
            .any(|c| c.kept_from.is_some_and(|f| now_ms() - f > 10_000))
    })
    .await;
    let run = newest_run(&hall.running.video().dir, "cam-1");
    let victim = run.join("seg-000003.m4s");
    let len = std::fs::metadata(&victim).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&victim)
        .unwrap()
        .set_len(len / 3)
        .unwrap();
    let to = now_ms() - 2_000;
    let req = WatchRequest {
        camera: "cam-1".into(),
        from_ms: Some(to - 8_000),
        to_ms: Some(to),
        about: String::new(),
    };
    let played = hall.watch(&req).await;
    let gaps = played
        .timeline
        .iter()
        .filter(|p| p.stretch == Stretch::Gap)
        .count();
    assert!(played.pieces.len() >= 2, "{played:?}");
    assert!(gaps >= 1);
    let (_, text) = hall.fetch(&played.playlist).await;
    assert!(!String::from_utf8(text).unwrap().contains("/3.m4s"));
    let clip: Clip = hall
        .ok(
            reqwest::Method::POST,
            "/api/v1/video/export",
            Some(&ipc::video::ExportRequest {
                camera: "cam-1".into(),
                from_ms: to - 8_000,
                to_ms: to,
                about: String::new(),
            }),
        )
        .await;
    assert!(clip.missing_ms >= 900, "{clip:?}");
    assert!(clip.bytes > 0);
}

#[tokio::test]
async fn retention_keeps_locked_footage_and_holds_recording_when_only_that_is_left() {
    let cams = Cameras::start(&["a"]);
    let mut opts = video_options();
    // Everything unlocked is over the quota.
    opts.retention = Retention {
        keep_days: 30,
        quota_bytes: 1,
    };
    let hall = Hall::start(opts).await;
    hall.set_camera("cam-1", &cams.urls[0], &[1]).await;
    let v = hall
        .until("5 s recorded", 40, |v| {
            v.cameras
                .iter()
                .any(|c| c.kept_from.is_some_and(|f| now_ms() - f > 5_000))
        })
        .await;
    let first = v.cameras[0].kept_from.unwrap();
    let locked = ipc::video::LockRequest {
        camera: "cam-1".into(),
        from_ms: first + 1_000,
        to_ms: first + 3_000,
        reason: "投诉取证".into(),
    };
    let lock: EvidenceLock = hall
        .ok(reqwest::Method::POST, "/api/v1/video/locks", Some(&locked))
        .await;
    hall.running.video().sweep().await.unwrap();
    // The locked stretch is all that is left; the rest of the footage is gone.
    let range = WatchRequest {
        camera: "cam-1".into(),
        from_ms: Some(first),
        to_ms: Some(now_ms()),
        about: String::new(),
    };
    let left = hall.watch(&range).await;
    let recorded: Vec<_> = left
        .timeline
        .iter()
        .filter(|p| p.stretch == Stretch::Recorded)
        .collect();
    assert_eq!(recorded.len(), 1, "{:?}", left.timeline);
    assert!(recorded[0].from_ms <= first + 1_000 && recorded[0].to_ms >= first + 3_000);
    assert!(recorded[0].to_ms - recorded[0].from_ms < 6_000);
    // Locked footage alone is over the quota: recording is held and the storage alarm rings.
    let v = hall
        .until("held", 10, |v| {
            v.cameras[0].recorder == Some(RecorderState::Held)
        })
        .await;
    assert_eq!(v.cameras[0].locks, 1);
    let mut full = false;
    for _ in 0..25 {
        if hall
            .alarms()
            .await
            .iter()
            .any(|a| a.key.fault == devices::Fault::StorageFull && a.is_open())
        {
            full = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(full, "a storage-full alarm");
    // Released, the lock's footage goes too and recording resumes.
    let _: EvidenceLock = hall
        .ok(
            reqwest::Method::POST,
            &format!("/api/v1/video/locks/{}/unlock", lock.id),
            Some(&ipc::video::UnlockRequest {
                reason: "已结案".into(),
            }),
        )
        .await;
    hall.running.video().sweep().await.unwrap();
    hall.until("recording again", 40, |v| recording(v, "cam-1"))
        .await;
}

/// A node process, killed (SIGKILL) when dropped: however the test ends, none is left running.
struct NodeProcess(Child);

impl NodeProcess {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// ffmpeg processes whose command line names `needle`.
fn processes_naming(needle: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| {
            let pid: u32 = e.ok()?.file_name().to_str()?.parse().ok()?;
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
            if comm.trim() != "ffmpeg" {
                return None;
            }
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            String::from_utf8_lossy(&cmdline)
                .contains(needle)
                .then_some(pid)
        })
        .collect()
}

#[tokio::test]
async fn kill_9_of_the_node_leaves_no_recorder_behind_and_recording_goes_on_after() {
    let cams = Cameras::start(&["a"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let video_dir = dir.path().join("footage");
    let args = ["--video-dir", video_dir.to_str().unwrap()];
    let (child, addr) = super::devices::spawn_node(&db, &args);
    let mut child = NodeProcess(child);
    let http = Client::new();
    let base = format!("http://{addr}");
    let login = |base: String| {
        let http = http.clone();
        async move {
            let r = http
                .post(format!("{base}/api/v1/sessions"))
                .json(&ipc::LoginRequest {
                    staff_no: "2001".into(),
                    password: "demo-2001".into(),
                })
                .send()
                .await
                .unwrap();
            r.json::<ipc::hall::SessionReply>().await.unwrap().token
        }
    };
    let sup = login(base.clone()).await;
    let r = http
        .put(format!("{base}/api/v1/video/cameras/cam-1"))
        .bearer_auth(&sup)
        .json(&SetCamera {
            url: cams.urls[0].clone(),
            covers: vec![1],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let kept_since = |base: String, sup: String| {
        let http = http.clone();
        async move {
            let v: VideoView = http
                .get(format!("{base}/api/v1/video/cameras"))
                .bearer_auth(&sup)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v.cameras
                .iter()
                .find(|c| c.id.as_str() == "cam-1")
                .and_then(|c| c.kept_from)
        }
    };
    let mut first = None;
    for _ in 0..200 {
        if let Some(f) = kept_since(base.clone(), sup.clone()).await {
            if now_ms() - f > 3_000 {
                first = Some(f);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let first = first.expect("3 s recorded");
    let needle = video_dir.to_str().unwrap().to_owned();
    assert_eq!(processes_naming(&needle).len(), 1, "one recorder runs");
    child.kill(); // SIGKILL
                  // The recorder dies with the node.
    let mut left = processes_naming(&needle);
    for _ in 0..30 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        left = processes_naming(&needle);
    }
    assert!(left.is_empty(), "recorders left behind: {left:?}");

    // Every whole segment the killed recorder listed is indexed by the
    // restarted node, also those the killed node had no time to (only the
    // segment in progress, at most a second, is lost).
    let old_run = newest_run(&video_dir, "cam-1");
    let listed = std::fs::read_to_string(old_run.join("live.m3u8"))
        .unwrap()
        .lines()
        .filter(|l| l.ends_with(".m4s"))
        .count();
    assert!(listed >= 1, "{listed} segments listed");
    let (child, addr) = super::devices::spawn_node(&db, &args);
    let mut child = NodeProcess(child);
    let base = format!("http://{addr}");
    let sup = login(base.clone()).await;
    let run_id: i64 = old_run
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let store = store::Store::open(&db).await.unwrap();
    let cam = devices::DeviceId::parse("cam-1").unwrap();
    let all = devices::video::Span {
        from_ms: 1,
        to_ms: i64::MAX,
    };
    let mut indexed = 0;
    for _ in 0..50 {
        indexed = store
            .segments(&cam, all)
            .await
            .unwrap()
            .iter()
            .filter(|s| s.run == run_id)
            .count();
        if indexed == listed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        indexed, listed,
        "every listed segment of the killed run is indexed"
    );
    // What was recorded before is still there, and recording goes on by itself (a new run).
    assert_eq!(kept_since(base.clone(), sup.clone()).await, Some(first));
    let mut again = false;
    for _ in 0..200 {
        let runs = std::fs::read_dir(video_dir.join("cam-1")).unwrap().count();
        let playlist_of_new_run = newest_run(&video_dir, "cam-1").join("live.m3u8");
        if runs >= 2 && playlist_of_new_run.exists() {
            again = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(again, "a new run after the restart");
    let r = http
        .post(format!("{base}/api/v1/video/watch"))
        .bearer_auth(&sup)
        .json(&WatchRequest {
            camera: "cam-1".into(),
            from_ms: Some(first),
            to_ms: Some(first + 2_000),
            about: String::new(),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "footage from before the kill plays"
    );
    child.kill();
}
