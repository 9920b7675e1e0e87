//! Replication between the nodes of the tree (desktop → hall node → province), as pure state machines.
//!
//! Every edge speaks the same protocol:
//! - **up**: a node keeps a change log (written in the same transaction as
//!   the change) numbered 1, 2, 3… per origin; it uploads contiguous batches;
//!   the receiver applies each sequence number once and acknowledges how far
//!   it got, so a retried, duplicated or reordered batch is harmless and an
//!   interrupted upload resumes where the acknowledgement stopped;
//! - **down**: records the upper node owns are pulled page by page from a
//!   cursor, so a download resumes too;
//! - every message carries the protocol version; an outdated node gets
//!   "update required", never misread data;
//! - timestamps are hybrid logical clocks; a peer whose clock is off by more
//!   than the tolerance is refused, not silently misordered.
//!
//! Nothing here does IO or reads a clock: time is an argument.

pub mod changes;
pub mod customers;
mod hlc;
pub mod limits;
mod merge;
pub mod nearby;
pub mod owned;
mod session;
pub mod updates;
mod wire;

pub use changes::{ChangeKind, Payload};
pub use hlc::{Hlc, HlcClock, SkewError};
pub use merge::{merge_record, FieldOwner, Versioned};
pub use owned::OwnedKind;
pub use session::{
    check_pull, check_upload, origin_in_hall, Accepted, Downloader, NextPull, NextUpload, Uploader,
};
pub use updates::{Offer, OfferReply, OfferRequest};
pub use wire::*;

/// The province's refusal of a maintainer's or a hall's request outside the
/// replication protocol: a stable code and the reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProvinceRefusal {
    pub code: String,
    pub message: String,
    pub message_en: String,
}
