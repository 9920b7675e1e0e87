//! The test camera as a client sees it: real RTSP/H.264 read by ffprobe/ffmpeg, the stamp read back (Rust and JS).
//!
//! Needs `ffmpeg` (Debian package `ffmpeg`) and `node` on PATH.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use testcam::stamp;

/// A running `yyt-testcam`, killed by its PID however the test ends.
struct Camera {
    child: Child,
    urls: Vec<String>,
}

impl Camera {
    fn start(args: &[&str], cameras: usize) -> Camera {
        let mut child = Command::new(env!("CARGO_BIN_EXE_yyt-testcam"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start yyt-testcam");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut camera = Camera {
            child,
            urls: Vec::new(),
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        while camera.urls.len() < cameras {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => camera.urls.push(line),
                Err(e) => panic!(
                    "yyt-testcam printed {} of {cameras} URLs: {e}",
                    camera.urls.len()
                ),
            }
        }
        camera
    }

    /// Sends SIGTERM and waits for the exit.
    fn stop(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait yyt-testcam") {
                return status;
            }
            assert!(Instant::now() < deadline, "yyt-testcam ignores SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `program args`, killed after `secs`; its output, or a panic naming what is missing.
fn run(program: &str, args: &[&str], secs: u64) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run {program} ({e}): install the Debian package ffmpeg")
        });
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + Duration::from_secs(secs);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} took more than {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64
}

/// Checks one camera URL: H.264 at 640x360, and a decoded frame's stamp close to now.
fn check_camera(url: &str) {
    let probe = run(
        "ffprobe",
        &[
            "-v",
            "error",
            "-rtsp_transport",
            "tcp",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=codec_name,width,height",
            "-of",
            "csv=p=0",
            url,
        ],
        30,
    );
    assert!(
        probe.status.success(),
        "ffprobe {url}: {}",
        String::from_utf8_lossy(&probe.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&probe.stdout).trim(),
        "h264,640,360"
    );

    let asked = now_ms();
    let frame = run(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-rtsp_transport",
            "tcp",
            "-i",
            url,
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "gray",
            "-",
        ],
        30,
    );
    let got = now_ms();
    assert!(
        frame.status.success(),
        "ffmpeg {url}: {}",
        String::from_utf8_lossy(&frame.stderr)
    );
    let (w, h) = (640, 360);
    assert_eq!(
        frame.stdout.len(),
        w * h,
        "one gray 640x360 frame from {url}"
    );
    let y = &frame.stdout;
    let ms = stamp::read(|x, row| y[row * w + x], w)
        .unwrap_or_else(|| panic!("no readable stamp in the frame of {url}"));
    let ms = ms as i64;
    // The frame is the first the camera sent this client: made about when
    // ffmpeg connected (ffmpeg's own probing takes seconds after that).
    assert!(
        (ms - asked).abs() <= 3_000 && ms <= got + 3_000,
        "{url}: stamp {ms}, asked at {asked}, decoded by {got}"
    );
}

#[test]
fn two_cameras_are_live_h264_with_a_readable_capture_time() {
    let mut camera = Camera::start(
        &[
            "--port", "0", "--camera", "a", "--camera", "b", "--size", "640x360", "--fps", "10",
        ],
        2,
    );
    let port = camera.urls[0]
        .strip_prefix("rtsp://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/a"))
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or_else(|| panic!("unexpected first URL {:?}", camera.urls[0]));
    assert_ne!(port, 0);
    assert_eq!(
        camera.urls,
        [
            format!("rtsp://127.0.0.1:{port}/a"),
            format!("rtsp://127.0.0.1:{port}/b")
        ]
    );
    // Both cameras at once: they are independent pipelines.
    std::thread::scope(|s| {
        let checks: Vec<_> = camera
            .urls
            .iter()
            .map(|url| s.spawn(move || check_camera(url)))
            .collect();
        for c in checks {
            if let Err(panic) = c.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    // A second client of the same camera after the first left: the shared media still serves.
    check_camera(&camera.urls[0]);
    let status = camera.stop();
    assert!(
        status.success(),
        "SIGTERM ends yyt-testcam cleanly: {status}"
    );
}

#[test]
fn the_javascript_reader_agrees_with_the_rust_one() {
    // Frames as a canvas gives them: RGBA, the luma as grey, at both block sizes.
    for (w, h, ms) in [(1280usize, 720usize, 1_796_671_805_123u64), (640, 360, 42)] {
        let mut y = vec![60u8; w * h];
        stamp::paint(&mut y, w, w, h, ms);
        assert_eq!(stamp::read(|x, row| y[row * w + x], w), Some(ms));
        let rgba: Vec<String> = y
            .iter()
            .flat_map(|&l| [l, l, l, 255])
            .map(|b| b.to_string())
            .collect();
        let script = format!(
            "{}\nconst img = {{ width: {w}, height: {h}, data: Uint8ClampedArray.from([{}]) }};\n\
             const blank = {{ width: {w}, height: {h}, data: new Uint8ClampedArray({w} * {h} * 4) }};\n\
             console.log(JSON.stringify([yytStampRead(img), yytStampRead(blank)]));\n",
            stamp::READ_JS,
            rgba.join(",")
        );
        let path =
            std::env::temp_dir().join(format!("yyt-testcam-js-{}-{w}.js", std::process::id()));
        std::fs::write(&path, script).expect("write the script");
        let out = Command::new("node").arg(&path).output();
        let _ = std::fs::remove_file(&path);
        let out = out.expect("node (the project's setup installs it)");
        assert!(
            out.status.success(),
            "node: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            format!("[{ms},null]")
        );
    }
}
