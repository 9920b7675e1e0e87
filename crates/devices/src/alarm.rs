//! Alarms with a lifecycle: one per source and fault, raised → acknowledged → cleared, counted when it repeats, escalated when nobody answers, suppressed in maintenance, folded under a root cause.
//!
//! The engine keeps two things apart: the *conditions* the hall observes
//! (paper is out, a device is silent, a business waits too long) and the
//! *alarms* people handle. An active condition without an open alarm raises
//! one (or reopens the one it cleared a moment ago, counting the repeat); a
//! condition that ends clears its alarm. Every change comes out as an
//! [`AlarmChange`] carrying the alarm as it is now, for the shell to journal
//! before it tells anyone: nothing here is ever dropped silently.
//!
//! Root causes: when a device goes offline, its alarm waits `settle_ms`
//! before it is announced. If meanwhile something it depends on (the switch,
//! the UPS) has an open alarm that cuts its dependants, or enough of its
//! siblings went offline with it that their common parent must be down
//! ([`Fault::DependantsLost`]), it is folded under that root alarm instead of
//! ringing on its own. Forty terminals behind a dead switch are one alarm.

use crate::registry::DeviceId;
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub type AlarmId = u64;

/// The longest note on an alarm, in characters.
pub const MAX_NOTE: usize = 200;

/// How urgent an alarm is, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 提示
    Warning,
    /// 次要
    Minor,
    /// 重要
    Major,
    /// 紧急
    Critical,
}

impl Severity {
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Warning => "提示",
            Severity::Minor => "次要",
            Severity::Major => "重要",
            Severity::Critical => "紧急",
        }
    }
}

/// What an alarm is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    Device {
        id: DeviceId,
    },
    /// A business type of the queue (`A`).
    Business {
        code: String,
    },
    /// A clerk, by staff number.
    Clerk {
        staff_no: String,
    },
}

impl Source {
    pub fn device(&self) -> Option<&DeviceId> {
        match self {
            Source::Device { id } => Some(id),
            _ => None,
        }
    }
}

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Silent past its heartbeat timeout, its last will, or its page closed.
    Offline,
    /// Most of what hangs on this device went offline at once: it is the likely cause.
    DependantsLost,
    PaperLow,
    PaperOut,
    PrinterJam,
    CardReader,
    CashBoxFull,
    OverTemperature,
    /// A UPS lost mains and runs on its battery.
    OnBattery,
    BatteryLow,
    LinkDown,
    /// A business's longest wait passed its limit.
    WaitTooLong,
    /// A clerk's recent ratings fell below the satisfaction floor.
    SatisfactionLow,
    /// A camera's footage cannot be recorded: the storage is full of footage that must be kept.
    StorageFull,
}

impl Fault {
    pub fn severity(self) -> Severity {
        match self {
            Fault::DependantsLost | Fault::BatteryLow | Fault::LinkDown | Fault::StorageFull => {
                Severity::Critical
            }
            Fault::Offline
            | Fault::PaperOut
            | Fault::PrinterJam
            | Fault::CardReader
            | Fault::OverTemperature
            | Fault::OnBattery
            | Fault::WaitTooLong => Severity::Major,
            Fault::CashBoxFull | Fault::SatisfactionLow => Severity::Minor,
            Fault::PaperLow => Severity::Warning,
        }
    }

    /// Whether this fault takes down what depends on the device.
    pub fn cuts_dependants(self) -> bool {
        matches!(self, Fault::Offline | Fault::DependantsLost)
    }

    /// Whether a new alarm of this fault waits `settle_ms` for its root cause to show.
    fn settles(self) -> bool {
        self == Fault::Offline
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Fault::Offline => "离线",
            Fault::DependantsLost => "下挂设备大面积离线",
            Fault::PaperLow => "打印纸将尽",
            Fault::PaperOut => "打印纸用完",
            Fault::PrinterJam => "打印机卡纸",
            Fault::CardReader => "读卡器故障",
            Fault::CashBoxFull => "钱箱已满",
            Fault::OverTemperature => "温度过高",
            Fault::OnBattery => "市电中断，电池供电",
            Fault::BatteryLow => "电池电量低",
            Fault::LinkDown => "网络链路中断",
            Fault::StorageFull => "录像存储已满",
            Fault::WaitTooLong => "客户等候超时",
            Fault::SatisfactionLow => "满意度低于底线",
        }
    }
}

