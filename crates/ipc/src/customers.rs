//! The counter's customer wire: identifying a customer (`GET /api/v1/customers?q=`) and the record pop (`GET /api/v1/customers/{account}`), carrying the `customer` crate's records with ID card and phone numbers masked.
//!
//! The hall node answers from the copy of its service area it holds
//! offline; `as_of_ms` says how old that copy is (数据截至…). Every call is
//! an audit line at the hall.

use customer::{
    AccountNo, Bill, CreditGrade, CustomerId, CustomerKind, Day, Fen, Owed, Payment, Prepaid,
    Reading, Seal, ServiceGrade, Tariff,
};
use serde::{Deserialize, Serialize};

/// A query is 1–60 characters once trimmed.
pub const MAX_QUERY: usize = 60;
/// The most hits a search answers.
pub const MAX_HITS: usize = 20;
/// Months of readings and bills a record shows, this month included.
pub const HISTORY_MONTHS: i32 = 24;
/// Payments a record shows, newest first.
pub const RECENT_PAYMENTS: usize = 12;

/// `GET /api/v1/customers?q=…`: an account number (10 digits), an ID card
/// number (18 characters), a mobile number (11 digits), or name and/or
/// address text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerQuery {
    #[serde(default)]
    pub q: String,
}

/// How the hall read a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryKind {
    Account,
    IdCard,
    Phone,
    /// Name and/or address, fuzzy.
    Text,
}

/// One customer found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerHit {
    pub account: AccountNo,
    pub name: String,
    /// The first phone, masked (`138****1234`).
    pub phone: Option<String>,
    pub address: String,
    pub grade: ServiceGrade,
}

/// The answer to a search: at most [`MAX_HITS`], best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerHits {
    pub kind: QueryKind,
    pub hits: Vec<CustomerHit>,
    /// How old the hall's copy of its area is (`None`: nothing pulled yet).
    pub as_of_ms: Option<i64>,
}

/// The customer as the counter sees it: identifiers masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerView {
    pub id: CustomerId,
    pub kind: CustomerKind,
    pub name: String,
    /// `330102********123X`.
    pub id_card: Option<String>,
    /// `138****1234` each.
    pub phones: Vec<String>,
    pub grade: ServiceGrade,
    pub credit: CreditGrade,
}

/// A meter with the current state of each of its seals (replaced ones left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterView {
    pub no: String,
    /// Each seal's latest entry, in the order they were installed (`Meter::current_seals`).
    pub seals: Vec<Seal>,
    /// A seal of it is found broken (and not replaced since).
    pub seal_broken: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub no: AccountNo,
    pub address: String,
    pub area: String,
    pub tariff: Tariff,
    pub meters: Vec<MeterView>,
    /// A smart-payment account's balance and threshold.
    pub prepaid: Option<Prepaid>,
}

/// The record pop: who the customer is, the account, what is owed today and the recent history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRecord {
    pub customer: CustomerView,
    pub account: AccountView,
    /// The day the amounts are owed on (the hall's today).
    pub today: Day,
    /// Each bill still owing, oldest first (`customer::arrears::owed`).
    pub owed: Vec<Owed>,
    /// Their principal and late fees together.
    pub owed_total: Fen,
    /// The last [`HISTORY_MONTHS`] months, oldest first.
    pub readings: Vec<Reading>,
    pub bills: Vec<Bill>,
    /// The last [`RECENT_PAYMENTS`], newest first.
    pub payments: Vec<Payment>,
    /// The province's time the hall's copy of this record is known current at (数据截至).
    pub as_of_ms: i64,
    /// The province's version of the record.
    pub version: i64,
}
