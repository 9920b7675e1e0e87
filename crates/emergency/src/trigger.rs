//! The trigger engine: the hall's figures go in with the time, proposals come out; a condition must hold for its duration to fire and must clear before it fires again.
//!
//! Each trigger of each plan is armed or fired. Armed, it fires once its
//! condition has held for `hold_s`; fired, it re-arms only once the
//! condition has cleared (at or below the lower bound) for as long. A
//! figure wavering around the firing bound therefore fires once, not at
//! every wave. A plan is proposed once while it is engaged (proposed and
//! not yet declined, or active): a second trigger of the same plan adds
//! nothing until the shell releases it. While a plan is engaged, its
//! triggers clearing and firing again are level hints instead (eased: one
//! level down; worse again: one up), with the same hysteresis, so an
//! incident's level follows the hall without flapping.

use crate::plan::{Plan, TriggerRule};
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What the hall looks like now, as triggers read it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Per business code: customers waiting and the longest wait in seconds.
    pub queues: BTreeMap<String, (u32, u32)>,
    /// Self-service terminals and kiosks offline or out of service.
    pub terminals_down: u16,
    /// A UPS on battery or a power-outage alarm open.
    pub power_out: bool,
    /// An outage registered for the hall's area.
    pub area_outage: bool,
}

/// A plan that should run: proposed to the duty person, or activated at once (`auto`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub plan: String,
    /// Which of the plan's triggers fired (its index).
    pub trigger: usize,
    pub at: Millis,
    pub auto: bool,
    /// What held, in words for the console (Chinese).
    pub reason: String,
}

/// An engaged plan's situation changed: it eased (a fired trigger cleared
/// for its hold) or worsened again (a cleared trigger fired anew).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelHint {
    pub plan: String,
    pub trigger: usize,
    pub at: Millis,
    /// `true`: graver (one level up); `false`: eased (one down).
    pub up: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arm {
    /// Waiting to fire; since when the condition has held.
    Armed(Option<Millis>),
    /// Fired; since when the condition has been clear.
    Fired(Option<Millis>),
}

/// Every hall plan's triggers, and which plans are engaged.
#[derive(Debug, Clone, Default)]
pub struct Triggers {
    plans: Vec<Plan>,
    arms: BTreeMap<(String, usize), Arm>,
    engaged: BTreeSet<String>,
    hints: Vec<LevelHint>,
}

/// Whether a trigger's condition is over its firing bound, and whether it is clear.
fn judge(rule: &TriggerRule, f: &Figures) -> (bool, bool, u32) {
    let queue = |b: &str| f.queues.get(b).copied().unwrap_or((0, 0));
    match rule {
        TriggerRule::Waiting {
            business,
            above,
            clear_at,
            hold_s,
        } => {
            let (n, _) = queue(business);
            (n >= *above, n <= *clear_at, *hold_s)
        }
        TriggerRule::LongestWait {
            business,
            above_s,
            clear_at_s,
            hold_s,
        } => {
            let (_, w) = queue(business);
            (w >= *above_s, w <= *clear_at_s, *hold_s)
        }
        TriggerRule::TerminalsDown { count } => {
            let high = f.terminals_down >= *count;
            (high, !high, 0)
        }
        TriggerRule::PowerOut => (f.power_out, !f.power_out, 0),
        TriggerRule::AreaOutage => (f.area_outage, !f.area_outage, 0),
        // Pressed, not observed.
        TriggerRule::PublicSafetyButton => (false, true, 0),
    }
}

fn reason(rule: &TriggerRule, f: &Figures) -> String {
    let queue = |b: &str| f.queues.get(b).copied().unwrap_or((0, 0));
    match rule {
        TriggerRule::Waiting {
            business,
            above,
            hold_s,
            ..
        } => format!(
            "业务 {business} 等候 {} 人，已连续 {hold_s} 秒不少于 {above} 人",
            queue(business).0
        ),
        TriggerRule::LongestWait {
            business,
            above_s,
            hold_s,
            ..
        } => format!(
            "业务 {business} 最长等候 {} 秒，已连续 {hold_s} 秒不少于 {above_s} 秒",
            queue(business).1
        ),
        TriggerRule::TerminalsDown { count } => {
            format!("{} 台自助设备故障（阈值 {count} 台）", f.terminals_down)
        }
        TriggerRule::PowerOut => "营业厅停电（不间断电源供电）".to_owned(),
        TriggerRule::AreaOutage => "本厅所在区域登记了停电".to_owned(),
        TriggerRule::PublicSafetyButton => "有人按下了治安事件按钮".to_owned(),
    }
}

