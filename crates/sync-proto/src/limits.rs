//! Bounds on one record (a change going up, an owned record coming down), checked by every receiver before it stores anything.
//!
//! A receiver refuses the whole message when one record breaks a bound, and
//! names that record (kind and key, shortened) in the refusal, so nothing of
//! it is stored and the sender's mark does not move. The same rules hold on
//! every edge: the province checks what halls upload, a hall checks what it
//! pulls from the province, and the province checks its own writes before
//! feeding them down.

use crate::owned::Fields;
use crate::{Change, Hlc, OwnedRecord, Refusal};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;

/// A record's kind: 1–40 bytes of `a`–`z`, `0`–`9` and `_`.
pub const MAX_KIND_BYTES: usize = 40;
/// A record's key: 1–128 bytes, no control characters.
pub const MAX_KEY_BYTES: usize = 128;
/// A node's name (in a timestamp, an origin, a puller): 1–128 bytes, no control characters.
pub const MAX_NODE_BYTES: usize = 128;
/// Fields at the top of a record's body.
pub const MAX_FIELDS: usize = 64;
/// A field's name: 1–64 bytes, no control characters.
pub const MAX_FIELD_NAME_BYTES: usize = 64;
/// One field's value, as JSON.
pub const MAX_FIELD_BYTES: usize = 32 * 1024;
/// A whole record (kind, key, timestamp and body), as JSON.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// The latest wall time a timestamp may carry: 2100-01-01T00:00:00Z. The
/// earliest is 0 (1970); a counter is unsigned, so it cannot be negative.
pub const MAX_WALL_MS: i64 = 4_102_444_800_000;
/// Changes in one upload.
pub const MAX_BATCH_CHANGES: usize = 1_000;
/// The largest upload body a receiver reads; a sender keeps each batch below it.
pub const MAX_UPLOAD_BYTES: usize = 16 * 1024 * 1024;

/// At most this many characters of a kind or key are repeated in a refusal.
const SHOWN_CHARS: usize = 40;

/// A kind or key as a refusal shows it: its first 40 characters, `…` when cut.
pub fn shown(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(SHOWN_CHARS)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().count() > SHOWN_CHARS {
        out.push('…');
    }
    out
}

/// What a record's body is, for the bounds: absent (a deleted owned
/// record), not an object, or its fields with each value's size as JSON.
pub enum Shape<'a> {
    Absent,
    NotObject,
    Fields(Vec<(&'a str, usize)>),
}

impl<'a> Shape<'a> {
    pub fn of_value(body: Option<&'a Value>) -> Self {
        match body {
            None => Shape::Absent,
            Some(Value::Object(fields)) => Shape::Fields(
                fields
                    .iter()
                    .map(|(name, v)| (name.as_str(), json_len(v)))
                    .collect(),
            ),
            Some(_) => Shape::NotObject,
        }
    }
}

/// Checks one record against every bound.
/// The refusal names the record and says which bound it breaks.
pub fn check_record(kind: &str, key: &str, hlc: &Hlc, body: Shape<'_>) -> Result<(), Refusal> {
    let refuse = |reason: String| Refusal::InvalidRecord {
        kind: shown(kind),
        key: shown(key),
        reason,
    };
    if kind.is_empty()
        || kind.len() > MAX_KIND_BYTES
        || !kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(refuse(format!(
            "the kind must be 1–{MAX_KIND_BYTES} bytes of a–z, 0–9 and _"
        )));
    }
    if let Some(why) = bad_text("the key", key, MAX_KEY_BYTES) {
        return Err(refuse(why));
    }
    check_hlc(hlc).map_err(refuse)?;
    let mut total = kind.len() + key.len() + hlc.node.len() + 64;
    match body {
        Shape::Absent => {}
        Shape::Fields(fields) => {
            if fields.len() > MAX_FIELDS {
                return Err(refuse(format!(
                    "the body has {} fields, at most {MAX_FIELDS}",
                    fields.len()
                )));
            }
            for (name, size) in fields {
                if let Some(why) = bad_text("a field name", name, MAX_FIELD_NAME_BYTES) {
                    return Err(refuse(why));
                }
                if size > MAX_FIELD_BYTES {
                    return Err(refuse(format!(
                        "field {} is {size} bytes, at most {MAX_FIELD_BYTES}",
                        shown(name)
                    )));
                }
                total += name.len() + size + 4;
            }
        }
        Shape::NotObject => return Err(refuse("the body must be an object of fields".into())),
    }
    if total > MAX_RECORD_BYTES {
        return Err(refuse(format!(
            "the record is {total} bytes, at most {MAX_RECORD_BYTES}"
        )));
    }
    Ok(())
}

