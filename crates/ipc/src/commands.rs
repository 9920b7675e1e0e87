//! The Tauri commands and events as types: each names itself and says what it takes and answers.
//!
//! Both ends are written against these descriptors: the UI's client calls
//! `invoke::<Login>(req)` and gets a `SessionView` back, and the backend's
//! `login` command takes `Request<Login>` and answers `Response<Login>`, so the
//! two cannot disagree on a name or a type. Every command is listed in
//! [`ALL`]; the desktop's tests check that each one is registered with Tauri
//! under that name.

use crate::hall::{BoardView, MeView, SupervisorNotice, WireEvent};
use crate::{ChangePasswordRequest, LoginRequest, SessionView, UpdateInfo};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A Tauri command: its name, its single argument `req` (`()`: none) and its answer.
pub trait Command {
    const NAME: &'static str;
    type Request: Serialize + DeserializeOwned;
    type Response: Serialize + DeserializeOwned;
}

/// What command `C` takes.
pub type Request<C> = <C as Command>::Request;
/// What command `C` answers.
pub type Response<C> = <C as Command>::Response;

/// An event the backend emits to the window: its name and what it carries.
pub trait Event {
    const NAME: &'static str;
    type Payload: Serialize + DeserializeOwned;
}

/// One command of [`ALL`]: its name and the name of its descriptor type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    pub name: &'static str,
    pub type_name: &'static str,
}

