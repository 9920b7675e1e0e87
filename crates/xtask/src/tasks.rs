//! The commands themselves: demo, test, bench, tidy, setup.

use crate::toolchain::{self, Need, Tools};
use crate::{cache_dir, fail, run, target_dir, tidy, workspace_root, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Feature that makes the app serve the built UI from inside the binary.
pub(crate) const APP_FEATURES: &str = "yyt-desktop/custom-protocol";
const XVFB_SCREEN: &str = "-screen 0 1280x800x24";
/// The demo hall's simulated customers and clerks run this many times faster than life.
const DEMO_SPEED: &str = "20";

pub(crate) struct Ctx {
    pub(crate) root: PathBuf,
    pub(crate) target: PathBuf,
    tools: Tools,
}

impl Ctx {
    pub(crate) fn new(need: Need) -> Result<Self> {
        let tools = toolchain::ensure(need)?;
        ensure_runtime_dir()?;
        Ok(Self {
            root: workspace_root(),
            target: target_dir(),
            tools,
        })
    }

    /// A command with the tools on PATH and the shared target dir.
    pub(crate) fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.current_dir(&self.root)
            .env("PATH", &self.tools.path)
            .env("CARGO_TARGET_DIR", &self.target);
        c
    }

    pub(crate) fn cargo(&self, args: &[&str]) -> Command {
        let mut c = self.cmd(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        c.args(args);
        c
    }

    pub(crate) fn build_ui(&self) -> Result {
        let mut c = self.cmd("trunk");
        c.current_dir(self.root.join("ui"))
            .args(["build", "--release"]);
        run("building the UI (trunk)", &mut c)
    }

    fn build_app(&self, release: bool) -> Result<PathBuf> {
        let mut args = vec!["build", "-p", "yyt-desktop", "--features", APP_FEATURES];
        if release {
            args.push("--release");
        }
        run("building the desktop app", &mut self.cargo(&args))?;
        Ok(self.app_binary(release))
    }

    /// Builds the test cameras (`yyt-testcam`) and answers where they are.
    fn testcam(&self) -> Result<PathBuf> {
        run(
            "building the test cameras",
            &mut self.cargo(&["build", "-p", "testcam", "--bin", "yyt-testcam"]),
        )?;
        Ok(self.target.join("debug").join("yyt-testcam"))
    }

    fn app_binary(&self, release: bool) -> PathBuf {
        self.target
            .join(if release { "release" } else { "debug" })
            .join("yyt-desktop")
    }

    fn screenshots(&self) -> PathBuf {
        self.root.join("target").join("screenshots")
    }
}

/// WebKit under Xvfb wants a private runtime dir.
fn ensure_runtime_dir() -> Result {
    if std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).is_dir()) {
        return Ok(());
    }
    let dir = cache_dir().join("runtime");
    std::fs::create_dir_all(&dir).map_err(|e| crate::Fail(format!("{}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    }
    // Set for this process so every child inherits it.
    std::env::set_var("XDG_RUNTIME_DIR", &dir);
    Ok(())
}

/// Times named steps and prints a summary at the end.
struct Steps {
    start: Instant,
    done: Vec<(String, Duration)>,
}

impl Steps {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            done: Vec::new(),
        }
    }

    fn step(&mut self, name: &str, f: impl FnOnce() -> Result) -> Result {
        eprintln!("\n==> {name}");
        let t = Instant::now();
        let r = f();
        self.done.push((name.to_owned(), t.elapsed()));
        r
    }

    fn summary(&self) {
        eprintln!("\n==> summary");
        for (name, d) in &self.done {
            eprintln!("  {:>7.1}s  {name}", d.as_secs_f64());
        }
        eprintln!("  {:>7.1}s  total", self.start.elapsed().as_secs_f64());
    }
}

pub fn setup() -> Result {
    Ctx::new(Need::Test).map(|_| eprintln!("xtask: every tool is in place"))
}

