//! What a change going up carries: its kind, and the payload of each kind both ends agree on.
//!
//! The hall writes these payloads into its change log; the province reads
//! them back from an upload. Every payload ignores fields it does not know
//! (a newer hall may add some), and every enum keeps a value it does not
//! know as `Other` (a newer hall may send new states), so an older province
//! stores what it can and acknowledges the rest, and a newer one still reads
//! what an older hall sends. A change of kind [`ChangeKind::Other`] is
//! acknowledged and not stored; the protocol version guards meaning.

use crate::Change;
use serde::{Deserialize, Serialize};

/// The kind of a change, as `Change::kind` spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A snapshot of a whole ticket ([`TicketChange`]); key: the ticket's id.
    Ticket,
    /// A counter opened, paused, resumed or closed ([`CounterEvent`]); key: `counter-wall-counter`.
    CounterEvent,
    /// A password changed at the hall ([`StaffPassword`]); key: the staff number.
    StaffPassword,
    /// A PC of the hall reporting on updating ([`UpdateStatus`]); key: `hall:CODE/pc`.
    UpdateStatus,
    /// A device of the hall's registry as it is now ([`DeviceChange`]); key: the device id.
    Device,
    /// An alarm of the hall as it is now ([`AlarmHead`] of the hall's whole alarm); key: the alarm id.
    Alarm,
    /// A control command to a device as it is now ([`CommandHead`] of the hall's whole command); key: the command id.
    DeviceCommand,
    /// One line of the video audit ([`VideoAccessHead`] of the hall's whole record); key: its id.
    VideoAccess,
    /// An evidence lock on footage as it is now ([`EvidenceLockHead`] of the whole lock); key: its id.
    EvidenceLock,
    /// An emergency incident as it is now, without its timeline ([`IncidentHead`]
    /// of the hall's whole `emergency::Incident`); key: the incident id.
    Incident,
    /// One line of an incident's timeline ([`IncidentEntryHead`] of the whole
    /// line); key: `{incident}-{seq}`. Lines are never changed once written.
    IncidentEntry,
    /// One line of a hall's customer audit: who opened whose record or searched
    /// for whom ([`CustomerAccessHead`] of the whole line); key: its id. Lines are
    /// never changed once written.
    CustomerAccess,
    /// A kind this version does not know.
    #[serde(untagged)]
    Other(String),
}

impl ChangeKind {
    pub fn parse(raw: &str) -> Self {
        match raw {
            "ticket" => Self::Ticket,
            "counter_event" => Self::CounterEvent,
            "staff_password" => Self::StaffPassword,
            "update_status" => Self::UpdateStatus,
            "device" => Self::Device,
            "alarm" => Self::Alarm,
            "device_command" => Self::DeviceCommand,
            "video_access" => Self::VideoAccess,
            "evidence_lock" => Self::EvidenceLock,
            "incident" => Self::Incident,
            "incident_entry" => Self::IncidentEntry,
            "customer_access" => Self::CustomerAccess,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Ticket => "ticket",
            Self::CounterEvent => "counter_event",
            Self::StaffPassword => "staff_password",
            Self::UpdateStatus => "update_status",
            Self::Device => "device",
            Self::Alarm => "alarm",
            Self::DeviceCommand => "device_command",
            Self::VideoAccess => "video_access",
            Self::EvidenceLock => "evidence_lock",
            Self::Incident => "incident",
            Self::IncidentEntry => "incident_entry",
            Self::CustomerAccess => "customer_access",
            Self::Other(other) => other,
        }
    }
}

impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A ticket's snapshot: the business day and the ticket as the queue keeps it.
/// The hall sends the queue's whole ticket (`T = &queue::Ticket`); the
/// province reads the columns it stores ([`TicketHead`]) and keeps the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketChange<T = TicketHead> {
    #[serde(default)]
    pub day: i64,
    pub ticket: T,
}

/// What the province reads of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketHead {
    pub id: u64,
    /// As printed: `A012`.
    pub no: String,
    /// The business it queues for now: `A`.
    pub business: String,
    pub state: TicketStateHead,
}

/// A ticket's state is an object tagged `state`; the rest of it stays in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketStateHead {
    pub state: TicketStateKind,
}

/// The states of the queue's `TicketState`, by their tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStateKind {
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
    Expired,
    /// A state this version does not know: stored as it is spelled.
    #[serde(untagged)]
    Other(String),
}

