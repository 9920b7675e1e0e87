//! Safe control commands: which device takes which command, the preconditions that hold it back, a time to live, and the device's confirmation.
//!
//! A command is requested by a supervisor, waits while its device is
//! offline or busy with a customer (a pad while someone rates, a terminal
//! mid-payment), goes out once it may, and ends confirmed or refused by the
//! device, or expired: a device that never answers leaves the command
//! visibly failed, never pending forever. Every state change comes out as
//! the command as it is now, for the shell to journal (the audit trail).

use crate::registry::{Device, DeviceId, DeviceKind};
use crate::telemetry::Busy;
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

pub type CommandId = u64;

/// The longest message shown on a display, in characters.
pub const MAX_MESSAGE: usize = 60;
/// The longest a message stays on a display.
pub const MAX_MESSAGE_SECONDS: u32 = 3_600;
/// Shortest and longest time to live of a command.
pub const MIN_TTL_MS: Millis = 5_000;
pub const MAX_TTL_MS: Millis = 30 * 60_000;

/// What a device is asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Reload the page of a kiosk, pad or display (its state comes back from the hall node).
    Reload,
    /// Show a message on a display, beside the calls, for a while.
    ShowMessage { text: String, seconds: u32 },
    /// Take a terminal out of service (it shows 暂停服务) or back in.
    OutOfService { out: bool },
    /// Sent to a UPS: cut and restore the power of one device it feeds.
    PowerCycle { target: DeviceId },
}

impl Action {
    pub fn label_zh(&self) -> &'static str {
        match self {
            Action::Reload => "重新加载页面",
            Action::ShowMessage { .. } => "显示通知",
            Action::OutOfService { out: true } => "暂停服务",
            Action::OutOfService { out: false } => "恢复服务",
            Action::PowerCycle { .. } => "断电重启",
        }
    }

    /// Whether it would interrupt a customer being served at the device.
    fn disrupts(&self) -> bool {
        !matches!(
            self,
            Action::ShowMessage { .. } | Action::OutOfService { out: false }
        )
    }

    fn fits(&self, kind: DeviceKind) -> bool {
        match self {
            Action::Reload => matches!(
                kind,
                DeviceKind::Kiosk | DeviceKind::Pad | DeviceKind::Display
            ),
            Action::ShowMessage { .. } => kind == DeviceKind::Display,
            Action::OutOfService { .. } => kind == DeviceKind::Terminal,
            Action::PowerCycle { .. } => kind == DeviceKind::Ups,
        }
    }
}

/// Why a command was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// This kind of device does not take this command.
    NotFor(DeviceKind),
    BadMessage,
    BadTtl,
    /// A power cycle of a device this UPS does not feed (or of the UPS itself).
    NotFed(DeviceId),
    /// A command to this device is still under way.
    Busy(CommandId),
    Unknown(CommandId),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::NotFor(kind) => write!(f, "{}不支持这个命令", kind.label_zh()),
            CommandError::BadMessage => write!(
                f,
                "通知应为 1–{MAX_MESSAGE} 个字，显示 1–{MAX_MESSAGE_SECONDS} 秒"
            ),
            CommandError::BadTtl => write!(f, "命令有效期应为 5 秒到 30 分钟"),
            CommandError::NotFed(id) => write!(f, "设备 {id} 不由这台电源供电"),
            CommandError::Busy(id) => write!(f, "该设备还有命令 {id} 在执行，请等它结束"),
            CommandError::Unknown(id) => write!(f, "没有命令 {id}"),
        }
    }
}

/// Why a command has not gone out yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hold {
    Offline,
    /// The device is serving a customer (rating, paying).
    Serving(Busy),
}

/// Where a command stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CommandState {
    Waiting {
        hold: Hold,
    },
    Sent {
        at: Millis,
    },
    Confirmed {
        at: Millis,
    },
    Refused {
        at: Millis,
        reason: String,
    },
    /// Its time to live ran out: sent and never answered (`sent`), or held back all along.
    Expired {
        at: Millis,
        sent: bool,
    },
}

impl CommandState {
    /// When it came to this state (a waiting command: when it was held back, which is its request).
    pub fn at(&self) -> Option<Millis> {
        match self {
            CommandState::Waiting { .. } => None,
            CommandState::Sent { at }
            | CommandState::Confirmed { at }
            | CommandState::Refused { at, .. }
            | CommandState::Expired { at, .. } => Some(*at),
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(
            self,
            CommandState::Confirmed { .. }
                | CommandState::Refused { .. }
                | CommandState::Expired { .. }
        )
    }
}

/// One command, as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    pub id: CommandId,
    pub device: DeviceId,
    pub action: Action,
    /// Staff number of who asked.
    pub by: String,
    pub requested_at: Millis,
    pub expires_at: Millis,
    pub state: CommandState,
}

/// What goes to the device on its `cmd` topic (or its page's live connection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: CommandId,
    pub action: Action,
    /// The device must not carry it out after this (hall node's clock).
    pub expires_at: Millis,
}

/// The device's answer on its `reply` topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub id: CommandId,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Done,
    Refused { reason: String },
}

/// What the shell must do after a step: journal each changed command, send each order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    pub changed: Vec<Command>,
    pub send: Vec<(DeviceId, Order)>,
}

