//! Installs what builds and tests need, or stops with one line naming what is missing.
//!
//! Debian packages come from apt; Rust tools from the crate registry at exact
//! versions into `<cache>/tools/<name>-<version>`; wasm-opt from npm. Nothing
//! is downloaded from anywhere else, and an installed tool of the right
//! version is reused.

use crate::{cache_dir, fail, output, run, workspace_root, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
pub const TAURI_DRIVER_VERSION: &str = "2.1.0";
pub const BINARYEN_VERSION: &str = "132.0.0";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Browser libraries the UI bundles (npm package, exact version, the file
/// taken from it): copied into `ui/vendor/` before each UI build, served
/// with the app, never loaded from anywhere else at run time.
pub const UI_VENDOR: &[(&str, &str, &str)] = &[
    ("echarts", "6.1.0", "dist/echarts.min.js"),
    ("hls.js", "1.7.4", "dist/hls.min.js"),
];

/// Debian packages for building the app (Tauri on WebKitGTK) with Chinese fonts,
/// and the test camera (`crates/testcam`, on GStreamer's RTSP server).
pub const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "file",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
    "fonts-noto-cjk",
    "fonts-dejavu-core",
    "libgstreamer1.0-dev",
    "libgstreamer-plugins-base1.0-dev",
    "libgstrtspserver-1.0-dev",
];

/// Debian packages for running the real window without a display and driving it.
pub const WINDOW_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "at-spi2-core",
    "dbus-x11",
    "imagemagick", // `import`: the end-to-end tests' screenshots of the Xvfb screen
    // Hall devices (kiosk, call display, pad) are web pages tested in Chromium.
    "chromium",
    "chromium-driver",
];

/// Services the tests start on loopback: the province's PostgreSQL, and
/// Mosquitto as the hall's external MQTT broker (the hall node's tests run
/// its telemetry against it as well as against the embedded broker).
pub const SERVICE_PACKAGES: &[&str] = &["postgresql", "mosquitto"];

/// Debian packages for running the test camera `yyt-testcam` (tests,
/// benchmarks, the demo): the RTSP server library and the GStreamer elements
/// of its pipeline: videotestsrc (plugins-base), clockoverlay (gstreamer1.0-x,
/// the Pango plugin), x264enc (plugins-ugly), rtph264pay, rtpbin and udpsink
/// (plugins-good).
pub const CAMERA_PACKAGES: &[&str] = &[
    "libgstrtspserver-1.0-0",
    "gstreamer1.0-plugins-base",
    "gstreamer1.0-plugins-good",
    "gstreamer1.0-plugins-ugly",
    "gstreamer1.0-x",
];

/// Debian packages for making installers (`cargo xtask dist`): rpmbuild for the
/// `.rpm`; `dpkg-deb` and `dpkg-shlibdeps` come with dpkg and build-essential.
pub const DIST_PACKAGES: &[&str] = &["rpm"];

/// What a command is about to do, deciding what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Build the UI and the app, open the window.
    Demo,
    /// Everything `Demo` needs plus the WebDriver stack.
    Test,
    /// Build the UI and the app in release and package them: no window.
    Dist,
}

/// The tools found or installed, ready to put on children's PATH.
#[derive(Debug, Clone)]
pub struct Tools {
    pub path: OsString,
    pub tauri_driver: Option<PathBuf>,
}