impl Triggers {
    /// The engine for the hall's plans (checked already), every trigger armed.
    pub fn new(plans: Vec<Plan>) -> Self {
        let mut t = Self::default();
        t.set_plans(plans);
        t
    }

    /// Replaces the plans (a new feed from the province); triggers of plans
    /// that stay keep their state, so a change of plans does not re-fire them.
    pub fn set_plans(&mut self, plans: Vec<Plan>) {
        let keep: BTreeSet<(String, usize)> = plans
            .iter()
            .flat_map(|p| (0..p.triggers.len()).map(|i| (p.id.clone(), i)))
            .collect();
        self.arms.retain(|k, _| keep.contains(k));
        for k in keep {
            self.arms.entry(k).or_insert(Arm::Armed(None));
        }
        self.engaged.retain(|id| plans.iter().any(|p| &p.id == id));
        self.plans = plans;
    }

    /// Looks at the figures at `now`: the plans that should run.
    pub fn observe(&mut self, f: &Figures, now: Millis) -> Vec<Proposal> {
        let mut out = Vec::new();
        for plan in &self.plans {
            for (i, rule) in plan.triggers.iter().enumerate() {
                let (high, clear, hold_s) = judge(rule, f);
                let hold = i64::from(hold_s) * 1000;
                let arm = self
                    .arms
                    .entry((plan.id.clone(), i))
                    .or_insert(Arm::Armed(None));
                let fired = match *arm {
                    Arm::Armed(since) => match (high, since) {
                        (false, _) => {
                            *arm = Arm::Armed(None);
                            false
                        }
                        (true, None) if hold == 0 => true,
                        (true, None) => {
                            *arm = Arm::Armed(Some(now));
                            false
                        }
                        (true, Some(s)) => now - s >= hold,
                    },
                    Arm::Fired(since) => {
                        *arm = match (clear, since) {
                            (false, _) => Arm::Fired(None),
                            (true, None) if hold == 0 => Arm::Armed(None),
                            (true, None) => Arm::Fired(Some(now)),
                            (true, Some(s)) if now - s >= hold => Arm::Armed(None),
                            (true, Some(s)) => Arm::Fired(Some(s)),
                        };
                        if *arm == Arm::Armed(None) && self.engaged.contains(&plan.id) {
                            self.hints.push(LevelHint {
                                plan: plan.id.clone(),
                                trigger: i,
                                at: now,
                                up: false,
                            });
                        }
                        false
                    }
                };
                if fired {
                    *arm = Arm::Fired(None);
                    if self.engaged.contains(&plan.id) {
                        self.hints.push(LevelHint {
                            plan: plan.id.clone(),
                            trigger: i,
                            at: now,
                            up: true,
                        });
                    } else if self.engaged.insert(plan.id.clone()) {
                        out.push(Proposal {
                            plan: plan.id.clone(),
                            trigger: i,
                            at: now,
                            auto: plan.auto_activate,
                            reason: reason(rule, f),
                        });
                    }
                }
            }
        }
        out
    }

    /// The level hints since last asked, oldest first.
    pub fn take_hints(&mut self) -> Vec<LevelHint> {
        std::mem::take(&mut self.hints)
    }

    /// The public-safety button was pressed: every plan it triggers that is not engaged.
    pub fn press_public_safety(&mut self, now: Millis) -> Vec<Proposal> {
        let mut out = Vec::new();
        for plan in &self.plans {
            let Some(i) = plan
                .triggers
                .iter()
                .position(|t| *t == TriggerRule::PublicSafetyButton)
            else {
                continue;
            };
            if self.engaged.insert(plan.id.clone()) {
                out.push(Proposal {
                    plan: plan.id.clone(),
                    trigger: i,
                    at: now,
                    auto: plan.auto_activate,
                    reason: reason(&TriggerRule::PublicSafetyButton, &Figures::default()),
                });
            }
        }
        out
    }

    /// A plan is no longer engaged (its proposal was declined, or its incident
    /// ended): it may be proposed again, once a trigger of it fires anew.
    pub fn release(&mut self, plan: &str) {
        self.engaged.remove(plan);
    }

    /// A plan activated by hand (not by a trigger) is engaged too.
    pub fn engage(&mut self, plan: &str) {
        self.engaged.insert(plan.to_owned());
    }

    pub fn is_engaged(&self, plan: &str) -> bool {
        self.engaged.contains(plan)
    }
}
