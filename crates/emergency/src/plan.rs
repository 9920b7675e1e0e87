//! An emergency plan of the province: the event it answers, its level, the roles involved, its ordered steps and its triggers, checked as a whole.
//!
//! Steps run in order; a step may also wait for others (`after`), and the
//! waits must not go round in a circle. Each step names the roles that
//! acknowledge it (at least one) and may act (open counters, put up a
//! banner, divert customers, pre-process forms, dispatch resources).

use domain::Role;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Bounds of a plan.
pub const MAX_ID: usize = 40;
pub const MAX_NAME: usize = 60;
pub const MAX_STEPS: usize = 50;
/// A step's title.
pub const MAX_TITLE: usize = 60;
/// A banner's or a dispatch's text.
pub const MAX_TEXT: usize = 100;
pub const MAX_TRIGGERS: usize = 10;
/// The longest a trigger's condition must hold (or clear): an hour.
pub const MAX_HOLD_S: u32 = 3_600;

/// What kind of event a plan answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// 客户排队过多.
    QueueSurge,
    /// 治安事件.
    PublicSafety,
    /// 自助终端故障.
    TerminalFailure,
    /// 停电：客户涌入营业厅.
    PowerOutage,
    /// 系统故障.
    SystemOutage,
}

impl EventType {
    pub fn label_zh(self) -> &'static str {
        match self {
            EventType::QueueSurge => "客户排队过多",
            EventType::PublicSafety => "治安事件",
            EventType::TerminalFailure => "自助终端故障",
            EventType::PowerOutage => "停电客户涌入",
            EventType::SystemOutage => "系统故障",
        }
    }
}

/// A response level, I the gravest (红), IV the least (蓝).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    I,
    II,
    III,
    IV,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::I, Level::II, Level::III, Level::IV];

    /// The colour of the level, as the national emergency scale has it.
    pub fn colour(self) -> &'static str {
        match self {
            Level::I => "red",
            Level::II => "orange",
            Level::III => "yellow",
            Level::IV => "blue",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Level::I => "Ⅰ级（红色）",
            Level::II => "Ⅱ级（橙色）",
            Level::III => "Ⅲ级（黄色）",
            Level::IV => "Ⅳ级（蓝色）",
        }
    }

    /// One step graver (`None` at I).
    pub fn up(self) -> Option<Level> {
        match self {
            Level::I => None,
            Level::II => Some(Level::I),
            Level::III => Some(Level::II),
            Level::IV => Some(Level::III),
        }
    }

    /// One step milder (`None` at IV).
    pub fn down(self) -> Option<Level> {
        match self {
            Level::I => Some(Level::II),
            Level::II => Some(Level::III),
            Level::III => Some(Level::IV),
            Level::IV => None,
        }
    }
}

/// A step's id within its plan: 1–40 of `A–Z a–z 0–9 - _`.
pub type StepId = String;

/// What a step does besides being acknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// 增开窗口: ask clerks on break or signed off to open this many more counters.
    OpenCounters { count: u16 },
    /// A banner (and its voice) on the call displays and kiosks until the incident ends.
    Banner { text: String, voice: bool },
    /// 业务分流: show nearby halls' waits and the self-service options.
    Divert,
    /// 业务预办理: staff fill waiting customers' forms against their tickets.
    PreProcess,
    /// 资源调度: request people or equipment, confirmed when they come.
    Dispatch { what: String },
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: StepId,
    pub title: String,
    /// Who must acknowledge it (each role, one person of it).
    pub ack_by: Vec<Role>,
    #[serde(default)]
    pub action: Option<Action>,
    /// Steps that must be acknowledged before this one is due (besides the order).
    #[serde(default)]
    pub after: Vec<StepId>,
    /// Not acknowledged this long after it was due, it escalates (seconds; default 120).
    #[serde(default = "default_escalate")]
    pub escalate_after_s: u32,
}

fn default_escalate() -> u32 {
    120
}

/// When a plan proposes itself (or activates, when the plan says so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TriggerRule {
    /// A business's waiting customers at or above `above` for `hold_s`;
    /// re-armed once at or below `clear_at` for `hold_s`.
    Waiting {
        business: String,
        above: u32,
        clear_at: u32,
        hold_s: u32,
    },
    /// A business's longest wait at or above `above_s` for `hold_s`; re-armed at or below `clear_at_s`.
    LongestWait {
        business: String,
        above_s: u32,
        clear_at_s: u32,
        hold_s: u32,
    },
    /// At least `count` self-service terminals or kiosks down.
    TerminalsDown { count: u16 },
    /// A UPS on battery, or a power-outage alarm.
    PowerOut,
    /// The public-safety button, pressed on any role's screen.
    PublicSafetyButton,
    /// An outage registered for the hall's area.
    AreaOutage,
}