/// One alarm's identity: a source and a fault. At most one alarm per key is open.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AlarmKey {
    pub source: Source,
    pub fault: Fault,
}

impl AlarmKey {
    pub fn device(id: &DeviceId, fault: Fault) -> Self {
        Self {
            source: Source::Device { id: id.clone() },
            fault,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmState {
    Raised,
    Acknowledged,
    Cleared,
}

/// Who did something to an alarm, when, and what they wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub by: String,
    pub at: Millis,
    pub note: String,
}

/// How an alarm ended: by its condition ending (`by` is `None`) or by a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cleared {
    pub at: Millis,
    pub by: Option<String>,
    pub note: String,
}

/// One alarm as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alarm {
    pub id: AlarmId,
    pub key: AlarmKey,
    pub severity: Severity,
    pub state: AlarmState,
    pub raised_at: Millis,
    /// How many times the condition began while this alarm was open (or reopened it).
    pub count: u32,
    /// Before this, a new offline alarm waits for its root cause to show.
    pub settle_until: Millis,
    /// When it reached the supervisor; `None` while settling or folded from the start.
    pub announced_at: Option<Millis>,
    /// The root-cause alarm it is folded under.
    pub root: Option<AlarmId>,
    pub escalated_at: Option<Millis>,
    pub acknowledged: Option<Note>,
    pub assigned_to: Option<String>,
    pub cleared: Option<Cleared>,
}

impl Alarm {
    pub fn is_open(&self) -> bool {
        self.state != AlarmState::Cleared
    }

    /// Whether it calls for the supervisor now: announced, not folded, not acknowledged.
    pub fn rings(&self) -> bool {
        self.state == AlarmState::Raised && self.root.is_none() && self.announced_at.is_some()
    }
}

/// What happened to an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    Raised,
    /// The condition began again while it was open.
    Repeated,
    /// Raised again soon after it cleared: the same alarm, counted.
    Reopened,
    /// Reached the supervisor (past settling, not folded).
    Announced,
    Folded,
    Unfolded,
    Escalated,
    Acknowledged,
    Assigned,
    Cleared,
}

/// One change of one alarm: the shell journals it (durably) before telling anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmChange {
    pub transition: Transition,
    pub at: Millis,
    pub alarm: Alarm,
}

/// A person's request the engine refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlarmError {
    Unknown(AlarmId),
    /// Cleared already: history is not changed.
    NotOpen(AlarmId),
    AlreadyAcknowledged(AlarmId),
    BadNote,
}

impl fmt::Display for AlarmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AlarmError::Unknown(id) => write!(f, "没有告警 {id}"),
            AlarmError::NotOpen(id) => write!(f, "告警 {id} 已清除"),
            AlarmError::AlreadyAcknowledged(id) => write!(f, "告警 {id} 已确认"),
            AlarmError::BadNote => write!(f, "备注应为 1–{MAX_NOTE} 个字"),
        }
    }
}

/// The engine's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmConfig {
    /// How long a new offline alarm waits for its root cause.
    pub settle_ms: Millis,
    /// A condition that returns within this of its alarm clearing reopens it.
    pub reopen_ms: Millis,
    /// Unacknowledged this long after it was announced, an alarm escalates (per severity, least first; `None`: never).
    pub escalate_ms: [Option<Millis>; 4],
    /// This many dependants of one device offline at once (and at least half of them) point at it.
    pub infer_min: usize,
    /// A business whose longest waiting ticket waits longer than this raises [`Fault::WaitTooLong`].
    #[serde(default = "default_wait_limit")]
    pub wait_limit_ms: Millis,
    /// The service-quality rule behind [`Fault::SatisfactionLow`].
    #[serde(default)]
    pub satisfaction: crate::quality::SatisfactionRule,
}

