//! The Windows check of the test command: the app, the hall node and the province server compile for `x86_64-pc-windows-gnu`.
//!
//! Only `cargo check` (no link): rustup's target and Debian's MinGW compiler
//! are enough, and both come from the registries. A Windows installer is not
//! built here (see installers/README.md).

use crate::tasks::{Ctx, APP_FEATURES};
use crate::{output, run, Result};
use std::process::Command;

pub const TARGET: &str = "x86_64-pc-windows-gnu";
/// The C compiler crates with C parts (ring, SQLite) need for the target.
pub const PACKAGES: &[&str] = &["gcc-mingw-w64-x86-64"];

/// Installs what the check needs, then checks the three Windows programs.
pub(crate) fn check(ctx: &Ctx) -> Result {
    crate::toolchain::ensure_apt(PACKAGES)?;
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == TARGET) {
        run(
            "rustup target add",
            Command::new("rustup").args(["target", "add", TARGET]),
        )?;
    }
    run(
        "cargo check for Windows",
        &mut ctx.cargo(&[
            "check",
            "--target",
            TARGET,
            "-p",
            "hall-node",
            "-p",
            "server",
            "-p",
            "yyt-desktop",
            "--features",
            APP_FEATURES,
        ]),
    )
}
