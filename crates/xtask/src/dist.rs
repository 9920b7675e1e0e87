//! `cargo xtask dist`: the installers, into `target/dist`: the desktop's `.deb` and `.rpm` (built without tauri-cli) and `.deb`s of the headless hall node and province server with their systemd units.
//!
//! The desktop packages are laid out as tauri-bundler lays them out, and the
//! binary in each is patched the way it patches it: the bundle-type marker
//! compiled into the app tells the updater plugin how to install an update
//! (`dpkg -i` or `rpm -U`).

use crate::tasks::{Ctx, APP_FEATURES};
use crate::toolchain::Need;
use crate::{fail, run, workspace_root, Fail, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The bundle-type marker tauri compiles into the app (tauri-utils `platform.rs`).
pub const BUNDLE_MARKER: &[u8] = b"__TAURI_BUNDLE_TYPE_VAR_UNK";
pub const BUNDLE_DEB: &[u8] = b"__TAURI_BUNDLE_TYPE_VAR_DEB";
pub const BUNDLE_RPM: &[u8] = b"__TAURI_BUNDLE_TYPE_VAR_RPM";

/// The app's package and binary name.
const APP: &str = "yyt-desktop";
/// Debian packages the desktop needs beyond what its binary links (found by dpkg-shlibdeps):
/// the webview and GTK by name, a CJK font, and the codecs for the call display's sounds.
pub const DESKTOP_DEPENDS: &[&str] = &[
    "libwebkit2gtk-4.1-0",
    "libgtk-3-0",
    "fonts-noto-cjk",
    "gstreamer1.0-libav",
    // The hall node it hosts records the cameras with ffmpeg.
    "ffmpeg",
];
/// The same for RPM distributions (Fedora, RHEL, openSUSE names; `or` picks what the distribution has).
pub const DESKTOP_REQUIRES: &[&str] = &[
    "webkit2gtk4.1",
    "gtk3",
    "(google-noto-sans-cjk-fonts or google-noto-sans-cjk-vf-fonts or google-noto-sans-sc-fonts or noto-sans-sc-fonts)",
    "(gstreamer1-plugin-libav or gstreamer1-libav or gstreamer-plugins-libav)",
    "(ffmpeg or ffmpeg-free)",
];
/// The icons, from `icons/`, and the hicolor size folder each goes to.
const ICONS: &[(&str, &str)] = &[
    ("32x32.png", "32x32"),
    ("128x128.png", "128x128"),
    ("128x128@2x.png", "256x256@2"),
];
const DESCRIPTION_ZH: &str = "营业厅服务管理系统";
const DESCRIPTION_EN: &str = "Business Hall Suite";

/// A headless service packaged as a `.deb`: (package, cargo binary, summary).
const SERVICES: &[(&str, &str, &str)] = &[
    (
        "yyt-hall-node",
        "hall-node",
        "营业厅节点（叫号、柜台、设备页面） / the hall node: live queue, API and device pages",
    ),
    (
        "yyt-province-server",
        "province-server",
        "省级服务器（同步、管理、发布） / the province server: sync, administration, releases",
    ),
];

/// Where the installers go: `target/dist` under the workspace root.
pub fn dist_dir() -> PathBuf {
    workspace_root().join("target").join("dist")
}

/// Replaces the first bundle-type marker in `binary` with `kind` (as tauri-bundler's `patch_binary`).
pub fn patch_bundle_type(binary: &mut [u8], kind: &[u8]) -> Result {
    if kind.len() != BUNDLE_MARKER.len() {
        return fail("a bundle type marker has the length of the unknown one");
    }
    let Some(at) = binary
        .windows(BUNDLE_MARKER.len())
        .position(|w| w == BUNDLE_MARKER)
    else {
        return fail(format!(
            "the app binary has no bundle type marker ({}): the updater could not tell how it was \
             installed. Is tauri older than 2.5, or was the binary patched already?",
            String::from_utf8_lossy(BUNDLE_MARKER)
        ));
    };
    binary[at..at + kind.len()].copy_from_slice(kind);
    Ok(())
}

/// The app's version from `src-tauri/tauri.conf.json`.
fn configured_version(root: &Path) -> Result<String> {
    let path = root.join("src-tauri").join("tauri.conf.json");
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Fail(format!("{}: {e}", path.display())))?;
    v["version"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Fail(format!("{} has no version", path.display())))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Fail + '_ {
    move |e| Fail(format!("{}: {e}", path.display()))
}

