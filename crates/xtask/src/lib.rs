//! The machinery behind `cargo xtask`: tool installation, build steps, tidy checks, installers and releases.

pub mod dist;
pub mod postgres;
pub mod release;
pub mod tasks;
pub mod tidy;
pub mod toolchain;
pub mod windows;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A failed step, with the one line a person needs to act on it.
#[derive(Debug)]
pub struct Fail(pub String);

pub type Result<T = ()> = std::result::Result<T, Fail>;

pub fn fail<T>(msg: impl Into<String>) -> Result<T> {
    Err(Fail(msg.into()))
}

/// The workspace root (the folder holding the top-level Cargo.toml).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("xtask lives two levels below the root")
        .to_path_buf()
}

/// Where installed tools, the shared target dir and demo data live: outside the clone.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("YYT_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("yyt")
}

/// The cargo target dir: `CARGO_TARGET_DIR` when set, else a persistent one in the cache.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("target"))
}

/// Runs `cmd`, echoing it; a non-zero exit is a failure named after `what`.
pub fn run(what: &str, cmd: &mut Command) -> Result {
    eprintln!("$ {}", show(cmd));
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => fail(format!("{what} failed ({s})")),
        Err(e) => fail(format!(
            "{what}: could not start `{}`: {e}",
            cmd.get_program().to_string_lossy()
        )),
    }
}

/// Runs `cmd` quietly and returns its stdout when it succeeds.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn show(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