pub fn tidy() -> Result {
    let problems = tidy::check(&workspace_root())?;
    if problems.is_empty() {
        eprintln!("tidy: layering and headers are in order");
        return Ok(());
    }
    for p in &problems {
        eprintln!("tidy: {p}");
    }
    fail(format!("tidy found {} problem(s)", problems.len()))
}

pub fn test() -> Result {
    let mut steps = Steps::new();
    let mut ctx = None;
    steps.step("install what is missing", || {
        ctx = Some(Ctx::new(Need::Test)?);
        // Every build of this run trusts the throwaway update key, so the
        // app the journeys drive is the one the update journey installs.
        let key = TestKey::ensure()?;
        std::env::set_var("YYT_UPDATE_PUBKEY", key.public_b64()?);
        Ok(())
    })?;
    let ctx = ctx.expect("set by the step above");
    let result = test_steps(&ctx, &mut steps);
    steps.summary();
    result
}

/// What `cargo test` and the app builds select: every host crate, with the app serving its built UI.
const HOST_CRATES: &[&str] = &[
    "--workspace",
    "--exclude",
    "ui",
    "--exclude",
    "e2e",
    "--features",
    APP_FEATURES,
];

fn test_steps(ctx: &Ctx, steps: &mut Steps) -> Result {
    steps.step("format", || {
        run(
            "cargo fmt --check (run `cargo fmt --all` to fix)",
            &mut ctx.cargo(&["fmt", "--all", "--check"]),
        )
    })?;
    steps.step("tidy", tidy)?;
    steps.step("build the UI", || ctx.build_ui())?;
    steps.step("clippy", || {
        let mut args = vec!["clippy"];
        args.extend_from_slice(HOST_CRATES);
        args.extend_from_slice(&["--all-targets", "--", "-D", "warnings"]);
        run("clippy (host crates)", &mut ctx.cargo(&args))?;
        run(
            "clippy (ui, wasm)",
            &mut ctx.cargo(&[
                "clippy",
                "-p",
                "ui",
                "--target",
                toolchain::WASM_TARGET,
                "--",
                "-D",
                "warnings",
            ]),
        )
    })?;
    steps.step("unit and integration tests (SQLite and PostgreSQL)", || {
        let pg = crate::postgres::Postgres::start()?;
        let mut args = vec!["test"];
        args.extend_from_slice(HOST_CRATES);
        run(
            "cargo test",
            ctx.cargo(&args)
                .env("YYT_TEST_PG_URL", &pg.url)
                .env("YYT_REQUIRE_PG", "1"),
        )
    })?;
    steps.step("the Windows build (cargo check)", || {
        crate::windows::check(ctx)
    })?;
    let app = ctx.app_binary(false);
    let mut update = Vec::new();
    steps.step("the desktop app, versions N and N+1", || {
        update = UpdateJourney::build(ctx)?.env();
        Ok(())
    })?;
    steps.step(
        "end to end through the real window (Xvfb + WebDriver)",
        || {
            run_e2e_with(
                ctx,
                &app,
                &["test", "-p", "e2e", "--", "--test-threads=1"],
                &update,
            )
        },
    )
}

/// The throwaway update signing key of the test command, kept in the cache (outside the clone).
struct TestKey {
    public: PathBuf,
    secret: PathBuf,
}

impl TestKey {
    fn ensure() -> Result<Self> {
        let keys = cache_dir().join("test-update-key");
        let key = Self {
            public: keys.join(crate::release::PUBLIC_FILE),
            secret: keys.join(crate::release::SECRET_FILE),
        };
        if !key.public.is_file() || !key.secret.is_file() {
            let _ = std::fs::remove_dir_all(&keys);
            crate::release::keygen(crate::release::Keygen {
                out: keys,
                no_password: true,
            })?;
        }
        Ok(key)
    }

