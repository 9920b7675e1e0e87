//! Conflict rules for records both sides may edit: field by field, by owner, then by timestamp.
//!
//! The rules, for every record kind that flows down (staff, counters,
//! business types, plans) and later for work orders:
//! - a field the **upper** node owns (a staff member's name, role, hall,
//!   whether the account is active; a counter's skills) takes the upper
//!   node's value, whatever the lower node did while it was offline;
//! - a field the **lower** node owns takes the lower node's value;
//! - a field **both** may write (a staff member's password hash: changed by
//!   the clerk at the hall, or reset by a maintainer at the province) takes
//!   the value with the later hybrid-logical timestamp; ties cannot happen
//!   because the node name is part of the timestamp.
//!
//! The merge is commutative and idempotent, so both sides reach the same record
//! whatever order the changes meet in.

use crate::Hlc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who may write a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldOwner {
    Upper,
    Lower,
    Both,
}

/// A field value with when and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versioned {
    pub value: serde_json::Value,
    pub hlc: Hlc,
    /// Written by the upper node (province) rather than the lower one (hall).
    pub by_upper: bool,
}

/// Merges two versions of one record field by field.
pub fn merge_record(
    a: &BTreeMap<String, Versioned>,
    b: &BTreeMap<String, Versioned>,
    owner: impl Fn(&str) -> FieldOwner,
) -> BTreeMap<String, Versioned> {
    let mut out = BTreeMap::new();
    for field in a.keys().chain(b.keys()) {
        if out.contains_key(field) {
            continue;
        }
        let pick = match (a.get(field), b.get(field)) {
            (Some(x), None) | (None, Some(x)) => allowed(x, owner(field)).then(|| x.clone()),
            (Some(x), Some(y)) => winner(x, y, owner(field)).cloned(),
            (None, None) => None,
        };
        if let Some(v) = pick {
            out.insert(field.clone(), v);
        }
    }
    out
}

fn allowed(v: &Versioned, owner: FieldOwner) -> bool {
    match owner {
        FieldOwner::Upper => v.by_upper,
        FieldOwner::Lower => !v.by_upper,
        FieldOwner::Both => true,
    }
}

fn key(v: &Versioned) -> (&Hlc, bool, String) {
    (&v.hlc, v.by_upper, v.value.to_string())
}

fn winner<'a>(x: &'a Versioned, y: &'a Versioned, owner: FieldOwner) -> Option<&'a Versioned> {
    match (allowed(x, owner), allowed(y, owner)) {
        // Timestamps are unique per event; the value decides only for malformed
        // input, so the merge stays commutative whatever arrives.
        (true, true) => Some(if key(x) >= key(y) { x } else { y }),
        (true, false) => Some(x),
        (false, true) => Some(y),
        (false, false) => None,
    }
}
