//! The hall node's wire types: what counter apps, boards and hall devices send and receive.

use domain::{HallCode, Role, StaffNo};
use queue::{BusinessCode, CounterNo, PriorityGrant, TicketNo};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/sessions` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionReply {
    pub token: String,
    pub staff_no: StaffNo,
    pub name: String,
    pub role: Role,
    pub hall_code: HallCode,
    pub hall_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessInfo {
    pub code: BusinessCode,
    pub name_zh: String,
    pub name_en: String,
    pub waiting: u32,
    pub estimated_wait_secs: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorityInfo {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Who may grant it: a kiosk offers only `self_service` classes.
    pub grant: PriorityGrant,
}

/// `GET /api/v1/hall`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HallInfo {
    pub hall_code: HallCode,
    pub hall_name: String,
    pub businesses: Vec<BusinessInfo>,
    pub priorities: Vec<PriorityInfo>,
}

/// `POST /api/v1/tickets` body. Raw strings: the node parses them and names what is wrong.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    pub business: String,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub customer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketBrief {
    pub id: u64,
    pub no: TicketNo,
    pub business: BusinessCode,
    pub priority: String,
    pub issued_at: i64,
    /// The staff member who issued it on the customer's behalf (`None`: a kiosk).
    #[serde(default)]
    pub granted_by: Option<StaffNo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueReply {
    pub ticket: TicketBrief,
    pub business_name_zh: String,
    pub business_name_en: String,
    pub ahead: u32,
    pub estimated_wait_secs: u32,
    pub hall_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallView {
    pub no: TicketNo,
    pub counter: CounterNo,
    pub at: i64,
    pub recall: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitingView {
    pub code: BusinessCode,
    pub name_zh: String,
    pub name_en: String,
    pub waiting: u32,
}

/// `GET /api/v1/display`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisplayState {
    pub calls: Vec<CallView>,
    pub waiting: Vec<WaitingView>,
    /// The program beside the calls and the ticker under them, now (absent
    /// from a node before programs).
    #[serde(default)]
    pub screen: Option<crate::programs::OnScreen>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingRating {
    pub ticket: u64,
    pub no: TicketNo,
    pub staff_no: StaffNo,
    pub staff_name: String,
    pub finished_at: i64,
}

/// `GET /api/v1/pads/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PadState {
    pub counter: CounterNo,
    pub pending: Option<PendingRating>,
}

/// `POST /api/v1/ratings` body; `score: None` records "not rated" (the pad timed out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    pub ticket: u64,
    pub score: Option<u8>,
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// One message on the events WebSocket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WireEvent {
    Called {
        no: TicketNo,
        counter: CounterNo,
        recall: u32,
        at: i64,
    },
    Waiting {
        businesses: Vec<WaitingView>,
    },
    Finished {
        ticket: u64,
        no: TicketNo,
        counter: CounterNo,
        staff_no: StaffNo,
        staff_name: String,
    },
    Rated {
        ticket: u64,
        counter: CounterNo,
    },
    Counter {
        counter: CounterNo,
    },
    /// A supervisor acted on the queue (staff only): who, what and why.
    Supervised {
        notice: SupervisorNotice,
    },
    /// An alarm changed (supervisors only), journaled before it is told.
    Alarm {
        change: devices::AlarmChange,
    },
    /// A control command to this device's page (the device it is for only).
    Order {
        order: devices::command::Order,
    },
    /// A control command changed (supervisors only), journaled before it is told.
    DeviceCommand {
        command: devices::command::Command,
    },
    /// The hall's emergency picture changed (staff only), journaled before it is told.
    Emergency {
        view: crate::emergency::EmergencyView,
    },
    /// What the call displays and kiosks show for a running incident (those devices only).
    Notice {
        notice: crate::emergency::PublicNotice,
    },
}