fn stdout_of(what: &str, cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .map_err(|e| Fail(format!("{what}: could not start: {e}")))?;
    if !out.status.success() {
        return fail(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Writes `bytes` to `root/rel` with `mode`, creating folders.
fn put(root: &Path, rel: &str, bytes: &[u8], mode: u32) -> Result {
    let path = root.join(rel.trim_start_matches('/'));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::write(&path, bytes).map_err(io(&path))?;
    set_mode(&path, mode)
}

fn set_mode(path: &Path, mode: u32) -> Result {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io(path))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Every file under `dir`, relative, sorted; every folder set to 0755 on the way.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result {
        set_mode(dir, 0o755)?;
        for e in std::fs::read_dir(dir).map_err(io(dir))? {
            let path = e.map_err(io(dir))?.path();
            if path.is_dir() {
                walk(base, &path, out)?;
            } else {
                out.push(path.strip_prefix(base).expect("under base").to_path_buf());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

fn fresh_dir(dir: &Path) -> Result {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::create_dir_all(dir).map_err(io(dir))
}

/// The `Depends` of a binary's shared libraries, as `dpkg-shlibdeps` finds them.
fn shlib_depends(binary: &Path, scratch: &Path) -> Result<Vec<String>> {
    let dir = scratch.join("shlibdeps");
    fresh_dir(&dir)?;
    put(
        &dir,
        "debian/control",
        b"Source: yyt\nMaintainer: yyt\n\nPackage: yyt\nArchitecture: any\n",
        0o644,
    )?;
    let out = stdout_of(
        "dpkg-shlibdeps",
        Command::new("dpkg-shlibdeps")
            .current_dir(&dir)
            .arg("-O")
            .arg(binary),
    )?;
    let deps = out
        .lines()
        .find_map(|l| l.strip_prefix("shlibs:Depends="))
        .unwrap_or_default();
    Ok(deps
        .split(',')
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty())
        .collect())
}

/// `found` (versioned, from the binary) plus each of `named` whose package is not among them.
fn merge_depends(found: Vec<String>, named: &[&str]) -> Vec<String> {
    let package = |d: &str| d.split([' ', '(']).next().unwrap_or(d).to_owned();
    let mut all = found;
    for n in named {
        if !all.iter().any(|d| package(d) == package(n)) {
            all.push((*n).to_owned());
        }
    }
    all
}

/// What goes into a `.deb`'s `DEBIAN/control`.
pub struct Control<'a> {
    pub package: &'a str,
    pub version: &'a str,
    pub arch: &'a str,
    pub depends: &'a [String],
    pub section: &'a str,
    pub summary: &'a str,
    pub description: &'a str,
    pub installed_kib: u64,
}

fn maintainer() -> String {
    std::env::var("YYT_DIST_MAINTAINER")
        .ok()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| "营业厅 Suite maintainers <maintainers@yyt.invalid>".into())
}

impl Control<'_> {
    pub fn text(&self) -> String {
        let body: String = self
            .description
            .lines()
            .map(|l| {
                if l.trim().is_empty() {
                    " .\n".to_owned()
                } else {
                    format!(" {l}\n")
                }
            })
            .collect();
        format!(
            "Package: {}\nVersion: {}\nArchitecture: {}\nMaintainer: {}\nInstalled-Size: {}\n\
             Depends: {}\nSection: {}\nPriority: optional\nDescription: {}\n{body}",
            self.package,
            self.version,
            self.arch,
            maintainer(),
            self.installed_kib,
            self.depends.join(", "),
            self.section,
            self.summary,
        )
    }
}

fn installed_kib(stage: &Path) -> Result<u64> {
    let mut bytes = 0;
    for f in files_under(stage)? {
        let p = stage.join(f);
        bytes += std::fs::metadata(&p).map_err(io(&p))?.len();
    }
    Ok(bytes.div_ceil(1024))
}

/// Builds `out` from a staged tree whose `DEBIAN/` is in place.
fn dpkg_deb(stage: &Path, out: &Path) -> Result {
    files_under(stage)?;
    let _ = std::fs::remove_file(out);
    run(
        &format!("dpkg-deb ({})", out.display()),
        Command::new("dpkg-deb")
            .arg("--root-owner-group")
            .arg("--build")
            .arg(stage)
            .arg(out),
    )
}

fn desktop_entry() -> String {
    format!(
        "[Desktop Entry]\nType=Application\nName={DESCRIPTION_ZH}\nName[en]={DESCRIPTION_EN}\n\
         Name[zh_CN]={DESCRIPTION_ZH}\nComment=供电营业厅的叫号、柜台、值班与应急\n\
         Comment[en]=Queue, counters, supervision and emergency console of the power-supply company's halls\n\
         Exec={APP}\nStartupWMClass={APP}\nIcon={APP}\nTerminal=false\nCategories=Office;\n"
    )
}

/// The desktop app's files as installed, with `binary` (already patched) as `/usr/bin/yyt-desktop`.
fn stage_desktop(stage: &Path, root: &Path, binary: &[u8]) -> Result {
    fresh_dir(stage)?;
    put(stage, &format!("usr/bin/{APP}"), binary, 0o755)?;
    put(
        stage,
        &format!("usr/share/applications/{APP}.desktop"),
        desktop_entry().as_bytes(),
        0o644,
    )?;
    for (file, size) in ICONS {
        let src = root.join("icons").join(file);
        let png = std::fs::read(&src).map_err(io(&src))?;
        put(
            stage,
            &format!("usr/share/icons/hicolor/{size}/apps/{APP}.png"),
            &png,
            0o644,
        )?;
    }
    Ok(())
}

const DESKTOP_LONG: &str =
    "营业厅服务管理系统：供电营业厅营业员、值班长和应急指挥使用的桌面客户端，\n\
内置营业厅节点（叫号、柜台、设备页面），由省级服务器推送签名更新。\n\
\n\
The desktop client of the power-supply company's customer-service halls:\n\
counter clerks, hall supervisors and the emergency console work in it. It\n\
hosts the hall node (queue, counters, device pages) and takes signed updates\n\
pushed by the province.";

fn rpm_spec(version: &str, stage: &Path, files: &[PathBuf]) -> String {
    let requires: String = DESKTOP_REQUIRES
        .iter()
        .map(|r| format!("Requires: {r}\n"))
        .collect();
    let listed: String = files
        .iter()
        .map(|f| format!("\"/{}\"\n", f.display()))
        .collect();
    format!(
        "# Generated by `cargo xtask dist`: packages the prebuilt, staged tree; nothing is compiled.\n\
         %global debug_package %{{nil}}\n\
         %global __os_install_post %{{nil}}\n\
         %global _build_id_links none\n\
         %global _binary_payload w6.xzdio\n\
         Name: {APP}\n\
         Version: {version}\n\
         Release: 1\n\
         Summary: {DESCRIPTION_ZH} ({DESCRIPTION_EN})\n\
         License: Proprietary\n\
         AutoReqProv: no\n\
         {requires}\
         \n\
         %description\n\
         {DESKTOP_LONG}\n\
         \n\
         %prep\n\
         \n\
         %build\n\
         \n\
         %install\n\
         mkdir -p \"%{{buildroot}}\"\n\
         cp -a \"{stage}/.\" \"%{{buildroot}}/\"\n\
         \n\
         %files\n\
         %defattr(-,root,root,-)\n\
         {listed}",
        stage = stage.display(),
    )
}

/// Builds the `.rpm` of a staged tree with rpmbuild; returns the file in `out_dir`.
fn rpmbuild(version: &str, stage: &Path, work: &Path, out_dir: &Path) -> Result<PathBuf> {
    let files = files_under(stage)?;
    let top = work.join("rpmbuild");
    fresh_dir(&top)?;
    let spec = top.join(format!("{APP}.spec"));
    put(
        &top,
        &format!("{APP}.spec"),
        rpm_spec(version, stage, &files).as_bytes(),
        0o644,
    )?;
    run(
        "rpmbuild",
        Command::new("rpmbuild")
            .arg("--define")
            .arg(format!("_topdir {}", top.display()))
            .arg("--quiet")
            .arg("-bb")
            .arg(&spec),
    )?;
    let rpms = top.join("RPMS");
    let mut built = Vec::new();
    for arch in std::fs::read_dir(&rpms).map_err(io(&rpms))? {
        let arch = arch.map_err(io(&rpms))?.path();
        for f in std::fs::read_dir(&arch).map_err(io(&arch))? {
            built.push(f.map_err(io(&arch))?.path());
        }
    }
    let [rpm] = built.as_slice() else {
        return fail(format!(
            "rpmbuild made {} packages, expected one",
            built.len()
        ));
    };
    let dest = out_dir.join(rpm.file_name().expect("a file"));
    std::fs::copy(rpm, &dest).map_err(io(&dest))?;
    Ok(dest)
}

/// A headless service's `.deb`: binary, systemd unit, environment file, maintainer scripts.
fn service_deb(
    root: &Path,
    work: &Path,
    out_dir: &Path,
    (package, binary, summary): (&str, &str, &str),
    bin_path: &Path,
    version: &str,
    arch: &str,
) -> Result<PathBuf> {
    let stage = work.join(package);
    fresh_dir(&stage)?;
    let installers = root.join("installers");
    let read = |p: PathBuf| std::fs::read(&p).map_err(io(&p));
    let exe = read(bin_path.to_path_buf())?;
    put(&stage, &format!("usr/bin/{package}"), &exe, 0o755)?;
    let unit = read(
        installers
            .join("systemd")
            .join(format!("{package}.service")),
    )?;
    put(
        &stage,
        &format!("lib/systemd/system/{package}.service"),
        &unit,
        0o644,
    )?;
    let env = read(installers.join("systemd").join(format!("{package}.env")))?;
    let env_path = format!("/etc/yyt/{package}.env");
    put(&stage, &env_path, &env, 0o640)?;
    for script in ["postinst", "prerm", "postrm"] {
        let text = read(installers.join("debian").join(script))?;
        put(&stage, &format!("DEBIAN/{script}"), &text, 0o755)?;
    }
    put(
        &stage,
        "DEBIAN/conffiles",
        format!("{env_path}\n").as_bytes(),
        0o644,
    )?;
    let mut depends = shlib_depends(bin_path, work)?;
    // postinst creates the service user with useradd.
    depends.push("passwd".into());
    if binary == "hall-node" {
        // It records the hall's cameras with ffmpeg.
        depends.push("ffmpeg".into());
    }
    let description = format!(
        "Runs as the systemd service {package} under the system user yyt, with its data\n\
         in /var/lib/{package} and its settings in {env_path}. The binary is\n\
         /usr/bin/{package} (built from `{binary}`). Part of the 营业厅 Suite."
    );
    let control = Control {
        package,
        version,
        arch,
        depends: &depends,
        section: "net",
        summary,
        description: &description,
        installed_kib: installed_kib(&stage)?,
    };
    put(&stage, "DEBIAN/control", control.text().as_bytes(), 0o644)?;
    let out = out_dir.join(format!("{package}_{version}_{arch}.deb"));
    dpkg_deb(&stage, &out)?;
    Ok(out)
}

/// One desktop `.deb` to make from a built app binary.
pub struct DesktopDeb<'a> {
    pub binary: &'a Path,
    pub version: &'a str,
    /// Declared on top of [`DESKTOP_DEPENDS`] and what the binary links.
    pub extra_depends: &'a [String],
    /// Strip the binary and compress lightly: for test packages of debug builds.
    pub fast: bool,
}

/// Packages `spec.binary` (patched for the updater) as `out_dir/yyt-desktop_{version}_{arch}.deb`.
pub fn desktop_deb(spec: &DesktopDeb, work: &Path, out_dir: &Path) -> Result<PathBuf> {
    let root = workspace_root();
    let arch = stdout_of(
        "dpkg --print-architecture",
        Command::new("dpkg").arg("--print-architecture"),
    )?;
    std::fs::create_dir_all(work).map_err(io(work))?;
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let mut named: Vec<&str> = DESKTOP_DEPENDS.to_vec();
    named.extend(spec.extra_depends.iter().map(String::as_str));
    let depends = merge_depends(shlib_depends(spec.binary, work)?, &named);
    let mut bin = if spec.fast {
        let stripped = work.join(format!("{APP}-stripped"));
        run(
            "strip (test package)",
            Command::new("strip")
                .arg("--strip-debug")
                .arg("-o")
                .arg(&stripped)
                .arg(spec.binary),
        )?;
        std::fs::read(&stripped).map_err(io(&stripped))?
    } else {
        std::fs::read(spec.binary).map_err(io(spec.binary))?
    };
    patch_bundle_type(&mut bin, BUNDLE_DEB)?;
    let stage = work.join(format!("{APP}-deb"));
    stage_desktop(&stage, &root, &bin)?;
    let control = Control {
        package: APP,
        version: spec.version,
        arch: &arch,
        depends: &depends,
        section: "misc",
        summary: &format!("{DESCRIPTION_ZH} / {DESCRIPTION_EN}"),
        description: DESKTOP_LONG,
        installed_kib: installed_kib(&stage)?,
    };
    put(&stage, "DEBIAN/control", control.text().as_bytes(), 0o644)?;
    let deb = out_dir.join(format!("{APP}_{}_{arch}.deb", spec.version));
    files_under(&stage)?;
    let _ = std::fs::remove_file(&deb);
    let mut c = Command::new("dpkg-deb");
    c.arg("--root-owner-group");
    if spec.fast {
        c.args(["-Zgzip", "-z1"]);
    }
    run(
        &format!("dpkg-deb ({})", deb.display()),
        c.arg("--build").arg(&stage).arg(&deb),
    )?;
    Ok(deb)
}

/// The `Depends` a built `.deb` declares, as dpkg reads them.
pub fn declared_depends(deb: &Path) -> Result<String> {
    stdout_of(
        "dpkg-deb -f",
        Command::new("dpkg-deb").arg("-f").arg(deb).arg("Depends"),
    )
}

/// The package names of a `Depends` field: the first of each set of
/// alternatives, without version or architecture qualifiers.
pub fn depends_packages(depends: &str) -> Vec<String> {
    depends
        .split(',')
        .filter_map(|d| {
            let first = d.split('|').next()?.trim();
            let name = first.split([' ', '(', ':']).next()?.trim();
            (!name.is_empty()).then(|| name.to_owned())
        })
        .collect()
}

/// Checks `YYT_UPDATE_PUBKEY`: absent is allowed (with a loud warning), garbage is not.
fn check_pubkey() -> Result {
    match std::env::var("YYT_UPDATE_PUBKEY") {
        Ok(key) if !key.trim().is_empty() => {
            use base64::Engine;
            let text = base64::engine::general_purpose::STANDARD
                .decode(key.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| {
                    Fail("YYT_UPDATE_PUBKEY is not base64 text (use the .pub.b64 file of `cargo xtask release keygen`)".into())
                })?;
            minisign::PublicKeyBox::from_string(&text)
                .and_then(|b| b.into_public_key())
                .map_err(|e| {
                    Fail(format!(
                        "YYT_UPDATE_PUBKEY is not a minisign public key: {e}"
                    ))
                })?;
            eprintln!("xtask: the app will accept updates signed by the key in YYT_UPDATE_PUBKEY");
            Ok(())
        }
        _ => {
            eprintln!(
                "\nxtask: WARNING: YYT_UPDATE_PUBKEY is not set: these installers CANNOT UPDATE \
                 themselves (the app will say \"updates are off\").\n       For a real release: \
                 YYT_UPDATE_PUBKEY=$(cat KEYDIR/yyt-update.pub.b64) cargo xtask dist --version X.Y.Z\n"
            );
            Ok(())
        }
    }
}

/// `dist`'s arguments.
#[derive(Debug, clap::Args)]
// clap leaves `[OPTIONS]` out of the usage line when the only option is named `--version`.
#[command(override_usage = "cargo xtask dist [--version <X.Y.Z>]")]
pub struct Dist {
    /// 安装包的版本号（默认 src-tauri/tauri.conf.json 中的版本）/ the installers' version
    /// (default: the one in src-tauri/tauri.conf.json)
    #[arg(long, value_name = "X.Y.Z", value_parser = crate::release::version)]
    pub version: Option<String>,
}

pub fn dist(args: Dist) -> Result {
    let root = workspace_root();
    let version = match &args.version {
        None => configured_version(&root)?,
        Some(v) => v.clone(),
    };
    check_pubkey()?;
    let ctx = Ctx::new(Need::Dist)?;
    for tool in ["dpkg-deb", "dpkg-shlibdeps", "rpmbuild"] {
        if crate::toolchain::which(tool).is_none() {
            return fail(format!(
                "{tool} is missing (Debian packages: dpkg-dev, rpm)"
            ));
        }
    }
    let arch = stdout_of(
        "dpkg --print-architecture",
        Command::new("dpkg").arg("--print-architecture"),
    )?;

    ctx.build_ui()?;
    let mut app = ctx.cargo(&["build", "--release", "-p", APP, "--features", APP_FEATURES]);
    if args.version.is_none() {
        app.env_remove("TAURI_CONFIG");
    } else {
        // tauri-build merges it into tauri.conf.json: the app reports this version.
        app.env(
            "TAURI_CONFIG",
            serde_json::json!({ "version": version }).to_string(),
        );
    }
    run("building the desktop app (release)", &mut app)?;
    run(
        "building the hall node and province server (release)",
        &mut ctx.cargo(&["build", "--release", "-p", "hall-node", "-p", "server"]),
    )?;

    let release = ctx.target.join("release");
    let out_dir = dist_dir();
    std::fs::create_dir_all(&out_dir).map_err(io(&out_dir))?;
    let work = ctx.target.join("dist-work");
    fresh_dir(&work)?;
    let mut produced = Vec::new();

    let app_bin = release.join(APP);
    let unpatched = std::fs::read(&app_bin).map_err(io(&app_bin))?;

    eprintln!("\n==> {APP} {version} .deb");
    produced.push(desktop_deb(
        &DesktopDeb {
            binary: &app_bin,
            version: &version,
            extra_depends: &[],
            fast: false,
        },
        &work,
        &out_dir,
    )?);

    eprintln!("\n==> {APP} {version} .rpm");
    let mut bin = unpatched;
    patch_bundle_type(&mut bin, BUNDLE_RPM)?;
    let stage = work.join(format!("{APP}-rpm"));
    stage_desktop(&stage, &root, &bin)?;
    produced.push(rpmbuild(&version, &stage, &work, &out_dir)?);

    for service in SERVICES {
        eprintln!("\n==> {} {version} .deb", service.0);
        let bin = release.join(service.1);
        produced.push(service_deb(
            &root, &work, &out_dir, *service, &bin, &version, &arch,
        )?);
    }
    let _ = std::fs::remove_dir_all(&work);

    println!("\ninstallers in {}:", out_dir.display());
    for p in &produced {
        let size = std::fs::metadata(p).map_err(io(p))?.len();
        println!(
            "  {:<44} {:>12} bytes  {:>7.1} MiB",
            p.file_name().unwrap_or_default().to_string_lossy(),
            size,
            size as f64 / 1048576.0
        );
    }
    Ok(())
}
