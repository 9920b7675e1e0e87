//! The test camera: GStreamer's RTSP server with one live, time-stamped H.264 stream per camera.
//!
//! Each camera is a mount point `/NAME` whose pipeline is
//!
//! ```text
//! videotestsrc is-live=true pattern=… ! capsfilter name=stamp (I420, size, rate)
//!   ! clockoverlay ("NAME YYYY-MM-DD HH:MM:SS", bottom left)
//!   ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=<fps>
//!   ! rtph264pay name=pay0 pt=96 config-interval=1
//! ```
//!
//! A buffer probe on the capsfilter's source pad paints [`stamp`] (the wall
//! clock in milliseconds when the frame passes) into the top-left corner, so
//! a viewer can read when the frame was made. The media is shared: every
//! client of a camera gets the same encoder's output, and the camera holds
//! its media prepared from start to exit, so it runs (and its encoder stays)
//! whether or not anyone watches.
//!
//! Once every camera runs, one line `rtsp://<bind>:<port>/<name>` per camera
//! goes to stdout (then nothing else): scripts and tests read them. Logs go
//! to stderr.

pub mod stamp;

use clap::Parser;
use gstreamer as gst;
use gstreamer_rtsp as gst_rtsp;
use gstreamer_rtsp_server as rtsp;
use gstreamer_video as gst_video;

use gst::glib;
use gst::prelude::*;
use gst_video::prelude::*;
use rtsp::prelude::*;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The command line of `yyt-testcam`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "yyt-testcam",
    version,
    about = "Serves live RTSP/H.264 test cameras whose frames carry their capture time"
)]
pub struct Options {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Port to listen on; 0 picks a free one (the printed URLs name it).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// A camera, served at rtsp://<bind>:<port>/NAME; repeat for more.
    /// Letters, digits, '-', '_' and '.' only.
    #[arg(long = "camera", value_name = "NAME", value_parser = camera_name, default_value = "cam-1")]
    pub cameras: Vec<String>,
    /// Frame size WIDTHxHEIGHT (at least 464x8, so the time stamp fits).
    #[arg(long, value_name = "WxH", value_parser = size, default_value = "1280x720")]
    pub size: (u32, u32),
    /// Frames a second.
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub fps: u32,
    /// The picture: a videotestsrc pattern name (ball, smpte, snow, …).
    #[arg(long, default_value = "ball")]
    pub pattern: String,
}

fn camera_name(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !s.starts_with('.');
    if ok {
        Ok(s.to_owned())
    } else {
        Err("a camera name is 1 to 64 letters, digits, '-', '_' or '.' (not first)".into())
    }
}

fn size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("{s:?} is not WIDTHxHEIGHT"))?;
    let parse = |v: &str| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| format!("{s:?} is not WIDTHxHEIGHT"))
    };
    let (w, h) = (parse(w)?, parse(h)?);
    if w % 2 != 0 || h % 2 != 0 {
        return Err(format!("{s}: width and height must be even (I420)"));
    }
    if w > 7680 || h > 4320 || !stamp::fits(w as usize, h as usize) {
        return Err(format!(
            "{s}: the size must be from 464x8 (the time stamp's strip) to 7680x4320"
        ));
    }
    Ok((w, h))
}

/// The x264 bit rate (kbit/s) for a size and rate: about 2 Mbit/s at 720p25,
/// never under 500 (the stamp's small blocks must stay sharp).
pub fn bitrate_kbps(width: u32, height: u32, fps: u32) -> u32 {
    let pixels = u64::from(width) * u64::from(height) * u64::from(fps);
    (pixels / 11_000).clamp(500, 8_000) as u32
}

/// The pipeline of one camera, in `gst-launch` syntax, as the media factory takes it.
pub fn launch_line(name: &str, o: &Options) -> String {
    let (w, h) = o.size;
    let fps = o.fps;
    // The overlay's text height follows the frame's (Pango points, about 1/40 of it).
    let font = (h / 40).max(8);
    format!(
        "( videotestsrc is-live=true pattern={pattern} \
         ! capsfilter name=stamp caps=\"video/x-raw,format=I420,width={w},height={h},framerate={fps}/1\" \
         ! clockoverlay text=\"{name}\" time-format=\"%Y-%m-%d %H:%M:%S\" halignment=left valignment=bottom \
           shaded-background=true font-desc=\"Sans {font}\" \
         ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} bitrate={kbps} \
         ! rtph264pay name=pay0 pt=96 config-interval=1 )",
        pattern = o.pattern,
        kbps = bitrate_kbps(w, h, fps),
    )
}

/// Each GStreamer element the cameras use, and the Debian package that has it.
const ELEMENTS: &[(&str, &str)] = &[
    ("videotestsrc", "gstreamer1.0-plugins-base"),
    ("capsfilter", "libgstreamer1.0-0"),
    ("clockoverlay", "gstreamer1.0-x"),
    ("x264enc", "gstreamer1.0-plugins-ugly"),
    ("rtph264pay", "gstreamer1.0-plugins-good"),
    ("rtpbin", "gstreamer1.0-plugins-good"),
    ("udpsink", "gstreamer1.0-plugins-good"),
];

