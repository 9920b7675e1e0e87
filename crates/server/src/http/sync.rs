//! `POST /sync/v1/upload`, `POST /sync/v1/pull`, `GET /sync/v1/status`: halls send their change logs up and pull what the province owns.
//!
//! Upload and pull answer in the replication protocol's own types
//! (`UploadReply`, `PullReply`), refusals included, which hall nodes read.

use super::auth::{Hall, NoHall};
use super::edge::JsonBody;
use super::Answer;
use crate::{db, ingest, now_ms, AppState};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use sync_proto::{
    check_pull, check_upload, PullReply, PullRequest, Refusal, UploadBatch, UploadReply,
};
use tracing::field::Empty;
use tracing::Instrument;

/// Records per pull page.
const PAGE: i64 = 500;
/// The longest a pull is held waiting for news.
const MAX_WAIT_MS: u64 = 25_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/sync/v1/upload",
            post(upload).layer(DefaultBodyLimit::max(sync_proto::limits::MAX_UPLOAD_BYTES)),
        )
        .route("/sync/v1/status", get(status))
        .route("/sync/v1/pull", post(pull))
}

type Reply<T> = (StatusCode, Json<T>);

/// The protocol's refusal of a request without a hall's valid token.
fn unknown_hall(hall: Result<Hall, NoHall>) -> Result<String, (StatusCode, Refusal)> {
    match hall {
        Ok(Hall(code)) => Ok(code),
        Err(NoHall::Unknown) => Err((StatusCode::UNAUTHORIZED, Refusal::WrongHall)),
        Err(NoHall::Failed(e)) => Err(internal(e)),
    }
}

/// Anything internal, in the protocol's terms; the cause goes to the log.
fn internal(cause: impl std::fmt::Display) -> (StatusCode, Refusal) {
    tracing::error!(%cause, "internal error");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Refusal::Malformed {
            reason: "internal error; try again".into(),
        },
    )
}

fn malformed(e: serde_json::Error) -> (StatusCode, Refusal) {
    (
        StatusCode::BAD_REQUEST,
        Refusal::Malformed {
            reason: e.to_string(),
        },
    )
}

/// Logs a refusal and keeps it on the hall for the maintainers' view.
async fn note_refusal(s: &AppState, hall: &str, origin: &str, r: &Refusal) {
    tracing::warn!(origin, refusal = ?r, "refused a hall's request");
    let Ok(text) = serde_json::to_string(r) else {
        return;
    };
    if let Err(e) = db::sync::note_refusal(&s.pool, hall, &text, now_ms()).await {
        tracing::error!(error = %e, "keeping a refusal failed");
    }
}

async fn upload(
    State(s): State<AppState>,
    hall: Result<Hall, NoHall>,
    body: JsonBody,
) -> Reply<UploadReply> {
    let span = tracing::info_span!("upload", origin = Empty, changes = Empty);
    match upload_batch(&s, hall, &body).instrument(span).await {
        Ok(applied_through) => (StatusCode::OK, Json(UploadReply::Ack { applied_through })),
        Err((status, r)) => (status, Json(UploadReply::Refused(r))),
    }
}

async fn upload_batch(
    s: &AppState,
    hall: Result<Hall, NoHall>,
    body: &[u8],
) -> Result<u64, (StatusCode, Refusal)> {
    let hall = unknown_hall(hall)?;
    let batch: UploadBatch = serde_json::from_slice(body).map_err(malformed)?;
    let span = tracing::Span::current();
    span.record("origin", batch.origin.as_str());
    span.record("changes", batch.changes.len());
    // A hall uploads only its own log.
    if !sync_proto::origin_in_hall(&batch.origin, &hall) {
        return Err((StatusCode::FORBIDDEN, Refusal::WrongHall));
    }
    // Two copies of a batch may race (a retry while the first is still being
    // stored): each claims the mark it read, and the loser looks again.
    for _ in 0..5 {
        let previous = match db::sync::mark(&s.pool, &batch.origin)
            .await
            .map_err(internal)?
        {
            Some((owner, _)) if owner != hall => {
                return Err((StatusCode::FORBIDDEN, Refusal::WrongHall))
            }
            Some((_, through)) => Some(through.max(0) as u64),
            None => None,
        };
        let checked = {
            let clock = s.clock.lock().unwrap_or_else(|p| p.into_inner());
            check_upload(&batch, &hall, previous.unwrap_or(0), now_ms(), &clock)
        };
        // A change this version stores must have the fields it is stored by.
        let (accepted, read) = match checked.and_then(|a| ingest::check(&a).map(|r| (a, r))) {
            Ok(checked) => checked,
            Err(r) => {
                note_refusal(s, &hall, &batch.origin, &r).await;
                return Err((StatusCode::CONFLICT, r));
            }
        };
        if ingest::store(s, &hall, &batch, previous, &accepted, read)
            .await
            .map_err(internal)?
        {
            tracing::debug!(applied_through = accepted.applied_through, "stored");
            return Ok(accepted.applied_through);
        }
    }
    Err(internal("the mark kept moving under five attempts"))
}