fn default_wait_limit() -> Millis {
    30 * 60_000
}

impl Default for AlarmConfig {
    fn default() -> Self {
        Self {
            settle_ms: 500,
            reopen_ms: 5 * 60_000,
            escalate_ms: [None, Some(15 * 60_000), Some(5 * 60_000), Some(60_000)],
            infer_min: 3,
            wait_limit_ms: default_wait_limit(),
            satisfaction: crate::quality::SatisfactionRule::default(),
        }
    }
}

impl AlarmConfig {
    fn escalate_after(&self, s: Severity) -> Option<Millis> {
        self.escalate_ms[s as usize]
    }
}

/// A device in maintenance until `until`: its new alarms are not raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Maintenance {
    pub until: Millis,
    pub by: String,
    pub note: String,
}

/// The hall's alarms and the conditions behind them.
#[derive(Debug, Clone)]
pub struct Alarms {
    config: AlarmConfig,
    next_id: AlarmId,
    parents: BTreeMap<DeviceId, Vec<DeviceId>>,
    children: BTreeMap<DeviceId, Vec<DeviceId>>,
    /// The conditions active now.
    active: BTreeSet<AlarmKey>,
    open: BTreeMap<AlarmId, Alarm>,
    by_key: BTreeMap<AlarmKey, AlarmId>,
    /// The last cleared alarm of each key, while it may still reopen.
    recent: BTreeMap<AlarmKey, Alarm>,
    maintenance: BTreeMap<DeviceId, Maintenance>,
}

fn check_note(note: &str) -> Result<String, AlarmError> {
    let note = note.trim();
    let n = note.chars().count();
    if n == 0 || n > MAX_NOTE || note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AlarmError::BadNote);
    }
    Ok(note.to_owned())
}

impl Alarms {
    /// An engine with no alarms; ids start at `next_id`.
    pub fn new(config: AlarmConfig, next_id: AlarmId) -> Self {
        Self {
            config,
            next_id: next_id.max(1),
            parents: BTreeMap::new(),
            children: BTreeMap::new(),
            active: BTreeSet::new(),
            open: BTreeMap::new(),
            by_key: BTreeMap::new(),
            recent: BTreeMap::new(),
            maintenance: BTreeMap::new(),
        }
    }

    /// Takes back alarms a previous run journaled. Open ones count their
    /// condition as still active until an observation says otherwise.
    pub fn restore(&mut self, alarms: impl IntoIterator<Item = Alarm>) {
        for a in alarms {
            self.next_id = self.next_id.max(a.id + 1);
            if a.is_open() {
                self.active.insert(a.key.clone());
                self.by_key.insert(a.key.clone(), a.id);
                self.open.insert(a.id, a);
            } else {
                let newer = self.recent.get(&a.key).is_none_or(|r| {
                    r.cleared.as_ref().map(|c| c.at) < a.cleared.as_ref().map(|c| c.at)
                });
                if newer {
                    self.recent.insert(a.key.clone(), a);
                }
            }
        }
    }

    /// What each device depends on (the registry's `parents`).
    pub fn set_parents(&mut self, parents: BTreeMap<DeviceId, Vec<DeviceId>>) {
        let mut children: BTreeMap<DeviceId, Vec<DeviceId>> = BTreeMap::new();
        for (d, ps) in &parents {
            for p in ps {
                children.entry(p.clone()).or_default().push(d.clone());
            }
        }
        self.parents = parents;
        self.children = children;
    }

    pub fn config(&self) -> &AlarmConfig {
        &self.config
    }

    pub fn get(&self, id: AlarmId) -> Option<&Alarm> {
        self.open.get(&id)
    }

