//! The ffmpeg processes of the hall's video: a camera's recorder (RTSP in, fMP4 HLS segments out, no re-encoding), MJPEG frames for players without H.264, and clips made of recorded segments.
//!
//! Every process is started with its arguments as a list (a stream address
//! is never parsed by a shell), reads nothing from stdin, and on Linux dies
//! with the node (a killed node leaves no recorder writing behind it).
//!
//! A recorder is stopped with SIGKILL, never asked to finish: ffmpeg told to
//! finish rewrites its playlist and can be cut off in the middle, leaving it
//! empty; killed, its playlist stays as last written (through a temporary
//! file), listing every whole segment, and only the segment in progress
//! (at most a second) is lost.

use std::io;
use std::path::Path;
use std::process::Stdio;
use tokio::process::{Child, Command};

/// The playlist ffmpeg keeps in a run's folder (the node reads it for new segments).
pub const PLAYLIST: &str = "live.m3u8";
/// How long a segment is: cameras send a key frame at least this often.
pub const SEGMENT_S: u32 = 1;
/// A camera that sends nothing for this long is given up by ffmpeg (microseconds).
const SOCKET_TIMEOUT_US: &str = "5000000";

fn command(ffmpeg: &Path) -> Command {
    let mut cmd = Command::new(ffmpeg);
    cmd.args(["-hide_banner", "-nostdin", "-loglevel", "error"])
        .stdin(Stdio::null())
        .kill_on_drop(true);
    die_with_parent(&mut cmd);
    cmd
}

#[cfg(target_os = "linux")]
fn die_with_parent(cmd: &mut Command) {
    // SAFETY: prctl is async-signal-safe and touches only the child.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_cmd: &mut Command) {}

fn rtsp_input(cmd: &mut Command, url: &str) {
    cmd.args(["-rtsp_transport", "tcp"])
        .args(["-timeout", SOCKET_TIMEOUT_US])
        .arg("-i")
        .arg(url);
}

/// What a recorder says goes to this file in its run's folder.
pub const LOG: &str = "ffmpeg.log";

/// Records `url` into `dir` as 1-second fMP4 segments with an HLS playlist,
/// copying the video as it comes; ffmpeg's complaints go to [`LOG`] there.
pub fn record(ffmpeg: &Path, url: &str, dir: &Path) -> io::Result<Child> {
    let log = std::fs::File::create(dir.join(LOG))?;
    let mut cmd = command(ffmpeg);
    rtsp_input(&mut cmd, url);
    cmd.args(["-map", "0:v:0", "-c", "copy", "-an", "-f", "hls"])
        .args(["-hls_time", &SEGMENT_S.to_string()])
        .args(["-hls_list_size", "10", "-hls_segment_type", "fmp4"])
        .args(["-hls_fmp4_init_filename", "init.mp4"])
        .args([
            "-hls_flags",
            "program_date_time+independent_segments+temp_file",
        ])
        .arg("-hls_segment_filename")
        .arg(dir.join("seg-%06d.m4s"))
        .arg(dir.join(PLAYLIST))
        .stdout(Stdio::null())
        .stderr(log);
    cmd.spawn()
}

/// Stops a process (see the module's note on why a kill).
pub fn stop(child: &mut Child) {
    let _ = child.start_kill();
}

/// MJPEG frames of `url` on stdout (multipart, boundary [`MJPEG_BOUNDARY`]), 5 a second, 640 wide.
pub fn mjpeg(ffmpeg: &Path, url: &str) -> io::Result<Child> {
    let mut cmd = command(ffmpeg);
    rtsp_input(&mut cmd, url);
    cmd.args(["-an", "-vf", "fps=5,scale=640:-2", "-q:v", "7"])
        .args(["-f", "mpjpeg", "-boundary_tag", MJPEG_BOUNDARY, "pipe:1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd.spawn()
}

/// The multipart boundary of [`mjpeg`]'s output.
pub const MJPEG_BOUNDARY: &str = "yytframe";

/// Makes one MP4 of the segments a local playlist lists (copying, the index moved to the front).
pub async fn clip(ffmpeg: &Path, list: &Path, out: &Path) -> Result<(), String> {
    let mut cmd = command(ffmpeg);
    cmd.args(["-allowed_extensions", "ALL", "-protocol_whitelist", "file"])
        .arg("-i")
        .arg(list)
        .args(["-c", "copy", "-movflags", "+faststart", "-f", "mp4", "-y"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let output = cmd
        .spawn()
        .map_err(|e| format!("{}: {e}", ffmpeg.display()))?
        .wait_with_output()
        .await
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&output.stderr);
        let tail: String = err.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
        Err(format!("ffmpeg {}: {tail}", output.status))
    }
}