/// `POST /sync/v1/pull`: the next page of records meant for the caller's hall.
async fn pull(
    State(s): State<AppState>,
    hall: Result<Hall, NoHall>,
    body: JsonBody,
) -> Reply<PullReply> {
    let span = tracing::info_span!("pull", node = Empty, since = Empty);
    match pull_page(&s, hall, &body).instrument(span).await {
        Ok(page) => (StatusCode::OK, Json(page)),
        Err((status, r)) => (status, Json(PullReply::Refused(r))),
    }
}

async fn pull_page(
    s: &AppState,
    hall: Result<Hall, NoHall>,
    body: &[u8],
) -> Result<PullReply, (StatusCode, Refusal)> {
    let hall = unknown_hall(hall)?;
    let req: PullRequest = serde_json::from_slice(body).map_err(malformed)?;
    let span = tracing::Span::current();
    span.record("node", req.node.as_str());
    span.record("since", req.since);
    let checked = {
        let clock = s.clock.lock().unwrap_or_else(|p| p.into_inner());
        check_pull(&req, &hall, now_ms(), &clock)
    };
    if let Err(r) = checked {
        note_refusal(s, &hall, &req.node, &r).await;
        let status = match r {
            Refusal::WrongHall => StatusCode::FORBIDDEN,
            _ => StatusCode::CONFLICT,
        };
        return Err((status, r));
    }
    // Listen before looking, so a write between the two is not missed.
    let fed = s.fed.notified();
    let mut page = db::owned::page(&s.pool, req.since, &hall, PAGE).await;
    let closing = s.closing.load(std::sync::atomic::Ordering::SeqCst);
    if matches!(&page, Ok((_, 0))) && req.wait_ms > 0 && !closing {
        let wait = std::time::Duration::from_millis(req.wait_ms.min(MAX_WAIT_MS));
        if tokio::time::timeout(wait, fed).await.is_ok() {
            page = db::owned::page(&s.pool, req.since, &hall, PAGE).await;
        }
    }
    let (records, read) = page.map_err(internal)?;
    let next = records.last().map_or(req.since, |r| r.cursor);
    let since = i64::try_from(req.since).unwrap_or(i64::MAX);
    if let Err(e) = db::sync::note_pull(&s.pool, &req.node, &hall, since, now_ms()).await {
        tracing::warn!(error = %e, "keeping where a hall pulled from failed");
    }
    Ok(PullReply::Page {
        records,
        next,
        more: read as i64 == PAGE,
    })
}

#[derive(Serialize)]
struct Status {
    hall: String,
    origins: Vec<OriginStatus>,
}

#[derive(Serialize)]
struct OriginStatus {
    origin: String,
    applied_through: i64,
    last_at_ms: i64,
    changes_applied: i64,
}

/// `GET /sync/v1/status`: the marks of the caller's hall.
async fn status(State(s): State<AppState>, Hall(hall): Hall) -> Answer<Status> {
    let origins = db::sync::origins_of(&s.pool, &hall)
        .await?
        .into_iter()
        .map(|o| OriginStatus {
            origin: o.origin,
            applied_through: o.applied_through,
            last_at_ms: o.last_at_ms,
            changes_applied: o.changes_applied,
        })
        .collect();
    Ok(Json(Status { hall, origins }))
}