/// A plan as the province publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub event: EventType,
    /// The level it starts at.
    pub level: Level,
    pub roles: Vec<Role>,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub triggers: Vec<TriggerRule>,
    /// A firing trigger activates it at once (`false`: it is proposed to the duty person).
    #[serde(default)]
    pub auto_activate: bool,
}

/// Why a plan was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    BadId(String),
    BadName,
    NoSteps,
    TooManySteps,
    BadStep(String),
    DuplicateStep(String),
    /// A step waits for a step the plan does not have.
    UnknownStep {
        step: String,
        after: String,
    },
    /// Steps wait for each other in a circle (through this one).
    Cycle(String),
    /// A step is acknowledged by a role the plan does not involve (or by nobody).
    UnknownRole {
        step: String,
    },
    /// A trigger names a business the hall does not have.
    UnknownBusiness(String),
    /// A trigger's bounds do not fit (the clearing bound above the firing one, a hold too long).
    BadTrigger,
    TooManyTriggers,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::BadId(id) => write!(
                f,
                "预案或步骤编号 {id:?} 不合规（1–{MAX_ID} 位字母、数字、- 或 _）"
            ),
            PlanError::BadName => write!(f, "预案名称应为 1–{MAX_NAME} 个字"),
            PlanError::NoSteps => write!(f, "预案至少要有一个步骤"),
            PlanError::TooManySteps => write!(f, "预案最多 {MAX_STEPS} 个步骤"),
            PlanError::BadStep(id) => write!(f, "步骤 {id} 的标题（1–{MAX_TITLE} 字）、动作（文字 1–{MAX_TEXT} 字，增开 1–50 个窗口）或升级时限（1–3600 秒）不合规"),
            PlanError::DuplicateStep(id) => write!(f, "步骤 {id} 重复"),
            PlanError::UnknownStep { step, after } => {
                write!(f, "步骤 {step} 等待的步骤 {after} 不存在")
            }
            PlanError::Cycle(id) => write!(f, "步骤之间的等待出现循环（经过 {id}）"),
            PlanError::UnknownRole { step } => {
                write!(
                    f,
                    "步骤 {step} 的确认岗位不在预案涉及的岗位中（或没有确认岗位）"
                )
            }
            PlanError::UnknownBusiness(b) => write!(f, "触发条件中的业务 {b} 本厅没有"),
            PlanError::BadTrigger => write!(
                f,
                "触发条件不合规（解除阈值应低于触发阈值，持续时间 1–3600 秒）"
            ),
            PlanError::TooManyTriggers => write!(f, "一个预案最多 {MAX_TRIGGERS} 个触发条件"),
        }
    }
}

impl std::error::Error for PlanError {}

impl PlanError {
    /// The reason in English (`Display` gives it in Chinese).
    pub fn en(&self) -> String {
        match self {
            PlanError::BadId(id) => {
                format!("The plan or step id {id:?} is not 1–{MAX_ID} letters, digits, - or _")
            }
            PlanError::BadName => format!("A plan's name is 1–{MAX_NAME} characters"),
            PlanError::NoSteps => "A plan needs at least one step".into(),
            PlanError::TooManySteps => format!("A plan has at most {MAX_STEPS} steps"),
            PlanError::BadStep(id) => format!(
                "Step {id}: its title (1–{MAX_TITLE} characters), action (text 1–{MAX_TEXT} characters, 1–50 counters) or escalation time (1–{MAX_HOLD_S} s) is wrong"
            ),
            PlanError::DuplicateStep(id) => format!("Step {id} is repeated"),
            PlanError::UnknownStep { step, after } => {
                format!("Step {step} waits for step {after}, which the plan does not have")
            }
            PlanError::Cycle(id) => {
                format!("The steps wait for each other in a circle (through {id})")
            }
            PlanError::UnknownRole { step } => format!(
                "Step {step} is acknowledged by a role the plan does not involve (or by nobody)"
            ),
            PlanError::UnknownBusiness(b) => {
                format!("A trigger names business {b}, which is not in the catalogue")
            }
            PlanError::BadTrigger => format!(
                "A trigger's bounds are wrong (the clearing bound below the firing one, held 1–{MAX_HOLD_S} s)"
            ),
            PlanError::TooManyTriggers => format!("A plan has at most {MAX_TRIGGERS} triggers"),
        }
    }
}

