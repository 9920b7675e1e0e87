//! An incident: a plan running at a level, its steps due, acknowledged, done or escalated, and the timeline that records every one of these with who and when.
//!
//! A step is due when the steps it waits for (`after`) are done, the others
//! at once; it is done when one person of each of its roles has
//! acknowledged it; due and not done past its time, it escalates (once).
//! Everything that happens lands on the timeline; the after-action report
//! is read off it. A drill runs the same way, marked as one, and is scored
//! (`Incident::score`) to compare one drill with the next.

use crate::plan::{Level, Plan, StepId};
use crate::Millis;
use domain::Role;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest note, summary or reason, in characters.
pub const MAX_NOTE: usize = 500;
/// The most lines a timeline keeps: past it, notes are refused and facts no longer recorded
/// (the steps, levels, handovers and the end always are).
pub const MAX_TIMELINE: usize = 2_000;

/// One acknowledgement of a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    pub role: Role,
    /// Staff number.
    pub by: String,
    pub at: Millis,
}

/// Where a step of the incident stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepState {
    pub id: StepId,
    /// When it became due (`None`: waiting for other steps).
    pub due_at: Option<Millis>,
    pub acks: Vec<Ack>,
    pub done_at: Option<Millis>,
    pub escalated_at: Option<Millis>,
}

/// What happened, as the timeline keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum What {
    Activated {
        level: Level,
        reason: String,
    },
    StepDue {
        step: StepId,
    },
    Acknowledged {
        step: StepId,
        role: Role,
    },
    StepDone {
        step: StepId,
    },
    Escalated {
        step: StepId,
    },
    LevelChanged {
        from: Level,
        to: Level,
    },
    HandedOver {
        to: String,
    },
    Note {
        text: String,
    },
    Ended {
        summary: String,
    },
    /// The hall's queue at that moment (at activation, at each level change).
    Queue {
        waiting: u32,
        longest_wait_s: u32,
    },
    /// A device alarm raised or cleared while the incident ran.
    Alarm {
        device: String,
        fault: String,
        cleared: bool,
    },
    /// A counter opened (or came back from a break) while the incident ran.
    CounterOpened {
        counter: u16,
    },
    /// A control command sent to a device while the incident ran.
    Command {
        device: String,
        command: String,
    },
}

/// What the hall observed while an incident ran, for its timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    Queue {
        waiting: u32,
        longest_wait_s: u32,
    },
    Alarm {
        device: String,
        fault: String,
        cleared: bool,
    },
    CounterOpened {
        counter: u16,
    },
    Command {
        device: String,
        command: String,
    },
}

impl From<Fact> for What {
    fn from(f: Fact) -> Self {
        match f {
            Fact::Queue {
                waiting,
                longest_wait_s,
            } => What::Queue {
                waiting,
                longest_wait_s,
            },
            Fact::Alarm {
                device,
                fault,
                cleared,
            } => What::Alarm {
                device,
                fault,
                cleared,
            },
            Fact::CounterOpened { counter } => What::CounterOpened { counter },
            Fact::Command { device, command } => What::Command { device, command },
        }
    }
}

/// One line of the timeline: when, who (`None`: the system), what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub at: Millis,
    pub by: Option<String>,
    pub what: What,
}

/// One line of an incident's timeline as it leaves the hall (numbered from 0
/// in the order of the timeline); the province keeps it as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub incident: u64,
    pub seq: u32,
    #[serde(flatten)]
    pub entry: Entry,
}

/// How an incident ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct End {
    pub at: Millis,
    pub by: String,
    pub summary: String,
}

/// A plan running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: u64,
    /// The plan as it was when activated.
    pub plan: Plan,
    pub level: Level,
    pub drill: bool,
    pub started_at: Millis,
    /// Who holds the incident now (the duty person; empty: nobody yet).
    pub duty: String,
    pub steps: Vec<StepState>,
    pub timeline: Vec<Entry>,
    pub ended: Option<End>,
}