    /// The open alarms, oldest first.
    pub fn open(&self) -> impl Iterator<Item = &Alarm> {
        self.open.values()
    }

    pub fn open_for(&self, key: &AlarmKey) -> Option<&Alarm> {
        self.by_key.get(key).and_then(|id| self.open.get(id))
    }

    pub fn is_active(&self, key: &AlarmKey) -> bool {
        self.active.contains(key)
    }

    pub fn maintenance(&self) -> &BTreeMap<DeviceId, Maintenance> {
        &self.maintenance
    }

    fn in_maintenance(&self, source: &Source, now: Millis) -> bool {
        source
            .device()
            .and_then(|d| self.maintenance.get(d))
            .is_some_and(|m| now < m.until)
    }

    /// A condition observed active or not at `now`.
    pub fn observe(&mut self, key: AlarmKey, active: bool, now: Millis) -> Vec<AlarmChange> {
        let mut out = Vec::new();
        self.set_condition(key, active, now, &mut out);
        self.resolve(now, &mut out);
        out
    }

    fn set_condition(
        &mut self,
        key: AlarmKey,
        active: bool,
        now: Millis,
        out: &mut Vec<AlarmChange>,
    ) {
        let was = if active {
            !self.active.insert(key.clone())
        } else {
            self.active.remove(&key)
        };
        if active {
            match self.by_key.get(&key).copied() {
                Some(id) if !was => {
                    self.change(id, now, Transition::Repeated, out, |a| a.count += 1)
                }
                Some(_) => {}
                None => self.raise(key, now, out),
            }
        } else if let Some(id) = self.by_key.get(&key).copied() {
            self.close(id, now, None, String::new(), out);
        }
    }

    /// Raises (or reopens) the alarm of an active condition, unless its device is in maintenance.
    fn raise(&mut self, key: AlarmKey, now: Millis, out: &mut Vec<AlarmChange>) {
        if self.in_maintenance(&key.source, now) {
            return;
        }
        let settle_until = if key.fault.settles() {
            now + self.config.settle_ms
        } else {
            now
        };
        let reopen = self.recent.get(&key).is_some_and(|r| {
            r.cleared
                .as_ref()
                .is_some_and(|c| now - c.at <= self.config.reopen_ms)
        });
        let (alarm, transition) = match self.recent.remove(&key) {
            Some(mut a) if reopen => {
                a.state = if a.acknowledged.is_some() {
                    AlarmState::Acknowledged
                } else {
                    AlarmState::Raised
                };
                a.count += 1;
                a.cleared = None;
                a.root = None;
                a.settle_until = settle_until;
                a.announced_at = None;
                a.escalated_at = None;
                (a, Transition::Reopened)
            }
            _ => {
                let id = self.next_id;
                self.next_id += 1;
                let alarm = Alarm {
                    id,
                    severity: key.fault.severity(),
                    key: key.clone(),
                    state: AlarmState::Raised,
                    raised_at: now,
                    count: 1,
                    settle_until,
                    announced_at: None,
                    root: None,
                    escalated_at: None,
                    acknowledged: None,
                    assigned_to: None,
                    cleared: None,
                };
                (alarm, Transition::Raised)
            }
        };
        self.by_key.insert(key, alarm.id);
        out.push(AlarmChange {
            transition,
            at: now,
            alarm: alarm.clone(),
        });
        self.open.insert(alarm.id, alarm);
    }

    fn change(
        &mut self,
        id: AlarmId,
        now: Millis,
        transition: Transition,
        out: &mut Vec<AlarmChange>,
        f: impl FnOnce(&mut Alarm),
    ) {
        if let Some(a) = self.open.get_mut(&id) {
            f(a);
            out.push(AlarmChange {
                transition,
                at: now,
                alarm: a.clone(),
            });
        }
    }