/// Stops with a readable message when an element is missing or the pattern unknown.
fn check_elements(pattern: &str) -> Result<(), String> {
    for (element, package) in ELEMENTS {
        if gst::ElementFactory::find(element).is_none() {
            return Err(format!(
                "the GStreamer element {element} is missing: install the Debian package {package}"
            ));
        }
    }
    let src = gst::ElementFactory::make("videotestsrc")
        .build()
        .map_err(|e| format!("videotestsrc: {e}"))?;
    let pspec = src
        .find_property("pattern")
        .ok_or("videotestsrc has no pattern property")?;
    let class = glib::EnumClass::with_type(pspec.value_type()).ok_or("pattern is not an enum")?;
    if class.value_by_nick(pattern).is_none() {
        let names: Vec<&str> = class.values().iter().map(|v| v.nick()).collect();
        return Err(format!(
            "unknown pattern {pattern:?}; videotestsrc knows: {}",
            names.join(", ")
        ));
    }
    Ok(())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Paints the time stamp into every raw frame leaving the element `stamp` of `media`.
fn add_stamp_probe(media: &rtsp::RTSPMedia, camera: &str, info: gst_video::VideoInfo) {
    let element = media.element();
    let Some(stamp_el) = element
        .downcast_ref::<gst::Bin>()
        .and_then(|bin| bin.by_name("stamp"))
    else {
        tracing::error!(camera, "the pipeline has no element named stamp");
        return;
    };
    let Some(pad) = stamp_el.static_pad("src") else {
        tracing::error!(camera, "the stamp element has no src pad");
        return;
    };
    let (width, height) = (info.width() as usize, info.height() as usize);
    let warned = AtomicBool::new(false);
    let name = camera.to_owned();
    pad.add_probe(gst::PadProbeType::BUFFER, move |_pad, probe| {
        let ms = now_ms();
        if let Some(buffer) = probe.buffer_mut() {
            let buffer = buffer.make_mut();
            match gst_video::VideoFrameRef::from_buffer_ref_writable(buffer, &info) {
                Ok(mut frame) => {
                    let strides: [i32; 3] = std::array::from_fn(|p| frame.plane_stride()[p]);
                    if let Ok(y) = frame.plane_data_mut(0) {
                        stamp::paint(y, strides[0] as usize, width, height, ms);
                    }
                    for plane in 1..3 {
                        if let Ok(c) = frame.plane_data_mut(plane) {
                            stamp::neutral_chroma(
                                c,
                                strides[plane as usize] as usize,
                                width,
                                height,
                            );
                        }
                    }
                }
                Err(e) => {
                    if !warned.swap(true, Ordering::Relaxed) {
                        tracing::warn!(camera = name, error = %e, "cannot map a frame to stamp it");
                    }
                }
            }
        }
        gst::PadProbeReturn::Ok
    });
    tracing::debug!(camera, "stamp probe installed");
}

/// The URL of a camera as clients use it (an IPv6 address in brackets).
pub fn camera_url(bind: &str, port: u16, name: &str) -> String {
    if bind.contains(':') {
        format!("rtsp://[{bind}]:{port}/{name}")
    } else {
        format!("rtsp://{bind}:{port}/{name}")
    }
}

const SIGINT: i32 = 2;
const SIGTERM: i32 = 15;

/// Runs the cameras until SIGTERM or SIGINT.
pub fn run(o: Options) -> Result<(), String> {
    gst::init().map_err(|e| format!("GStreamer: {e}"))?;
    check_elements(&o.pattern)?;
    let (w, h) = o.size;
    let info = gst_video::VideoInfo::builder(gst_video::VideoFormat::I420, w, h)
        .fps(gst::Fraction::new(o.fps as i32, 1))
        .build()
        .map_err(|e| format!("video info: {e}"))?;

    let server = rtsp::RTSPServer::new();
    server.set_address(&o.bind);
    server.set_service(&o.port.to_string());
    let mounts = server
        .mount_points()
        .ok_or("the RTSP server has no mount points")?;
    let mut factories = Vec::new();
    for name in &o.cameras {
        let factory = rtsp::RTSPMediaFactory::new();
        factory.set_launch(&launch_line(name, &o));
        factory.set_shared(true);
        // Not torn down when a client leaves: the camera holds it prepared.
        factory.set_stop_on_disconnect(false);
        factory.set_eos_shutdown(false);
        let camera = name.clone();
        let info = info.clone();
        factory.connect_media_configure(move |_factory, media| {
            tracing::info!(camera, "pipeline created");
            add_stamp_probe(media, &camera, info.clone());
        });
        mounts.add_factory(&format!("/{name}"), factory.clone());
        factories.push((name.clone(), factory));
    }

    let main_loop = glib::MainLoop::new(None, false);
    let source = server
        .attach(None)
        .map_err(|e| format!("cannot listen on {}:{}: {e}", o.bind, o.port))?;
    let port = u16::try_from(server.bound_port())
        .map_err(|_| format!("cannot listen on {}:{}", o.bind, o.port))?;
    tracing::info!(bind = %o.bind, port, cameras = o.cameras.len(), "listening");

    for signal in [SIGINT, SIGTERM] {
        let main_loop = main_loop.clone();
        glib::unix_signal_add(signal, move || {
            tracing::info!(signal, "stopping");
            main_loop.quit();
            glib::ControlFlow::Break
        });
    }

    // Prepare each camera's media (start its pipeline) from another thread:
    // preparing waits for the bus, which the main loop below serves.
    let (media_tx, media_rx) = mpsc::channel::<Result<rtsp::RTSPMedia, String>>();
    {
        let main_loop = main_loop.clone();
        let bind = o.bind.clone();
        std::thread::spawn(move || {
            let mut urls = Vec::new();
            for (name, factory) in factories {
                let url = camera_url(&bind, port, &name);
                let started = start_media(&factory, &url);
                let failed = started.is_err();
                let _ = media_tx.send(started);
                if failed {
                    main_loop.quit();
                    return;
                }
                urls.push(url);
            }
            let mut out = std::io::stdout().lock();
            for url in &urls {
                let _ = writeln!(out, "{url}");
            }
            let _ = out.flush();
            tracing::info!(cameras = urls.len(), "every camera is live");
        });
    }

    main_loop.run();

    let mut result = Ok(());
    for started in media_rx.try_iter() {
        match started {
            Ok(media) => {
                let _ = media.unprepare();
            }
            Err(e) => result = Err(e),
        }
    }
    source.remove();
    tracing::info!("stopped");
    result
}

/// Builds the factory's shared media for `url` and starts it: the camera's
/// own hold on it, so it runs before the first client and after the last.
fn start_media(factory: &rtsp::RTSPMediaFactory, url: &str) -> Result<rtsp::RTSPMedia, String> {
    let (_, parsed) = gst_rtsp::RTSPUrl::parse(url);
    let parsed = parsed.ok_or_else(|| format!("{url}: not an RTSP URL"))?;
    let media = factory
        .construct(&parsed)
        .map_err(|e| format!("{url}: cannot build the pipeline: {e}"))?;
    media
        .prepare(None)
        .map_err(|e| format!("{url}: the pipeline does not start: {e}"))?;
    Ok(media)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_and_their_defaults() {
        let o = Options::try_parse_from(["yyt-testcam"]).unwrap();
        assert_eq!(o.bind, "127.0.0.1");
        assert_eq!(o.port, 0);
        assert_eq!(o.cameras, ["cam-1"]);
        assert_eq!(o.size, (1280, 720));
        assert_eq!(o.fps, 25);
        assert_eq!(o.pattern, "ball");
        let o = Options::try_parse_from([
            "yyt-testcam",
            "--camera",
            "a",
            "--camera",
            "b",
            "--size",
            "640x360",
            "--fps",
            "10",
        ])
        .unwrap();
        assert_eq!(o.cameras, ["a", "b"]);
        assert_eq!(o.size, (640, 360));
        assert_eq!(o.fps, 10);
    }

    #[test]
    fn refuses_bad_names_and_sizes() {
        for args in [
            ["--camera", "a b"],
            ["--camera", "a\"b"],
            ["--camera", "../x"],
            ["--size", "320x240"],
            ["--size", "641x360"],
            ["--size", "1280"],
            ["--fps", "0"],
        ] {
            let mut all = vec!["yyt-testcam"];
            all.extend(args);
            assert!(Options::try_parse_from(&all).is_err(), "{args:?}");
        }
    }

    #[test]
    fn urls_and_bit_rates() {
        assert_eq!(
            camera_url("127.0.0.1", 8554, "a"),
            "rtsp://127.0.0.1:8554/a"
        );
        assert_eq!(camera_url("::1", 8554, "a"), "rtsp://[::1]:8554/a");
        assert_eq!(bitrate_kbps(1280, 720, 25), 2094);
        assert_eq!(bitrate_kbps(640, 360, 10), 500);
        assert_eq!(bitrate_kbps(7680, 4320, 120), 8000);
    }

    #[test]
    fn the_launch_line_names_what_the_server_and_the_probe_need() {
        let o = Options::try_parse_from(["yyt-testcam", "--fps", "10"]).unwrap();
        let line = launch_line("cam-1", &o);
        for part in [
            "pattern=ball",
            "name=stamp",
            "width=1280,height=720,framerate=10/1",
            "text=\"cam-1\"",
            "key-int-max=10",
            "name=pay0 pt=96 config-interval=1",
        ] {
            assert!(line.contains(part), "{part} in {line}");
        }
    }
}
