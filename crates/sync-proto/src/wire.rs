//! The messages, versioned: what goes up (changes), what comes down (owned records), and refusals.

use crate::Hlc;
use serde::{Deserialize, Serialize};

/// The protocol this code speaks.
pub const PROTOCOL_VERSION: u16 = 1;
/// The oldest protocol a receiver still accepts.
pub const MIN_PROTOCOL_VERSION: u16 = 1;

/// One change in a node's log. `seq` runs 1, 2, 3… per origin with no gaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub seq: u64,
    pub hlc: Hlc,
    /// What kind of record: `ticket`, `service`, `rating`, `counter_pause`, …
    pub kind: String,
    /// The record's key within its kind, unique within the origin.
    pub key: String,
    pub body: Body,
}

/// A change's body: JSON text kept as it came (a receiver reads the fields
/// it needs straight from the text and stores the text as it is).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Body(Box<serde_json::value::RawValue>);

impl Body {
    /// The body of `value` as JSON.
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(Self)
    }

    /// `text`, once it is checked to be JSON.
    pub fn from_json(text: String) -> Result<Self, serde_json::Error> {
        serde_json::value::RawValue::from_string(text).map(Self)
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The body read as `T` (fields `T` does not name are skipped).
    pub fn read<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }
}

/// Two bodies are equal when their texts are.
impl PartialEq for Body {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Body {}

/// `POST /sync/v1/upload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadBatch {
    pub version: u16,
    /// The node whose log this is, e.g. `hall:H0101`.
    pub origin: String,
    /// The hall the origin belongs to; the receiver checks it against the credential.
    pub hall: String,
    /// The sender's wall clock when it sent the batch.
    pub sent_at_ms: i64,
    /// Contiguous, ascending. Empty for a heartbeat.
    pub changes: Vec<Change>,
    /// The end of the sender's log when it sent the batch, so the receiver
    /// can show how much is still on its way.
    #[serde(default)]
    pub head: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum UploadReply {
    /// Everything of `origin` up to and including `applied_through` is stored.
    Ack {
        applied_through: u64,
    },
    Refused(Refusal),
}

/// Why a message was not taken. Each has a clear meaning for the sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "refusal", rename_all = "snake_case")]
pub enum Refusal {
    /// The sender is too old for this receiver: install the update.
    UpdateRequired { min_version: u16 },
    /// The sender is newer than this receiver understands.
    ReceiverTooOld { version: u16 },
    /// The batch claims a hall the credential does not cover.
    WrongHall,
    /// Changes are missing before this batch: send again from `expected`.
    Gap { expected: u64 },
    /// The sender's clock is off by more than the tolerance.
    ClockSkew { skew_ms: i64 },
    /// The batch contradicts itself (non-contiguous, empty key…).
    Malformed { reason: String },
    /// One record breaks the bounds of `limits` (a key too long, too many or
    /// too large fields, an impossible timestamp): `kind` and `key` name it
    /// (shortened), `reason` says which bound. Nothing of the message was taken.
    InvalidRecord {
        kind: String,
        key: String,
        reason: String,
    },
}

/// `GET /sync/v1/pull?since=…`: records the upper node owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    pub version: u16,
    pub node: String,
    pub since: u64,
    pub sent_at_ms: i64,
    /// With nothing new, the receiver may hold the request this long for a
    /// record to appear (a long poll), so edits reach the node at once.
    #[serde(default)]
    pub wait_ms: u64,
}

/// One record owned by the upper node (staff, counters, business types, plans…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedRecord {
    /// Position in the owner's feed; pulls resume after it.
    pub cursor: u64,
    pub kind: String,
    pub key: String,
    pub hlc: Hlc,
    /// `None` when the record was deleted.
    pub body: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum PullReply {
    Page {
        records: Vec<OwnedRecord>,
        next: u64,
        more: bool,
    },
    Refused(Refusal),
}

/// The version check every receiver makes first.
pub fn check_version(version: u16) -> Result<(), Refusal> {
    if version < MIN_PROTOCOL_VERSION {
        return Err(Refusal::UpdateRequired {
            min_version: MIN_PROTOCOL_VERSION,
        });
    }
    if version > PROTOCOL_VERSION {
        return Err(Refusal::ReceiverTooOld {
            version: PROTOCOL_VERSION,
        });
    }
    Ok(())
}
