//! The video wall in the real window: four live tiles from real RTSP cameras; a clerk's low ratings at counter 2 raise an alarm, the supervisor opens its footage (the camera covering counter 2, from 30 s before), locks it as evidence and exports it; later retention removes older footage but not the locked clip.

use super::{sign_in, ALT, ENTER, RELEASE};
use e2e::{App, Result, TestCams};
use ipc::hall::{Empty, FinishRequest, IssueReply, IssueRequest, RatingRequest, SessionReply};
use ipc::video::{VideoView, WatchRequest};
use std::time::{Duration, Instant};

/// The hall's API as the devices and a clerk use it (the test plays the customers).
struct Hall {
    http: reqwest::Client,
    base: String,
}

impl Hall {
    async fn post<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: &B,
    ) -> Result<T> {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await?;
        let status = r.status();
        let text = r.text().await?;
        if !status.is_success() {
            return Err(format!("{path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }

    async fn login(&self, staff: &str) -> Result<String> {
        let req = ipc::LoginRequest {
            staff_no: staff.into(),
            password: format!("demo-{staff}"),
        };
        let r: SessionReply = self.post("/api/v1/sessions", "", &req).await?;
        Ok(r.token)
    }
}

/// Whether the `<video>` under `css` shows moving frames (decoded: WebKit's H.264 through GStreamer).
async fn playing(app: &App, css: &str) -> Result {
    let script = format!(
        "const v = document.querySelector({css:?}); \
         return v ? [v.readyState, v.currentTime, v.videoWidth] : null;"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = serde_json::Value::Null;
    while Instant::now() < deadline {
        last = app.client.execute(&script, vec![]).await?;
        if let Some([ready, time, width]) = last.as_array().map(|a| a.as_slice()) {
            let (ready, time, width) = (
                ready.as_f64().unwrap_or(0.0),
                time.as_f64().unwrap_or(0.0),
                width.as_f64().unwrap_or(0.0),
            );
            if ready >= 2.0 && time > 0.5 && width > 0.0 {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err(format!("{css} does not play: [readyState, currentTime, videoWidth] = {last}").into())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_low_rating_at_counter_2_is_watched_locked_exported_and_outlives_retention() -> Result {
    let cams = TestCams::start(&["cam-1", "cam-2"], "1280x720", 15)?;
    let app = App::launch_with(&[("YYT_DEMO_CAMERAS", cams.base.as_str())]).await?;
    let recording_since = Instant::now();
    app.find("#login-form").await?;
    sign_in(&app, "2001", "demo-2001").await?;
    app.find(".shell[data-role='supervisor']").await?;
    app.keys(&format!("{ALT}3{RELEASE}")).await?;
    app.wait_text("#page-title", "视频监控").await?;
    app.keys("4").await?;
    app.find("#wall[data-tiles='4']").await?;
    for cam in ["cam-1", "cam-2"] {
        app.find(&format!(".tile[data-camera='{cam}'][data-state='live']"))
            .await?;
        playing(&app, &format!(".tile[data-camera='{cam}'] video")).await?;
    }
    app.find(".tile[data-camera='cam-1'] .tile-transport[data-transport='HLS']")
        .await?;
    app.screenshot("video-wall").await?;

    // Counter 2: clerk 1001 serves ten customers and each rates the service 1 star.
    let hall = Hall {
        http: reqwest::Client::new(),
        base: format!("http://{}", app.hall_addr().await?),
    };
    let tokens = app.device_tokens().await?;
    let token = |name: &str| tokens[name].as_str().unwrap_or_default().to_owned();
    let clerk = hall.login("1001").await?;
    let _: serde_json::Value = hall
        .post("/api/v1/counters/2/open", &clerk, &Empty {})
        .await?;
    // Footage from 30 s before the alarm must exist: wait until the cameras have recorded that long.
    let waited = Duration::from_secs(35).saturating_sub(recording_since.elapsed());
    tokio::time::sleep(waited).await;
    for _ in 0..10 {
        let issued: IssueReply = hall
            .post(
                "/api/v1/tickets",
                &token("kiosk"),
                &IssueRequest {
                    business: "A".into(),
                    ..Default::default()
                },
            )
            .await?;
        for op in ["call-next", "start"] {
            let _: serde_json::Value = hall
                .post(&format!("/api/v1/counters/2/{op}"), &clerk, &Empty {})
                .await?;
        }
        let _: serde_json::Value = hall
            .post(
                "/api/v1/counters/2/finish",
                &clerk,
                &FinishRequest::default(),
            )
            .await?;
        let _: serde_json::Value = hall
            .post(
                "/api/v1/ratings",
                &token("pad-2"),
                &RatingRequest {
                    ticket: issued.ticket.id,
                    score: Some(1),
                    reasons: vec![],
                },
            )
            .await?;
    }

    // The supervisor sees the alarm and opens its footage (V).
    app.keys(&format!("{ALT}2{RELEASE}")).await?;
    app.wait_text("#page-title", "设备监控").await?;
    let row = ".alarm-row[data-fault='SatisfactionLow']";
    app.wait_text(row, "满意度").await?;
    // The only alarm is the one picked.
    app.keys("v").await?;
    app.find("#footage-list .footage-row[data-camera='cam-1']")
        .await?;
    app.find("#player[data-camera='cam-1']").await?;
    playing(&app, "#player video").await?;
    app.wait_text("#frame-clock", ":").await?;
    app.screenshot("video-event").await?;

    // L locks it as evidence, with a reason; E exports it as one MP4.
    app.keys("l").await?;
    app.find("#reason-dialog[data-ask='lock']").await?;
    app.type_into("#video-reason", "客户投诉，留存证据").await?;
    app.keys(ENTER).await?;
    app.find("#lock-list li[data-lock]").await?;
    app.keys("e").await?;
    let path = app.wait_text("#export-path", ".mp4").await?;
    let saved = std::path::PathBuf::from(path.trim());
    if !saved.starts_with(app.videos_dir()) {
        return Err(format!(
            "the clip went to {} (not the videos folder)",
            saved.display()
        )
        .into());
    }
    let probe = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(&saved)
        .output()?;
    let secs: f64 = String::from_utf8_lossy(&probe.stdout)
        .trim()
        .parse()
        .unwrap_or(0.0);
    if secs < 25.0 {
        return Err(format!("the clip holds {secs} s").into());
    }
    app.screenshot("video-evidence").await?;

    // Later, retention: a footage quota far below what is kept removes every
    // unlocked segment at the next start; the locked clip stays.
    let sup = hall.login("2001").await?;
    let locks: Vec<ipc::video::EvidenceLock> = hall
        .http
        .get(format!("{}/api/v1/video/locks", hall.base))
        .bearer_auth(&sup)
        .send()
        .await?
        .json()
        .await?;
    let lock = locks.first().ok_or("no lock")?.clone();
    drop(hall);
    let app = app
        .relaunch_with(&[
            ("YYT_DEMO_CAMERAS", cams.base.as_str()),
            ("YYT_VIDEO_QUOTA_MIB", "1"),
        ])
        .await?;
    let hall = Hall {
        http: reqwest::Client::new(),
        base: format!("http://{}", app.hall_addr().await?),
    };
    let sup = hall.login("2001").await?;
    let watch = |from: i64, to: i64| WatchRequest {
        camera: "cam-1".into(),
        from_ms: Some(from),
        to_ms: Some(to),
        about: String::new(),
    };
    let mut before_gone = false;
    for _ in 0..60 {
        let r = hall
            .http
            .post(format!("{}/api/v1/video/watch", hall.base))
            .bearer_auth(&sup)
            .json(&watch(
                lock.span.from_ms - 30_000,
                lock.span.from_ms - 2_000,
            ))
            .send()
            .await?;
        if r.status() == reqwest::StatusCode::NOT_FOUND {
            before_gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    if !before_gone {
        return Err("the footage before the lock was not removed".into());
    }
    let kept: ipc::video::Watch = hall
        .post(
            "/api/v1/video/watch",
            &sup,
            &watch(lock.span.from_ms, lock.span.to_ms),
        )
        .await?;
    let recorded: i64 = kept
        .timeline
        .iter()
        .filter(|p| p.stretch == ipc::video::Stretch::Recorded)
        .map(|p| p.to_ms - p.from_ms)
        .sum();
    if recorded < lock.span.to_ms - lock.span.from_ms - 3_000 {
        return Err(format!("only {recorded} ms of the locked clip is left").into());
    }
    let view: VideoView = hall
        .http
        .get(format!("{}/api/v1/video/cameras", hall.base))
        .bearer_auth(&sup)
        .send()
        .await?
        .json()
        .await?;
    let cam1 = view
        .cameras
        .iter()
        .find(|c| c.id.as_str() == "cam-1")
        .ok_or("cam-1")?;
    if cam1.locks != 1 {
        return Err(format!("cam-1 has {} locks", cam1.locks).into());
    }
    app.find("#login-form").await?;
    sign_in(&app, "2001", "demo-2001").await?;
    app.find(".shell[data-role='supervisor']").await?;
    app.keys(&format!("{ALT}3{RELEASE}")).await?;
    app.wait_text("#page-title", "视频监控").await?;
    // Only locked footage is left and it is over the quota: recording is held.
    app.find(".tile[data-camera='cam-1'][data-state='storage-full']")
        .await?;
    app.screenshot("video-after-retention").await?;
    app.close().await
}
