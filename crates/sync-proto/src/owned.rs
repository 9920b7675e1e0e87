//! Records the province owns and feeds down: their kinds, who owns each field, and how versions merge.
//!
//! A record travels as a map from field name to [`Versioned`] value. The
//! province writes with `by_upper = true`; a hall writes only fields it
//! shares (today: a staff member's password hash, when the clerk changes it).
//! Both sides merge with [`merge`], so they agree whatever order writes meet in.

use crate::{merge_record, FieldOwner, Hlc, Versioned};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A staff account: `name`, `role`, `hall`, `active`, `password_hash`. Key: staff number.
pub const STAFF: &str = "staff";
/// A business type of the province's catalogue: `name_zh`, `name_en`, `default_service_secs`. Key: its letter.
pub const BUSINESS: &str = "business";
/// A priority class: `name_zh`, `name_en`, `weight`. Key: its code.
pub const PRIORITY: &str = "priority";
/// A hall's set-up: `name`, `counters` (`[{no, skills}]`), `strategy`, `overflow`, `recall_limit`. Key: hall code.
pub const HALL: &str = "hall";
/// A program on the halls' screens (`ProgramRecord`). Key: its id when it is
/// for every hall, `id@HALL` for the copy of one of the halls it targets.
pub const PROGRAM: &str = "program";
/// An emergency plan (`PlanRecord`). Key: its id when it is for every hall,
/// `id@HALL` for the copy of one of the halls it is for.
pub const PLAN: &str = "plan";
/// An outage registered for a hall's area (`OutageRecord`). Key: `id@HALL`.
pub const OUTAGE: &str = "outage";
/// Uploaded by a hall: a password changed there. Key: staff number; body `{password_hash}`.
pub const STAFF_PASSWORD: &str = "staff_password";

/// The kind of an owned record, as `OwnedRecord::kind` spells it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnedKind {
    Staff,
    Business,
    Priority,
    Hall,
    Program,
    Plan,
    Outage,
    /// A kind this version does not know: stored, not used.
    #[serde(untagged)]
    Other(String),
}

impl OwnedKind {
    pub fn parse(raw: &str) -> Self {
        match raw {
            STAFF => Self::Staff,
            BUSINESS => Self::Business,
            PRIORITY => Self::Priority,
            HALL => Self::Hall,
            PROGRAM => Self::Program,
            PLAN => Self::Plan,
            OUTAGE => Self::Outage,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Staff => STAFF,
            Self::Business => BUSINESS,
            Self::Priority => PRIORITY,
            Self::Hall => HALL,
            Self::Program => PROGRAM,
            Self::Plan => PLAN,
            Self::Outage => OUTAGE,
            Self::Other(other) => other,
        }
    }
}

/// A staff account's plain values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRecord {
    pub name: String,
    /// `clerk`, `supervisor` or `emergency`.
    pub role: String,
    /// The hall the account belongs to.
    pub hall: String,
    #[serde(default = "yes")]
    pub active: bool,
    /// Absent in a maintainer's write that keeps the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
}

fn yes() -> bool {
    true
}

/// A business type's plain values (key: its letter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessRecord {
    pub name_zh: String,
    pub name_en: String,
    pub default_service_secs: u32,
}

/// A priority class's plain values (key: its code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityRecord {
    pub name_zh: String,
    pub name_en: String,
    pub weight: u32,
}

/// One counter of a hall's set-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterSetup {
    pub no: u16,
    /// Business letters it serves, its preferred one first.
    pub skills: Vec<String>,
}

/// A hall's set-up's plain values (key: the hall code). The province writes
/// every field; a reader falls back on its own defaults for one that is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HallSetup {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub counters: Vec<CounterSetup>,
    /// `priority_then_longest_wait` or `preferred_business_first`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overflow: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recall_limit: Option<u32>,
    /// The area the hall is in (halls of one area are each other's neighbours
    /// when customers are diverted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
}

/// A program the province publishes to halls' screens (its content, time on
/// screen and when it runs, as the hall's `devices::program::Program` has
/// them). A withdrawn program travels with `withdrawn: true`, and the hall
/// drops it. Every field is always written, so a replacement overwrites all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramRecord {
    pub id: String,
    pub title: String,
    pub content: ProgramContent,
    /// Time on screen per turn.
    pub seconds: u32,
    pub from_ms: i64,
    pub until_ms: i64,
    /// Local minutes of the day it runs between (`None`: all day).
    #[serde(default)]
    pub hours: Option<(u16, u16)>,
    /// Bit 0 = Monday … bit 6 = Sunday.
    #[serde(default = "every_day")]
    pub weekdays: u8,
    #[serde(default)]
    pub priority: u8,
    #[serde(default)]
    pub withdrawn: bool,
}

fn every_day() -> u8 {
    0x7f
}

/// What a program shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProgramContent {
    Notice {
        text: String,
    },
    /// A text for the ticker under the calls.
    Scroll {
        text: String,
    },
    Image {
        asset: ProgramAsset,
    },
    Video {
        asset: ProgramAsset,
    },
}