    fn close(
        &mut self,
        id: AlarmId,
        now: Millis,
        by: Option<String>,
        note: String,
        out: &mut Vec<AlarmChange>,
    ) {
        let Some(mut a) = self.open.remove(&id) else {
            return;
        };
        self.by_key.remove(&a.key);
        a.state = AlarmState::Cleared;
        a.cleared = Some(Cleared { at: now, by, note });
        out.push(AlarmChange {
            transition: Transition::Cleared,
            at: now,
            alarm: a.clone(),
        });
        self.recent.insert(a.key.clone(), a);
    }

    /// Time passing: maintenance ending, inferred root causes, settling, escalation.
    pub fn tick(&mut self, now: Millis) -> Vec<AlarmChange> {
        let mut out = Vec::new();
        let ended: Vec<DeviceId> = self
            .maintenance
            .iter()
            .filter(|(_, m)| now >= m.until)
            .map(|(d, _)| d.clone())
            .collect();
        for d in ended {
            self.maintenance.remove(&d);
        }
        // Conditions that found no alarm (maintenance) raise once they may.
        let waiting: Vec<AlarmKey> = self
            .active
            .iter()
            .filter(|k| !self.by_key.contains_key(*k))
            .cloned()
            .collect();
        for k in waiting {
            self.raise(k, now, &mut out);
        }
        self.infer_roots(now, &mut out);
        self.resolve(now, &mut out);
        self.recent.retain(|_, a| {
            a.cleared
                .as_ref()
                .is_some_and(|c| now - c.at <= self.config.reopen_ms)
        });
        out
    }

    /// A parent most of whose dependants went offline at once, while it says nothing itself, is the likely cause.
    fn infer_roots(&mut self, now: Millis, out: &mut Vec<AlarmChange>) {
        let mut verdicts = Vec::new();
        for (parent, deps) in &self.children {
            let offline = deps
                .iter()
                .filter(|d| self.active.contains(&AlarmKey::device(d, Fault::Offline)))
                .count();
            let itself = self
                .active
                .contains(&AlarmKey::device(parent, Fault::Offline));
            let lost =
                !itself && offline >= self.config.infer_min.max(1) && offline * 2 >= deps.len();
            let key = AlarmKey::device(parent, Fault::DependantsLost);
            if lost != self.active.contains(&key) {
                verdicts.push((key, lost));
            }
        }
        for (key, lost) in verdicts {
            self.set_condition(key, lost, now, out);
        }
    }

