//! The emergency console's wire: the hall's plans, proposals and incidents as staff see them, the requests that run an incident, and what the hall's screens show while one runs.
//!
//! The hall node answers `GET /api/v1/emergency` with an [`EmergencyView`]
//! and pushes the same view as the `emergency` live event after every
//! change, so each screen (console, workbench, board) shows the steps its
//! role must acknowledge within a second. Call displays and kiosks get only
//! the [`PublicNotice`] (a banner, nearby halls), never a drill's.

pub use emergency::plan as limits;
pub use emergency::{
    Action, DrillScore, Entry, EventType, Figures, Incident, Level, Plan, PlanError, Report, Step,
    TriggerRule, What,
};
use serde::{Deserialize, Serialize};

/// The longest step id (`emergency::plan::MAX_ID`).
pub const MAX_STEP_ID: usize = emergency::plan::MAX_ID;

/// The most incidents the history answers.
pub const MAX_HISTORY: u32 = 100;

/// A plan the province sent, and whether this hall can use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub plan: Plan,
    /// Why it cannot run here (its check against the hall failed), in Chinese.
    #[serde(default)]
    pub refused: Option<String>,
    /// The province sent it to every hall (otherwise to listed halls, this one among them).
    #[serde(default)]
    pub for_every_hall: bool,
}

/// A plan a trigger (or a drill) asks the duty person to start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub plan: String,
    pub plan_name: String,
    pub event: EventType,
    /// The level the plan starts at.
    pub level: Level,
    /// What held, in words.
    pub reason: String,
    pub at: i64,
    /// A drill's synthetic trigger: starting it never touches the queue or the screens.
    pub drill: bool,
}

/// Everything the emergency console shows, and what other roles read their prompts from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyView {
    pub plans: Vec<PlanView>,
    pub proposals: Vec<ProposalView>,
    /// The incidents running now, oldest first.
    pub incidents: Vec<Incident>,
    /// The hall's figures as the triggers last read them.
    pub figures: Figures,
    pub at: i64,
}

/// `PUT /api/v1/emergency/plans/{id}`: a planner publishes a plan (new or
/// replacing the one of that id) through the hall node, which relays it to
/// the province; it comes back down the owned feed to the halls it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDraft {
    pub plan: Plan,
    /// The hall codes it is for; `None`: every hall of the province.
    #[serde(default)]
    pub halls: Option<Vec<String>>,
}

/// The province's answer to a publication or a withdrawal
/// (`POST /api/v1/emergency/plans/{id}/withdraw`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPublished {
    pub plan: String,
    /// `None`: every hall.
    pub halls: Option<Vec<String>>,
    pub withdrawn: bool,
    pub at: i64,
}

/// The most halls a plan may list.
pub const MAX_PLAN_HALLS: usize = 500;

/// A call for counters to open, shown on the sign-in screen to clerks not
/// signed in: a due 增开窗口 step of a running incident that the clerks have
/// not acknowledged yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterCall {
    pub incident: u64,
    pub plan_name: String,
    pub level: Level,
    pub step: String,
    pub step_title: String,
    /// Counters the step asks for.
    pub count: u16,
    pub drill: bool,
}

