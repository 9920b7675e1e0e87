//! Notice lists: which customers to tell of a low prepaid balance, of arrears past due, or of a planned outage in the coming days. Pure filters over what the caller passes in.
//!
//! The accounts passed in are the scope (a hall's area, say): a bill or an
//! outage of an account not among them gives no notice. Lists come sorted by
//! account number, one notice per account and reason.

use crate::arrears::{owed, Applied};
use crate::date::Day;
use crate::ids::AccountNo;
use crate::model::{Account, Bill, CustomerId};
use crate::money::Fen;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a customer is to be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// 余额不足: a prepaid balance below its threshold.
    LowBalance { balance: Fen, threshold: Fen },
    /// 欠费催缴: bills past due, with what they owe and the oldest one's days late.
    Arrears {
        bills: u32,
        principal: Fen,
        late_fee: Fen,
        days_late: u32,
    },
    /// 计划停电.
    PlannedOutage { starts: Day, ends: Day },
}

/// One customer to tell, about one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub account: AccountNo,
    pub customer: CustomerId,
    pub reason: Reason,
}

/// A planned outage affecting an account (from the outage plan, by account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outage {
    pub account: AccountNo,
    pub starts: Day,
    pub ends: Day,
}

/// Prepaid accounts whose balance is below their threshold.
pub fn low_balance(accounts: &[Account]) -> Vec<Notice> {
    let mut out: Vec<Notice> = accounts
        .iter()
        .filter_map(|a| {
            let p = a.prepaid.filter(|p| p.is_low())?;
            Some(Notice {
                account: a.no,
                customer: a.customer,
                reason: Reason::LowBalance {
                    balance: p.balance,
                    threshold: p.threshold,
                },
            })
        })
        .collect();
    out.sort_by_key(|n| n.account);
    out
}

/// Accounts with a bill at least `min_days` past its due date (and at least
/// one day) still unpaid on `today`; the notice sums all their past-due
/// bills.
pub fn arrears(
    accounts: &[Account],
    bills: &[Bill],
    applied: &[Applied],
    today: Day,
    min_days: u32,
) -> Vec<Notice> {
    let scope: BTreeMap<AccountNo, CustomerId> =
        accounts.iter().map(|a| (a.no, a.customer)).collect();
    let mut by_account: BTreeMap<AccountNo, (u32, Fen, Fen, u32)> = BTreeMap::new();
    for o in owed(bills, applied, today) {
        if o.days_late == 0 || !scope.contains_key(&o.account) {
            continue;
        }
        let e = by_account.entry(o.account).or_default();
        e.0 += 1;
        e.1 += o.principal;
        e.2 += o.late_fee;
        e.3 = e.3.max(o.days_late);
    }
    by_account
        .into_iter()
        .filter(|(_, (_, _, _, days))| *days >= min_days.max(1))
        .map(
            |(account, (bills, principal, late_fee, days_late))| Notice {
                account,
                customer: scope[&account],
                reason: Reason::Arrears {
                    bills,
                    principal,
                    late_fee,
                    days_late,
                },
            },
        )
        .collect()
}

/// Accounts with a planned outage starting from `today` to `within_days`
/// days after it (inclusive); the earliest such outage of each account.
pub fn planned_outages(
    accounts: &[Account],
    outages: &[Outage],
    today: Day,
    within_days: u32,
) -> Vec<Notice> {
    let scope: BTreeMap<AccountNo, CustomerId> =
        accounts.iter().map(|a| (a.no, a.customer)).collect();
    let last = today.add_days(within_days.min(i32::MAX as u32) as i32);
    let mut first: BTreeMap<AccountNo, &Outage> = BTreeMap::new();
    for o in outages
        .iter()
        .filter(|o| o.starts >= today && o.starts <= last && scope.contains_key(&o.account))
    {
        let e = first.entry(o.account).or_insert(o);
        if o.starts < e.starts {
            *e = o;
        }
    }
    first
        .into_iter()
        .map(|(account, o)| Notice {
            account,
            customer: scope[&account],
            reason: Reason::PlannedOutage {
                starts: o.starts,
                ends: o.ends,
            },
        })
        .collect()
}