/// Defines each descriptor and lists them all in [`ALL`].
macro_rules! commands {
    ($($(#[$doc:meta])* $ty:ident = $name:literal, $req:ty => $resp:ty;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty;

            impl Command for $ty {
                const NAME: &'static str = $name;
                type Request = $req;
                type Response = $resp;
            }
        )*

        /// Every Tauri command, in the order they are defined.
        pub const ALL: &[Listed] = &[$(Listed { name: $name, type_name: stringify!($ty) }),*];
    };
}

commands! {
    /// Facts about this installation for the login screen.
    AppInfo = "app_info", () => crate::AppInfo;
    /// Sign in with a staff number and password.
    Login = "login", LoginRequest => SessionView;
    /// Sign out (always succeeds locally).
    Logout = "logout", () => ();
    /// The session the backend still holds (after a webview reload).
    CurrentSession = "current_session", () => Option<SessionView>;
    ChangePassword = "change_password", ChangePasswordRequest => ();
    /// The supervisor's live hall.
    HallBoard = "hall_board", () => BoardView;
    /// The clerk's counter and own figures.
    MyCounter = "my_counter", () => MeView;
    /// Something a clerk does at a counter.
    CounterAct = "counter_act", crate::CounterAct => ();
    /// Something a supervisor does to the queue, answered by its audit record.
    SupervisorAct = "supervisor_act", crate::SupervisorAct => SupervisorNotice;
    /// Today's supervisors' actions.
    SupervisorActions = "supervisor_actions", () => Vec<SupervisorNotice>;
    /// The update waiting to be installed, if any.
    UpdateStatus = "update_status", () => Option<UpdateInfo>;
    /// Install the waiting update and restart.
    UpdateInstall = "update_install", () => ();
    /// The hall's devices with presence, metrics and open alarms.
    Devices = "devices", () => Vec<crate::devices::DeviceView>;
    /// The hall's alarms, open ones or the history.
    Alarms = "alarms", crate::devices::AlarmsQuery => Vec<crate::devices::Alarm>;
    /// Acknowledge, assign or clear an alarm; answered by the alarm as it is now.
    AlarmAct = "alarm_act", crate::devices::AlarmAct => crate::devices::Alarm;
    /// A device's metrics over the last day (by its id).
    DeviceMetrics = "device_metrics", String => Vec<crate::devices::MetricSample>;
    /// Start or end a device's maintenance window.
    DeviceMaintenance = "device_maintenance", crate::devices::MaintenanceAct => crate::devices::DeviceView;
    /// Send a control command to a device.
    DeviceCommand = "device_command", crate::devices::DeviceCommandAct => crate::devices::Command;
    /// A device's command log, newest first (by its id).
    DeviceCommands = "device_commands", String => Vec<crate::devices::Command>;
    /// Register a device; its credential is in the answer, once.
    DeviceAdd = "device_add", crate::devices::AddDeviceRequest => crate::devices::AddDeviceReply;
    /// Revoke a device's credential (by its id): it is cut at once.
    DeviceRevoke = "device_revoke", String => crate::devices::DeviceView;
    /// What the call displays show now, and the hall's programs.
    Screens = "screens", () => crate::programs::ScreensView;
    /// Add a local notice (or scrolling text) to the call displays.
    NoticeAdd = "notice_add", crate::programs::NewNotice => crate::programs::Program;
    /// Remove a local notice (by its id).
    NoticeRemove = "notice_remove", String => crate::hall::Empty;
    /// The cameras with their recorders, and the storage.
    VideoCameras = "video_cameras", () => crate::video::VideoView;
    /// Set where a camera's stream is and what it covers.
    VideoSetup = "video_setup", crate::video::SetCameraAct => crate::video::CameraView;
    /// Watch a camera live or a recorded range: a tokened playlist address (audited).
    VideoWatch = "video_watch", crate::video::WatchRequest => crate::video::Watch;
    /// The cameras and footage around an event.
    VideoAround = "video_around", crate::video::AroundRequest => crate::video::Around;
    /// Export a range as one MP4, saved on this PC (audited).
    VideoExport = "video_export", crate::video::ExportRequest => crate::video::SavedClip;
    /// The evidence locks, open ones first.
    VideoLocks = "video_locks", () => Vec<crate::video::EvidenceLock>;
    /// Keep a range as evidence past retention.
    VideoLock = "video_lock", crate::video::LockRequest => crate::video::EvidenceLock;
    /// Release an evidence lock, with a reason.
    VideoUnlock = "video_unlock", crate::video::UnlockAct => crate::video::EvidenceLock;
    /// Who watched, exported or locked which footage, newest first.
    VideoAccess = "video_access", crate::video::AccessQuery => Vec<crate::video::AccessRecord>;
    /// The hall's plans, proposals and running incidents.
    EmergencyState = "emergency_state", () => crate::emergency::EmergencyView;
    /// Start a plan (taking its proposal, if any); answered by the new incident.
    EmergencyStart = "emergency_start", crate::emergency::Activate => crate::emergency::Incident;
    /// Decline a plan's proposal.
    EmergencyDecline = "emergency_decline", crate::emergency::PlanRef => crate::hall::Empty;
    /// Propose a plan as a drill (a synthetic trigger).
    EmergencyDrill = "emergency_drill", crate::emergency::PlanRef => crate::hall::Empty;
    /// Act on a running incident; answered by the incident as it is now.
    EmergencyAct = "emergency_act", crate::emergency::ActOn => crate::emergency::Incident;
    /// The incidents and drills, newest first, with their scores.
    EmergencyHistory = "emergency_history", () => Vec<crate::emergency::IncidentSummary>;
    /// One incident with its after-action report (by its id).
    EmergencyIncident = "emergency_incident", u64 => crate::emergency::IncidentDetail;
    /// The public-safety button (any role's screen, confirmed first).
    PublicSafety = "public_safety", () => crate::hall::Empty;
    /// A planner publishes a plan (through the hall, to the province).
    PlanPublish = "plan_publish", crate::emergency::PlanDraft => crate::emergency::PlanPublished;
    /// A planner withdraws a plan from every hall it was for.
    PlanWithdraw = "plan_withdraw", crate::emergency::PlanRef => crate::emergency::PlanPublished;
}

/// Each live event of the hall node, forwarded to the window.
#[derive(Debug, Clone, Copy)]
pub struct HallEvent;

impl Event for HallEvent {
    const NAME: &'static str = "hall-event";
    type Payload = WireEvent;
}

/// An update is ready to install.
#[derive(Debug, Clone, Copy)]
pub struct UpdateAvailable;

impl Event for UpdateAvailable {
    const NAME: &'static str = "update-available";
    type Payload = UpdateInfo;
}

/// The names as plain constants, for code that emits or calls by name.
pub mod cmd {
    use super::*;

    pub const LOGIN: &str = Login::NAME;
    pub const LOGOUT: &str = Logout::NAME;
    pub const CURRENT_SESSION: &str = CurrentSession::NAME;
    pub const CHANGE_PASSWORD: &str = ChangePassword::NAME;
    pub const APP_INFO: &str = AppInfo::NAME;
    pub const HALL_BOARD: &str = HallBoard::NAME;
    pub const MY_COUNTER: &str = MyCounter::NAME;
    pub const COUNTER_ACT: &str = CounterAct::NAME;
    pub const SUPERVISOR_ACT: &str = SupervisorAct::NAME;
    pub const SUPERVISOR_ACTIONS: &str = SupervisorActions::NAME;
    /// The Tauri event carrying each `hall::WireEvent` from the hall node.
    pub const HALL_EVENT: &str = HallEvent::NAME;
    pub const UPDATE_STATUS: &str = UpdateStatus::NAME;
    pub const UPDATE_INSTALL: &str = UpdateInstall::NAME;
    /// The Tauri event saying an `UpdateInfo` is ready to install.
    pub const UPDATE_EVENT: &str = UpdateAvailable::NAME;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_and_types_are_unique() {
        let names: BTreeSet<_> = ALL.iter().map(|c| c.name).collect();
        let types: BTreeSet<_> = ALL.iter().map(|c| c.type_name).collect();
        assert_eq!(names.len(), ALL.len());
        assert_eq!(types.len(), ALL.len());
    }

    /// A command's name is its type's name in snake case (the backend's function is named so).
    #[test]
    fn a_name_is_its_type_in_snake_case() {
        for c in ALL {
            let mut snake = String::new();
            for ch in c.type_name.chars() {
                if ch.is_ascii_uppercase() && !snake.is_empty() {
                    snake.push('_');
                }
                snake.push(ch.to_ascii_lowercase());
            }
            assert_eq!(snake, c.name, "{}", c.type_name);
        }
    }

    #[test]
    fn the_names_on_the_wire_stay() {
        let names: Vec<_> = ALL.iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "app_info",
                "login",
                "logout",
                "current_session",
                "change_password",
                "hall_board",
                "my_counter",
                "counter_act",
                "supervisor_act",
                "supervisor_actions",
                "update_status",
                "update_install",
                "devices",
                "alarms",
                "alarm_act",
                "device_metrics",
                "device_maintenance",
                "device_command",
                "device_commands",
                "device_add",
                "device_revoke",
                "screens",
                "notice_add",
                "notice_remove",
                "video_cameras",
                "video_setup",
                "video_watch",
                "video_around",
                "video_export",
                "video_locks",
                "video_lock",
                "video_unlock",
                "video_access",
                "emergency_state",
                "emergency_start",
                "emergency_decline",
                "emergency_drill",
                "emergency_act",
                "emergency_history",
                "emergency_incident",
                "public_safety",
                "plan_publish",
                "plan_withdraw",
            ]
        );
        assert_eq!(cmd::HALL_EVENT, "hall-event");
        assert_eq!(cmd::UPDATE_EVENT, "update-available");
    }
}
