//! How a hall's queue is set up: business types, priority classes, counters and the calling strategy.

use crate::model::{BusinessCode, CounterNo};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A kind of business with its own ticket series (A001, A002, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessType {
    pub code: BusinessCode,
    pub name_zh: String,
    pub name_en: String,
    /// Service time assumed until enough services were timed.
    pub default_service_secs: u32,
}

/// A priority class: VIP, green channel (elderly, disabled), appointment, normal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "PriorityClassWire")]
pub struct PriorityClass {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Higher is called first; equal weights are called longest-waiting first.
    pub weight: u32,
    /// Who may put a ticket in this class (see `crate::grant`).
    pub grant: PriorityGrant,
}

/// Who may put a ticket in a priority class: priority is earned, not chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorityGrant {
    /// The customer chooses it at the kiosk: normal, and the green channel
    /// (the elderly, disabled and pregnant, whom the hall serves on their word).
    SelfService,
    /// Needs a valid appointment code (预约签到). The hall keeps no appointment
    /// book yet, so a kiosk cannot check one: staff check the appointment and issue.
    Appointment,
    /// Needs proof only staff can see (an important customer's record): only a
    /// clerk or supervisor issuing on the customer's behalf grants it.
    Staff,
}

impl PriorityGrant {
    /// Who grants a class whose set-up does not say (the province's classes
    /// and days journaled before grants existed): `normal` and `green` are
    /// the customer's choice, `appointment` needs its code, any other class staff.
    pub fn default_for(code: &str) -> Self {
        match code {
            crate::engine::NORMAL | "green" => Self::SelfService,
            "appointment" => Self::Appointment,
            _ => Self::Staff,
        }
    }
}

/// A priority class as stored and sent, where `grant` may be missing.
#[derive(Deserialize)]
struct PriorityClassWire {
    code: String,
    name_zh: String,
    name_en: String,
    weight: u32,
    #[serde(default)]
    grant: Option<PriorityGrant>,
}

impl From<PriorityClassWire> for PriorityClass {
    fn from(w: PriorityClassWire) -> Self {
        let grant = w
            .grant
            .unwrap_or_else(|| PriorityGrant::default_for(&w.code));
        Self {
            code: w.code,
            name_zh: w.name_zh,
            name_en: w.name_en,
            weight: w.weight,
            grant,
        }
    }
}

/// A counter (窗口) and the business types it serves, in order of preference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterConfig {
    pub no: CounterNo,
    pub skills: Vec<BusinessCode>,
}

/// How the next ticket for a counter is chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Highest priority first, then longest waiting, over all the counter's skills.
    #[default]
    PriorityThenLongestWait,
    /// The counter's first skill with anyone waiting, then priority and wait within it.
    PreferredBusinessFirst,
}

/// Where a transferred ticket goes in its new queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferPlacement {
    /// Keeps its original arrival time (fair to the customer who already waited).
    #[default]
    KeepArrival,
    /// Goes to the front of its priority class.
    Front,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueConfig {
    pub businesses: Vec<BusinessType>,
    pub priorities: Vec<PriorityClass>,
    pub counters: Vec<CounterConfig>,
    pub strategy: Strategy,
    /// A counter with nobody of its own waiting helps the longest queue.
    pub overflow: bool,
    /// Recalls allowed before a ticket may only be marked no-show.
    pub recall_limit: u32,
    /// Services remembered per business type for the wait estimate.
    pub estimate_window: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    NoBusiness,
    DuplicateBusiness(BusinessCode),
    DuplicatePriority(String),
    NoNormalPriority,
    /// `normal` must be the customer's to choose, or a kiosk could issue nothing.
    NormalNotSelfService,
    DuplicateCounter(CounterNo),
    UnknownSkill {
        counter: CounterNo,
        business: BusinessCode,
    },
    CounterWithoutSkill(CounterNo),
}

