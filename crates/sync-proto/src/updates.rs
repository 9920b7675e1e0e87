//! `POST /sync/v1/updates/offer`: a hall asks which release its PCs of one target should run.
//!
//! The province answers `{"offer": …}`, `null` when there is nothing to
//! install. Unknown fields are ignored both ways, so either end may add one.

use serde::{Deserialize, Serialize};

/// The hall's question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferRequest {
    /// The protocol version ([`crate::PROTOCOL_VERSION`]).
    pub version: u16,
    /// `target-arch-bundle`, lowercase, e.g. `linux-x86_64-deb`.
    pub target: String,
    /// What the PC runs: `major.minor.patch`.
    pub current_version: String,
}

/// The province's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferReply {
    pub offer: Option<Offer>,
}

/// The release a hall should install, with what its updater needs. The
/// hall keeps it as it was given (so its last answer holds when the
/// province is away); offers kept by earlier versions lack `file_name` and
/// `rollback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub version: String,
    pub notes: String,
    pub published_at_ms: i64,
    pub target: String,
    #[serde(default)]
    pub file_name: String,
    /// The artifact's SHA-256, 64 lowercase hex digits.
    pub sha256: String,
    pub size: u64,
    /// The publisher's signature (base64), checked by the PC's updater.
    pub signature: String,
    /// The release is older than what the hall runs (the current one was withdrawn).
    #[serde(default)]
    pub rollback: bool,
}
