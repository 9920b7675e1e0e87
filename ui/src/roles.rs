//! Each role's pages: which ones it has, in what order, and what they show.

use crate::account::AccountPage;
use crate::board::Board;
use crate::emergency::Console;
use crate::i18n::T;
use crate::monitor::Monitor;
use crate::plans::PlanEditor;
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
    Plans,
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
            Page::Plans => T::NavPlans,
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
            Page::Plans => "plans",
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
            Page::EmergencyOverview,
        ],
        Role::Emergency => &[Page::EmergencyOverview, Page::Account],
        Role::Planner => &[Page::Plans, Page::EmergencyOverview, Page::Account],
    }
}

pub fn render(page: Page, session: &SessionView) -> AnyView {
    match page {
        Page::Workbench => view! { <Workbench /> }.into_any(),
        Page::HallBoard => view! { <Board /> }.into_any(),
        Page::DeviceMonitor => view! { <Monitor /> }.into_any(),
        Page::Video => view! { <Video /> }.into_any(),
        Page::EmergencyOverview => view! { <Console role=session.role /> }.into_any(),
        Page::Plans => view! { <PlanEditor /> }.into_any(),
        Page::Account => view! { <AccountPage session=session.clone() /> }.into_any(),
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
