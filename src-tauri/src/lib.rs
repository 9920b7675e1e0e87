//! Tauri wiring of the desktop app: state, commands, and where the data lives.

mod commands;
mod deb;
pub mod desk;
pub mod updates;

use std::path::PathBuf;
use tauri::{Emitter, Manager};

/// Environment variable that puts the app's data somewhere else (tests, several
/// instances on one PC). Otherwise the platform's app data dir is used.
pub const DATA_DIR_ENV: &str = "YYT_DATA_DIR";

pub fn run() {
    let mut builder = tauri::Builder::default();
    if let Some(updater) = updates::plugin() {
        builder = builder.plugin(updater);
    }
    let result = builder
        .setup(|app| {
            let dir = match std::env::var_os(DATA_DIR_ENV) {
                Some(dir) => PathBuf::from(dir),
                None => app.path().app_data_dir()?,
            };
            let handle = app.handle().clone();
            let notify: desk::Notify = std::sync::Arc::new(move |event| {
                let _ = handle.emit(ipc::cmd::HALL_EVENT, event);
            });
            let desk = tauri::async_runtime::block_on(desk::Desk::open(&dir, notify))?;
            app.manage(desk);
            app.manage(updates::Updates::new(dir));
            updates::start(app.handle().clone());
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
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("营业厅客户端无法启动 / the hall client could not start: {e}");
        std::process::exit(1);
    }
}