    /// The nearest open alarm of an ancestor of `device` that cuts it off.
    fn cut_by(&self, device: &DeviceId) -> Option<AlarmId> {
        let mut seen = BTreeSet::new();
        let mut frontier: Vec<&DeviceId> = self.parents.get(device).into_iter().flatten().collect();
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for p in frontier {
                if !seen.insert(p) {
                    continue;
                }
                for fault in [Fault::Offline, Fault::DependantsLost] {
                    if let Some(id) = self.by_key.get(&AlarmKey::device(p, fault)) {
                        return Some(*id);
                    }
                }
                next.extend(self.parents.get(p).into_iter().flatten());
            }
            frontier = next;
        }
        None
    }

    /// Folds and unfolds by root cause, announces what settled, escalates what waited too long.
    fn resolve(&mut self, now: Millis, out: &mut Vec<AlarmChange>) {
        // Roots first (alarms of devices nearer the top), so a chain folds in one pass.
        let ids: Vec<AlarmId> = self.open.keys().copied().collect();
        let direct: BTreeMap<AlarmId, Option<AlarmId>> = ids
            .iter()
            .map(|id| {
                let cut = self.open[id]
                    .key
                    .source
                    .device()
                    .and_then(|d| self.cut_by(d));
                (*id, cut.filter(|r| r != id))
            })
            .collect();
        // Followed to the top: the registry is acyclic, the bound only guards.
        let mut roots = BTreeMap::new();
        for id in &ids {
            let mut root = direct[id];
            for _ in 0..64 {
                match root.and_then(|r| direct.get(&r).copied().flatten()) {
                    Some(up) if Some(up) != root => root = Some(up),
                    _ => break,
                }
            }
            roots.insert(*id, root);
        }
        for id in ids {
            let root = roots[&id];
            let a = &self.open[&id];
            if a.root != root {
                let t = if root.is_some() {
                    Transition::Folded
                } else {
                    Transition::Unfolded
                };
                self.change(id, now, t, out, |a| {
                    a.root = root;
                    if root.is_none() {
                        // Back on its own: it waits no longer.
                        a.settle_until = a.settle_until.min(now);
                    }
                });
            }
            let a = &self.open[&id];
            if a.announced_at.is_none() && a.root.is_none() && now >= a.settle_until {
                self.change(id, now, Transition::Announced, out, |a| {
                    a.announced_at = Some(now)
                });
            }
            let a = &self.open[&id];
            let due = a.announced_at.zip(self.config.escalate_after(a.severity));
            if let Some((at, after)) = due {
                if a.rings()
                    && a.escalated_at.is_none()
                    && now - at >= after
                    && !self.in_maintenance(&a.key.source, now)
                {
                    self.change(id, now, Transition::Escalated, out, |a| {
                        a.escalated_at = Some(now)
                    });
                }
            }
        }
    }

    /// The supervisor has seen it, and says so with a note.
    pub fn acknowledge(
        &mut self,
        id: AlarmId,
        by: &str,
        note: &str,
        now: Millis,
    ) -> Result<Vec<AlarmChange>, AlarmError> {
        let note = check_note(note)?;
        let a = self.open_alarm(id)?;
        if a.acknowledged.is_some() {
            return Err(AlarmError::AlreadyAcknowledged(id));
        }
        let mut out = Vec::new();
        self.change(id, now, Transition::Acknowledged, &mut out, |a| {
            a.state = AlarmState::Acknowledged;
            a.acknowledged = Some(Note {
                by: by.to_owned(),
                at: now,
                note,
            });
        });
        Ok(out)
    }

    /// Hands it to someone to fix.
    pub fn assign(
        &mut self,
        id: AlarmId,
        to: &str,
        now: Millis,
    ) -> Result<Vec<AlarmChange>, AlarmError> {
        self.open_alarm(id)?;
        let to = check_note(to)?;
        let mut out = Vec::new();
        self.change(id, now, Transition::Assigned, &mut out, |a| {
            a.assigned_to = Some(to)
        });
        Ok(out)
    }

    /// A person clears it. If its condition is still there, the next
    /// observation of it raises it again (clearing a paper alarm does not refill paper).
    pub fn clear(
        &mut self,
        id: AlarmId,
        by: &str,
        note: &str,
        now: Millis,
    ) -> Result<Vec<AlarmChange>, AlarmError> {
        let note = check_note(note)?;
        let key = self.open_alarm(id)?.key.clone();
        let mut out = Vec::new();
        self.active.remove(&key);
        self.close(id, now, Some(by.to_owned()), note, &mut out);
        self.resolve(now, &mut out);
        Ok(out)
    }

    fn open_alarm(&self, id: AlarmId) -> Result<&Alarm, AlarmError> {
        match self.open.get(&id) {
            Some(a) => Ok(a),
            None if self.recent.values().any(|a| a.id == id) => Err(AlarmError::NotOpen(id)),
            None => Err(AlarmError::Unknown(id)),
        }
    }

    /// Puts `device` in maintenance until `until`: no new alarms of it are raised meanwhile.
    pub fn start_maintenance(
        &mut self,
        device: DeviceId,
        until: Millis,
        by: &str,
        note: &str,
    ) -> Result<(), AlarmError> {
        let note = check_note(note)?;
        self.maintenance.insert(
            device,
            Maintenance {
                until,
                by: by.to_owned(),
                note,
            },
        );
        Ok(())
    }

    /// Ends `device`'s maintenance now; what is still wrong with it raises at the next tick.
    pub fn end_maintenance(&mut self, device: &DeviceId) {
        self.maintenance.remove(device);
    }
}