/// Why a request about an incident was refused (nothing changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentError {
    Ended,
    UnknownStep,
    /// The step is not acknowledged by this role.
    NotOnStep,
    /// This role acknowledged the step already.
    AlreadyAcknowledged,
    /// The step waits for others.
    NotDue,
    /// There is no level beyond this one.
    LevelAtBound,
    BadText,
    SameDuty,
    /// The timeline is full ([`MAX_TIMELINE`]).
    TimelineFull,
}

impl fmt::Display for IncidentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IncidentError::Ended => "事件已结束",
            IncidentError::UnknownStep => "没有这个步骤",
            IncidentError::NotOnStep => "您的岗位不需要确认这个步骤",
            IncidentError::AlreadyAcknowledged => "您的岗位已确认过这个步骤",
            IncidentError::NotDue => "这个步骤还在等待前面的步骤完成",
            IncidentError::LevelAtBound => "已是最高（或最低）级别",
            IncidentError::BadText => "内容应为 1–500 个字",
            IncidentError::SameDuty => "已由此人值守",
            IncidentError::TimelineFull => "时间线已满，不能再添加记录",
        })
    }
}

impl std::error::Error for IncidentError {}

fn text(raw: &str) -> Result<String, IncidentError> {
    let t = raw.trim();
    let n = t.chars().count();
    if (1..=MAX_NOTE).contains(&n) && !t.chars().any(|c| c.is_control() && c != '\n') {
        Ok(t.to_owned())
    } else {
        Err(IncidentError::BadText)
    }
}

impl Incident {
    /// Activates `plan` at `level` (`by`: who, or the trigger's proposal
    /// accepted by them; `None`: a trigger of a plan that starts itself, and
    /// nobody is on duty for it until someone takes it over); the steps that
    /// wait for nothing are due at once.
    pub fn activate(
        id: u64,
        plan: Plan,
        level: Level,
        by: Option<&str>,
        reason: &str,
        drill: bool,
        now: Millis,
    ) -> Self {
        let steps = plan
            .steps
            .iter()
            .map(|s| StepState {
                id: s.id.clone(),
                due_at: None,
                acks: Vec::new(),
                done_at: None,
                escalated_at: None,
            })
            .collect();
        let mut incident = Self {
            id,
            plan,
            level,
            drill,
            started_at: now,
            duty: by.unwrap_or_default().to_owned(),
            steps,
            timeline: vec![Entry {
                at: now,
                by: by.map(str::to_owned),
                what: What::Activated {
                    level,
                    reason: reason.chars().take(MAX_NOTE).collect(),
                },
            }],
            ended: None,
        };
        incident.release_due(now);
        incident
    }

    fn live(&self) -> Result<(), IncidentError> {
        match self.ended {
            Some(_) => Err(IncidentError::Ended),
            None => Ok(()),
        }
    }

    fn log(&mut self, at: Millis, by: Option<&str>, what: What) {
        self.timeline.push(Entry {
            at,
            by: by.map(str::to_owned),
            what,
        });
    }

    /// Marks due every step whose waits are done.
    fn release_due(&mut self, now: Millis) {
        loop {
            let done: Vec<&str> = self
                .steps
                .iter()
                .filter(|s| s.done_at.is_some())
                .map(|s| s.id.as_str())
                .collect();
            let next = self.plan.steps.iter().position(|p| {
                let state = self.steps.iter().find(|s| s.id == p.id);
                state.is_some_and(|s| s.due_at.is_none())
                    && p.after.iter().all(|a| done.contains(&a.as_str()))
            });
            let Some(i) = next else { break };
            let id = self.plan.steps[i].id.clone();
            if let Some(s) = self.steps.iter_mut().find(|s| s.id == id) {
                s.due_at = Some(now);
            }
            self.log(now, None, What::StepDue { step: id });
        }
    }