pub fn ensure(need: Need) -> Result<Tools> {
    let mut packages: Vec<&str> = BUILD_PACKAGES.to_vec();
    match need {
        Need::Demo => {
            packages.extend_from_slice(WINDOW_PACKAGES);
            // What the installed app declares it needs at run time (the codecs among them).
            packages.extend_from_slice(crate::dist::DESKTOP_DEPENDS);
            packages.extend_from_slice(CAMERA_PACKAGES);
        }
        Need::Test => {
            packages.extend_from_slice(WINDOW_PACKAGES);
            packages.extend_from_slice(crate::dist::DESKTOP_DEPENDS);
            packages.extend_from_slice(SERVICE_PACKAGES);
            packages.extend_from_slice(CAMERA_PACKAGES);
            // The update journey packages the app, and the updater installs through sudo.
            packages.extend_from_slice(DIST_PACKAGES);
            packages.push("sudo");
        }
        Need::Dist => packages.extend_from_slice(DIST_PACKAGES),
    }
    ensure_apt(&packages)?;
    ensure_npm()?;
    ensure_wasm_target()?;

    let tools = cache_dir().join("tools");
    let mut bins: Vec<PathBuf> = Vec::new();
    bins.push(cargo_tool(&tools, "trunk", TRUNK_VERSION, "trunk", true)?);
    let wb = wasm_bindgen_version()?;
    bins.push(cargo_tool(
        &tools,
        "wasm-bindgen-cli",
        &wb,
        "wasm-bindgen",
        false,
    )?);
    bins.push(npm_tool(&tools, "binaryen", BINARYEN_VERSION, "wasm-opt")?);
    vendor_ui(&tools, &workspace_root().join("ui").join("vendor"))?;
    let tauri_driver = if need == Need::Test {
        let dir = cargo_tool(
            &tools,
            "tauri-driver",
            TAURI_DRIVER_VERSION,
            "tauri-driver",
            true,
        )?;
        bins.push(dir.clone());
        Some(dir.join("tauri-driver"))
    } else {
        None
    };
    if need == Need::Test
        && !Path::new("/usr/bin/WebKitWebDriver").exists()
        && which("WebKitWebDriver").is_none()
    {
        return fail("WebKitWebDriver is missing: install the Debian package webkit2gtk-driver");
    }

    let mut path =
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect::<Vec<_>>();
    for b in bins.into_iter().rev() {
        path.insert(0, b);
    }
    let path = std::env::join_paths(path).map_err(|e| crate::Fail(format!("PATH: {e}")))?;
    Ok(Tools { path, tauri_driver })
}

/// Installs missing Debian packages (as root, or with password-less sudo).
pub fn ensure_apt(packages: &[&str]) -> Result {
    if which("dpkg-query").is_none() {
        return fail(format!(
            "this is not a Debian-like system; install the equivalents of: {}",
            packages.join(" ")
        ));
    }
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !dpkg_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask: installing Debian packages: {}", missing.join(" "));
    let sudo: &[&str] = if is_root() {
        &[]
    } else if Command::new("sudo")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success())
    {
        &["sudo", "-n"]
    } else {
        return fail(format!(
            "missing Debian packages: {0}\n       install them with: sudo apt-get install {0}",
            missing.join(" ")
        ));
    };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.to_vec();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut c = Command::new(all[0]);
        c.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run("apt-get update", &mut apt(&["update", "-qq"]))?;
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend_from_slice(&missing);
    run("apt-get install", &mut apt(&args))
}

fn dpkg_installed(package: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f=${db:Status-Abbrev}", package]))
        .is_some_and(|s| s.starts_with("ii"))
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0")
}

/// Node and npm: only from Debian when absent (another Node install is left alone).
fn ensure_npm() -> Result {
    if which("npm").is_some() {
        return Ok(());
    }
    ensure_apt(&["nodejs", "npm"])
}

fn ensure_wasm_target() -> Result {
    let Some(installed) = output(Command::new("rustup").args(["target", "list", "--installed"]))
    else {
        return fail(format!(
            "rustup is missing: install Rust with rustup, then run `rustup target add {WASM_TARGET}`"
        ));
    };
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    run(
        "rustup target add",
        Command::new("rustup").args(["target", "add", WASM_TARGET]),
    )
}

