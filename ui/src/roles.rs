//! Each role's pages: which ones it has, in what order, and what they show.

use crate::account::AccountPage;
use crate::board::Board;
use crate::i18n::{role_text, text, use_i18n, T};
use crate::monitor::Monitor;
use crate::video::Video;
use crate::workbench::Workbench;
use domain::Role;
use ipc::SessionView;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Workbench,
    HallBoard,
    DeviceMonitor,
    Video,
    EmergencyOverview,
    Account,
}

impl Page {
    pub fn title(self) -> T {
        match self {
            Page::Workbench => T::NavWorkbench,
            Page::HallBoard => T::NavHallBoard,
            Page::DeviceMonitor => T::NavMonitor,
            Page::Video => T::NavVideo,
            Page::EmergencyOverview => T::NavEmergency,
            Page::Account => T::NavAccount,
        }
    }

    /// Stable id for tests and styling.
    pub fn id(self) -> &'static str {
        match self {
            Page::Workbench => "workbench",
            Page::HallBoard => "hall-board",
            Page::DeviceMonitor => "device-monitor",
            Page::Video => "video",
            Page::EmergencyOverview => "emergency",
            Page::Account => "account",
        }
    }
}

/// The pages of a role; the first is its home.
pub fn pages(role: Role) -> &'static [Page] {
    match role {
        Role::Clerk => &[Page::Workbench, Page::Account],
        Role::Supervisor => &[
            Page::HallBoard,
            Page::DeviceMonitor,
            Page::Video,
            Page::Account,
        ],
        Role::Emergency => &[Page::EmergencyOverview, Page::Account],
    }
}

pub fn render(page: Page, session: &SessionView) -> AnyView {
    match page {
        Page::Workbench => view! { <Workbench /> }.into_any(),
        Page::HallBoard => view! { <Board /> }.into_any(),
        Page::DeviceMonitor => view! { <Monitor /> }.into_any(),
        Page::Video => view! { <Video /> }.into_any(),
        Page::EmergencyOverview => {
            view! { <Home session=session.clone() page status=T::EmergencyPending /> }.into_any()
        }
        Page::Account => view! { <AccountPage session=session.clone() /> }.into_any(),
    }
}

/// A role's home: who is signed in where, what this PC is connected to, the shortcuts.
#[component]
fn Home(session: SessionView, page: Page, status: T) -> impl IntoView {
    let i18n = use_i18n();
    let since = format_time(session.signed_in_at_ms);
    let pages = pages(session.role);
    let role = session.role;
    view! {
        <h1 class="page-title" id="page-title">{i18n.t(page.title())}</h1>
        <div class="cards">
            <section class="card">
                <dl class="facts">
                    <dt>{i18n.t(T::Staff)}</dt>
                    <dd>{session.name.clone()} " (" {session.staff_no.to_string()} ")"</dd>
                    <dt>{i18n.t(T::Role)}</dt>
                    <dd>{i18n.t(role_text(role))}</dd>
                    <dt>{i18n.t(T::Hall)}</dt>
                    <dd>{session.hall_name.clone()} " · " {session.hall_code.to_string()}</dd>
                    <dt>{i18n.t(T::SignedInAt)}</dt>
                    <dd>{since}</dd>
                </dl>
            </section>
            <section class="card notice" id="status">
                <p>{i18n.t(status)}</p>
            </section>
            <section class="card">
                <h2>{i18n.t(T::Shortcuts)}</h2>
                <table class="shortcuts">
                    <tbody>
                        <tr>
                            <td><kbd>{format!("Alt+1…{}", pages.len())}</kbd></td>
                            <td>{i18n.t(T::ShortcutNav)}</td>
                        </tr>
                        <tr>
                            <td><kbd>"Alt+L"</kbd></td>
                            <td>{i18n.t(T::ShortcutLanguage)}</td>
                        </tr>
                        <tr>
                            <td><kbd>"Alt+Q"</kbd></td>
                            <td>{move || text(i18n.locale.get(), T::ShortcutSignOut)}</td>
                        </tr>
                    </tbody>
                </table>
            </section>
        </div>
    }
}

/// `YYYY-MM-DD HH:MM` in the PC's local time.
pub fn format_time(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}