    fn public_b64(&self) -> Result<String> {
        std::fs::read_to_string(&self.public)
            .map(|k| k.trim().to_owned())
            .map_err(|e| crate::Fail(format!("{}: {e}", self.public.display())))
    }
}

/// A Debian package the update journey's N+1 declares beyond N: small, in
/// Debian's main archive, and on no counter PC. The journey checks it is
/// absent first, so apt must bring it from the PC's sources.
const NEW_DEPENDENCY: &str = "hello";
/// A dependency no package source has: the journey's N+2 must be refused up front.
const UNAVAILABLE_DEPENDENCY: &str = "yyt-test-no-such-runtime";

/// What the signed-update journey installs and publishes: the debug app the
/// other journeys drive, packaged as version N; the same sources built as
/// N+1 (one more dependency); and N+2, which declares a dependency no source
/// has. All trust the test key. Debug builds keep this step to a couple of
/// minutes; the packages are real `.deb`s made by the code that makes releases.
struct UpdateJourney {
    old: PathBuf,
    new: PathBuf,
    unavailable: PathBuf,
    key: TestKey,
    province: PathBuf,
}

impl UpdateJourney {
    fn build(ctx: &Ctx) -> Result<Self> {
        let key = TestKey::ensure()?;
        let old = env!("CARGO_PKG_VERSION").to_owned();
        let bump = |by: u64| -> String {
            let mut parts: Vec<u64> = old.split('.').filter_map(|p| p.parse().ok()).collect();
            if let Some(patch) = parts.last_mut() {
                *patch += by;
            }
            parts
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(".")
        };
        let (new, next) = (bump(1), bump(2));
        let work = ctx.target.join("update-journey");
        std::fs::create_dir_all(&work)
            .map_err(|e| crate::Fail(format!("{}: {e}", work.display())))?;

        // N+1 first, in artifacts of its own (the feature), then N: the app every journey drives.
        let mut args = vec!["build"];
        args.extend_from_slice(HOST_CRATES);
        let next_features = format!("{APP_FEATURES},yyt-desktop/test-next-version");
        let mut n1 = args.clone();
        *n1.last_mut().expect("features") = &next_features;
        run(
            &format!("building the desktop app as {new}"),
            ctx.cargo(&n1)
                // tauri-build merges it into tauri.conf.json: the app reports this version.
                .env("TAURI_CONFIG", format!("{{\"version\":\"{new}\"}}")),
        )?;
        let new_bin = work.join(format!("yyt-desktop-{new}"));
        copy(&ctx.app_binary(false), &new_bin)?;
        run(
            "building the desktop app",
            ctx.cargo(&args).env_remove("TAURI_CONFIG"),
        )?;

        let debs = work.join("debs");
        let package = |binary: &Path, version: &str, extra: &[&str]| {
            let extra: Vec<String> = extra.iter().map(|d| (*d).to_owned()).collect();
            crate::dist::desktop_deb(
                &crate::dist::DesktopDeb {
                    binary,
                    version,
                    extra_depends: &extra,
                    fast: true,
                },
                &work.join("stage"),
                &debs,
            )
        };
        let old_deb = package(&ctx.app_binary(false), &old, &[])?;
        let new_deb = package(&new_bin, &new, &[NEW_DEPENDENCY])?;
        // Never installed, so N+1's binary serves: only its declared dependency matters.
        let unavailable = package(&new_bin, &next, &[UNAVAILABLE_DEPENDENCY])?;
        install_declared(&old_deb)?;
        Ok(Self {
            old: old_deb,
            new: new_deb,
            unavailable,
            key,
            province: ctx.target.join("debug").join("province-server"),
        })
    }