    /// One person of `role` (`by`) acknowledges a due step; it is done once every role of it has.
    pub fn acknowledge(
        &mut self,
        step: &str,
        role: Role,
        by: &str,
        now: Millis,
    ) -> Result<(), IncidentError> {
        self.live()?;
        let plan_step = self
            .plan
            .steps
            .iter()
            .find(|s| s.id == step)
            .ok_or(IncidentError::UnknownStep)?;
        if !plan_step.ack_by.contains(&role) {
            return Err(IncidentError::NotOnStep);
        }
        let needed = plan_step.ack_by.clone();
        let state = self
            .steps
            .iter_mut()
            .find(|s| s.id == step)
            .ok_or(IncidentError::UnknownStep)?;
        if state.due_at.is_none() {
            return Err(IncidentError::NotDue);
        }
        if state.acks.iter().any(|a| a.role == role) {
            return Err(IncidentError::AlreadyAcknowledged);
        }
        state.acks.push(Ack {
            role,
            by: by.to_owned(),
            at: now,
        });
        let done = needed
            .iter()
            .all(|r| state.acks.iter().any(|a| a.role == *r));
        if done {
            state.done_at = Some(now);
        }
        self.log(
            now,
            Some(by),
            What::Acknowledged {
                step: step.to_owned(),
                role,
            },
        );
        if done {
            self.log(
                now,
                None,
                What::StepDone {
                    step: step.to_owned(),
                },
            );
            self.release_due(now);
        }
        Ok(())
    }

    /// The due steps past their time at `now` and not escalated yet.
    pub fn late(&self, now: Millis) -> Vec<StepId> {
        if self.ended.is_some() {
            return Vec::new();
        }
        self.steps
            .iter()
            .filter(|s| s.done_at.is_none() && s.escalated_at.is_none())
            .filter(|s| {
                let limit = self
                    .plan
                    .steps
                    .iter()
                    .find(|p| p.id == s.id)
                    .map_or(120, |p| p.escalate_after_s);
                s.due_at
                    .is_some_and(|due| now - due > i64::from(limit) * 1000)
            })
            .map(|s| s.id.clone())
            .collect()
    }

    /// Escalates every due step past its time (once each).
    pub fn tick(&mut self, now: Millis) -> Vec<StepId> {
        let late = self.late(now);
        for id in &late {
            if let Some(s) = self.steps.iter_mut().find(|s| &s.id == id) {
                s.escalated_at = Some(now);
            }
            self.log(now, None, What::Escalated { step: id.clone() });
        }
        late
    }

    /// Raises (`up`) or lowers the level by one; `by`: who (`None`: the
    /// system, following its triggers' level hints).
    pub fn change_level(
        &mut self,
        up: bool,
        by: Option<&str>,
        now: Millis,
    ) -> Result<Level, IncidentError> {
        self.live()?;
        let to = if up {
            self.level.up()
        } else {
            self.level.down()
        }
        .ok_or(IncidentError::LevelAtBound)?;
        let from = std::mem::replace(&mut self.level, to);
        self.log(now, by, What::LevelChanged { from, to });
        Ok(to)
    }

    /// Records what the hall observed (`by`: who caused it, if a person);
    /// `false` when it was not recorded (the incident ended, or the timeline is full).
    pub fn record(&mut self, fact: Fact, by: Option<&str>, now: Millis) -> bool {
        if self.ended.is_some() || self.timeline.len() >= MAX_TIMELINE {
            return false;
        }
        self.log(now, by, fact.into());
        true
    }

    /// Hands the incident over to `to` (a staff number).
    pub fn hand_over(&mut self, to: &str, by: &str, now: Millis) -> Result<(), IncidentError> {
        self.live()?;
        if self.duty == to {
            return Err(IncidentError::SameDuty);
        }
        self.duty = to.to_owned();
        self.log(now, Some(by), What::HandedOver { to: to.to_owned() });
        Ok(())
    }

    pub fn note(&mut self, raw: &str, by: &str, now: Millis) -> Result<(), IncidentError> {
        self.live()?;
        let text = text(raw)?;
        if self.timeline.len() >= MAX_TIMELINE {
            return Err(IncidentError::TimelineFull);
        }
        self.log(now, Some(by), What::Note { text });
        Ok(())
    }

