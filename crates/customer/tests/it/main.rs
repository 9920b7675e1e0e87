//! The customer crate's rules, checked by hand-computed cases and properties: identifiers, money, dates, billing, late fees, allocation, the ledger, cash-up, prepaid under virtual time, notice lists and the generator.

mod arrears;
mod billing;
mod cashup;
mod date;
mod gen;
mod ids;
mod model;
mod money;
mod notices;
mod payment;
mod prepaid;

use customer::{Day, Month};

/// A day that exists.
pub fn day(y: i32, m: u8, d: u8) -> Day {
    Day::from_ymd(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d} is no day"))
}

/// A month that exists.
pub fn month(y: i32, m: u8) -> Month {
    Month::from_ym(y, m).unwrap_or_else(|| panic!("{y}{m:02} is no month"))
}
