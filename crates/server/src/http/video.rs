//! `/admin/v1/halls/{code}/video-access` and `/evidence-locks`: every hall's video audit (who looked at, exported, locked or unlocked which camera's footage) and its evidence locks, as the hall replicated them, for maintainers.
//!
//! The columns come from the heads `sync_proto::changes` reads; `record` and
//! `lock` are the hall's whole `devices::video::AccessRecord` and
//! `EvidenceLock` as it sent them (the time range looked at, the reasons).
//! They are JSON values, not those types: the province shares no crate with
//! the hall but `domain`, `sync-proto` and `logging` (tidy's layering).

use super::auth::Maintainer;
use super::devices::{json, known_hall, page, PageQueryResult};
use super::edge::Path;
use super::Answer;
use crate::error::ProvinceError;
use crate::{db, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/halls/{code}/video-access", get(video_access))
        .route("/admin/v1/halls/{code}/evidence-locks", get(evidence_locks))
}

/// One line of a hall's video audit.
#[derive(Debug, Serialize)]
pub struct AccessAnswer {
    pub id: i64,
    pub at_ms: i64,
    /// Staff number of who looked.
    pub by_staff: String,
    pub camera: String,
    /// `live`, `playback`, `export`, `lock`, `unlock`, or a newer one as spelled.
    pub access: String,
    /// The hall's whole line (the time range looked at, the note).
    pub record: serde_json::Value,
}

/// A page of a hall's video audit, newest first.
#[derive(Debug, Serialize)]
pub struct AccessPage {
    pub lines: Vec<AccessAnswer>,
    /// Ask with `?before=` this for the next (older) page; `None` at the end.
    pub next_before: Option<i64>,
}

/// One evidence lock of a hall, as it last stood.
#[derive(Debug, Serialize)]
pub struct LockAnswer {
    pub id: i64,
    pub camera: String,
    /// Staff number of who locked it.
    pub by_staff: String,
    pub at_ms: i64,
    /// When it was released; `None` while the footage is held.
    pub unlocked_at_ms: Option<i64>,
    /// The hall's whole lock (the span held, why, who released it and why).
    pub lock: serde_json::Value,
}

/// A page of a hall's evidence locks, newest first.
#[derive(Debug, Serialize)]
pub struct LockPage {
    pub locks: Vec<LockAnswer>,
    /// Ask with `?before=` this for the next (older) page; `None` at the end.
    pub next_before: Option<i64>,
}

async fn video_access(
    State(s): State<AppState>,
    Path(code): Path<String>,
    _: Maintainer,
    query: PageQueryResult,
) -> Answer<AccessPage> {
    let (limit, before) = page(query)?;
    known_hall(&s, &code).await?;
    let rows = db::video::accesses(&s.pool, &code, before, limit).await?;
    let next_before = (rows.len() == limit as usize)
        .then(|| rows.last().map(|a| a.id))
        .flatten();
    let lines = rows
        .into_iter()
        .map(|a| {
            Ok(AccessAnswer {
                record: json(&a.body)?,
                id: a.id,
                at_ms: a.at_ms,
                by_staff: a.by_staff,
                camera: a.camera,
                access: a.access,
            })
        })
        .collect::<Result<_, ProvinceError>>()?;
    Ok(Json(AccessPage { lines, next_before }))
}

async fn evidence_locks(
    State(s): State<AppState>,
    Path(code): Path<String>,
    _: Maintainer,
    query: PageQueryResult,
) -> Answer<LockPage> {
    let (limit, before) = page(query)?;
    known_hall(&s, &code).await?;
    let rows = db::video::locks(&s.pool, &code, before, limit).await?;
    let next_before = (rows.len() == limit as usize)
        .then(|| rows.last().map(|l| l.id))
        .flatten();
    let locks = rows
        .into_iter()
        .map(|l| {
            Ok(LockAnswer {
                lock: json(&l.body)?,
                id: l.id,
                camera: l.camera,
                by_staff: l.by_staff,
                at_ms: l.at_ms,
                unlocked_at_ms: l.unlocked_at_ms,
            })
        })
        .collect::<Result<_, ProvinceError>>()?;
    Ok(Json(LockPage { locks, next_before }))
}
