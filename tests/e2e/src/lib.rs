//! Drives the real desktop app through tauri-driver: launch, find, type, screenshot, close.
//!
//! Needs `YYT_APP_BINARY` (the app built with the `custom-protocol` feature)
//! and a display (Xvfb); `cargo xtask test` provides both. `TAURI_DRIVER`
//! names the driver binary when it is not on PATH.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use fantoccini;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T = ()> = std::result::Result<T, Error>;

/// How long to wait for something to appear before failing.
pub const WAIT: Duration = Duration::from_secs(20);

/// One running app instance with its own data, driven over WebDriver.
pub struct App {
    pub client: Client,
    driver: Child,
    pub data: tempfile::TempDir,
    /// How long from asking for the window to the WebDriver session being ready.
    pub launched_in: Duration,
}

fn env_path(name: &str) -> Result<PathBuf> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| format!("{name} is not set; run the suite with `cargo xtask test`").into())
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl App {
    /// Starts tauri-driver, which starts the app in a fresh data dir.
    pub async fn launch() -> Result<Self> {
        Self::launch_in(tempfile::tempdir()?).await
    }

    /// The address of the hall node this app hosts (written by the app at start).
    pub async fn hall_addr(&self) -> Result<String> {
        let file = self.data.path().join("app").join("hall-node.addr");
        for _ in 0..100 {
            if let Ok(addr) = std::fs::read_to_string(&file) {
                return Ok(addr.trim().to_owned());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("{} was not written", file.display()).into())
    }

    /// The demo devices' tokens of the hosted hall node, by name (`kiosk`, `display`, `pad-1`…).
    pub async fn device_tokens(&self) -> Result<serde_json::Map<String, serde_json::Value>> {
        let store = store::Store::open(&self.data.path().join("app").join("hall.db")).await?;
        let json = store
            .setting("demo_device_tokens")
            .await?
            .ok_or("the hall has no demo devices")?;
        store.close().await;
        Ok(serde_json::from_str(&json)?)
    }

    /// Starts the app in a fresh data dir with extra environment.
    pub async fn launch_with(env: &[(&str, &str)]) -> Result<Self> {
        Self::launch_binary(env_path("YYT_APP_BINARY")?, tempfile::tempdir()?, env).await
    }

    /// The hosted hall's MQTT devices, simulated from here against its broker
    /// (launch with `YYT_DEMO_DEVICES=off`, so the app's own do not run).
    pub async fn simulate_devices(&self) -> Result<hall_node::devsim::DevSim> {
        use hall_node::devsim::{DevSim, SimConfig};
        let file = self.data.path().join("app").join("hall-node.mqtt");
        let mut addr = None;
        for _ in 0..100 {
            if let Ok(a) = std::fs::read_to_string(&file) {
                addr = Some(a.trim().parse::<std::net::SocketAddr>()?);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let addr = addr.ok_or_else(|| format!("{} was not written", file.display()))?;
        let store = store::Store::open(&self.data.path().join("app").join("hall.db")).await?;
        let fleet = hall_node::devsim::demo_fleet(&store).await?;
        let hall = store.this_hall().await?;
        store.close().await;
        if fleet.is_empty() {
            return Err("the hall has no demo MQTT devices".into());
        }
        let mut cfg = SimConfig::new(hall.code.as_str(), &addr.ip().to_string(), addr.port());
        cfg.heartbeat = Duration::from_secs(2);
        Ok(DevSim::start(cfg, fleet))
    }

    /// Closes the app and starts it again on the same data.
    pub async fn relaunch(self) -> Result<Self> {
        let mut this = self;
        let data = std::mem::replace(&mut this.data, tempfile::tempdir()?);
        this.close().await?;
        Self::launch_in(data).await
    }

    async fn launch_in(data: tempfile::TempDir) -> Result<Self> {
        Self::launch_binary(env_path("YYT_APP_BINARY")?, data, &[]).await
    }

    /// Closes the app and starts it again on the same data, with extra environment.
    pub async fn relaunch_with(self, env: &[(&str, &str)]) -> Result<Self> {
        let mut this = self;
        let data = std::mem::replace(&mut this.data, tempfile::tempdir()?);
        this.close().await?;
        // The new run writes its own address.
        let _ = std::fs::remove_file(data.path().join("app").join("hall-node.addr"));
        Self::launch_binary(env_path("YYT_APP_BINARY")?, data, env).await
    }

    /// Where the app saves exported clips (its videos folder, set for each run).
    pub fn videos_dir(&self) -> PathBuf {
        self.data.path().join("videos")
    }

    /// Starts `binary` (say, the one a package installed) in `data`, with extra environment.
    pub async fn launch_binary(
        binary: PathBuf,
        data: tempfile::TempDir,
        env: &[(&str, &str)],
    ) -> Result<Self> {
        if !binary.is_file() {
            return Err(format!("YYT_APP_BINARY {} is not a file", binary.display()).into());
        }
        let driver_bin = std::env::var_os("TAURI_DRIVER").unwrap_or_else(|| "tauri-driver".into());
        let port = free_port()?;
        let native_port = free_port()?;
        let xdg = |sub: &str| data.path().join(sub);
        for sub in ["app", "share", "config", "cache", "videos"] {
            std::fs::create_dir_all(xdg(sub))?;
        }
        // The user's videos folder (where clips are saved) inside the temp dir too.
        std::fs::write(
            xdg("config").join("user-dirs.dirs"),
            format!("XDG_VIDEOS_DIR=\"{}\"\n", xdg("videos").display()),
        )?;
        let driver = Command::new(&driver_bin)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            // The app and its webview keep everything inside the temp dir.
            .env("YYT_DATA_DIR", xdg("app"))
            // The hosted hall node takes any free port, so runs never collide.
            .env("YYT_HALL_LISTEN", "127.0.0.1:0")
            .env("XDG_DATA_HOME", xdg("share"))
            .env("XDG_CONFIG_HOME", xdg("config"))
            .env("XDG_CACHE_HOME", xdg("cache"))
            // The demo's cameras only where a test starts test cameras for them.
            .env("YYT_DEMO_CAMERAS", "off")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", driver_bin.to_string_lossy()))?;
        let mut guard = DriverGuard(Some(driver));
        wait_for_port(port).await?;

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary }),
        );
        let started = Instant::now();
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await?;
        let launched_in = started.elapsed();
        Ok(Self {
            client,
            driver: guard.0.take().expect("driver is held"),
            data,
            launched_in,
        })
    }

    pub async fn find(&self, css: &str) -> Result<Element> {
        Ok(self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("waiting for `{css}`: {e}"))?)
    }

    /// Waits until the element at `css` shows text containing `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) -> Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let last = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if last.contains(needle) {
                return Ok(last);
            }
            if Instant::now() > deadline {
                return Err(
                    format!("`{css}` shows {last:?}, expected it to contain {needle:?}").into(),
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the input at `css` holds exactly `value`.
    pub async fn wait_value(&self, css: &str, value: &str) -> Result {
        let deadline = Instant::now() + WAIT;
        loop {
            let last = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.prop("value").await.ok().flatten().unwrap_or_default(),
                Err(_) => String::new(),
            };
            if last == value {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("`{css}` holds {last:?}, expected {value:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether an element matches `css` right now.
    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    pub async fn type_into(&self, css: &str, text: &str) -> Result {
        let el = self.find(css).await?;
        el.clear().await?;
        if !text.is_empty() {
            el.send_keys(text).await?;
        }
        Ok(())
    }

    pub async fn click(&self, css: &str) -> Result {
        self.find(css).await?.click().await?;
        Ok(())
    }

    /// Presses keys on the focused element (WebDriver key codes allowed).
    pub async fn keys(&self, keys: &str) -> Result {
        let el = self.client.active_element().await?;
        el.send_keys(keys).await?;
        Ok(())
    }

    /// Saves a PNG of the screen the window is on (Xvfb's) to
    /// `YYT_SCREENSHOT_DIR` (or the temp dir): what the clerk sees, painted
    /// by the app as it runs for them. WebKit's WebDriver is not asked: it
    /// never answers a screenshot when WebKit presents without DMA-BUFs, as
    /// the app has it do.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        painted(&self.client).await;
        let path = screenshot_path(name)?;
        let display = std::env::var("DISPLAY").map_err(|_| "no DISPLAY to take a screenshot of")?;
        let out = tokio::process::Command::new("import")
            .args(["-display", &display, "-window", "root"])
            .arg(&path)
            .output();
        let out = tokio::time::timeout(Duration::from_secs(30), out)
            .await
            .map_err(|_| "the screenshot did not come back within 30 s")??;
        if !out.status.success() {
            return Err(format!(
                "taking a screenshot: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )
            .into());
        }
        Ok(path)
    }

    /// Closes the window and stops the driver.
    pub async fn close(mut self) -> Result {
        let closed = self.client.clone().close().await;
        stop(&mut self.driver);
        closed?;
        Ok(())
    }

    /// The pid of the app process (the child of WebKitWebDriver running the binary).
    pub fn app_pid(&self) -> Option<u32> {
        let binary = std::fs::canonicalize(std::env::var_os("YYT_APP_BINARY")?).ok()?;
        let mut todo = vec![self.driver.id()];
        while let Some(parent) = todo.pop() {
            for child in children(parent) {
                if std::fs::read_link(format!("/proc/{child}/exe"))
                    .ok()
                    .as_ref()
                    == Some(&binary)
                {
                    return Some(child);
                }
                todo.push(child);
            }
        }
        None
    }

    /// What the app holds right now: its process and WebKit's processes under it.
    pub fn footprint(&self) -> Option<Footprint> {
        Footprint::of(self.app_pid()?)
    }
}

/// How long ago the process `pid` started (to the kernel's clock tick, 10 ms).
pub fn process_age(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 22, `starttime`, in clock ticks after boot; 20 fields follow the name.
    let ticks: u64 = stat
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(19)?
        .parse()
        .ok()?;
    // SAFETY: sysconf and clock_gettime only write to the timespec we own.
    let (hz, now) = unsafe {
        let mut ts: libc::timespec = std::mem::zeroed();
        if libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) != 0 {
            return None;
        }
        (
            libc::sysconf(libc::_SC_CLK_TCK),
            Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32),
        )
    };
    let started = Duration::from_secs_f64(ticks as f64 / u64::try_from(hz).ok()? as f64);
    now.checked_sub(started)
}

fn children(pid: u32) -> Vec<u32> {
    let path = format!("/proc/{pid}/task/{pid}/children");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Resident memory of a process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    kib_field(&format!("/proc/{pid}/status"), "VmRSS:")
}

/// Proportional set size of a process, in KiB: its private pages plus its
/// share of every page it shares (a page mapped by three processes counts a
/// third in each), so the PSS of several processes adds up to what they hold.
pub fn pss_kib(pid: u32) -> Option<u64> {
    kib_field(&format!("/proc/{pid}/smaps_rollup"), "Pss:")
}

fn kib_field(file: &str, field: &str) -> Option<u64> {
    std::fs::read_to_string(file)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Every process below `pid` (children, their children…), from the parents in `/proc/*/stat`.
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(p) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`; the name may hold spaces and parentheses.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|s| s.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parent_of.push((p, ppid));
        }
    }
    let mut found = Vec::new();
    let mut todo = vec![pid];
    while let Some(parent) = todo.pop() {
        for &(child, _) in parent_of.iter().filter(|(_, pp)| *pp == parent) {
            found.push(child);
            todo.push(child);
        }
    }
    found
}

/// The name of a process's program (`WebKitWebProcess`…), from its executable or its `comm`.
fn program_name(pid: u32) -> String {
    std::fs::read_link(format!("/proc/{pid}/exe"))
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .ok()
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_default()
}

/// What the whole app holds: its own process and the WebKit processes it started, in KiB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    pub main_rss: u64,
    pub main_pss: u64,
    /// WebKit's web (content) processes.
    pub web_pss: u64,
    /// WebKit's network process.
    pub network_pss: u64,
    /// Anything else the app started (a GPU process, the sandbox's helpers).
    pub other_pss: u64,
}

impl Footprint {
    /// The process `pid` and all its descendants.
    pub fn of(pid: u32) -> Option<Self> {
        let mut f = Self {
            main_rss: rss_kib(pid)?,
            main_pss: pss_kib(pid)?,
            ..Self::default()
        };
        for child in descendants(pid) {
            let pss = pss_kib(child).unwrap_or(0);
            let name = program_name(child);
            if name.starts_with("WebKitWebProces") {
                f.web_pss += pss;
            } else if name.starts_with("WebKitNetworkPr") {
                f.network_pss += pss;
            } else {
                f.other_pss += pss;
            }
        }
        Some(f)
    }

    /// The whole app's PSS: the main process, WebKit's processes and anything else it started.
    pub fn total_pss(&self) -> u64 {
        self.main_pss + self.web_pss + self.network_pss + self.other_pss
    }
}

impl Drop for App {
    fn drop(&mut self) {
        stop(&mut self.driver);
    }
}

struct DriverGuard(Option<Child>);

impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            stop(c);
        }
    }
}

/// SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver too.
fn stop(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let pid = child.id() as libc::pid_t;
    // SAFETY: sending a signal to our own child process by pid.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

async fn wait_for_port(port: u16) -> Result {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("tauri-driver did not listen on port {port} within 15 s").into())
}

/// Headless Chromium (Debian's, driven by its chromedriver): the hall's device screens.
/// Real RTSP test cameras (`yyt-testcam`), stopped when dropped.
pub struct TestCams {
    child: Child,
    /// `rtsp://127.0.0.1:port`, serving `/<name>` for each camera.
    pub base: String,
}

impl TestCams {
    /// Cameras `names` at `size` (`1280x720`) and `fps`, on a free loopback port.
    pub fn start(names: &[&str], size: &str, fps: u32) -> Result<Self> {
        use std::io::{BufRead, BufReader};
        let bin = std::env::var_os("YYT_TESTCAM")
            .map(PathBuf::from)
            .ok_or("YYT_TESTCAM is not set; run the suite with `cargo xtask test`")?;
        let mut cmd = Command::new(&bin);
        cmd.args(["--port", "0", "--size", size, "--fps", &fps.to_string()]);
        for n in names {
            cmd.args(["--camera", n]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", bin.display()))?;
        let mut lines = BufReader::new(child.stdout.take().ok_or("testcam's output")?).lines();
        let first = lines.next().ok_or("testcam printed nothing")??;
        let base = first
            .trim()
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .ok_or("testcam printed no address")?;
        std::thread::spawn(move || for _ in lines {});
        Ok(Self { child, base })
    }

    /// The process serving the cameras (its encoders are its threads).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for TestCams {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Opens `url` in a fresh headless Chromium window of `width`×`height`.
    pub async fn open(url: &str, width: u32, height: u32) -> Result<Self> {
        let port = free_port()?;
        let driver =
            Command::new(std::env::var_os("CHROMEDRIVER").unwrap_or_else(|| "chromedriver".into()))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| {
                    format!("starting chromedriver (Debian package chromium-driver): {e}")
                })?;
        let mut guard = DriverGuard(Some(driver));
        wait_for_port(port).await?;
        let profile = tempfile::tempdir()?;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--autoplay-policy=no-user-gesture-required", "--lang=zh-CN",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await?;
        client.goto(url).await?;
        Ok(Self {
            client,
            driver: guard.0.take().expect("driver is held"),
            _profile: profile,
        })
    }

    pub async fn find(&self, css: &str) -> Result<Element> {
        find(&self.client, css).await
    }

    /// Waits until the element at `css` shows text containing `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) -> Result<String> {
        wait_text(&self.client, css, needle).await
    }

    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        screenshot(&self.client, name).await
    }

    pub async fn close(mut self) -> Result {
        let closed = self.client.clone().close().await;
        stop(&mut self.driver);
        closed?;
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        stop(&mut self.driver);
    }
}

/// Waits for an element to appear.
async fn find(client: &Client, css: &str) -> Result<Element> {
    Ok(client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .map_err(|e| format!("waiting for `{css}`: {e}"))?)
}

/// Waits until the element at `css` shows text containing `needle`; returns the text.
async fn wait_text(client: &Client, css: &str, needle: &str) -> Result<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let last = match client.find(Locator::Css(css)).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if last.contains(needle) {
            return Ok(last);
        }
        if Instant::now() > deadline {
            return Err(
                format!("`{css}` shows {last:?}, expected it to contain {needle:?}").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Saves a PNG of what `client` shows, after letting the page paint its current DOM.
async fn screenshot(client: &Client, name: &str) -> Result<PathBuf> {
    painted(client).await;
    let png = tokio::time::timeout(Duration::from_secs(30), client.screenshot())
        .await
        .map_err(|_| "the screenshot did not come back within 30 s")??;
    let path = screenshot_path(name)?;
    std::fs::write(&path, png)?;
    Ok(path)
}

/// Where the screenshot `name` goes (the folder made if need be).
fn screenshot_path(name: &str) -> Result<PathBuf> {
    let dir = std::env::var_os("YYT_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join(format!("{name}.png")))
}

/// Waits for two animation frames, so the last change is painted (a frame
/// may otherwise be stale).
async fn painted(client: &Client) {
    let painted = client.execute_async(
        "const done = arguments[arguments.length - 1];\n\
         requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    );
    let _ = tokio::time::timeout(Duration::from_secs(5), painted).await;
}

/// A `province-server` process on loopback, stopped when dropped.
pub struct Province {
    child: Child,
    pub url: String,
}

impl Province {
    /// Starts `bin --db DB --listen 127.0.0.1:PORT ARGS…` and waits until it listens.
    pub fn start(bin: &str, db: &str, port: u16, args: &[&str]) -> Result<Self> {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new(bin)
            .args(["--db", db, "--listen", &format!("127.0.0.1:{port}")])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()?;
        let mut lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
        let first = lines.next().ok_or("the province said nothing")??;
        if !first.contains("listening") {
            return Err(format!("the province did not start: {first}").into());
        }
        Ok(Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// Runs `bin --db DB ARGS…` (registering a hall or a maintainer); returns the printed token.
    pub fn register(bin: &str, db: &str, args: &[&str]) -> Result<String> {
        let out = Command::new(bin).args(["--db", db]).args(args).output()?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
        }
        Ok(String::from_utf8(out.stdout)?
            .trim()
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_owned())
    }
}

impl Drop for Province {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
