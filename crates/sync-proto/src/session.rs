//! The upload sessions: what a receiver stores of a batch, and what a sender sends next.

use crate::limits::{bad_text, MAX_BATCH_CHANGES, MAX_NODE_BYTES};
use crate::wire::{
    check_version, Change, PullReply, PullRequest, Refusal, UploadBatch, UploadReply,
    PROTOCOL_VERSION,
};
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
/// to resume from; a batch with a record out of the bounds of
/// [`crate::limits`] is refused naming that record; nothing is applied from a
/// batch that is refused.
pub fn check_upload(
    batch: &UploadBatch,
    hall: &str,
    applied_through: u64,
    now_ms: i64,
    clock: &HlcClock,
) -> Result<Accepted, Refusal> {
    check_version(batch.version)?;
    if batch.hall != hall || !origin_in_hall(&batch.origin, hall) {
        return Err(Refusal::WrongHall);
    }
    clock
        .check_peer_clock(batch.sent_at_ms, now_ms)
        .map_err(|e| Refusal::ClockSkew { skew_ms: e.skew_ms })?;
    let malformed = |reason: &str| Refusal::Malformed {
        reason: reason.to_owned(),
    };
    if let Some(why) = bad_text("the origin", &batch.origin, MAX_NODE_BYTES) {
        return Err(malformed(&why));
    }
    if batch.changes.len() > MAX_BATCH_CHANGES {
        return Err(malformed(&format!(
            "{} changes in one batch, at most {MAX_BATCH_CHANGES}",
            batch.changes.len()
        )));
    }
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
    // Every record within bounds, or none of the batch is taken.
    for c in &batch.changes {
        c.check()?;
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

/// Whether `origin` is the hall node of `hall` (`hall:H0101`) or one of its
/// desktops (`hall:H0101/…`); a prefix alone is not enough (`hall:H01010`).
pub fn origin_in_hall(origin: &str, hall: &str) -> bool {
    origin
        .strip_prefix("hall:")
        .and_then(|rest| rest.strip_prefix(hall))
        .is_some_and(|tail| tail.is_empty() || tail.starts_with('/'))
}

/// Decides about a pull from a node whose credential covers `hall`.
pub fn check_pull(
    req: &PullRequest,
    hall: &str,
    now_ms: i64,
    clock: &HlcClock,
) -> Result<(), Refusal> {
    check_version(req.version)?;
    if let Some(why) = bad_text("the node", &req.node, MAX_NODE_BYTES) {
        return Err(Refusal::Malformed { reason: why });
    }
    if !origin_in_hall(&req.node, hall) {
        return Err(Refusal::WrongHall);
    }
    clock
        .check_peer_clock(req.sent_at_ms, now_ms)
        .map_err(|e| Refusal::ClockSkew { skew_ms: e.skew_ms })
}

/// The puller's side: where in the upper node's feed it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloader {
    cursor: u64,
    failures: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextPull {
    /// More pages wait: pull again now.
    Pull,
    /// Everything is here; pull again later.
    CaughtUp,
    /// The link failed: try again after this long.
    Wait { ms: u64 },
    /// The upper node refused, or answered nonsense: a person must look.
    Stop(Refusal),
}

impl Downloader {
    /// `cursor` is the position this node stored after its last applied page.
    pub fn new(cursor: u64) -> Self {
        Self {
            cursor,
            failures: 0,
        }
    }

    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// The next request; `wait_ms` lets the upper node hold it when nothing is new.
    pub fn request(&self, node: &str, now_ms: i64, wait_ms: u64) -> PullRequest {
        PullRequest {
            version: PROTOCOL_VERSION,
            node: node.to_owned(),
            since: self.cursor,
            sent_at_ms: now_ms,
            wait_ms,
        }
    }

    /// Takes in a reply. A page is only believed when its records lie after
    /// the cursor in ascending order, each within the bounds of
    /// [`crate::limits`], and `next` covers them; the caller
    /// applies the records and stores `cursor()` together.
    pub fn on_page(&mut self, reply: &PullReply) -> NextPull {
        match reply {
            PullReply::Page {
                records,
                next,
                more,
            } => {
                let mut at = self.cursor;
                for r in records {
                    if r.cursor <= at {
                        return NextPull::Stop(Refusal::Malformed {
                            reason: format!("record at {} is not after {at}", r.cursor),
                        });
                    }
                    at = r.cursor;
                    // A record out of bounds stops the page before anything is applied.
                    if let Err(refusal) = r.check() {
                        return NextPull::Stop(refusal);
                    }
                }
                if *next < at {
                    return NextPull::Stop(Refusal::Malformed {
                        reason: format!("next {next} is before the page's last record {at}"),
                    });
                }
                self.failures = 0;
                self.cursor = self.cursor.max(*next);
                if *more {
                    NextPull::Pull
                } else {
                    NextPull::CaughtUp
                }
            }
            PullReply::Refused(r) => NextPull::Stop(r.clone()),
        }
    }

    pub fn on_transport_error(&mut self) -> NextPull {
        self.failures = self.failures.saturating_add(1);
        NextPull::Wait {
            ms: 1_000u64
                .saturating_mul(1 << self.failures.min(6))
                .min(60_000),
        }
    }
}
