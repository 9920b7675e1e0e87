//! Smart payment (费控): a prepaid account's balance as a state machine under time given as input — low-balance notices, cut-off orders after a grace period, reconnection after payment.
//!
//! States:
//! - `Normal`: the balance is at or above the threshold.
//! - `Low`: below the threshold but above zero. The customer is told once
//!   on the way down (a `LowBalance` notice, also when the balance falls
//!   straight to zero or below); told again only after the balance has been
//!   back at or above the threshold and above zero (so usage and small
//!   top-ups below the threshold do not flap).
//! - `Overdrawn { since }`: the balance is at or below zero; supply goes on
//!   for the grace period counted from `since`.
//! - `CutOff`: the balance stayed at or below zero for the whole grace
//!   period: one cut-off order (停电指令) was given. A payment that brings
//!   the balance above zero gives one reconnect order (复电指令), and the
//!   account is `Low` or `Normal` again. A payment that leaves it at or
//!   below zero changes nothing.
//!
//! A payment during the grace period that brings the balance above zero
//! ends it without any order. Time never runs backwards here: an event
//! dated before the last one is taken as happening at the last one's time.

use crate::model::Prepaid;
use crate::money::Fen;
use serde::{Deserialize, Serialize};

/// Where a prepaid account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PrepaidState {
    Normal,
    Low,
    Overdrawn { since_ms: i64 },
    CutOff,
}

/// What happens to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrepaidEvent {
    /// Electricity used, deducted from the balance.
    Charge { amount: Fen },
    /// A payment (top-up) credited to the balance.
    Paid { amount: Fen },
    /// Time passes: only the clock moved (the grace period may end).
    Tick,
}

/// What the machine asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PrepaidOutput {
    /// Tell the customer the balance is low (余额不足提醒).
    LowBalance { balance: Fen, threshold: Fen },
    /// Order the meter to cut supply (停电).
    CutOff,
    /// Order the meter to reconnect (复电).
    Reconnect,
}

/// One prepaid account's machine; persist it as is (serde) between events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepaidMachine {
    pub balance: Fen,
    pub threshold: Fen,
    /// How long the balance may stay at or below zero before the cut-off, ms.
    pub grace_ms: i64,
    pub state: PrepaidState,
    /// Whether the customer was told of the low balance since it was last at or above the threshold (and above zero).
    pub notified: bool,
    /// The latest time seen.
    pub now_ms: i64,
}

impl PrepaidMachine {
    /// A machine for an account's balance and threshold, starting `Normal`
    /// and un-notified at `now_ms`; the first event (a `Tick` will do) puts
    /// it in its true state and gives the notices due.
    pub fn new(prepaid: Prepaid, grace_ms: i64, now_ms: i64) -> PrepaidMachine {
        PrepaidMachine {
            balance: prepaid.balance,
            threshold: prepaid.threshold,
            grace_ms: grace_ms.max(0),
            state: PrepaidState::Normal,
            notified: false,
            now_ms,
        }
    }

    pub fn prepaid(&self) -> Prepaid {
        Prepaid {
            balance: self.balance,
            threshold: self.threshold,
        }
    }

    /// Applies an event at `now_ms` and returns what it asks for, in order.
    pub fn step(&mut self, now_ms: i64, event: PrepaidEvent) -> Vec<PrepaidOutput> {
        self.now_ms = self.now_ms.max(now_ms);
        let now = self.now_ms;
        match event {
            PrepaidEvent::Charge { amount } => self.balance -= amount.at_least_zero(),
            PrepaidEvent::Paid { amount } => self.balance += amount.at_least_zero(),
            PrepaidEvent::Tick => {}
        }
        let mut out = Vec::new();
        if self.balance >= self.threshold && self.balance.is_positive() {
            self.notified = false;
        }
        let low_notice = |m: &mut PrepaidMachine, out: &mut Vec<PrepaidOutput>| {
            if !m.notified {
                m.notified = true;
                out.push(PrepaidOutput::LowBalance {
                    balance: m.balance,
                    threshold: m.threshold,
                });
            }
        };
        let positive = self.balance.is_positive();
        self.state = match (self.state, positive) {
            (PrepaidState::CutOff, false) => PrepaidState::CutOff,
            (PrepaidState::CutOff, true) => {
                out.push(PrepaidOutput::Reconnect);
                self.above_zero()
            }
            (PrepaidState::Overdrawn { since_ms }, false) => self.overdrawn(since_ms, &mut out),
            (_, false) => {
                low_notice(self, &mut out);
                self.overdrawn(now, &mut out)
            }
            (_, true) => self.above_zero(),
        };
        if self.state == PrepaidState::Low {
            low_notice(self, &mut out);
        }
        out
    }

    fn above_zero(&self) -> PrepaidState {
        if self.balance < self.threshold {
            PrepaidState::Low
        } else {
            PrepaidState::Normal
        }
    }

    fn overdrawn(&self, since_ms: i64, out: &mut Vec<PrepaidOutput>) -> PrepaidState {
        if self.now_ms - since_ms >= self.grace_ms {
            out.push(PrepaidOutput::CutOff);
            PrepaidState::CutOff
        } else {
            PrepaidState::Overdrawn { since_ms }
        }
    }
}
