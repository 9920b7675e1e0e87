//! The hall node's device monitor wire: the registry with each device's presence and metrics, provisioning, alarms and maintenance.
//!
//! The records themselves are the pure crate's (`devices::Device`,
//! `devices::Alarm`): the supervisor's views show what the engine keeps.
//! Requests carry raw strings where a person types them, so the node names
//! what is wrong (`device_id_invalid`, `note_invalid`, …).

pub use devices::{
    Alarm, AlarmChange, AlarmState, Device, DeviceId, DeviceKind, Fault, Link, Maintenance,
    Metrics, Severity, Source, Spot,
};
use serde::{Deserialize, Serialize};

/// Whether a device is there now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceState {
    Online,
    Offline,
    /// Not watched: a web page not connected since the node started, a
    /// camera, or a revoked device.
    Unknown,
}

/// One device in `GET /api/v1/devices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceView {
    pub device: Device,
    pub link: Link,
    pub presence: PresenceState,
    /// When the node last heard from it (a report, a status, a page connecting).
    pub last_heard: Option<i64>,
    /// Its latest report's metrics (MQTT devices).
    pub metrics: Option<Metrics>,
    pub open_alarms: u32,
    pub maintenance: Option<Maintenance>,
    pub added_at: i64,
    pub revoked_at: Option<i64>,
}

/// `POST /api/v1/devices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddDeviceRequest {
    pub id: String,
    pub kind: DeviceKind,
    pub name: String,
    pub spot: Spot,
    #[serde(default)]
    pub counter: Option<u16>,
    #[serde(default)]
    pub depends_on: Vec<String>,
}

/// A new device's credential, answered once and never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Credential {
    /// A web device: its bearer token, and its page's address carrying it
    /// (`None` for a counter PC, whose desktop takes the token).
    Token { token: String, url: Option<String> },
    /// An MQTT device: it connects with client id and username = its id.
    Mqtt {
        username: String,
        password: String,
        /// Its topics' prefix: `yyt/<hall>/dev/<id>/`.
        topic_prefix: String,
    },
    /// Nothing to sign in with (a camera).
    None,
}

/// `POST /api/v1/devices` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddDeviceReply {
    pub device: DeviceView,
    pub credential: Credential,
}

/// `GET /api/v1/alarms?state=open|all&limit=N` (state `open` and limit 100 by default, at most 500).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmsQuery {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The most alarms one `GET /api/v1/alarms` answers.
pub const MAX_ALARMS_PAGE: u32 = 500;

/// `POST /api/v1/alarms/{id}/ack` and `/clear`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    pub note: String,
}

/// `POST /api/v1/alarms/{id}/assign`: who is to fix it (a name or staff number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub to: String,
}

/// `POST /api/v1/devices/{id}/maintenance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceRequest {
    pub minutes: u32,
    pub note: String,
}

/// The longest maintenance window, in minutes.
pub const MAX_MAINTENANCE_MINUTES: u32 = 24 * 60;

/// What a supervisor does to an alarm from the desktop (the `alarm_act` command).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmAct {
    pub id: u64,
    pub act: AlarmActKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlarmActKind {
    Acknowledge { note: String },
    Assign { to: String },
    Clear { note: String },
}

/// Starts (`Some`) or ends (`None`) a device's maintenance (the `device_maintenance` command).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceAct {
    pub device: String,
    pub start: Option<MaintenanceRequest>,
}

/// One minute of a device's metrics (`GET /api/v1/devices/{id}/metrics`: the last day, oldest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSample {
    /// The minute's start, Unix ms.
    pub at: i64,
    pub metrics: Metrics,
}

pub use devices::command::{
    Action, Command, CommandState, Hold, Order, Outcome, Reply, MAX_MESSAGE, MAX_MESSAGE_SECONDS,
};
pub use devices::telemetry::Busy;

/// `POST /api/v1/devices/{id}/commands`: a control command for one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandRequest {
    pub action: Action,
    /// How long it may wait and run before it counts as failed (5–1800 s; 60 by default).
    #[serde(default)]
    pub ttl_seconds: Option<u32>,
}

/// A command's time to live when the request names none, in seconds.
pub const DEFAULT_COMMAND_TTL_SECONDS: u32 = 60;
/// The most commands one `GET /api/v1/devices/{id}/commands` answers.
pub const MAX_COMMANDS_PAGE: u32 = 200;

/// A supervisor's command from the desktop (the `device_command` command).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCommandAct {
    pub device: String,
    pub request: CommandRequest,
}
