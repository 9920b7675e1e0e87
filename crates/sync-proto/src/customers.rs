//! The customer records a hall holds offline: the accounts of its service area, pulled from the province page by page.
//!
//! The province is the system of record. Every change of an account (its
//! customer, meters, bills, payments) gives it the next `version` of the
//! province's customer sequence; a hall pulls the accounts of its area
//! (`HallSetup.area`) with a version above its mark, oldest change first,
//! and keeps the mark with the page in one transaction, so a pull resumes
//! where it stopped and a record is never older than one already held.

use customer::gen::Household;
use serde::{Deserialize, Serialize};

/// The most accounts one page carries.
pub const MAX_PAGE: u32 = 2_000;

/// `POST /sync/v1/customers/pull` (hall token): the accounts of the hall's area changed after `since`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerPull {
    pub version: u16,
    /// The highest account version the hall holds (0: none).
    pub since: i64,
    /// At most [`MAX_PAGE`].
    pub limit: u32,
}

/// One account as the province holds it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCopy {
    /// Its place in the province's customer sequence.
    pub version: i64,
    pub household: Household,
}

/// A page of the hall's area, oldest change first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    /// The area the page is of (`None`: the hall has no area, so nothing comes).
    pub area: Option<String>,
    pub accounts: Vec<AccountCopy>,
    /// The version to ask from next (the last one here, or `since`).
    pub next: i64,
    /// More pages wait.
    pub more: bool,
    /// When the province answered: a hall shows its records' age from it.
    pub at_ms: i64,
}

/// One line of a hall's customer audit as the province keeps it
/// (`GET /admin/v1/halls/{code}/customer-access`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAccessLine {
    pub id: i64,
    pub at_ms: i64,
    /// Staff number of who looked.
    pub by_staff: String,
    /// `record` or `search`.
    pub what: String,
    /// The account opened (or found by a search for one).
    pub account: Option<String>,
}
