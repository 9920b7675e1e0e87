//! Entry point of the UI: mounts the app into the page.

mod account;
mod api;
mod app;
mod board;
mod chart;
mod device_commands;
mod dialog;
mod emergency;
mod footage;
mod hls;
mod i18n;
mod ipc;
mod login;
mod monitor;
mod plans;
mod provision;
mod roles;
mod screens;
mod shell;
mod update;
mod video;
mod workbench;

fn main() {
    mark("yyt-ui-started");
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    mark("yyt-ui-mounted");
}

/// A named moment on the page's clock, for the startup benchmark.
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