impl QueueConfig {
    /// Checks the configuration is coherent; the engine only accepts checked configs.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.businesses.is_empty() {
            return Err(ConfigError::NoBusiness);
        }
        let mut seen = BTreeSet::new();
        for b in &self.businesses {
            if !seen.insert(b.code) {
                return Err(ConfigError::DuplicateBusiness(b.code));
            }
        }
        let mut codes = BTreeSet::new();
        for p in &self.priorities {
            if !codes.insert(p.code.as_str()) {
                return Err(ConfigError::DuplicatePriority(p.code.clone()));
            }
        }
        match self.priority(crate::engine::NORMAL) {
            None => return Err(ConfigError::NoNormalPriority),
            Some(p) if p.grant != PriorityGrant::SelfService => {
                return Err(ConfigError::NormalNotSelfService)
            }
            Some(_) => {}
        }
        let mut counters = BTreeSet::new();
        for c in &self.counters {
            if !counters.insert(c.no) {
                return Err(ConfigError::DuplicateCounter(c.no));
            }
            if c.skills.is_empty() {
                return Err(ConfigError::CounterWithoutSkill(c.no));
            }
            if let Some(b) = c.skills.iter().find(|b| !seen.contains(b)) {
                return Err(ConfigError::UnknownSkill {
                    counter: c.no,
                    business: *b,
                });
            }
        }
        Ok(())
    }

    pub fn business(&self, code: BusinessCode) -> Option<&BusinessType> {
        self.businesses.iter().find(|b| b.code == code)
    }

    pub fn priority(&self, code: &str) -> Option<&PriorityClass> {
        self.priorities.iter().find(|p| p.code == code)
    }

    pub fn counter(&self, no: CounterNo) -> Option<&CounterConfig> {
        self.counters.iter().find(|c| c.no == no)
    }

    /// A typical power-supply hall: five business types, four priority classes, six counters.
    pub fn demo() -> Self {
        let b = |c: char, zh: &str, en: &str, secs| BusinessType {
            code: BusinessCode::parse(&c.to_string()).expect("demo code"),
            name_zh: zh.into(),
            name_en: en.into(),
            default_service_secs: secs,
        };
        let p = |code: &str, zh: &str, en: &str, weight| PriorityClass {
            code: code.into(),
            name_zh: zh.into(),
            name_en: en.into(),
            weight,
            grant: PriorityGrant::default_for(code),
        };
        let skills = |s: &str| {
            s.chars()
                .map(|c| BusinessCode::parse(&c.to_string()).expect("demo skill"))
                .collect()
        };
        let counter = |n, s: &str| CounterConfig {
            no: CounterNo::new(n).expect("demo counter"),
            skills: skills(s),
        };
        Self {
            businesses: vec![
                b('A', "电费缴纳", "Bill payment", 180),
                b(
                    'B',
                    "业扩报装（新装/增容）",
                    "New connection / capacity",
                    600,
                ),
                b('C', "查询咨询", "Queries and advice", 300),
                b('D', "过户更名", "Name transfer", 480),
                b('E', "故障报修与投诉", "Faults and complaints", 420),
            ],
            priorities: vec![
                p("vip", "重要客户", "Important customer", 30),
                p("green", "绿色通道（老弱病残孕）", "Green channel", 20),
                p("appointment", "预约", "Appointment", 10),
                p(crate::engine::NORMAL, "普通", "Normal", 0),
            ],
            counters: vec![
                counter(1, "AC"),
                counter(2, "AC"),
                counter(3, "BD"),
                counter(4, "BDA"),
                counter(5, "ECA"),
                counter(6, "ABCDE"),
            ],
            strategy: Strategy::PriorityThenLongestWait,
            overflow: true,
            recall_limit: 2,
            estimate_window: 20,
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::NoBusiness => write!(f, "no business type is configured"),
            ConfigError::DuplicateBusiness(b) => write!(f, "business type {b} is configured twice"),
            ConfigError::DuplicatePriority(p) => {
                write!(f, "priority class {p:?} is configured twice")
            }
            ConfigError::NoNormalPriority => write!(f, "the priority class \"normal\" is missing"),
            ConfigError::NormalNotSelfService => write!(
                f,
                "the priority class \"normal\" must be self-service (chosen at the kiosk)"
            ),
            ConfigError::DuplicateCounter(c) => write!(f, "counter {c} is configured twice"),
            ConfigError::UnknownSkill { counter, business } => {
                write!(
                    f,
                    "counter {counter} serves business type {business}, which is not configured"
                )
            }
            ConfigError::CounterWithoutSkill(c) => write!(f, "counter {c} serves no business type"),
        }
    }
}