/// What the shell knows of a device right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    pub online: bool,
    pub busy: Option<Busy>,
}

impl Now {
    fn hold(&self, action: &Action) -> Option<Hold> {
        if !self.online {
            return Some(Hold::Offline);
        }
        match self.busy {
            Some(b) if action.disrupts() => Some(Hold::Serving(b)),
            _ => None,
        }
    }
}

/// The commands under way.
#[derive(Debug, Clone, Default)]
pub struct Commands {
    next_id: CommandId,
    live: BTreeMap<CommandId, Command>,
}

impl Commands {
    /// No commands under way; ids start at `next_id`.
    pub fn new(next_id: CommandId) -> Self {
        Self {
            next_id: next_id.max(1),
            live: BTreeMap::new(),
        }
    }

    /// Takes back the commands a previous run left under way.
    pub fn restore(&mut self, commands: impl IntoIterator<Item = Command>) {
        for c in commands {
            self.next_id = self.next_id.max(c.id + 1);
            if !c.state.is_final() {
                self.live.insert(c.id, c);
            }
        }
    }

    pub fn live(&self) -> impl Iterator<Item = &Command> {
        self.live.values()
    }

    /// A supervisor asks `device` (as it is `now`) to do `action`; `fed` is what a UPS feeds.
    #[allow(clippy::too_many_arguments)]
    pub fn request(
        &mut self,
        device: &Device,
        fed: &[DeviceId],
        action: Action,
        by: &str,
        ttl_ms: Millis,
        state: Now,
        now: Millis,
    ) -> Result<Step, CommandError> {
        if !action.fits(device.kind) {
            return Err(CommandError::NotFor(device.kind));
        }
        if !(MIN_TTL_MS..=MAX_TTL_MS).contains(&ttl_ms) {
            return Err(CommandError::BadTtl);
        }
        match &action {
            Action::ShowMessage { text, seconds } => {
                let n = text.trim().chars().count();
                if n == 0
                    || n > MAX_MESSAGE
                    || text.chars().any(char::is_control)
                    || !(1..=MAX_MESSAGE_SECONDS).contains(seconds)
                {
                    return Err(CommandError::BadMessage);
                }
            }
            Action::PowerCycle { target } if !fed.contains(target) || *target == device.id => {
                return Err(CommandError::NotFed(target.clone()));
            }
            _ => {}
        }
        if let Some(c) = self.live.values().find(|c| c.device == device.id) {
            return Err(CommandError::Busy(c.id));
        }
        let id = self.next_id;
        self.next_id += 1;
        let mut c = Command {
            id,
            device: device.id.clone(),
            action,
            by: by.to_owned(),
            requested_at: now,
            expires_at: now + ttl_ms,
            state: CommandState::Waiting {
                hold: Hold::Offline,
            },
        };
        let mut step = Step::default();
        match state.hold(&c.action) {
            Some(hold) => c.state = CommandState::Waiting { hold },
            None => send(&mut c, now, &mut step),
        }
        step.changed.push(c.clone());
        self.live.insert(id, c);
        Ok(step)
    }

    /// The device's state changed: a waiting command goes out once nothing holds it.
    pub fn device_now(&mut self, device: &DeviceId, state: Now, now: Millis) -> Step {
        let mut step = Step::default();
        for c in self.live.values_mut().filter(|c| &c.device == device) {
            if let CommandState::Waiting { hold } = c.state {
                match state.hold(&c.action) {
                    None => {
                        send(c, now, &mut step);
                        step.changed.push(c.clone());
                    }
                    Some(h) if h != hold => {
                        c.state = CommandState::Waiting { hold: h };
                        step.changed.push(c.clone());
                    }
                    Some(_) => {}
                }
            }
        }
        step
    }

    /// The device answered. An answer from another device, to a finished
    /// command or to one not sent is ignored (`None`).
    pub fn reply(&mut self, from: &DeviceId, reply: Reply, now: Millis) -> Option<Command> {
        let c = self.live.get(&reply.id)?;
        if &c.device != from || !matches!(c.state, CommandState::Sent { .. }) {
            return None;
        }
        let mut c = self.live.remove(&reply.id)?;
        c.state = match reply.outcome {
            Outcome::Done => CommandState::Confirmed { at: now },
            Outcome::Refused { reason } => CommandState::Refused {
                at: now,
                reason: reason.chars().take(200).collect(),
            },
        };
        Some(c)
    }

    /// Commands whose time ran out: failed, visibly.
    pub fn tick(&mut self, now: Millis) -> Vec<Command> {
        let due: Vec<CommandId> = self
            .live
            .values()
            .filter(|c| now >= c.expires_at)
            .map(|c| c.id)
            .collect();
        due.into_iter()
            .filter_map(|id| self.live.remove(&id))
            .map(|mut c| {
                let sent = matches!(c.state, CommandState::Sent { .. });
                c.state = CommandState::Expired { at: now, sent };
                c
            })
            .collect()
    }
}

fn send(c: &mut Command, now: Millis, step: &mut Step) {
    c.state = CommandState::Sent { at: now };
    step.send.push((
        c.device.clone(),
        Order {
            id: c.id,
            action: c.action.clone(),
            expires_at: c.expires_at,
        },
    ));
}