/// `cargo install name@version` into its own root unless that version is there.
/// Returns the bin dir.
fn cargo_tool(tools: &Path, name: &str, version: &str, bin: &str, locked: bool) -> Result<PathBuf> {
    let root = tools.join(format!("{name}-{version}"));
    let dir = root.join("bin");
    if cargo_installed(&root, name, version) && dir.join(bin).is_file() {
        return Ok(dir);
    }
    eprintln!(
        "xtask: installing {name} {version} from the crate registry (once; cached in {})",
        root.display()
    );
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg("install")
        .arg(format!("{name}@{version}"))
        .arg("--root")
        .arg(&root);
    if locked {
        cmd.arg("--locked");
    }
    // Tool builds must not share (or lock) the workspace's target dir.
    cmd.env_remove("CARGO_TARGET_DIR");
    // Build tools, not products: trunk asks for fat LTO and one codegen unit,
    // which triples its build time on two cores for nothing a build notices.
    cmd.env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    run(&format!("installing {name} {version}"), &mut cmd)?;
    if !(cargo_installed(&root, name, version) && dir.join(bin).is_file()) {
        return fail(format!(
            "{name} {version} was installed but {} is missing",
            dir.join(bin).display()
        ));
    }
    Ok(dir)
}

/// Whether cargo's install record in `root` lists `name version`.
fn cargo_installed(root: &Path, name: &str, version: &str) -> bool {
    std::fs::read_to_string(root.join(".crates.toml"))
        .is_ok_and(|s| s.contains(&format!("\"{name} {version} (")))
}

/// `npm install package@version` into its own prefix unless there. Returns the bin dir.
fn npm_tool(tools: &Path, package: &str, version: &str, bin: &str) -> Result<PathBuf> {
    let root = tools.join(format!("{package}-{version}"));
    let dir = root.join("node_modules").join(".bin");
    let major = version.split('.').next().unwrap_or(version);
    if has_version(&dir.join(bin), major) {
        return Ok(dir);
    }
    std::fs::create_dir_all(&root).map_err(|e| crate::Fail(format!("{}: {e}", root.display())))?;
    eprintln!(
        "xtask: installing {package} {version} from npm (once; cached in {})",
        root.display()
    );
    run(
        &format!("npm install {package}@{version}"),
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&root)
            .arg(format!("{package}@{version}")),
    )?;
    if !has_version(&dir.join(bin), major) {
        return fail(format!(
            "{package} {version} was installed but `{bin} --version` does not report it"
        ));
    }
    Ok(dir)
}

/// Puts each of [`UI_VENDOR`]'s files into `vendor`, installing its npm package once.
fn vendor_ui(tools: &Path, vendor: &Path) -> Result {
    std::fs::create_dir_all(vendor)
        .map_err(|e| crate::Fail(format!("{}: {e}", vendor.display())))?;
    for (package, version, file) in UI_VENDOR {
        let root = tools.join(format!("{package}-{version}"));
        let src = root.join("node_modules").join(package).join(file);
        if !src.exists() {
            std::fs::create_dir_all(&root)
                .map_err(|e| crate::Fail(format!("{}: {e}", root.display())))?;
            run(
                &format!("npm install {package}@{version} (bundled into the UI)"),
                Command::new("npm")
                    .args([
                        "install",
                        "--no-audit",
                        "--no-fund",
                        "--ignore-scripts",
                        "--prefix",
                    ])
                    .arg(&root)
                    .arg(format!("{package}@{version}")),
            )?;
        }
        let name = Path::new(file).file_name().unwrap_or_default();
        let dest = vendor.join(name);
        let same = std::fs::read(&dest).ok() == std::fs::read(&src).ok();
        if !same {
            std::fs::copy(&src, &dest)
                .map_err(|e| crate::Fail(format!("{} → {}: {e}", src.display(), dest.display())))?;
        }
    }
    Ok(())
}

fn has_version(exe: &Path, version: &str) -> bool {
    exe.exists() && output(Command::new(exe).arg("--version")).is_some_and(|v| v.contains(version))
}

/// The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock"))
        .map_err(|e| crate::Fail(format!("Cargo.lock: {e}")))?;
    lock_version(&lock, "wasm-bindgen")
        .ok_or_else(|| crate::Fail("Cargo.lock pins no wasm-bindgen".into()))
}

/// The version of `package` in a Cargo.lock text.
pub fn lock_version(lock: &str, package: &str) -> Option<String> {
    let needle = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == needle {
            let v = lines.next()?.trim();
            return Some(
                v.strip_prefix("version = \"")?
                    .strip_suffix('"')?
                    .to_owned(),
            );
        }
    }
    None
}

pub fn which(bin: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(bin))
        .find(|p| p.is_file())
}