/// Whether `raw` is a plan or step id: 1–`MAX_ID` of `A–Z a–z 0–9 - _` (safe in a path).
pub fn id_ok(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= MAX_ID
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn text_ok(raw: &str, max: usize) -> bool {
    let n = raw.trim().chars().count();
    (1..=max).contains(&n) && !raw.chars().any(char::is_control)
}

impl Plan {
    /// Checks the plan as a whole against the hall's businesses (their codes).
    pub fn check(&self, businesses: &BTreeSet<String>) -> Result<(), PlanError> {
        if !id_ok(&self.id) {
            return Err(PlanError::BadId(self.id.chars().take(MAX_ID + 8).collect()));
        }
        if !text_ok(&self.name, MAX_NAME) {
            return Err(PlanError::BadName);
        }
        if self.steps.is_empty() {
            return Err(PlanError::NoSteps);
        }
        if self.steps.len() > MAX_STEPS {
            return Err(PlanError::TooManySteps);
        }
        let mut ids = BTreeSet::new();
        for s in &self.steps {
            if !id_ok(&s.id) {
                return Err(PlanError::BadId(s.id.chars().take(MAX_ID + 8).collect()));
            }
            if !ids.insert(s.id.as_str()) {
                return Err(PlanError::DuplicateStep(s.id.clone()));
            }
            let action_ok = match &s.action {
                Some(Action::OpenCounters { count }) => (1..=50).contains(count),
                Some(Action::Banner { text, .. }) => text_ok(text, MAX_TEXT),
                Some(Action::Dispatch { what }) => text_ok(what, MAX_TEXT),
                Some(Action::Divert | Action::PreProcess) | None => true,
            };
            if !text_ok(&s.title, MAX_TITLE)
                || !action_ok
                || s.escalate_after_s == 0
                || s.escalate_after_s > MAX_HOLD_S
            {
                return Err(PlanError::BadStep(s.id.clone()));
            }
            if s.ack_by.is_empty() || s.ack_by.iter().any(|r| !self.roles.contains(r)) {
                return Err(PlanError::UnknownRole { step: s.id.clone() });
            }
        }
        for s in &self.steps {
            if let Some(a) = s.after.iter().find(|a| !ids.contains(a.as_str())) {
                return Err(PlanError::UnknownStep {
                    step: s.id.clone(),
                    after: a.clone(),
                });
            }
        }
        if let Some(id) = self.cycle() {
            return Err(PlanError::Cycle(id));
        }
        if self.triggers.len() > MAX_TRIGGERS {
            return Err(PlanError::TooManyTriggers);
        }
        for t in &self.triggers {
            let hold_ok = |h: &u32| (1..=MAX_HOLD_S).contains(h);
            match t {
                TriggerRule::Waiting {
                    business,
                    above,
                    clear_at,
                    hold_s,
                } => {
                    if !businesses.contains(business) {
                        return Err(PlanError::UnknownBusiness(business.clone()));
                    }
                    if clear_at >= above || !hold_ok(hold_s) {
                        return Err(PlanError::BadTrigger);
                    }
                }
                TriggerRule::LongestWait {
                    business,
                    above_s,
                    clear_at_s,
                    hold_s,
                } => {
                    if !businesses.contains(business) {
                        return Err(PlanError::UnknownBusiness(business.clone()));
                    }
                    if clear_at_s >= above_s || !hold_ok(hold_s) {
                        return Err(PlanError::BadTrigger);
                    }
                }
                TriggerRule::TerminalsDown { count } => {
                    if *count == 0 {
                        return Err(PlanError::BadTrigger);
                    }
                }
                TriggerRule::PowerOut
                | TriggerRule::PublicSafetyButton
                | TriggerRule::AreaOutage => {}
            }
        }
        Ok(())
    }

    /// A step on a circle of waits, if any (depth-first, white/grey/black).
    fn cycle(&self) -> Option<String> {
        let after: BTreeMap<&str, Vec<&str>> = self
            .steps
            .iter()
            .map(|s| (s.id.as_str(), s.after.iter().map(String::as_str).collect()))
            .collect();
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Open,
            Done,
        }
        fn visit<'a>(
            id: &'a str,
            after: &BTreeMap<&'a str, Vec<&'a str>>,
            marks: &mut BTreeMap<&'a str, Mark>,
        ) -> Option<String> {
            match marks.get(id) {
                Some(Mark::Done) => return None,
                Some(Mark::Open) => return Some(id.to_owned()),
                None => {}
            }
            marks.insert(id, Mark::Open);
            for next in after.get(id).into_iter().flatten() {
                if let Some(c) = visit(next, after, marks) {
                    return Some(c);
                }
            }
            marks.insert(id, Mark::Done);
            None
        }
        let mut marks = BTreeMap::new();
        after.keys().find_map(|id| visit(id, &after, &mut marks))
    }
}
