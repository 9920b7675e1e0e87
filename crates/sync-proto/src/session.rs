//! The upload sessions: what a receiver stores of a batch, and what a sender sends next.

use crate::wire::{check_version, Change, Refusal, UploadBatch, UploadReply};
use crate::HlcClock;

/// What a receiver does with a batch: store `apply` (in one transaction, with
/// the new mark), then answer `Ack { applied_through }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub apply: Vec<Change>,
    pub applied_through: u64,
}

/// Decides about `batch` from a sender whose credential covers `hall`, when
/// the receiver already stores that origin's log up to `applied_through`.
///
/// Duplicated and replayed changes are dropped, so a batch applies once however
/// often it arrives; a batch that starts after a gap is refused with the place
/// to resume from; nothing is applied from a batch that is refused.
pub fn check_upload(
    batch: &UploadBatch,
    hall: &str,
    applied_through: u64,
    now_ms: i64,
    clock: &HlcClock,
) -> Result<Accepted, Refusal> {
    check_version(batch.version)?;
    if batch.hall != hall || batch.origin.is_empty() {
        return Err(Refusal::WrongHall);
    }
    clock
        .check_peer_clock(batch.sent_at_ms, now_ms)
        .map_err(|e| Refusal::ClockSkew { skew_ms: e.skew_ms })?;
    let malformed = |reason: &str| Refusal::Malformed {
        reason: reason.to_owned(),
    };
    if let Some(c) = batch
        .changes
        .iter()
        .find(|c| c.kind.is_empty() || c.key.is_empty())
    {
        return Err(malformed(&format!("change {} has no kind or key", c.seq)));
    }
    if batch.changes.windows(2).any(|w| w[1].seq != w[0].seq + 1) {
        return Err(malformed("sequence numbers are not contiguous"));
    }
    // A change stamped in the future beyond the tolerance is a clock problem, not data.
    if let Some(c) = batch
        .changes
        .iter()
        .find(|c| c.hlc.wall_ms - now_ms > clock.max_skew_ms())
    {
        return Err(Refusal::ClockSkew {
            skew_ms: c.hlc.wall_ms - now_ms,
        });
    }
    let (Some(first), Some(last)) = (batch.changes.first(), batch.changes.last()) else {
        return Ok(Accepted {
            apply: Vec::new(),
            applied_through,
        });
    };
    if first.seq == 0 {
        return Err(malformed("sequence numbers start at 1"));
    }
    if first.seq > applied_through + 1 {
        return Err(Refusal::Gap {
            expected: applied_through + 1,
        });
    }
    Ok(Accepted {
        apply: batch
            .changes
            .iter()
            .filter(|c| c.seq > applied_through)
            .cloned()
            .collect(),
        applied_through: applied_through.max(last.seq),
    })
}

/// The sender's side: how far the receiver has acknowledged, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploader {
    acked: u64,
    max_batch: u64,
    failures: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextUpload {
    /// Send changes `from..=to` of the local log.
    Send { from: u64, to: u64 },
    /// Everything is acknowledged.
    Idle,
    /// The link failed: try again after this long.
    Wait { ms: u64 },
    /// The receiver refused for a reason a person must fix (update, clock, credential).
    Stop(Refusal),
}

impl Uploader {
    /// `acked` is the last acknowledgement this node stored (0 for a new node).
    pub fn new(acked: u64, max_batch: u64) -> Self {
        Self {
            acked,
            max_batch: max_batch.max(1),
            failures: 0,
        }
    }

    pub fn acked(&self) -> u64 {
        self.acked
    }

    /// What to send when the local log ends at `head`.
    pub fn next(&self, head: u64) -> NextUpload {
        if head <= self.acked {
            return NextUpload::Idle;
        }
        NextUpload::Send {
            from: self.acked + 1,
            to: head.min(self.acked + self.max_batch),
        }
    }

    /// Takes in the receiver's answer; the caller persists `acked()` after an `Ack`.
    pub fn on_reply(&mut self, reply: &UploadReply, head: u64) -> NextUpload {
        match reply {
            UploadReply::Ack { applied_through } => {
                self.failures = 0;
                // Never believe an acknowledgement beyond what exists here.
                self.acked = self.acked.max((*applied_through).min(head));
                self.next(head)
            }
            UploadReply::Refused(Refusal::Gap { expected }) => {
                // The receiver has less than we thought (say, restored from a backup): resend.
                self.acked = expected.saturating_sub(1);
                self.next(head)
            }
            UploadReply::Refused(r) => NextUpload::Stop(r.clone()),
        }
    }

    /// The request failed in transit (timeout, refused connection, cut body).
    pub fn on_transport_error(&mut self) -> NextUpload {
        self.failures = self.failures.saturating_add(1);
        let ms = 1_000u64
            .saturating_mul(1 << self.failures.min(6))
            .min(60_000);
        NextUpload::Wait { ms }
    }
}
