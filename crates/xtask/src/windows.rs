//! The Windows check of the test command: the app, the hall node and the province server compile for `x86_64-pc-windows-gnu`.
//!
//! Only `cargo check` (no link): rustup's target and Debian's MinGW compiler
//! are enough, and both come from the registries. A Windows installer is not
//! built here (see installers/README.md).
//!
//! `custom-protocol` embeds `ui/dist`: `tauri::generate_context!` refuses to
//! compile when that folder is missing ("The `frontendDist` configuration is
//! set to `../ui/dist` but this path doesn't exist"), so the check runs after
//! the test command's UI build. The host's build artifacts are not disturbed:
//! the target's go to `<target>/x86_64-pc-windows-gnu`.

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
    if !ctx.root.join("ui/dist").is_dir() {
        return crate::fail("the Windows check embeds the UI: build it first (trunk build in ui/)");
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
    .map_err(|crate::Fail(e)| {
        crate::Fail(format!(
            "{e}: the suite does not compile for Windows ({TARGET}); look above for code that \
             exists on Unix only (std::os::unix, tokio::signal::unix, libc) and give it a \
             #[cfg(unix)] with a Windows alternative"
        ))
    })
}
