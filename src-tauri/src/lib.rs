//! Tauri wiring of the desktop app: state, commands, and where the data lives.

mod commands;
mod deb;
pub mod desk;
pub mod updates;

use std::path::PathBuf;
use tauri::Manager;

/// Environment variable that puts the app's data somewhere else (tests, several
/// instances on one PC). Otherwise the platform's app data dir is used.
pub const DATA_DIR_ENV: &str = "YYT_DATA_DIR";

pub fn run() {
    logging::init("desktop");
    tune_process();
    let mut builder = tauri::Builder::default();
    if let Some(updater) = updates::plugin() {
        builder = builder.plugin(updater);
    }
    let result = builder
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                tune_webview(&window);
            }
            let dir = match std::env::var_os(DATA_DIR_ENV) {
                Some(dir) => PathBuf::from(dir),
                None => app.path().app_data_dir()?,
            };
            let handle = app.handle().clone();
            let notify: desk::Notify = std::sync::Arc::new(move |event| {
                commands::emit::<ipc::commands::HallEvent>(&handle, event);
            });
            // Not waited for here: setup runs on the thread that serves the
            // webview, and WebKit stalls its first page for half a second when
            // that thread is busy while its web process starts. The window
            // loads meanwhile; calls made earlier wait for the hall node.
            let (desk, starting) = desk::Desk::open_in_background(&dir, notify)?;
            app.manage(desk);
            app.manage(updates::Updates::new(dir));
            updates::start(app.handle().clone());
            tauri::async_runtime::spawn(async move {
                if let Err(e) = starting.await {
                    tracing::error!(error = %e, "营业厅客户端无法启动 / the hall client could not start");
                    std::process::exit(1);
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::login,
            commands::logout,
            commands::current_session,
            commands::change_password,
            commands::hall_board,
            commands::my_counter,
            commands::counter_act,
            commands::supervisor_act,
            commands::supervisor_actions,
            commands::update_status,
            commands::update_install,
            commands::devices,
            commands::alarms,
            commands::alarm_act,
            commands::device_maintenance,
            commands::device_metrics,
            commands::device_command,
            commands::device_commands,
            commands::device_add,
            commands::device_revoke,
            commands::screens,
            commands::notice_add,
            commands::notice_remove,
            commands::video_cameras,
            commands::video_setup,
            commands::video_watch,
            commands::video_around,
            commands::video_export,
            commands::video_locks,
            commands::video_lock,
            commands::video_unlock,
            commands::video_access,
            commands::emergency_state,
            commands::emergency_start,
            commands::emergency_decline,
            commands::emergency_drill,
            commands::emergency_act,
            commands::emergency_history,
            commands::emergency_incident,
            commands::public_safety,
            commands::plan_publish,
            commands::plan_withdraw,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "营业厅客户端无法启动 / the hall client could not start");
        std::process::exit(1);
    }
}

/// Process-wide settings, made before any thread starts.
fn tune_process() {
    // Allocations of 1 MiB or more (argon2 takes 19 MiB for each password it
    // hashes or checks) are given back to the system when freed. By default
    // glibc raises this limit after the first such allocation is freed, so
    // the hall node's arenas kept ≈ 60 MiB nobody used for the app's life.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: only changes glibc's allocator settings; no other thread runs yet.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
    // WebKit paints with Skia on the CPU, unless told otherwise. Its GPU
    // painting compiles shaders at every start, which without a GPU (Mesa's
    // llvmpipe) costs ≈ 1.8 s of CPU and ≈ 30 MiB in the web process, for
    // pages of forms and tables that the CPU paints in no time.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_SKIA_ENABLE_CPU_RENDERING").is_none() {
        std::env::set_var("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1");
    }
    // WebKit hands frames from its web process to the window as DMA-BUFs
    // unless told otherwise, which keeps a GPU (or Mesa's llvmpipe) context
    // and its buffers in the web process: without it, the whole app at the
    // login screen holds 233 MiB (PSS) instead of 297 MiB, the web process
    // 120 MiB instead of 180, start-up unchanged (`cargo xtask bench startup`).
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
}

/// WebKit settings for an app that shows its own few pages: no memory cache
/// of pages it may show again (a document viewer's cache model, not a
/// browser's), so a counter PC's web process does not grow with a day of
/// navigation. At the login screen it changes nothing measurable
/// (`cargo xtask bench startup`: 296.6 MiB whole-app PSS either way). Never
/// entering accelerated compositing was tried as well: WebKit's WebDriver
/// then never answers a screenshot, and the end-to-end tests look at every
/// screen.
fn tune_webview(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    let _ = window.with_webview(|webview| {
        use webkit2gtk::{WebContextExt, WebViewExt};
        let view = webview.inner();
        if let Some(context) = view.context() {
            context.set_cache_model(webkit2gtk::CacheModel::DocumentViewer);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