/// The counter calls of the running incidents, oldest incident first.
pub fn counter_calls(incidents: &[Incident]) -> Vec<CounterCall> {
    incidents
        .iter()
        .flat_map(|i| {
            i.waiting_for(domain::Role::Clerk)
                .into_iter()
                .filter_map(|id| {
                    let step = i.plan.steps.iter().find(|p| &p.id == id)?;
                    let Some(Action::OpenCounters { count }) = step.action else {
                        return None;
                    };
                    Some(CounterCall {
                        incident: i.id,
                        plan_name: i.plan.name.clone(),
                        level: i.level,
                        step: step.id.clone(),
                        step_title: step.title.clone(),
                        count,
                        drill: i.drill,
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `POST /api/v1/emergency/activate`: start a plan (a proposal of it, if there is one, is taken).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activate {
    pub plan: String,
    /// The level to start at (default: the plan's, or the proposal's).
    #[serde(default)]
    pub level: Option<Level>,
    /// Why, when started by hand (default: the proposal's reason).
    #[serde(default)]
    pub reason: Option<String>,
    /// Run it as a drill (a drill's proposal is always one).
    #[serde(default)]
    pub drill: bool,
}

/// `POST /api/v1/emergency/decline` and `…/drill`: a plan by its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRef {
    pub plan: String,
}

/// Something done to a running incident: `POST /api/v1/emergency/incidents/{id}/…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum IncidentAct {
    /// `…/steps/{step}/ack`: the caller's role acknowledges a step (a clerk on
    /// break acknowledging 增开窗口 opens the counter again).
    Ack { step: String },
    /// `…/level`: one level graver (`up`) or milder.
    Level { up: bool },
    /// `…/handover`: to another staff member of the hall.
    HandOver { to: String },
    /// `…/notes`.
    Note { text: String },
    /// `…/terminate`, with a summary.
    Terminate { summary: String },
}

/// The Tauri command's request: an act on an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActOn {
    pub incident: u64,
    pub act: IncidentAct,
}

/// `…/level` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRequest {
    pub up: bool,
}

/// `…/handover` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandOverRequest {
    pub to: String,
}

/// `…/notes` and `…/terminate` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextRequest {
    pub text: String,
}

/// `GET /api/v1/emergency/incidents/{id}`: an incident, its after-action report
/// (应急信息快速报告单) and its score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentDetail {
    pub incident: Incident,
    pub report: Report,
    pub score: DrillScore,
}

/// One incident of the history (`GET /api/v1/emergency/incidents`), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentSummary {
    pub id: u64,
    pub plan: String,
    pub plan_name: String,
    pub level: Level,
    pub drill: bool,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub score: DrillScore,
}

/// A nearby hall customers may be sent to, with its wait as the province last heard it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearbyHallView {
    pub name: String,
    pub waiting: u32,
    pub longest_wait_s: u32,
}

/// What the call displays and kiosks show while an incident (not a drill) runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicNotice {
    /// A banner's text (e.g. 业务高峰，请使用自助终端).
    pub banner: Option<String>,
    /// Speak the banner when it appears.
    pub voice: bool,
    /// 业务分流: other halls and self-service, when a divert step is due.
    pub divert: Option<Divert>,
}

/// Where else customers can be served.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Divert {
    pub halls: Vec<NearbyHallView>,
    /// Self-service options to name (terminals in the hall, the app).
    pub self_service: Vec<String>,
}

/// 业务预办理: what a staff member with the tablet page filled in for a
/// waiting customer, against their ticket, so the counter finishes faster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreForm {
    /// 户号: the customer's electricity account, 6–20 digits.
    pub account: String,
    /// A mobile number to reach them, 11 digits.
    #[serde(default)]
    pub phone: Option<String>,
    /// What they came for, 1–100 characters.
    pub matter: String,
    /// Anything else the clerk should know, at most 200 characters.
    #[serde(default)]
    pub note: Option<String>,
}

impl PreForm {
    /// The form trimmed, or `None` when a field does not fit.
    pub fn checked(&self) -> Option<PreForm> {
        let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        let text = |s: &str, max: usize| {
            let n = s.chars().count();
            n <= max && !s.chars().any(char::is_control)
        };
        let account = self.account.trim().to_owned();
        let phone = self
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let matter = self.matter.trim().to_owned();
        let note = self
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        let ok = digits(&account, 6..=20)
            && phone.as_deref().is_none_or(|p| digits(p, 11..=11))
            && !matter.is_empty()
            && text(&matter, 100)
            && note.as_deref().is_none_or(|n| text(n, 200));
        ok.then_some(PreForm {
            account,
            phone,
            matter,
            note,
        })
    }
}

/// A ticket's pre-processing form as stored: the form, who filled it, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreProcessed {
    pub ticket: u64,
    pub form: PreForm,
    pub by: String,
    pub at: i64,
}

/// A waiting customer on the pre-processing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreTicket {
    pub id: u64,
    pub no: String,
    pub business: String,
    pub business_name: String,
    pub issued_at: i64,
    pub form: Option<PreProcessed>,
}

/// `GET /api/v1/preprocess`: whether a 业务预办理 step runs, and today's waiting customers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreProcessView {
    pub running: bool,
    pub tickets: Vec<PreTicket>,
}
