//! Cash-up (日结): one clerk's payments of one day, totalled by method, against the cash the clerk counts in the drawer.

use crate::date::Day;
use crate::model::{PayMethod, Payment};
use crate::money::Fen;
use domain::StaffNo;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The payments of one method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodTotal {
    pub count: u32,
    pub amount: Fen,
}

/// The totals by method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByMethod {
    pub cash: MethodTotal,
    pub card: MethodTotal,
    pub qr: MethodTotal,
}

impl ByMethod {
    pub fn get(&self, method: PayMethod) -> MethodTotal {
        match method {
            PayMethod::Cash => self.cash,
            PayMethod::Card => self.card,
            PayMethod::Qr => self.qr,
        }
    }

    fn get_mut(&mut self, method: PayMethod) -> &mut MethodTotal {
        match method {
            PayMethod::Cash => &mut self.cash,
            PayMethod::Card => &mut self.card,
            PayMethod::Qr => &mut self.qr,
        }
    }
}

/// A clerk's cash-up of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashUp {
    pub clerk: StaffNo,
    pub day: Day,
    pub by_method: ByMethod,
    /// Payments counted (each key once).
    pub count: u32,
    /// All methods together.
    pub total: Fen,
    /// The cash payments: what should be in the drawer.
    pub expected_cash: Fen,
    pub counted_cash: Fen,
    /// Counted less expected: negative when cash is short (短款), positive when over (长款).
    pub difference: Fen,
    /// Only when the difference is exactly zero.
    pub balanced: bool,
}

/// The cash-up of `clerk` on `day` (China Standard Time) from `payments`
/// (any clerks', any days': the others are left out), against the cash
/// counted. A payment key that appears more than once counts once.
pub fn cash_up(payments: &[Payment], clerk: &StaffNo, day: Day, counted_cash: Fen) -> CashUp {
    let mut seen = BTreeSet::new();
    let mut by_method = ByMethod::default();
    for p in payments
        .iter()
        .filter(|p| &p.clerk == clerk && p.day() == day)
    {
        if !seen.insert(&p.key) {
            continue;
        }
        let t = by_method.get_mut(p.method);
        t.count += 1;
        t.amount += p.amount;
    }
    let count = PayMethod::ALL.iter().map(|m| by_method.get(*m).count).sum();
    let total = PayMethod::ALL
        .iter()
        .map(|m| by_method.get(*m).amount)
        .sum();
    let expected_cash = by_method.cash.amount;
    let difference = counted_cash - expected_cash;
    CashUp {
        clerk: clerk.clone(),
        day,
        by_method,
        count,
        total,
        expected_cash,
        counted_cash,
        difference,
        balanced: difference == Fen::ZERO,
    }
}