/// A timestamp's wall time lies in 0..=[`MAX_WALL_MS`] and its node is a proper name.
pub fn check_hlc(hlc: &Hlc) -> Result<(), String> {
    if !(0..=MAX_WALL_MS).contains(&hlc.wall_ms) {
        return Err(format!(
            "the timestamp's wall time {} is outside 0..={MAX_WALL_MS}",
            hlc.wall_ms
        ));
    }
    match bad_text("the timestamp's node", &hlc.node, MAX_NODE_BYTES) {
        Some(why) => Err(why),
        None => Ok(()),
    }
}

/// Why `value` is not a proper name of at most `max` bytes, if it is not.
pub(crate) fn bad_text(what: &str, value: &str, max: usize) -> Option<String> {
    if value.is_empty() {
        Some(format!("{what} is empty"))
    } else if value.len() > max {
        Some(format!("{what} is {} bytes, at most {max}", value.len()))
    } else if value.chars().any(char::is_control) {
        Some(format!("{what} has control characters"))
    } else {
        None
    }
}

/// The length of `value` as compact JSON, without building the text.
fn json_len(value: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut n = Count(0);
    // Writing a `Value` to a counter cannot fail.
    let _ = serde_json::to_writer(&mut n, value);
    n.0
}

impl Change {
    /// The bounds of [`check_record`]; the refusal also gives the change's sequence number.
    pub fn check(&self) -> Result<(), Refusal> {
        // The fields as they stand in the text: names, and each value's length.
        let fields: Option<BTreeMap<String, &RawValue>> = self.body.read().ok();
        let shape = match &fields {
            Some(fields) => Shape::Fields(
                fields
                    .iter()
                    .map(|(name, v)| (name.as_str(), v.get().len()))
                    .collect(),
            ),
            None => Shape::NotObject,
        };
        check_record(&self.kind, &self.key, &self.hlc, shape).map_err(|r| match r {
            Refusal::InvalidRecord { kind, key, reason } => Refusal::InvalidRecord {
                kind,
                key,
                reason: format!("change {}: {reason}", self.seq),
            },
            other => other,
        })
    }
}