    /// Ends it with a summary.
    pub fn terminate(&mut self, summary: &str, by: &str, now: Millis) -> Result<(), IncidentError> {
        self.live()?;
        let summary = text(summary)?;
        self.ended = Some(End {
            at: now,
            by: by.to_owned(),
            summary: summary.clone(),
        });
        self.log(now, Some(by), What::Ended { summary });
        Ok(())
    }

    /// The steps `role` still has to acknowledge (due, not yet by that role).
    pub fn waiting_for(&self, role: Role) -> Vec<&StepId> {
        if self.ended.is_some() {
            return Vec::new();
        }
        self.steps
            .iter()
            .filter(|s| s.due_at.is_some() && s.done_at.is_none())
            .filter(|s| !s.acks.iter().any(|a| a.role == role))
            .filter(|s| {
                self.plan
                    .steps
                    .iter()
                    .any(|p| p.id == s.id && p.ack_by.contains(&role))
            })
            .map(|s| &s.id)
            .collect()
    }

    /// The after-action report: each step with how long it took, and the incident's length.
    pub fn report(&self) -> Report {
        let steps = self
            .plan
            .steps
            .iter()
            .filter_map(|p| {
                let s = self.steps.iter().find(|s| s.id == p.id)?;
                Some(StepReport {
                    id: p.id.clone(),
                    title: p.title.clone(),
                    due_at: s.due_at,
                    done_at: s.done_at,
                    took_ms: s.due_at.zip(s.done_at).map(|(d, e)| e - d),
                    acks: s.acks.clone(),
                    escalated: s.escalated_at.is_some(),
                })
            })
            .collect();
        Report {
            incident: self.id,
            plan: self.plan.name.clone(),
            drill: self.drill,
            started_at: self.started_at,
            ended_at: self.ended.as_ref().map(|e| e.at),
            steps,
            missed: self.steps.iter().filter(|s| s.done_at.is_none()).count() as u32,
        }
    }

    /// How the incident (a drill, usually) went, to compare one run with another.
    pub fn score(&self) -> DrillScore {
        let first_acks: Vec<Millis> = self
            .steps
            .iter()
            .filter_map(|s| {
                let due = s.due_at?;
                let first = s.acks.iter().map(|a| a.at).min()?;
                Some(first - due)
            })
            .collect();
        let counters = self
            .plan
            .steps
            .iter()
            .filter(|p| matches!(p.action, Some(crate::plan::Action::OpenCounters { .. })))
            .map(|p| {
                self.steps
                    .iter()
                    .find(|s| s.id == p.id)
                    .and_then(|s| s.done_at)
            })
            .collect::<Option<Vec<Millis>>>();
        DrillScore {
            mean_first_ack_ms: (!first_acks.is_empty())
                .then(|| first_acks.iter().sum::<Millis>() / first_acks.len() as Millis),
            counters_opened_ms: counters
                .and_then(|done| done.into_iter().max())
                .map(|last| last - self.started_at),
            escalated: self
                .steps
                .iter()
                .filter(|s| s.escalated_at.is_some())
                .count() as u32,
            missed: self.steps.iter().filter(|s| s.done_at.is_none()).count() as u32,
        }
    }
}

/// A drill's score: how fast people answered, how fast counters opened, what slipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillScore {
    /// From a step being due to its first acknowledgement, averaged over the steps acknowledged.
    pub mean_first_ack_ms: Option<Millis>,
    /// From activation until every 增开窗口 step was done (`None`: the plan has none, or one is not done).
    pub counters_opened_ms: Option<Millis>,
    pub escalated: u32,
    /// Steps never done.
    pub missed: u32,
}

/// One step in the after-action report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    pub id: StepId,
    pub title: String,
    pub due_at: Option<Millis>,
    pub done_at: Option<Millis>,
    /// From due to done.
    pub took_ms: Option<Millis>,
    pub acks: Vec<Ack>,
    pub escalated: bool,
}

/// 应急信息快速报告单: what ran, when, who did what, how long each step took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub incident: u64,
    pub plan: String,
    pub drill: bool,
    pub started_at: Millis,
    pub ended_at: Option<Millis>,
    pub steps: Vec<StepReport>,
    /// Steps never done.
    pub missed: u32,
}