impl ProgramContent {
    /// Its kind as the wire spells it (`notice`, `scroll`, `image`, `video`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Notice { .. } => "notice",
            Self::Scroll { .. } => "scroll",
            Self::Image { .. } => "image",
            Self::Video { .. } => "video",
        }
    }

    /// The media file it shows, if any.
    pub fn asset(&self) -> Option<&ProgramAsset> {
        match self {
            Self::Image { asset } | Self::Video { asset } => Some(asset),
            _ => None,
        }
    }
}

/// A program's media file, named by its SHA-256 (lowercase hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramAsset {
    pub sha256: String,
    pub bytes: u64,
    pub mime: String,
}

/// A maintainer's publication (or replacement) of a program:
/// `PUT /admin/v1/programs/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishProgram {
    pub title: String,
    pub content: ProgramContent,
    pub seconds: u32,
    pub from_ms: i64,
    pub until_ms: i64,
    #[serde(default)]
    pub hours: Option<(u16, u16)>,
    #[serde(default = "every_day")]
    pub weekdays: u8,
    #[serde(default)]
    pub priority: u8,
    /// The hall codes it is for; `None`: every hall.
    #[serde(default)]
    pub halls: Option<Vec<String>>,
}

/// A program as the maintainers' API answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedProgram {
    pub program: ProgramRecord,
    /// `None`: every hall.
    pub halls: Option<Vec<String>>,
    pub updated_at_ms: i64,
}

/// An emergency plan the province publishes to halls. A withdrawn plan
/// travels with `withdrawn: true`, and the hall drops it (an incident of it
/// that runs keeps the plan it started with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRecord {
    pub plan: emergency::Plan,
    #[serde(default)]
    pub withdrawn: bool,
}

/// A maintainer's publication (or replacement) of a plan: `PUT /admin/v1/plans/{id}`
/// (the plan's own `id` must be the one of the path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishPlan {
    pub plan: emergency::Plan,
    /// The hall codes it is for; `None`: every hall.
    #[serde(default)]
    pub halls: Option<Vec<String>>,
}

/// A plan as the maintainers' API answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedPlan {
    pub plan: emergency::Plan,
    /// `None`: every hall.
    pub halls: Option<Vec<String>>,
    pub withdrawn: bool,
    pub updated_at_ms: i64,
    /// The planner who last published or withdrew it (`None`: a maintainer).
    #[serde(default)]
    pub by: Option<String>,
}

/// A planner's publication relayed by the hall the planner signed in at:
/// `PUT /sync/v1/plans/{id}` (hall token). The province publishes it as a
/// maintainer's, once it knows `by` as an active planner of that hall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayedPlan {
    /// The planner's staff number.
    pub by: String,
    pub plan: emergency::Plan,
    /// The hall codes it is for; `None`: every hall.
    #[serde(default)]
    pub halls: Option<Vec<String>>,
}

/// A planner's withdrawal relayed by their hall: `POST /sync/v1/plans/{id}/withdraw`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayedWithdrawal {
    pub by: String,
}

/// The answer of a withdrawal (of a plan or an outage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawn {
    pub id: String,
    pub withdrawn: bool,
}

/// An outage registered for a hall's area (power cut planned or under way):
/// a trigger of the hall's plans while `from_ms <= now < until_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageRecord {
    pub id: String,
    /// What and where, for the console (e.g. "城东 10kV 线路检修").
    pub text: String,
    pub from_ms: i64,
    pub until_ms: i64,
    #[serde(default)]
    pub withdrawn: bool,
}

/// A maintainer's registration (or replacement) of an outage: `PUT /admin/v1/outages/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterOutage {
    pub text: String,
    pub from_ms: i64,
    pub until_ms: i64,
    /// The halls of the area (at least one).
    pub halls: Vec<String>,
}

/// The plain values of a record as fields to stamp (a struct above, written out).
pub fn values_of<T: Serialize>(record: &T) -> Map<String, Value> {
    match serde_json::to_value(record) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// A record's plain values read as `T` (a struct above).
pub fn read<T: DeserializeOwned>(fields: &Fields) -> Result<T, serde_json::Error> {
    T::deserialize(Value::Object(plain(fields)))
}

/// A record's fields with their versions.
pub type Fields = BTreeMap<String, Versioned>;

/// Who may write `field` of a `kind` record.
pub fn owner(kind: &str, field: &str) -> FieldOwner {
    match (kind, field) {
        (STAFF, "password_hash") => FieldOwner::Both,
        _ => FieldOwner::Upper,
    }
}

/// Stamps plain values as written at `hlc` by the upper or the lower node.
pub fn stamp(values: Map<String, Value>, hlc: &Hlc, by_upper: bool) -> Fields {
    values
        .into_iter()
        .map(|(field, value)| {
            (
                field,
                Versioned {
                    value,
                    hlc: hlc.clone(),
                    by_upper,
                },
            )
        })
        .collect()
}

/// Merges two versions of a `kind` record by the rules in [`crate::merge_record`].
pub fn merge(kind: &str, a: &Fields, b: &Fields) -> Fields {
    merge_record(a, b, |field| owner(kind, field))
}

/// The plain values of a record.
pub fn plain(fields: &Fields) -> Map<String, Value> {
    fields
        .iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect()
}

/// The latest timestamp among a record's fields.
pub fn latest(fields: &Fields) -> Option<&Hlc> {
    fields.values().map(|v| &v.hlc).max()
}