impl OwnedRecord {
    /// The bounds of [`check_record`], and a body that is a map of versioned
    /// fields whose every timestamp is in bounds too.
    pub fn check(&self) -> Result<(), Refusal> {
        check_record(
            &self.kind,
            &self.key,
            &self.hlc,
            Shape::of_value(self.body.as_ref()),
        )?;
        let Some(body) = &self.body else {
            return Ok(());
        };
        let refuse = |reason: String| Refusal::InvalidRecord {
            kind: shown(&self.kind),
            key: shown(&self.key),
            reason: format!("record at {}: {reason}", self.cursor),
        };
        let fields = Fields::deserialize(body)
            .map_err(|e| refuse(format!("the body is not a map of versioned fields: {e}")))?;
        for (name, v) in &fields {
            check_hlc(&v.hlc).map_err(|why| refuse(format!("field {}: {why}", shown(name))))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Body;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000_000;

    fn hlc(wall_ms: i64) -> Hlc {
        Hlc {
            wall_ms,
            counter: 0,
            node: "hall:H0101".into(),
        }
    }

    fn change(key: &str, wall_ms: i64, body: Value) -> Change {
        Change {
            seq: 7,
            hlc: hlc(wall_ms),
            kind: "counter_event".into(),
            key: key.into(),
            body: Body::of(&body).unwrap(),
        }
    }

    fn reason_of(r: Result<(), Refusal>) -> (String, String, String) {
        match r {
            Err(Refusal::InvalidRecord { kind, key, reason }) => (kind, key, reason),
            other => panic!("expected an invalid record, got {other:?}"),
        }
    }

    #[test]
    fn an_ordinary_record_passes() {
        let c = change(
            "3-1800000000000-0",
            NOW,
            json!({"counter": 3, "event": "opened"}),
        );
        assert_eq!(c.check(), Ok(()));
        // The largest key, field count and field still pass.
        let fields: serde_json::Map<String, Value> = (0..MAX_FIELDS)
            .map(|i| (format!("f{i}"), json!(i)))
            .collect();
        let c = change(
            &"k".repeat(MAX_KEY_BYTES),
            MAX_WALL_MS,
            Value::Object(fields),
        );
        assert_eq!(c.check(), Ok(()));
        assert_eq!(change("k", 0, json!({})).check(), Ok(()));
    }

    #[test]
    fn a_megabyte_key_is_refused_and_named_shortly() {
        let key = "x".repeat(1024 * 1024);
        let (kind, shown_key, reason) = reason_of(change(&key, NOW, json!({})).check());
        assert_eq!(kind, "counter_event");
        assert_eq!(shown_key, format!("{}…", "x".repeat(40)));
        assert!(
            reason.contains("change 7") && reason.contains("key"),
            "{reason}"
        );
        let (_, _, reason) = reason_of(change("", NOW, json!({})).check());
        assert!(reason.contains("empty"), "{reason}");
        let (_, _, reason) = reason_of(change("a\u{0}b", NOW, json!({})).check());
        assert!(reason.contains("control"), "{reason}");
    }

    #[test]
    fn a_clock_before_1970_or_after_2100_is_refused() {
        for wall in [-1, i64::MIN, MAX_WALL_MS + 1, i64::MAX] {
            let (_, _, reason) = reason_of(change("k", wall, json!({})).check());
            assert!(reason.contains("wall time"), "{wall}: {reason}");
        }
        let mut c = change("k", NOW, json!({}));
        c.hlc.node = "n".repeat(MAX_NODE_BYTES + 1);
        assert!(reason_of(c.check()).2.contains("node"));
        c.hlc.node = String::new();
        assert!(reason_of(c.check()).2.contains("node"));
    }

    #[test]
    fn kinds_fields_and_sizes_are_bounded() {
        let mut c = change("k", NOW, json!({}));
        c.kind = "Ticket".into();
        assert!(reason_of(c.check()).2.contains("kind"));
        c.kind = "k".repeat(MAX_KIND_BYTES + 1);
        assert!(reason_of(c.check()).2.contains("kind"));

        let many: serde_json::Map<String, Value> = (0..=MAX_FIELDS)
            .map(|i| (format!("f{i}"), json!(i)))
            .collect();
        let (_, _, reason) = reason_of(change("k", NOW, Value::Object(many)).check());
        assert!(reason.contains("fields"), "{reason}");

        let long_name = json!({ "n".repeat(MAX_FIELD_NAME_BYTES + 1): 1 });
        assert!(reason_of(change("k", NOW, long_name).check())
            .2
            .contains("field name"));

        let big_field = json!({ "reason": "x".repeat(MAX_FIELD_BYTES) });
        assert!(reason_of(change("k", NOW, big_field).check())
            .2
            .contains("field reason"));

        // Each field within its bound, the record as a whole beyond its own.
        let fields: serde_json::Map<String, Value> = (0..3)
            .map(|i| (format!("f{i}"), json!("x".repeat(MAX_FIELD_BYTES - 10))))
            .collect();
        let (_, _, reason) = reason_of(change("k", NOW, Value::Object(fields)).check());
        assert!(reason.contains("record is"), "{reason}");

        for body in [json!(null), json!(1), json!("text"), json!([1, 2])] {
            assert!(reason_of(change("k", NOW, body).check())
                .2
                .contains("object"));
        }
    }

    #[test]
    fn owned_records_need_versioned_fields_with_sane_clocks() {
        let record = |body: Option<Value>| OwnedRecord {
            cursor: 4,
            kind: crate::owned::STAFF.into(),
            key: "1001".into(),
            hlc: hlc(NOW),
            body,
        };
        assert_eq!(record(None).check(), Ok(()), "a deletion has no body");
        let good = json!({"name": {"value": "王芳", "hlc": hlc(NOW), "by_upper": true}});
        assert_eq!(record(Some(good)).check(), Ok(()));
        let plain = json!({"name": "王芳"});
        let (_, key, reason) = reason_of(record(Some(plain)).check());
        assert_eq!(key, "1001");
        assert!(
            reason.contains("record at 4") && reason.contains("versioned"),
            "{reason}"
        );
        let old = json!({"name": {"value": "王芳", "hlc": hlc(-5), "by_upper": true}});
        let (_, _, reason) = reason_of(record(Some(old)).check());
        assert!(
            reason.contains("field name") && reason.contains("wall time"),
            "{reason}"
        );
    }

    #[test]
    fn a_shown_name_is_short_and_printable() {
        assert_eq!(shown("ticket"), "ticket");
        assert_eq!(shown("a\nb"), "a?b");
        assert_eq!(shown(&"长".repeat(41)).chars().count(), 41);
    }
}
