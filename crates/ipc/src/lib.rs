//! What the UI and the desktop backend say to each other: requests, views and errors.
//!
//! Everything here is plain data that serializes to JSON. The UI depends on
//! this crate (and on `domain`) and on nothing else of the backend.

pub mod actions;
pub mod commands;
pub mod customers;
pub mod devices;
pub mod emergency;
mod error;
pub mod hall;
mod locale;
pub mod programs;
pub mod video;

pub use commands::cmd;
pub use error::{ApiError, ErrorCode};
pub use locale::Locale;

use domain::{HallCode, Role, StaffNo};
use serde::{Deserialize, Serialize};

/// A release the hall offers this PC, waiting for the clerk to install it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateInfo {
    pub current: String,
    pub version: String,
    /// Release notes as the maintainers wrote them.
    pub notes: String,
}

/// Something a clerk does at a counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CounterAction {
    Open,
    Close,
    Pause {
        reason: String,
    },
    Resume,
    CallNext,
    Call {
        no: String,
    },
    Recall,
    NoShow,
    Start,
    Finish {
        handled: Option<String>,
    },
    Transfer {
        to_business: Option<String>,
        to_counter: Option<u16>,
        front: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterAct {
    pub counter: u16,
    #[serde(flatten)]
    pub action: CounterAction,
}

/// Something a supervisor does to the queue from the board. Raw input: the hall node parses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum SupervisorAction {
    /// Force-pause a counter.
    Pause { counter: u16 },
    /// Sign a counter off.
    Close { counter: u16 },
    /// Move a waiting ticket to another business or counter.
    Transfer {
        ticket: String,
        to_business: Option<String>,
        to_counter: Option<u16>,
        front: bool,
    },
    /// Call a waiting ticket to a counter.
    Call { ticket: String, counter: u16 },
}

/// A supervisor's action with its reason (answered by a `hall::SupervisorNotice`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupervisorAct {
    #[serde(flatten)]
    pub action: SupervisorAction,
    pub reason: String,
}

/// Typed at the login screen. Fields stay raw strings: the backend parses
/// them and answers with a precise error.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LoginRequest {
    pub staff_no: String,
    pub password: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChangePasswordRequest {
    pub current: String,
    pub new: String,
}

/// The signed-in account, as the views need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub staff_no: StaffNo,
    pub name: String,
    pub role: Role,
    pub hall_code: HallCode,
    pub hall_name: String,
    /// Unix milliseconds.
    pub signed_in_at_ms: i64,
}

/// Facts about this installation shown on the login screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppInfo {
    pub version: String,
    pub hall_code: HallCode,
    pub hall_name: String,
    /// The local database holds the seeded demo hall and its accounts.
    pub demo: bool,
    pub demo_accounts: Vec<DemoAccount>,
    /// Running incidents asking clerks to open counters (for those not signed in).
    #[serde(default)]
    pub counter_calls: Vec<emergency::CounterCall>,
}

/// A seeded demo account, listed on the login screen in demo mode only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoAccount {
    pub staff_no: StaffNo,
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// Wraps a command's single argument: Tauri passes arguments by name.
#[derive(Debug, Serialize, Deserialize)]
pub struct Args<T> {
    pub req: T,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_view_wire_shape() {
        let v = SessionView {
            staff_no: StaffNo::parse("1001").unwrap(),
            name: "李静".into(),
            role: Role::Clerk,
            hall_code: HallCode::parse("H0101").unwrap(),
            hall_name: "城东营业厅".into(),
            signed_in_at_ms: 1,
        };
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["role"], "clerk");
        assert_eq!(json["staff_no"], "1001");
        let back: SessionView = serde_json::from_value(json).unwrap();
        assert_eq!(back, v);
    }
}