/// `{}`: the body of a request without parameters, or an answer with nothing to say.
///
/// Read as an answer it accepts any object: a client that only needs to know
/// the call went through ignores what a newer node may add.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

// ----- counter work and boards ---------------------------------------------

/// The answer to each `POST /api/v1/counters/{no}/…`: what the action made happen, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterReply {
    pub events: Vec<queue::Event>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseRequest {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallTicketRequest {
    pub no: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinishRequest {
    #[serde(default)]
    pub handled: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    #[serde(default)]
    pub to_business: Option<String>,
    #[serde(default)]
    pub to_counter: Option<u16>,
    /// Go to the front of the new queue instead of keeping the arrival time.
    #[serde(default)]
    pub front: bool,
}

/// A ticket at a counter, as boards and the workbench show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentTicket {
    pub id: u64,
    pub no: TicketNo,
    pub business: BusinessCode,
    pub priority: String,
    pub customer: Option<String>,
    /// `called` or `serving`.
    pub stage: String,
    pub recalls: u32,
    pub issued_at: i64,
    /// When it was called (stage `called`) or started (stage `serving`).
    pub since: i64,
    /// What was filled in for this customer while they waited (业务预办理).
    #[serde(default)]
    pub preprocessed: Option<crate::emergency::PreProcessed>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterBoard {
    pub no: CounterNo,
    pub skills: Vec<BusinessCode>,
    /// `closed`, `open` or `paused`.
    pub status: String,
    pub staff_no: Option<StaffNo>,
    pub staff_name: Option<String>,
    pub reason: Option<String>,
    pub since: Option<i64>,
    pub current: Option<CurrentTicket>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessBoard {
    pub code: BusinessCode,
    pub name_zh: String,
    pub name_en: String,
    pub waiting: u32,
    pub longest_wait_secs: u32,
    pub estimated_wait_secs: u32,
}

/// Served count, handling time and satisfaction, for a clerk or the whole hall today.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub served: u32,
    pub avg_handle_secs: u32,
    pub rated: u32,
    /// Mean score of the rated services, 1–5.
    pub avg_score: Option<f32>,
    /// Share of rated services scored 4 or 5, 0–100.
    pub satisfaction_pct: Option<u32>,
}

/// `GET /api/v1/board`: the supervisor's live hall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    pub hall_name: String,
    pub at: i64,
    pub businesses: Vec<BusinessBoard>,
    pub counters: Vec<CounterBoard>,
    pub today: Figures,
    pub sync: SyncStatus,
}

/// Replication to the province, as a supervisor needs to see it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// A province is configured for this hall.
    pub configured: bool,
    /// The last upload attempt reached the province and was accepted.
    pub online: bool,
    /// Unix ms of the last accepted upload.
    pub last_success_at: Option<i64>,
    /// Changes recorded here and not yet acknowledged by the province.
    pub waiting: u64,
    /// Unix ms when the province's own data (staff, set-up) was last fetched.
    #[serde(default)]
    pub feed_at: Option<i64>,
    /// Why the province refuses this hall's data, when it does: a person must act.
    #[serde(default)]
    pub problem: Option<SyncProblem>,
}

/// A refusal by the province that retrying will not cure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum SyncProblem {
    /// This PC's clock is off by this much (positive: ahead).
    ClockSkew { skew_ms: i64 },
    /// The province needs a newer version of this software.
    UpdateRequired,
    /// The province does not accept this hall's credential.
    Credential,
    /// The province rejected the data itself.
    Rejected,
}

/// `GET /api/v1/me`: a clerk's counter and own figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeView {
    pub staff_no: StaffNo,
    pub name: String,
    pub counter: Option<CounterBoard>,
    pub waiting: Vec<BusinessBoard>,
    pub figures: Figures,
}