    fn env(&self) -> Vec<(String, String)> {
        let show = |p: &Path| p.display().to_string();
        vec![
            ("YYT_UPDATE_DEB_OLD".into(), show(&self.old)),
            ("YYT_UPDATE_DEB_NEW".into(), show(&self.new)),
            ("YYT_UPDATE_DEB_UNAVAILABLE".into(), show(&self.unavailable)),
            ("YYT_UPDATE_NEW_DEPENDENCY".into(), NEW_DEPENDENCY.into()),
            ("YYT_UPDATE_KEY".into(), show(&self.key.secret)),
            ("YYT_UPDATE_PUBKEY_FILE".into(), show(&self.key.public)),
            ("YYT_PROVINCE_BINARY".into(), show(&self.province)),
        ]
    }
}

fn copy(from: &Path, to: &Path) -> Result {
    std::fs::copy(from, to).map(|_| ()).map_err(|e| {
        crate::Fail(format!(
            "copying {} to {}: {e}",
            from.display(),
            to.display()
        ))
    })
}

/// Installs what a built `.deb` declares (its `Depends`, read back from the
/// package), then checks with apt that nothing it needs is still missing, so
/// a dependency added to the package can never be missing from the setup.
fn install_declared(deb: &Path) -> Result {
    let declared = crate::dist::declared_depends(deb)?;
    let packages = crate::dist::depends_packages(&declared);
    let names: Vec<&str> = packages.iter().map(String::as_str).collect();
    toolchain::ensure_apt(&names)?;
    let out = Command::new("apt-get")
        .args(["install", "--simulate", "--no-install-recommends"])
        .arg(deb)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .map_err(|e| crate::Fail(format!("apt-get: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let missing: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("Inst "))
        .filter_map(|l| l.split([' ', ':']).next())
        .filter(|name| *name != "yyt-desktop")
        .collect();
    if !out.status.success() || !missing.is_empty() {
        return fail(format!(
            "{} declares {declared}
       but after the setup apt would still install: {} {}",
            deb.display(),
            missing.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}

/// Runs `cargo <args>` for the e2e crate under Xvfb with the app and driver named.
fn run_e2e(ctx: &Ctx, app: &Path, cargo_args: &[&str]) -> Result {
    run_e2e_with(ctx, app, cargo_args, &[])
}

fn run_e2e_with(ctx: &Ctx, app: &Path, cargo_args: &[&str], env: &[(String, String)]) -> Result {
    let shots = ctx.screenshots();
    std::fs::create_dir_all(&shots)
        .map_err(|e| crate::Fail(format!("{}: {e}", shots.display())))?;
    let mut c = ctx.cmd("xvfb-run");
    c.args(["-a", "-s", XVFB_SCREEN])
        .arg(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(cargo_args)
        .env("YYT_APP_BINARY", app)
        .env("YYT_TESTCAM", ctx.testcam()?)
        .env("YYT_SCREENSHOT_DIR", &shots)
        .envs(env.iter().map(|(k, v)| (k, v)));
    if let Some(driver) = &ctx.tools.tauri_driver {
        c.env("TAURI_DRIVER", driver);
    }
    run("end-to-end tests", &mut c)?;
    eprintln!("screenshots: {}", shots.display());
    Ok(())
}

/// The benchmarks `cargo xtask bench` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Bench {
    /// 应用启动与内存 / app start-up and memory
    Startup,
    /// 排队引擎每秒操作数 / queue engine ops/s
    Queue,
    /// 100 个窗口下的营业厅节点 / the hall node under 100 counters
    Hall,
    /// 省级服务器接收上传 / province uploads
    Ingest,
    /// 办结业务到达省级服务器 / a finished service reaching the province
    Propagation,
    /// 1000 台模拟设备经 MQTT 上报 / 1,000 simulated devices reporting over MQTT
    Devices,
    /// 设备故障到告警的时延 / device fault to alarm latency (1,000 devices, the real hall node)
    Alarms,
    /// 应急触发到值班台提示、启动预案到各岗位屏幕的时延 / emergency trigger to the duty console's
    /// proposal, and activation to every acknowledging screen (the real hall node)
    Emergency,
    /// 营业厅辖区客户档案：调取档案与模糊查询的时延、接收辖区的速度 / the record pop and
    /// fuzzy search at a hall holding its area, and how fast it takes the area in
    /// (YYT_BENCH_CUSTOMERS accounts, default 100,000)
    Customers,
    /// 四路 720p 录像的 CPU 与磁盘、事件到首帧、实时时延 / four 720p cameras recorded (CPU,
    /// disk), event to first frame, live latency (YYT_BENCH_VIDEO_MINUTES, default 10)
    Video,
}

pub fn bench(which: Bench) -> Result {
    match which {
        Bench::Startup => {
            let ctx = Ctx::new(Need::Test)?;
            ctx.build_ui()?;
            let app = ctx.build_app(true)?;
            let size = std::fs::metadata(&app).map(|m| m.len()).unwrap_or(0);
            eprintln!(
                "release binary: {} ({:.1} MiB)",
                app.display(),
                size as f64 / 1048576.0
            );
            run_e2e(&ctx, &app, &["bench", "-p", "e2e", "--bench", "startup"])
        }
        Bench::Queue => cargo_bench("benchmark queue", "queue", "engine", None),
        Bench::Hall => cargo_bench("benchmark hall", "hall-node", "load", None),
        Bench::Ingest => province_bench("ingest"),
        Bench::Propagation => province_bench("propagation"),
        Bench::Devices => cargo_bench("benchmark devices", "hall-node", "devices", None),
        Bench::Alarms => cargo_bench("benchmark alarms", "hall-node", "alarms", None),
        Bench::Emergency => cargo_bench("benchmark emergency", "hall-node", "emergency", None),
        Bench::Customers => cargo_bench("benchmark customers", "hall-node", "customers", None),
        Bench::Video => {
            // The test cameras, ffmpeg, Debian's Chromium and chromedriver, hls.js in ui/vendor.
            let ctx = Ctx::new(Need::Test)?;
            let testcam = ctx.testcam()?;
            let mut c = ctx.cargo(&["bench", "-p", "e2e", "--bench", "video"]);
            c.env("YYT_TESTCAM", testcam);
            run("benchmark video", &mut c)
        }
    }
}

/// The province's benchmarks run on SQLite and on a private PostgreSQL.
fn province_bench(bench: &str) -> Result {
    let pg = crate::postgres::Postgres::start()?;
    cargo_bench(
        &format!("province {bench} benchmark (SQLite and PostgreSQL)"),
        "server",
        bench,
        Some(&pg.url),
    )
}

/// `cargo bench -p package --bench bench`, given a PostgreSQL to test on when `pg_url` is set.
fn cargo_bench(what: &str, package: &str, bench: &str, pg_url: Option<&str>) -> Result {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(workspace_root())
        .env("CARGO_TARGET_DIR", target_dir())
        .args(["bench", "-p", package, "--bench", bench]);
    if let Some(url) = pg_url {
        c.env("YYT_TEST_PG_URL", url);
    }
    run(what, &mut c)
}

/// The demo's cameras: `yyt-testcam` serving `cam-1` and `cam-2` at
/// `rtsp://127.0.0.1:7554` (where the demo hall's cameras look), 1280×720 at
/// 15 frames a second. Stopped when dropped.
struct DemoCameras {
    child: std::process::Child,
}

impl DemoCameras {
    fn start(ctx: &Ctx) -> Result<Self> {
        let exe = ctx.testcam()?;
        let child = Command::new(&exe)
            .args(["--port", "7554", "--camera", "cam-1", "--camera", "cam-2"])
            .args(["--size", "1280x720", "--fps", "15"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .map_err(|e| crate::Fail(format!("starting {}: {e}", exe.display())))?;
        eprintln!(
            "xtask: the demo's test cameras stream at rtsp://127.0.0.1:7554/cam-1 and /cam-2"
        );
        Ok(Self { child })
    }
}

impl Drop for DemoCameras {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo's province: a `province-server` process beside the app, with the
/// demo hall registered once. Stopped when dropped.
struct DemoProvince {
    child: std::process::Child,
    url: String,
    token: String,
}

impl DemoProvince {
    fn start(ctx: &Ctx, data: &Path) -> Result<Self> {
        run(
            "building the province server",
            &mut ctx.cargo(&["build", "-p", "server", "--bin", "province-server"]),
        )?;
        let exe = ctx.target.join("debug").join("province-server");
        std::fs::create_dir_all(data)
            .map_err(|e| crate::Fail(format!("{}: {e}", data.display())))?;
        let db = format!("sqlite://{}?mode=rwc", data.join("province.db").display());
        // Registered once per demo database; the tokens are kept beside it.
        let registered = |file: &str, args: &[&str]| -> Result<String> {
            let path = data.join(file);
            if !path.exists() {
                let out = Command::new(&exe)
                    .args(["--db", &db])
                    .args(args)
                    .output()
                    .map_err(|e| crate::Fail(format!("province-server: {e}")))?;
                if !out.status.success() {
                    return fail(format!(
                        "registering {args:?} at the demo province: {}",
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
                let token = String::from_utf8_lossy(&out.stdout)
                    .trim()
                    .rsplit(' ')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                std::fs::write(&path, token)
                    .map_err(|e| crate::Fail(format!("{}: {e}", path.display())))?;
            }
            std::fs::read_to_string(&path)
                .map(|t| t.trim().to_owned())
                .map_err(|e| crate::Fail(format!("{}: {e}", path.display())))
        };
        let token = registered("province.token", &["--add-hall", "H0101", "城东供电营业厅"])?;
        let maintainer = registered("maintainer.token", &["--add-maintainer", "演示运维"])?;
        let listen = "127.0.0.1:7500";
        let child = Command::new(&exe)
            .args(["--db", &db, "--listen", listen])
            .stdout(std::process::Stdio::null())
            .spawn()
            .map_err(|e| crate::Fail(format!("starting province-server: {e}")))?;
        eprintln!(
            "xtask: the demo province server is at http://{listen} (data in {})\n       \
             its maintainers' API (crates/server/API.md): \
             curl -H 'Authorization: Bearer {maintainer}' http://{listen}/admin/v1/halls",
            data.display()
        );
        let province = Self {
            child,
            url: format!("http://{listen}"),
            token,
        };
        // Dropped (and stopped) when the programs cannot be published.
        demo_programs(listen, &maintainer)?;
        demo_planning(listen, &maintainer, data)?;
        Ok(province)
    }
}

/// The demo province's programs for the halls' screens (published again at
/// each start, so they run from now for a year): the opening hours beside the
/// calls and two scrolling texts in the ticker.
fn demo_programs(listen: &str, maintainer: &str) -> Result {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let programs = [
        (
            "hours",
            "营业时间",
            "notice",
            "本厅营业时间：周一至周日 8:30–17:30（法定节假日另行通知）",
        ),
        (
            "bill",
            "电费缴纳提醒",
            "scroll",
            "电费缴纳提醒：请于每月 25 日前缴清电费，可使用网上国网 App 或自助终端缴费",
        ),
        (
            "peak",
            "业务高峰",
            "scroll",
            "业务高峰期间请使用自助终端办理查询、缴费业务",
        ),
    ];
    // The server was just started: give it a few seconds to listen.
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(listen).is_err() {
        if Instant::now() > deadline {
            return fail(format!("the demo province does not listen on {listen}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for (id, title, kind, text) in programs {
        let body = serde_json::json!({
            "title": title, "content": {"kind": kind, "text": text}, "seconds": 20,
            "from_ms": now - 60_000, "until_ms": now + 365 * 86_400_000,
        });
        crate::release::call(
            &agent,
            "PUT",
            &format!("http://{listen}/admin/v1/programs/{id}"),
            maintainer,
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
            &format!("the demo program {id}"),
        )?;
    }
    Ok(())
}

/// What the demo's planner needs at the province: the demo hall's businesses
/// as the catalogue plans are checked against, and the planner account 4001
/// (预案编制, password demo-4001) of the demo hall, created once (a password
/// changed since is kept).
fn demo_planning(listen: &str, maintainer: &str, data: &Path) -> Result {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let json = [("content-type", "application/json")];
    for b in queue::QueueConfig::demo().businesses {
        let record = sync_proto::owned::BusinessRecord {
            name_zh: b.name_zh,
            name_en: b.name_en,
            default_service_secs: b.default_service_secs,
        };
        let body = serde_json::to_vec(&record).map_err(|e| crate::Fail(e.to_string()))?;
        let code = b.code.to_string();
        crate::release::call(
            &agent,
            "PUT",
            &format!("http://{listen}/admin/v1/businesses/{code}"),
            maintainer,
            &json,
            &body,
            &format!("the demo business {code}"),
        )?;
    }
    let marker = data.join("planner.added");
    if !marker.exists() {
        let account = serde_json::json!({
            "name": "钱敏", "role": "planner", "hall": "H0101", "password": "demo-4001",
        });
        crate::release::call(
            &agent,
            "PUT",
            &format!("http://{listen}/admin/v1/staff/4001"),
            maintainer,
            &json,
            account.to_string().as_bytes(),
            "the demo planner 4001",
        )?;
        std::fs::write(&marker, "4001\n")
            .map_err(|e| crate::Fail(format!("{}: {e}", marker.display())))?;
    }
    Ok(())
}

impl Drop for DemoProvince {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn demo() -> Result {
    let ctx = Ctx::new(Need::Demo)?;
    ctx.build_ui()?;
    let app = ctx.build_app(false)?;
    let data = cache_dir().join("demo");
    eprintln!(
        "\nxtask: demo data lives in {} (delete it to start afresh)",
        data.display()
    );
    let province = DemoProvince::start(&ctx, &data.join("province"))?;
    let _cameras = DemoCameras::start(&ctx)?;
    let has_display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if has_display {
        let mut c = ctx.cmd(&app);
        c.env("YYT_DATA_DIR", &data)
            .env("YYT_DEMO_SIM", DEMO_SPEED)
            .env("YYT_PROVINCE_URL", &province.url)
            .env("YYT_PROVINCE_TOKEN", &province.token);
        return run("the desktop app", &mut c);
    }
    let shots = ctx.screenshots();
    std::fs::create_dir_all(&shots)
        .map_err(|e| crate::Fail(format!("{}: {e}", shots.display())))?;
    let shot = shots.join("demo.png");
    eprintln!(
        "xtask: no display here (DISPLAY is not set). Starting the suite under Xvfb for 15 s \
         and saving a screenshot to {}.\n       On a desktop, run `cargo xtask demo` there to use the window.",
        shot.display()
    );
    let script = format!(
        "\"$0\" & pid=$!; sleep 12; import -window root '{}'; kill $pid; wait $pid 2>/dev/null; exit 0",
        shot.display()
    );
    let mut c = ctx.cmd("xvfb-run");
    c.args(["-a", "-s", XVFB_SCREEN, "sh", "-c", &script])
        .arg(&app)
        .env("YYT_DATA_DIR", &data)
        .env("YYT_DEMO_SIM", DEMO_SPEED)
        .env("YYT_PROVINCE_URL", &province.url)
        .env("YYT_PROVINCE_TOKEN", &province.token);
    run("the desktop app under Xvfb", &mut c)?;
    if !shot.exists() {
        return fail("the screenshot was not written; see the output above");
    }
    eprintln!("xtask: screenshot saved: {}", shot.display());
    Ok(())
}
