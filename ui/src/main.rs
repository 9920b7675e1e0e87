//! Entry point of the UI: mounts the app into the page.

mod account;
mod app;
mod board;
mod i18n;
mod ipc;
mod login;
mod roles;
mod shell;
mod update;
mod workbench;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