/// `GET /api/v1/tickets`: one of today's tickets, for staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketRow {
    pub id: u64,
    pub no: TicketNo,
    pub business: BusinessCode,
    pub priority: String,
    /// `waiting`, `called`, `serving`, `done`, `no_show` or `expired`.
    pub state: String,
    pub counter: Option<CounterNo>,
    /// The customer's score, when the service was rated (0 = not rated: the pad
    /// timed out, or the counter finished its next service or the day closed first).
    pub score: Option<u8>,
}

// ----- the supervisor's actions -------------------------------------------

/// `POST /api/v1/supervisor/counters/{no}/pause|close` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Why (1–200 characters); kept in the audit trail.
    pub reason: String,
}

/// `POST /api/v1/supervisor/tickets/{no}/transfer` body: move a waiting ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveTicketRequest {
    #[serde(default)]
    pub to_business: Option<String>,
    #[serde(default)]
    pub to_counter: Option<u16>,
    /// Go to the front of the new queue instead of keeping the arrival time.
    #[serde(default)]
    pub front: bool,
    pub reason: String,
}

/// `POST /api/v1/supervisor/tickets/{no}/call` body: call that ticket to `counter`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallToCounterRequest {
    pub counter: u16,
    pub reason: String,
}

/// What a supervisor did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupervisorActionKind {
    /// Paused a counter.
    Pause,
    /// Signed a counter off.
    Close,
    /// Moved a waiting ticket to another business or counter.
    Transfer,
    /// Called a waiting ticket to a counter.
    Call,
}

impl SupervisorActionKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pause => "pause",
            Self::Close => "close",
            Self::Transfer => "transfer",
            Self::Call => "call",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Pause, Self::Close, Self::Transfer, Self::Call]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// One audited action of a supervisor: the answer to each supervisor call,
/// the `supervised` live event, and a row of `GET /api/v1/supervisor/actions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupervisorNotice {
    /// The audit row's number.
    pub id: u64,
    /// Unix ms.
    pub at: i64,
    /// The supervisor.
    pub staff_no: StaffNo,
    pub staff_name: String,
    pub action: SupervisorActionKind,
    /// The counter paused, signed off or called to, or the counter a ticket was moved to.
    pub counter: Option<CounterNo>,
    /// The clerk signed in at that counter then: whose workbench shows the notice.
    pub clerk: Option<StaffNo>,
    pub ticket: Option<TicketNo>,
    /// The business a moved ticket now queues for.
    pub to_business: Option<BusinessCode>,
    pub reason: String,
}

// ----- updates of the hall's PCs -------------------------------------------

/// Where a PC stands with an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateState {
    /// The hall offers a release; it waits for the clerk.
    Offered,
    /// The clerk chose to install it; it is being fetched and checked.
    Downloading,
    /// The PC runs the offered release.
    Installed,
    /// Fetching, checking or installing failed (`detail` says why).
    Failed,
    /// Nothing to install.
    UpToDate,
}

/// `POST /api/v1/updates/report` body (a staff session): a PC says where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateReport {
    /// This PC's name in the hall (letters, digits, dashes; at most 40).
    pub pc: String,
    pub current_version: String,
    /// The release offered, if any.
    pub offered: Option<String>,
    pub state: UpdateState,
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_is_an_empty_object_and_reads_any_object() {
        assert_eq!(serde_json::to_value(Empty {}).unwrap(), json!({}));
        let read: Empty = serde_json::from_value(json!({"events": []})).unwrap();
        assert_eq!(read, Empty {});
    }

    #[test]
    fn update_report_wire_shape() {
        let r = UpdateReport {
            pc: "pc-1".into(),
            current_version: "0.1.1".into(),
            offered: Some("0.1.2".into()),
            state: UpdateState::UpToDate,
            detail: None,
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(
            v,
            json!({"pc": "pc-1", "current_version": "0.1.1", "offered": "0.1.2",
                   "state": "up_to_date", "detail": null})
        );
        assert_eq!(serde_json::from_value::<UpdateReport>(v).unwrap(), r);
    }
}
