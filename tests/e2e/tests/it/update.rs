//! The signed-update journey: a release published at the province reaches the installed app through its hall; a tampered one is refused.
//!
//! Needs what `cargo xtask test` prepares: two builds of the desktop package
//! (`YYT_UPDATE_DEB_OLD`, `YYT_UPDATE_DEB_NEW`) carrying the public key of a
//! throwaway signing key (`YYT_UPDATE_KEY`, its public half in
//! `YYT_UPDATE_PUBKEY_FILE`), N+1 declaring one Debian dependency more than N
//! (`YYT_UPDATE_NEW_DEPENDENCY`), a package N+2 that declares one no source
//! has (`YYT_UPDATE_DEB_UNAVAILABLE`), and `YYT_PROVINCE_BINARY`. It installs
//! the old package system-wide and removes it, and the dependency apt brought
//! for N+1, at the end.

use base64::Engine;
use e2e::{App, Province, Result};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const INSTALLED: &str = "/usr/bin/yyt-desktop";
/// WebDriver key codes.
const F1: &str = "\u{E031}";
const F4: &str = "\u{E034}";
const F5: &str = "\u{E035}";
/// Alt+U, then Alt released.
const ALT_U: &str = "\u{E00A}u\u{E000}";

fn env(name: &str) -> Result<String> {
    std::env::var(name)
        .map_err(|_| format!("{name} is not set; run the suite with `cargo xtask test`").into())
}

/// `yyt-desktop_0.1.1_amd64.deb` → `0.1.1`.
fn version_of(deb: &str) -> Result<String> {
    Path::new(deb)
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split('_').nth(1))
        .map(str::to_owned)
        .ok_or_else(|| format!("{deb} is not named like a package").into())
}

fn as_root(args: &[&str]) -> Command {
    let root = unsafe { libc::geteuid() } == 0;
    let mut c = Command::new(if root { args[0] } else { "sudo" });
    c.args(if root { &args[1..] } else { args });
    c
}

fn installed_version() -> Option<String> {
    version_installed("yyt-desktop")
}

fn version_installed(package: &str) -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Status} ${Version}", package])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    text.strip_prefix("install ok installed ")
        .map(str::to_owned)
}

fn sign(key: &minisign::SecretKey, bytes: &[u8], file: &str, version: &str) -> Result<String> {
    let comment = format!("timestamp:0\tfile:{file}\tversion:{version}");
    let sig = minisign::sign(None, key, std::io::Cursor::new(bytes), Some(&comment), None)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(sig.to_string()))
}

/// Publishes `bytes` as `version` for this machine's .deb target and starts its rollout.
async fn publish(
    province: &Province,
    admin: &str,
    version: &str,
    bytes: Vec<u8>,
    signature: String,
) -> Result {
    let http = reqwest::Client::new();
    let release = format!("{}/admin/v1/releases/{version}", province.url);
    let answers = [
            http.put(&release)
                .bearer_auth(admin)
                .json(&json!({"notes": format!("{version}：叫号更稳定。"), "channel": "all", "percent": 100}))
                .send()
                .await?,
            http.put(format!("{release}/artifacts/linux-x86_64-deb"))
                .bearer_auth(admin)
                .header("x-file-name", format!("yyt-desktop_{version}_amd64.deb"))
                .header("x-signature", signature)
                .body(bytes)
                .send()
                .await?,
            http.patch(&release)
                .bearer_auth(admin)
                .json(&json!({"state": "active"}))
                .send()
                .await?,
        ];
    for r in answers {
        if !r.status().is_success() {
            return Err(format!("publishing {version}: {} {}", r.status(), r.text().await?).into());
        }
    }
    Ok(())
}

async fn release_list(province: &Province, admin: &str) -> Result<Value> {
    Ok(reqwest::Client::new()
        .get(format!("{}/admin/v1/releases", province.url))
        .bearer_auth(admin)
        .send()
        .await?
        .json()
        .await?)
}

/// Removes the packages this test installed (the app, and the dependency apt brought), whatever happens.
struct Uninstall {
    dependency: String,
}

impl Drop for Uninstall {
    fn drop(&mut self) {
        for package in ["yyt-desktop", self.dependency.as_str()] {
            let _ = as_root(&["dpkg", "-r", package])
                .stdout(Stdio::null())
                .status();
        }
    }
}

/// The app process started from `exe` whose data dir is `data` (the one the updater restarted).
fn app_process(exe: &str, data: &Path) -> Option<u32> {
    let needle = format!("YYT_DATA_DIR={}", data.display());
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let target = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
        if target != Path::new(exe) {
            return None;
        }
        let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
        environ
            .split(|b| *b == 0)
            .any(|v| v == needle.as_bytes())
            .then_some(pid)
    })
}