impl TicketStateKind {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Waiting => "waiting",
            Self::Called => "called",
            Self::Serving => "serving",
            Self::Done => "done",
            Self::NoShow => "no_show",
            Self::Expired => "expired",
            Self::Other(other) => other,
        }
    }
}

/// A counter's event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterEvent {
    pub counter: u16,
    pub event: CounterEventKind,
    /// Who opened it (`opened` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    /// Why it paused (`paused` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When, in Unix ms.
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CounterEventKind {
    Opened,
    Paused,
    Resumed,
    Closed,
    #[serde(untagged)]
    Other(String),
}

/// A password changed at the hall: the new hash (a PHC string).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPassword {
    pub password_hash: String,
}

/// Where a PC of the hall stands with updating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateStatus {
    pub current_version: String,
    #[serde(default)]
    pub offered: Option<String>,
    pub state: UpdateState,
    #[serde(default)]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateState {
    Offered,
    Downloading,
    Installed,
    Failed,
    UpToDate,
    #[serde(untagged)]
    Other(String),
}

impl UpdateState {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Offered => "offered",
            Self::Downloading => "downloading",
            Self::Installed => "installed",
            Self::Failed => "failed",
            Self::UpToDate => "up_to_date",
            Self::Other(other) => other,
        }
    }
}

/// A device of the hall's registry: the hall sends its whole record
/// (`D = &devices::Device`); the province reads the head ([`DeviceHead`]) and
/// keeps the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceChange<D = DeviceHead> {
    pub device: D,
    /// When the hall registered it, Unix ms.
    #[serde(default)]
    pub added_at: i64,
    /// When its credential was revoked.
    #[serde(default)]
    pub revoked_at: Option<i64>,
    /// Taken out of the registry: the last change of this key.
    #[serde(default)]
    pub removed: bool,
}

/// What the province reads of a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceHead {
    pub id: String,
    pub kind: DeviceKindHead,
    pub name: String,
}

/// The kinds of the hall's `devices::DeviceKind`, by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKindHead {
    Kiosk,
    Pad,
    Display,
    Terminal,
    CounterPc,
    Camera,
    Switch,
    Ups,
    #[serde(untagged)]
    Other(String),
}

impl DeviceKindHead {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Pad => "pad",
            Self::Display => "display",
            Self::Terminal => "terminal",
            Self::CounterPc => "counter_pc",
            Self::Camera => "camera",
            Self::Switch => "switch",
            Self::Ups => "ups",
            Self::Other(other) => other,
        }
    }
}

/// What the province reads of an alarm; the hall sends its whole
/// `devices::Alarm` (who acknowledged it, notes, folding) and the province
/// keeps that body beside these columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmHead {
    pub id: u64,
    pub key: AlarmKeyHead,
    pub severity: SeverityHead,
    pub state: AlarmStateHead,
    pub raised_at: i64,
    #[serde(default)]
    pub cleared: Option<ClearedHead>,
}

/// What an alarm is about and what went wrong (the fault by its name: `paper_out`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmKeyHead {
    pub source: SourceHead,
    pub fault: String,
}

/// An alarm's source, tagged `kind`; a kind this version does not know reads as `Other`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceHead {
    Device {
        id: String,
    },
    Business {
        code: String,
    },
    Clerk {
        staff_no: String,
    },
    #[serde(other)]
    Other,
}

impl SourceHead {
    /// The kind and the name of the source, as the province's columns keep them.
    pub fn columns(&self) -> (&str, &str) {
        match self {
            Self::Device { id } => ("device", id),
            Self::Business { code } => ("business", code),
            Self::Clerk { staff_no } => ("clerk", staff_no),
            Self::Other => ("other", ""),
        }
    }
}

/// When an alarm ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearedHead {
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeverityHead {
    Warning,
    Minor,
    Major,
    Critical,
    #[serde(untagged)]
    Other(String),
}

impl SeverityHead {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Warning => "warning",
            Self::Minor => "minor",
            Self::Major => "major",
            Self::Critical => "critical",
            Self::Other(other) => other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmStateHead {
    Raised,
    Acknowledged,
    Cleared,
    #[serde(untagged)]
    Other(String),
}

impl AlarmStateHead {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Raised => "raised",
            Self::Acknowledged => "acknowledged",
            Self::Cleared => "cleared",
            Self::Other(other) => other,
        }
    }
}

