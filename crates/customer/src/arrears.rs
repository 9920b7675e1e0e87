//! Arrears and late fees (电费违约金) per 《供电营业规则》 article 98: what each bill still owes on a day, principal and fee.
//!
//! The rule: from the day after the due date up to and including the day it
//! is paid, a residential bill accrues 1‰ of its unpaid amount a day; any
//! other (business) bill 2‰ a day for the days in the bill's own year
//! (当年欠费) and 3‰ a day for the days in a later year (跨年度欠费). So a
//! business bill of November paid the next January pays 2‰ for its December
//! days and 3‰ for its January days; a bill of an earlier year is at 3‰ for
//! every day from 1 January on.
//!
//! The fee is charged on what is still unpaid: each payment applied to a
//! bill ([`Applied`], dated) lowers the principal that accrues from the next
//! day on. The paying day itself still accrues on the principal before the
//! payment (the rule counts "to the day it is paid").
//!
//! Rounding: the accrual is kept exact (fen × ‰ × days) and rounded to the
//! fen half up once, over the bill's whole late period; the article's floor
//! applies — a late fee under ¥1.00 is charged ¥1.00 ([`MIN_LATE_FEE`]). What
//! is owed is that total less the late fee already paid, never below zero.

use crate::date::{Day, Month};
use crate::ids::AccountNo;
use crate::model::Bill;
use crate::money::Fen;
use serde::{Deserialize, Serialize};

/// Residential: 1‰ of the unpaid amount a day.
pub const RESIDENTIAL_PERMILLE: i64 = 1;
/// Business, days in the bill's own year: 2‰ a day.
pub const BUSINESS_SAME_YEAR_PERMILLE: i64 = 2;
/// Business, days in a later year than the bill's: 3‰ a day.
pub const BUSINESS_LATER_YEAR_PERMILLE: i64 = 3;
/// The smallest late fee charged once any is due: ¥1.00 (总额不足 1 元者按 1 元收取).
pub const MIN_LATE_FEE: Fen = Fen(100);

/// Money applied to one bill on one day: what [`crate::payment::Allocation`]
/// gave it (or a prepaid balance's deduction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub account: AccountNo,
    pub month: Month,
    pub on: Day,
    pub late_fee: Fen,
    pub principal: Fen,
}

/// What one bill still owes on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owed {
    pub account: AccountNo,
    pub month: Month,
    pub due: Day,
    /// The bill's amount not yet paid.
    pub principal: Fen,
    /// The late fee accrued and not yet paid.
    pub late_fee: Fen,
    /// Days past the due date (0 when not yet due).
    pub days_late: u32,
}

impl Owed {
    pub fn total(&self) -> Fen {
        self.principal + self.late_fee
    }
}

/// The ‰-days a bill of `month` under the given class accrues over the days
/// after `from` up to and including `to`.
fn permille_days(residential: bool, month: Month, from: Day, to: Day) -> i64 {
    if to <= from {
        return 0;
    }
    let days = i64::from(to.days_since(from));
    if residential {
        return days * RESIDENTIAL_PERMILLE;
    }
    // Days before the next 1 January are in the bill's own year.
    let next_year = Month::from_ym(month.year() + 1, 1).map_or(to.add_days(1), Month::first_day);
    let same_year = i64::from(next_year.add_days(-1).min(to).days_since(from)).clamp(0, days);
    same_year * BUSINESS_SAME_YEAR_PERMILLE + (days - same_year) * BUSINESS_LATER_YEAR_PERMILLE
}

/// Rounds thousandths of a fen to the fen, half up (the amounts are never negative).
fn round_milli(milli_fen: i64) -> Fen {
    Fen((milli_fen + 500) / 1000)
}

/// The late fee a bill has accrued on `today` given what was applied to it,
/// and its unpaid principal: `(principal, fee accrued in total, fee paid)`.
fn bill_state(bill: &Bill, applied: &[&Applied], today: Day) -> (Fen, Fen, Fen) {
    let residential = bill.tariff.is_residential();
    let mut principal = bill.amount.at_least_zero();
    let mut fee_paid = Fen::ZERO;
    let mut accrued_milli: i64 = 0;
    // Accrual so far runs to the end of `last` (the due date at first).
    let mut last = bill.due;
    for a in applied.iter().filter(|a| a.on <= today) {
        if a.on > last {
            accrued_milli += principal.0 * permille_days(residential, bill.month, last, a.on);
            last = a.on;
        }
        principal = (principal - a.principal.at_least_zero()).at_least_zero();
        fee_paid += a.late_fee.at_least_zero();
    }
    if today > last {
        accrued_milli += principal.0 * permille_days(residential, bill.month, last, today);
    }
    let mut fee = round_milli(accrued_milli);
    if accrued_milli > 0 && fee < MIN_LATE_FEE {
        fee = MIN_LATE_FEE;
    }
    (principal, fee, fee_paid)
}

/// What each bill still owes on `today`, oldest first (by month, then
/// account): every bill with principal or late fee left, including bills not
/// yet due (`days_late` 0, no fee). `applied` may hold any bills'
/// applications; they are matched to bills by account and month, and those
/// dated after `today` are not counted yet.
pub fn owed(bills: &[Bill], applied: &[Applied], today: Day) -> Vec<Owed> {
    // Applications by bill, each bill's by day: one sort, then a binary search per bill.
    let mut sorted: Vec<&Applied> = applied.iter().collect();
    sorted.sort_by_key(|a| (a.account, a.month, a.on));
    let mut out = Vec::new();
    for bill in bills {
        let key = (bill.account, bill.month);
        let from = sorted.partition_point(|a| (a.account, a.month) < key);
        let to = from + sorted[from..].partition_point(|a| (a.account, a.month) == key);
        let (principal, fee, fee_paid) = bill_state(bill, &sorted[from..to], today);
        let late_fee = (fee - fee_paid).at_least_zero();
        if principal.is_positive() || late_fee.is_positive() {
            out.push(Owed {
                account: bill.account,
                month: bill.month,
                due: bill.due,
                principal,
                late_fee,
                days_late: today.days_since(bill.due).max(0) as u32,
            });
        }
    }
    out.sort_by_key(|o| (o.month, o.due, o.account));
    out
}

/// The late fee of an unpaid amount for a month's bill under the given
/// class, from `due` to `today` with nothing paid: the same rule as [`owed`],
/// for a quick quote.
pub fn late_fee(residential: bool, month: Month, amount: Fen, due: Day, today: Day) -> Fen {
    let milli = amount.at_least_zero().0 * permille_days(residential, month, due, today);
    let fee = round_milli(milli);
    if milli > 0 && fee < MIN_LATE_FEE {
        MIN_LATE_FEE
    } else {
        fee
    }
}
