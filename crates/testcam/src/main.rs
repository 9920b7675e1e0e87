//! `yyt-testcam`: serves live RTSP/H.264 test cameras until SIGTERM or SIGINT (see the library).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let options = testcam::Options::parse();
    logging::init("yyt-testcam");
    match testcam::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("yyt-testcam: {e}");
            ExitCode::FAILURE
        }
    }
}