/// What the province reads of a control command (the hall sends `devices::command::Command` whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandHead {
    pub id: u64,
    pub device: String,
    /// Staff number of who asked.
    pub by: String,
    pub requested_at: i64,
    pub state: CommandStateHead,
}

/// A command's state is an object tagged `state`; the rest stays in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandStateHead {
    /// `waiting`, `sent`, `confirmed`, `refused`, `expired`, or a newer one as spelled.
    pub state: String,
}

/// What the province reads of a line of the video audit (the hall sends `devices::video::AccessRecord` whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoAccessHead {
    pub id: u64,
    pub at: i64,
    /// Staff number of who looked.
    pub by: String,
    pub camera: String,
    /// `live`, `playback`, `export`, `lock`, `unlock`, or a newer one as spelled.
    pub access: String,
}

/// What the province reads of an evidence lock (the hall sends `devices::video::EvidenceLock` whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceLockHead {
    pub id: u64,
    pub camera: String,
    pub by: String,
    pub at: i64,
    /// Present once released.
    #[serde(default)]
    pub unlocked: Option<UnlockHead>,
}

/// Who released an evidence lock, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockHead {
    pub by: String,
    pub at: i64,
}

/// A change's payload, read by its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Ticket(TicketChange),
    CounterEvent(CounterEvent),
    StaffPassword(StaffPassword),
    UpdateStatus(UpdateStatus),
    Device(DeviceChange),
    Alarm(AlarmHead),
    DeviceCommand(CommandHead),
    VideoAccess(VideoAccessHead),
    EvidenceLock(EvidenceLockHead),
    Incident(IncidentHead),
    IncidentEntry(IncidentEntryHead),
    CustomerAccess(CustomerAccessHead),
    /// A kind this version does not know (named).
    Unknown(String),
}

impl Change {
    /// The kind of this change.
    pub fn change_kind(&self) -> ChangeKind {
        ChangeKind::parse(&self.kind)
    }

    /// The payload, read as its kind says; an error when the body does not
    /// hold what that kind needs.
    pub fn payload(&self) -> Result<Payload, serde_json::Error> {
        let body = &self.body;
        Ok(match self.change_kind() {
            ChangeKind::Ticket => Payload::Ticket(body.read()?),
            ChangeKind::CounterEvent => Payload::CounterEvent(body.read()?),
            ChangeKind::StaffPassword => Payload::StaffPassword(body.read()?),
            ChangeKind::UpdateStatus => Payload::UpdateStatus(body.read()?),
            ChangeKind::Device => Payload::Device(body.read()?),
            ChangeKind::Alarm => Payload::Alarm(body.read()?),
            ChangeKind::DeviceCommand => Payload::DeviceCommand(body.read()?),
            ChangeKind::VideoAccess => Payload::VideoAccess(body.read()?),
            ChangeKind::EvidenceLock => Payload::EvidenceLock(body.read()?),
            ChangeKind::Incident => Payload::Incident(body.read()?),
            ChangeKind::IncidentEntry => Payload::IncidentEntry(body.read()?),
            ChangeKind::CustomerAccess => Payload::CustomerAccess(body.read()?),
            ChangeKind::Other(kind) => Payload::Unknown(kind),
        })
    }
}

/// What the province reads of an incident (the hall sends its whole
/// `emergency::Incident` less the timeline; the rest is kept as sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentHead {
    pub id: u64,
    pub plan: PlanHead,
    /// `I` … `IV`.
    pub level: String,
    pub drill: bool,
    pub started_at: i64,
    pub duty: String,
    #[serde(default)]
    pub ended: Option<IncidentEndHead>,
}

/// The plan an incident runs, as the province reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanHead {
    pub id: String,
    pub name: String,
    /// `queue_surge`, `public_safety`, …
    pub event: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentEndHead {
    pub at: i64,
    pub by: String,
    pub summary: String,
}

/// What the province reads of a timeline line (the line itself is kept as sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentEntryHead {
    pub incident: u64,
    pub seq: u32,
    pub at: i64,
}

/// What the province reads of a line of a hall's customer audit (the line itself is kept as sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAccessHead {
    pub id: u64,
    pub at: i64,
    /// The staff number.
    pub by: String,
    /// `record` (a customer's record opened) or `search`.
    pub what: String,
    /// The account opened or searched for.
    #[serde(default)]
    pub account: Option<String>,
}
