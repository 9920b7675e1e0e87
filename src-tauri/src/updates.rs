//! Signed updates through the hall: checked on start and every half hour, shown in the window, installed when the clerk chooses.
//!
//! The hall node answers the updater (`/updates/{target}/{arch}/{bundle}/{version}`)
//! with the release the province wants this hall on, from its own cache. The
//! updater verifies the publisher's signature (and the version it was signed
//! for) before anything is installed; a bad file is refused and this version
//! keeps running. Installing waits for the clerk, and is refused while a
//! customer is at the counter. Each step is reported to the hall, which sends
//! it up to the province.

use crate::desk::Desk;
use ipc::hall::{UpdateReport, UpdateState};
use ipc::{ApiError, ErrorCode, UpdateInfo};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};
use tokio::sync::Mutex;
use tracing::{info, warn};

/// The release signing public key (base64, as `cargo xtask release keygen`
/// prints it), fixed at build time. Without one this build cannot update.
pub const PUBKEY: Option<&str> = option_env!("YYT_UPDATE_PUBKEY");
/// How often to ask the hall.
const EVERY: Duration = Duration::from_secs(30 * 60);
/// After a check that failed (the hall busy fetching, the province away),
/// the first retry; each failure in a row doubles it, up to [`EVERY`].
const RETRY: Duration = Duration::from_secs(60);

/// How long to wait before the next check, after `failures` failed checks in a row.
fn next_check(failures: u32) -> Duration {
    if failures == 0 {
        return EVERY;
    }
    RETRY
        .saturating_mul(1 << failures.min(16).saturating_sub(1))
        .min(EVERY)
}
/// Left behind by an install, read on the next start to report how it went.
const MARKER: &str = "update-installing.json";

/// What [`MARKER`] holds: the version being installed.
#[derive(Serialize, Deserialize)]
struct Installing {
    version: String,
}

/// The update waiting for the clerk, if any.
pub struct Updates {
    pending: Mutex<Option<Update>>,
    dir: PathBuf,
}

impl Updates {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            pending: Mutex::new(None),
            dir,
        }
    }

    pub async fn status(&self) -> Option<UpdateInfo> {
        self.pending.lock().await.as_ref().map(info)
    }
}

fn info(u: &Update) -> UpdateInfo {
    UpdateInfo {
        current: u.current_version.clone(),
        version: u.version.clone(),
        notes: u.body.clone().unwrap_or_default(),
    }
}

/// The updater plugin, when this build has a key to check signatures with.
pub fn plugin<R: Runtime>() -> Option<tauri::plugin::TauriPlugin<R, tauri_plugin_updater::Config>> {
    PUBKEY.map(|key| tauri_plugin_updater::Builder::new().pubkey(key).build())
}

/// This PC's name in reports: its host name, reduced to letters, digits and dashes.
fn pc_name() -> String {
    let raw = std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default();
    let name: String = raw
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    if name.trim_matches('-').is_empty() {
        "pc".into()
    } else {
        name
    }
}

async fn report(
    desk: &Desk,
    current: &str,
    offered: Option<&str>,
    state: UpdateState,
    detail: Option<String>,
) {
    desk.report_update(UpdateReport {
        pc: pc_name(),
        current_version: current.to_owned(),
        offered: offered.map(str::to_owned),
        state,
        detail,
    })
    .await;
}

/// Reports the outcome of the last install (from its marker), then checks now and every half hour.
pub fn start(app: AppHandle) {
    if PUBKEY.is_none() {
        warn!("this build has no update key: updates are off");
        return;
    }
    tauri::async_runtime::spawn(async move {
        report_last_install(&app).await;
        let mut failures = 0;
        loop {
            match check(&app).await {
                Ok(_) => failures = 0,
                Err(e) => {
                    failures += 1;
                    warn!(error = %e, failures, "update check failed");
                }
            }
            tokio::time::sleep(next_check(failures)).await;
        }
    });
}

/// Reports how the install that left [`MARKER`] went, if one did, and removes it.
async fn report_last_install(app: &AppHandle) {
    let current = app.package_info().version.to_string();
    let marker = app.state::<Updates>().dir.join(MARKER);
    let Ok(text) = std::fs::read_to_string(&marker) else {
        return;
    };
    let wanted = serde_json::from_str::<Installing>(&text)
        .map(|i| i.version)
        .unwrap_or_default();
    let desk = app.state::<Desk>();
    if wanted == current {
        info!(version = %current, "update installed");
        report(&desk, &current, Some(&wanted), UpdateState::Installed, None).await;
    } else {
        let detail = format!("still {current} after installing {wanted}");
        warn!(%current, %wanted, "update not installed");
        report(
            &desk,
            &current,
            Some(&wanted),
            UpdateState::Failed,
            Some(detail),
        )
        .await;
    }
    if let Err(e) = std::fs::remove_file(&marker) {
        warn!(file = %marker.display(), error = %e, "the install marker stays");
    }
    // Someone may have signed in meanwhile, their sign-in's delivery already done.
    desk.flush_reports().await;
}