async fn until<F: FnMut() -> bool>(what: &str, limit: Duration, mut check: F) -> Result {
    let deadline = Instant::now() + limit;
    while !check() {
        if Instant::now() > deadline {
            return Err(format!("timed out: {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Ok(())
}

async fn sign_in(app: &App, staff_no: &str, password: &str) -> Result {
    app.type_into("#staff-no", staff_no).await?;
    app.type_into("#password", password).await?;
    app.click("#sign-in").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_release_reaches_the_installed_app_through_its_hall_and_a_tampered_one_does_not() -> Result
{
    let (old_deb, new_deb) = (env("YYT_UPDATE_DEB_OLD")?, env("YYT_UPDATE_DEB_NEW")?);
    let (old, new) = (version_of(&old_deb)?, version_of(&new_deb)?);
    let province_bin = env("YYT_PROVINCE_BINARY")?;
    let pubkey_file = env("YYT_UPDATE_PUBKEY_FILE")?;
    let key_text = std::fs::read_to_string(env("YYT_UPDATE_KEY")?)?;
    let key =
        minisign::SecretKey::from_unencrypted_box(minisign::SecretKeyBox::from_string(&key_text)?)?;

    let work = tempfile::tempdir()?;
    let db = format!(
        "sqlite://{}?mode=rwc",
        work.path().join("province.db").display()
    );
    let token = Province::register(
        &province_bin,
        &db,
        &["--add-hall", "H0101", "城东供电营业厅"],
    )?;
    let admin = Province::register(&province_bin, &db, &["--add-maintainer", "发布员"])?;
    let releases = work.path().join("releases");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let province = Province::start(
        &province_bin,
        &db,
        port,
        &[
            "--releases",
            &releases.display().to_string(),
            "--update-pubkey",
            &pubkey_file,
        ],
    )?;

    // Version N, installed from its package, on a PC without N+1's new dependency.
    let dependency = env("YYT_UPDATE_NEW_DEPENDENCY")?;
    let _uninstall = Uninstall {
        dependency: dependency.clone(),
    };
    if version_installed(&dependency).is_some() {
        as_root(&["dpkg", "-r", &dependency])
            .stdout(Stdio::null())
            .status()?;
    }
    if version_installed(&dependency).is_some() {
        return Err(format!("{dependency} could not be removed before the journey").into());
    }
    let status = as_root(&["dpkg", "-i", &old_deb])
        .stdout(Stdio::null())
        .status()?;
    if !status.success() || installed_version().as_deref() != Some(old.as_str()) {
        return Err(format!("installing {old_deb} failed").into());
    }

    // The maintainers publish N+1.
    let bytes = std::fs::read(&new_deb)?;
    let file = Path::new(&new_deb)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let published = Instant::now();
    publish(
        &province,
        &admin,
        &new,
        bytes.clone(),
        sign(&key, &bytes, &file, &new)?,
    )
    .await?;

    // The app at N, hosting its hall node, which replicates to the province.
    let data = tempfile::tempdir()?;
    let app_data = data.path().join("app");
    let env_vars = [
        ("YYT_PROVINCE_URL", province.url.as_str()),
        ("YYT_PROVINCE_TOKEN", token.as_str()),
    ];
    let mut app = App::launch_binary(INSTALLED.into(), data, &env_vars).await?;
    app.wait_text(".version", &old).await?;
    sign_in(&app, "1001", "demo-1001").await?;
    app.wait_text("#update-version", &new).await?;
    app.screenshot("update-offered").await?;

    // Never in the middle of serving a customer.
    let hall = app.hall_addr().await?;
    let kiosk = app.device_tokens().await?["kiosk"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let issued = reqwest::Client::new()
        .post(format!("http://{hall}/api/v1/tickets"))
        .bearer_auth(kiosk)
        .json(&json!({"business": "A"}))
        .send()
        .await?;
    if !issued.status().is_success() {
        return Err(format!("the kiosk could not issue: {}", issued.status()).into());
    }
    app.find("#counter-form").await?;
    app.keys("1\u{E007}").await?;
    app.wait_text("#my-counter", "1 号窗口").await?;
    app.find("body").await?.send_keys(F1).await?;
    app.wait_text("#current-ticket", "A001").await?;
    app.keys(ALT_U).await?;
    app.wait_text("#update-banner .error", "办结后再安装")
        .await?;
    app.screenshot("update-while-serving").await?;
    if installed_version().as_deref() != Some(old.as_str()) {
        return Err("an update was installed while a customer was at the counter".into());
    }
    // The customer is served; now the clerk installs.
    app.find("body").await?.send_keys(F4).await?;
    app.find(".ticket-now[data-stage='serving']").await?;
    app.find("body").await?.send_keys(F5).await?;
    app.find("#dialog").await?;
    app.keys("\u{E007}").await?;
    app.wait_text("#no-customer", "F1").await?;
    app.keys(ALT_U).await?;

    // It installs and restarts itself into N+1 (the WebDriver session ends with the old process).
    until("N+1 installed", Duration::from_secs(180), || {
        installed_version().as_deref() == Some(new.as_str())
    })
    .await?;
    let mut restarted = None;
    until(
        "the app back after its restart",
        Duration::from_secs(60),
        || {
            restarted = app_process(INSTALLED, &app_data);
            restarted.is_some()
        },
    )
    .await?;
    let installed_in = published.elapsed();
    eprintln!(
        "update: published {new} → installed and restarted in {:.1} s",
        installed_in.as_secs_f64()
    );
    if let Some(pid) = restarted {
        unsafe { libc::kill(pid as i32, libc::SIGTERM) };
        let _ = until("the restarted app to stop", Duration::from_secs(10), || {
            app_process(INSTALLED, &app_data).is_none()
        })
        .await;
        if app_process(INSTALLED, &app_data).is_some() {
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        }
    }
    let data = std::mem::replace(&mut app.data, tempfile::tempdir()?);
    let _ = app.close().await;

    // Back under the driver: the window says N+1, and the hall told the province.
    let app = App::launch_binary(INSTALLED.into(), data, &env_vars).await?;
    app.wait_text(".version", &new).await?;
    sign_in(&app, "1001", "demo-1001").await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let list = release_list(&province, &admin).await?;
        let pcs = list
            .as_array()
            .and_then(|l| l.iter().find(|r| r["version"] == new.as_str()))
            .map(|r| r["pcs"].clone());
        if pcs.as_ref().is_some_and(|p| p["installed"] == 1) {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("the province never heard of the install: {pcs:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    app.screenshot("update-installed").await?;
    // N+1 declares one dependency more than N: apt brought it from this PC's sources.
    if version_installed(&dependency).is_none() {
        return Err(format!("N+1 is installed but its new dependency {dependency} is not").into());
    }

    // N+2 declares a dependency no package source has: refused before
    // anything changes, and N+1 runs on.
    let unavailable_deb = env("YYT_UPDATE_DEB_UNAVAILABLE")?;
    let next = version_of(&unavailable_deb)?;
    let unavailable = std::fs::read(&unavailable_deb)?;
    let unavailable_file = Path::new(&unavailable_deb)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let signature = sign(&key, &unavailable, &unavailable_file, &next)?;
    publish(&province, &admin, &next, unavailable, signature).await?;
    app.click("#sign-out").await?;
    sign_in(&app, "1001", "demo-1001").await?;
    app.wait_text("#update-version", &next).await?;
    app.click("#update-install").await?;
    app.wait_text("#update-banner .error", "软件源中找不到")
        .await?;
    app.screenshot("update-needs-packages").await?;
    if installed_version().as_deref() != Some(new.as_str()) {
        return Err(format!("{new} should still be installed after {next} was refused").into());
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let list = release_list(&province, &admin).await?;
        let pcs = list
            .as_array()
            .and_then(|l| l.iter().find(|r| r["version"] == next.as_str()))
            .map(|r| r["pcs"].clone());
        if pcs.as_ref().is_some_and(|p| p["failed"] == 1) {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("the province never heard {next} failed: {pcs:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // A tampered release: the province is told not to check (as if its key
    // were lost), so only the app's own check stands between the file and the PC.
    drop(province);
    let province = Province::start(
        &province_bin,
        &db,
        port,
        &["--releases", &releases.display().to_string()],
    )?;
    let tampered_version = {
        let mut v: Vec<u64> = new.split('.').filter_map(|p| p.parse().ok()).collect();
        if let Some(last) = v.last_mut() {
            *last += 10;
        }
        v.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
    };
    let signature = sign(&key, &bytes, &file, &tampered_version)?;
    let mut tampered = bytes.clone();
    let at = tampered.len() / 2;
    tampered[at] ^= 0x5a;
    publish(&province, &admin, &tampered_version, tampered, signature).await?;
    app.click("#sign-out").await?;
    sign_in(&app, "1001", "demo-1001").await?;
    app.wait_text("#update-version", &tampered_version).await?;
    app.click("#update-install").await?;
    app.wait_text("#update-banner .error", "当前版本可继续使用")
        .await?;
    app.screenshot("update-refused").await?;
    if installed_version().as_deref() != Some(new.as_str()) {
        return Err("a tampered package was installed".into());
    }
    app.wait_text("#who", "1001").await?;
    app.close().await?;
    drop(province);
    Ok(())
}
