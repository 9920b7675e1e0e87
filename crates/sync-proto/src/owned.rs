//! Records the province owns and feeds down: their kinds, who owns each field, and how versions merge.
//!
//! A record travels as a map from field name to [`Versioned`] value. The
//! province writes with `by_upper = true`; a hall writes only fields it
//! shares (today: a staff member's password hash, when the clerk changes it).
//! Both sides merge with [`merge`], so they agree whatever order writes meet in.

use crate::{merge_record, FieldOwner, Hlc, Versioned};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A staff account: `name`, `role`, `hall`, `active`, `password_hash`. Key: staff number.
pub const STAFF: &str = "staff";
/// A business type of the province's catalogue: `name_zh`, `name_en`, `default_service_secs`. Key: its letter.
pub const BUSINESS: &str = "business";
/// A priority class: `name_zh`, `name_en`, `weight`. Key: its code.
pub const PRIORITY: &str = "priority";
/// A hall's set-up: `name`, `counters` (`[{no, skills}]`), `strategy`, `overflow`, `recall_limit`. Key: hall code.
pub const HALL: &str = "hall";
/// Uploaded by a hall: a password changed there. Key: staff number; body `{password_hash}`.
pub const STAFF_PASSWORD: &str = "staff_password";

/// A record's fields with their versions.
pub type Fields = BTreeMap<String, Versioned>;

/// Who may write `field` of a `kind` record.
pub fn owner(kind: &str, field: &str) -> FieldOwner {
    match (kind, field) {
        (STAFF, "password_hash") => FieldOwner::Both,
        _ => FieldOwner::Upper,
    }
}

/// Stamps plain values as written at `hlc` by the upper or the lower node.
pub fn stamp(values: Map<String, Value>, hlc: &Hlc, by_upper: bool) -> Fields {
    values
        .into_iter()
        .map(|(field, value)| {
            (
                field,
                Versioned {
                    value,
                    hlc: hlc.clone(),
                    by_upper,
                },
            )
        })
        .collect()
}

/// Merges two versions of a `kind` record by the rules in [`crate::merge_record`].
pub fn merge(kind: &str, a: &Fields, b: &Fields) -> Fields {
    merge_record(a, b, |field| owner(kind, field))
}

/// The plain values of a record.
pub fn plain(fields: &Fields) -> Map<String, Value> {
    fields
        .iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect()
}

/// The latest timestamp among a record's fields.
pub fn latest(fields: &Fields) -> Option<&Hlc> {
    fields.values().map(|v| &v.hlc).max()
}