/// Asks the hall; keeps and announces what it offers.
pub async fn check(app: &AppHandle) -> Result<Option<UpdateInfo>, String> {
    if PUBKEY.is_none() {
        return Ok(None);
    }
    let desk = app.state::<Desk>();
    let url = format!(
        "{}/updates/{{{{target}}}}/{{{{arch}}}}/{{{{bundle_type}}}}/{{{{current_version}}}}",
        desk.base()
    );
    let updater = app
        .updater_builder()
        .endpoints(vec![url.parse().map_err(|e| format!("{url}: {e}"))?])
        .map_err(|e| e.to_string())?
        // The hall decides; a different version may be a rollback.
        .version_comparator(|current, release| release.version != current)
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| e.to_string())?;
    let found = updater.check().await.map_err(|e| e.to_string())?;
    let updates = app.state::<Updates>();
    let mut pending = updates.pending.lock().await;
    let announce = found.as_ref().map(info);
    let is_new = match (&*pending, &found) {
        (Some(a), Some(b)) => a.version != b.version,
        (None, Some(_)) => true,
        _ => false,
    };
    *pending = found;
    drop(pending);
    if let (true, Some(u)) = (is_new, &announce) {
        report(
            &desk,
            &u.current,
            Some(&u.version),
            UpdateState::Offered,
            None,
        )
        .await;
        desk.flush_reports().await;
        crate::commands::emit::<ipc::commands::UpdateAvailable>(app, u.clone());
    }
    Ok(announce)
}

/// Downloads, verifies and installs the waiting update, then restarts into it.
pub async fn install(app: &AppHandle) -> Result<(), ApiError> {
    let desk = app.state::<Desk>();
    if desk.serving().await {
        return Err(ApiError::new(ErrorCode::UpdateWhileServing));
    }
    let updates = app.state::<Updates>();
    let Some(update) = updates.pending.lock().await.clone() else {
        return Err(ApiError::new(ErrorCode::NoUpdate));
    };
    report(
        &desk,
        &update.current_version,
        Some(&update.version),
        UpdateState::Downloading,
        None,
    )
    .await;
    let marker = updates.dir.join(MARKER);
    let installing = Installing {
        version: update.version.clone(),
    };
    let written = serde_json::to_vec(&installing)
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&marker, bytes));
    if let Err(e) = written {
        warn!(file = %marker.display(), error = %e, "the install marker is not written; the next start cannot report the outcome");
    }
    if let Err((code, why)) = download_and_install(&update).await {
        let _ = std::fs::remove_file(&marker);
        warn!(version = %update.version, error = %why, "update not installed");
        report(
            &desk,
            &update.current_version,
            Some(&update.version),
            UpdateState::Failed,
            Some(why),
        )
        .await;
        desk.flush_reports().await;
        *updates.pending.lock().await = None;
        return Err(ApiError::new(code));
    }
    desk.flush_reports().await;
    app.restart();
}

/// Downloads and verifies the package (the plugin checks the signature and
/// the signed version), then installs it: a `.deb` through apt, so that new
/// dependencies are resolved or the install is refused up front; any other
/// bundle as the plugin does.
async fn download_and_install(update: &Update) -> Result<(), (ErrorCode, String)> {
    let failed = |e: &dyn std::fmt::Display| (ErrorCode::UpdateFailed, e.to_string());
    let bytes = update
        .download(|_, _| {}, || {})
        .await
        .map_err(|e| failed(&e))?;
    if tauri::utils::platform::bundle_type() != Some(tauri::utils::config::BundleType::Deb) {
        return update.install(&bytes).map_err(|e| failed(&e));
    }
    let version = update.version.clone();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::Builder::new()
            .prefix("yyt-update-")
            .tempdir()
            .map_err(|e| failed(&e))?;
        let package = dir.path().join(format!("yyt-desktop_{version}.deb"));
        std::fs::write(&package, &bytes).map_err(|e| failed(&e))?;
        match crate::deb::install(&package) {
            Ok(brought) if !brought.is_empty() => {
                info!(%version, packages = %brought.join(", "), "apt also installed packages for the update");
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(e @ crate::deb::DebError::Unavailable(_)) => {
                Err((ErrorCode::UpdateNeedsPackages, e.to_string()))
            }
            Err(e) => Err(failed(&e)),
        }
    })
    .await
    .map_err(|e| failed(&e))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_check_is_retried_soon_then_less_often() {
        let minutes = |f| next_check(f).as_secs() / 60;
        assert_eq!(minutes(0), 30);
        assert_eq!(
            (1..=7).map(minutes).collect::<Vec<_>>(),
            [1, 2, 4, 8, 16, 30, 30]
        );
        assert_eq!(next_check(u32::MAX), EVERY);
    }
}
