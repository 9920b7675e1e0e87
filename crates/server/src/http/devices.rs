//! `/admin/v1/halls/{code}/devices`, `/alarms` and `/commands`: every hall's device registry, alarm history and control commands, as the hall replicated them, for maintainers.
//!
//! The columns come from the heads `sync_proto::changes` reads; `record` and
//! `alarm` are the hall's whole record as it sent it (who acknowledged an
//! alarm and with what note, what it was folded under).

use super::auth::Maintainer;
use super::edge::Path;
use super::Answer;
use crate::error::ProvinceError;
use crate::{db, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// The most alarms (commands, video audit lines, evidence locks) one page answers, and how many when not asked.
pub const MAX_PAGE: u32 = 200;
const DEFAULT_PAGE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/halls/{code}/devices", get(devices))
        .route("/admin/v1/halls/{code}/alarms", get(alarms))
        .route("/admin/v1/halls/{code}/commands", get(commands))
}

/// One device of a hall's registry.
#[derive(Debug, Serialize)]
pub struct DeviceAnswer {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub added_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    /// The hall's record of it (place on the floor plan, counter, dependencies).
    pub record: serde_json::Value,
}

/// One alarm of a hall, as it last stood.
#[derive(Debug, Serialize)]
pub struct AlarmAnswer {
    pub id: i64,
    pub source_kind: String,
    pub source: String,
    pub fault: String,
    pub severity: String,
    pub state: String,
    pub raised_at_ms: i64,
    pub cleared_at_ms: Option<i64>,
    /// The hall's whole alarm.
    pub alarm: serde_json::Value,
}

/// A page of a hall's alarm history, newest first.
#[derive(Debug, Serialize)]
pub struct AlarmPage {
    pub alarms: Vec<AlarmAnswer>,
    /// Ask with `?before=` this for the next (older) page; `None` at the end.
    pub next_before: Option<i64>,
}

/// One control command of a hall, as it last stood: who asked what of which device, and how it ended.
#[derive(Debug, Serialize)]
pub struct CommandAnswer {
    pub id: i64,
    pub device: String,
    pub by_staff: String,
    pub state: String,
    pub requested_at_ms: i64,
    /// The hall's whole command (its action, time to live, outcome).
    pub command: serde_json::Value,
}

/// A page of a hall's commands, newest first.
#[derive(Debug, Serialize)]
pub struct CommandPage {
    pub commands: Vec<CommandAnswer>,
    /// Ask with `?before=` this for the next (older) page; `None` at the end.
    pub next_before: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PageQuery {
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    before: Option<i64>,
}

pub(super) async fn known_hall(s: &AppState, code: &str) -> Result<(), ProvinceError> {
    match db::halls::name(&s.pool, code).await? {
        Some(_) => Ok(()),
        None => Err(ProvinceError::unknown_hall(code)),
    }
}

/// A stored body, as the hall sent it.
pub(super) fn json(body: &str) -> Result<serde_json::Value, ProvinceError> {
    serde_json::from_str(body).map_err(ProvinceError::internal)
}

async fn devices(
    State(s): State<AppState>,
    Path(code): Path<String>,
    _: Maintainer,
) -> Answer<Vec<DeviceAnswer>> {
    known_hall(&s, &code).await?;
    db::devices::devices(&s.pool, &code)
        .await?
        .into_iter()
        .map(|d| {
            Ok(DeviceAnswer {
                record: json(&d.body)?,
                id: d.id,
                kind: d.kind,
                name: d.name,
                added_at_ms: d.added_at_ms,
                revoked_at_ms: d.revoked_at_ms,
            })
        })
        .collect::<Result<_, _>>()
        .map(Json)
}

pub(super) type PageQueryResult =
    Result<axum::extract::Query<PageQuery>, axum::extract::rejection::QueryRejection>;

/// The page asked for: its size within bounds and where it starts.
pub(super) fn page(query: PageQueryResult) -> Result<(u32, Option<i64>), ProvinceError> {
    let axum::extract::Query(q) = query.map_err(|e| {
        ProvinceError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("查询参数无法识别（limit 1–{MAX_PAGE}，before 为编号）：{e}"),
            format!("The query is not understood (limit 1–{MAX_PAGE}, before an id): {e}"),
        )
    })?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ProvinceError::invalid(
            format!("每页条数应为 1–{MAX_PAGE}"),
            format!("A page holds 1–{MAX_PAGE} entries"),
        ));
    }
    Ok((limit, q.before))
}

async fn commands(
    State(s): State<AppState>,
    Path(code): Path<String>,
    _: Maintainer,
    query: PageQueryResult,
) -> Answer<CommandPage> {
    let (limit, before) = page(query)?;
    known_hall(&s, &code).await?;
    let rows = db::devices::commands(&s.pool, &code, before, limit).await?;
    let next_before = (rows.len() == limit as usize)
        .then(|| rows.last().map(|c| c.id))
        .flatten();
    let commands = rows
        .into_iter()
        .map(|c| {
            Ok(CommandAnswer {
                command: json(&c.body)?,
                id: c.id,
                device: c.device,
                by_staff: c.by_staff,
                state: c.state,
                requested_at_ms: c.requested_at_ms,
            })
        })
        .collect::<Result<_, ProvinceError>>()?;
    Ok(Json(CommandPage {
        commands,
        next_before,
    }))
}

async fn alarms(
    State(s): State<AppState>,
    Path(code): Path<String>,
    _: Maintainer,
    query: PageQueryResult,
) -> Answer<AlarmPage> {
    let (limit, before) = page(query)?;
    known_hall(&s, &code).await?;
    let rows = db::devices::alarms(&s.pool, &code, before, limit).await?;
    let next_before = (rows.len() == limit as usize)
        .then(|| rows.last().map(|a| a.id))
        .flatten();
    let alarms = rows
        .into_iter()
        .map(|a| {
            Ok(AlarmAnswer {
                alarm: json(&a.body)?,
                id: a.id,
                source_kind: a.source_kind,
                source: a.source,
                fault: a.fault,
                severity: a.severity,
                state: a.state,
                raised_at_ms: a.raised_at_ms,
                cleared_at_ms: a.cleared_at_ms,
            })
        })
        .collect::<Result<_, ProvinceError>>()?;
    Ok(Json(AlarmPage {
        alarms,
        next_before,
    }))
}
