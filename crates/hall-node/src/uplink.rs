//! The hall's uplink: sends the change log to the province, resuming from the last acknowledgement.
//!
//! Runs for the life of the node. While the province cannot be reached the
//! hall serves on and the log grows; when it returns, everything goes up in
//! batches, each change once (`sync_proto::Uploader` on this side,
//! `check_upload` on the other).

use std::time::Duration;
use store::Store;
use sync_proto::{Change, NextUpload, UploadBatch, UploadReply, Uploader, PROTOCOL_VERSION};
use tracing::Instrument;

/// Where and as whom this hall uploads.
#[derive(Debug, Clone)]
pub struct Province {
    pub url: String,
    pub token: String,
}

/// What the uplink last saw, shared with the views.
#[derive(Debug, Clone, Default)]
pub struct Link {
    pub online: bool,
    pub last_success_at: Option<i64>,
    /// When the province's records were last pulled.
    pub last_pull_at: Option<i64>,
    /// The province's last refusal that a person must fix; cleared by the next success.
    pub problem: Option<ipc::hall::SyncProblem>,
}

/// What a supervisor must do about a refusal, if anything (a gap heals itself).
pub fn problem_of(r: &sync_proto::Refusal) -> Option<ipc::hall::SyncProblem> {
    use ipc::hall::SyncProblem as P;
    use sync_proto::Refusal as R;
    match r {
        R::Gap { .. } => None,
        R::ClockSkew { skew_ms } => Some(P::ClockSkew { skew_ms: *skew_ms }),
        R::UpdateRequired { .. } | R::ReceiverTooOld { .. } => Some(P::UpdateRequired),
        R::WrongHall => Some(P::Credential),
        R::Malformed { .. } | R::InvalidRecord { .. } => Some(P::Rejected),
    }
}

pub type SharedLink = std::sync::Arc<std::sync::Mutex<Link>>;

/// The mark under which the province's acknowledgement is kept.
pub const PEER: &str = "province";
/// Changes per upload.
const BATCH: u64 = sync_proto::limits::MAX_BATCH_CHANGES as u64;

/// With nothing to send, the uplink still says hello this often, so the
/// province sees the hall online and its log's head.
const HEARTBEAT: Duration = Duration::from_secs(20);

/// Uploads for the life of the node. `commits` wakes it the moment the
/// driver commits, so a finished service reaches the province at once;
/// `outbox` when another writer of the outbox (the alarms) commits.
pub async fn run(
    store: Store,
    province: Province,
    hall: String,
    clock: crate::clock::Clock,
    link: SharedLink,
    mut commits: tokio::sync::broadcast::Receiver<std::sync::Arc<Vec<queue::Event>>>,
    outbox: std::sync::Arc<tokio::sync::Notify>,
) {
    let note = |online: bool, success: bool, problem: Option<ipc::hall::SyncProblem>| {
        let mut l = link.lock().unwrap_or_else(|p| p.into_inner());
        l.online = online;
        if success {
            l.last_success_at = Some(clock.now());
        }
        l.problem = problem;
    };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap_or_default();
    let url = format!("{}/sync/v1/upload", province.url.trim_end_matches('/'));
    let origin = format!("hall:{hall}");
    let mut up = Uploader::new(store.sync_mark(PEER).await.unwrap_or(0), BATCH);
    let mut last_contact: Option<tokio::time::Instant> = None;
    loop {
        let head = store
            .outbox_head()
            .await
            .ok()
            .flatten()
            .map_or(0, |(seq, _)| seq);
        let rows = match up.next(head) {
            NextUpload::Send { from, to } => {
                match store.outbox_after(from - 1, (to - from + 1) as u32).await {
                    Ok(rows) => rows,
                    Err(e) => {
                        tracing::warn!(error = %e, "reading the change log failed; retrying in 5 s");
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        continue;
                    }
                }
            }
            _ => {
                let due = last_contact.map_or(tokio::time::Instant::now(), |t| t + HEARTBEAT);
                if tokio::time::Instant::now() < due {
                    tokio::select! {
                        _ = commits.recv() => {}
                        _ = outbox.notified() => {}
                        _ = tokio::time::sleep_until(due) => {}
                    }
                    continue;
                }
                Vec::new() // a heartbeat
            }
        };
        // The batch stays within what the province reads; the rest goes in the next one.
        let mut budget = sync_proto::limits::MAX_UPLOAD_BYTES / 2;
        let fits = rows
            .iter()
            .take_while(|r| {
                let size = r.body.len() + r.key.len() + r.kind.len() + r.hlc.len() + 64;
                budget = budget.saturating_sub(size);
                budget > 0
            })
            .count();
        let mut rows = rows;
        rows.truncate(fits.max(1));
        let changes: Vec<Change> = rows
            .into_iter()
            .filter_map(|r| {
                Some(Change {
                    seq: r.seq,
                    hlc: serde_json::from_str(&r.hlc).ok()?,
                    kind: r.kind,
                    key: r.key,
                    body: sync_proto::Body::from_json(r.body).ok()?,
                })
            })
            .collect();
        let batch = UploadBatch {
            version: PROTOCOL_VERSION,
            origin: origin.clone(),
            hall: hall.clone(),
            sent_at_ms: clock.now(),
            changes,
            head,
        };
        let span = tracing::info_span!(
            "upload",
            changes = batch.changes.len(),
            first = batch.changes.first().map(|c| c.seq),
            head
        );
        let reply = async {
            let reply = match http
                .post(&url)
                .bearer_auth(&province.token)
                .json(&batch)
                .send()
                .await
            {
                Ok(r) => r.json::<UploadReply>().await.ok(),
                Err(e) => {
                    tracing::debug!(error = %e, "the province is out of reach");
                    None
                }
            };
            if let Some(UploadReply::Ack { applied_through }) = &reply {
                tracing::debug!(applied_through, "acknowledged");
            }
            reply
        }
        .instrument(span)
        .await;
        last_contact = Some(tokio::time::Instant::now());
        let next = match &reply {
            Some(reply) => {
                let next = up.on_reply(reply, head);
                let acked = matches!(reply, UploadReply::Ack { .. });
                if acked {
                    let _ = store.set_sync_mark(PEER, up.acked()).await;
                }
                let problem = match reply {
                    UploadReply::Refused(r) => problem_of(r),
                    UploadReply::Ack { .. } => None,
                };
                note(acked, acked, problem);
                next
            }
            None => {
                note(false, false, None);
                up.on_transport_error()
            }
        };
        match next {
            NextUpload::Wait { ms } => tokio::time::sleep(Duration::from_millis(ms)).await,
            NextUpload::Stop(refusal) => {
                tracing::warn!(refusal = ?refusal, "the province refuses uploads; retrying in 30 s");
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
            NextUpload::Send { .. } | NextUpload::Idle => {}
        }
    }
}
