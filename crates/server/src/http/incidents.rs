//! `GET /admin/v1/incidents` and `/admin/v1/halls/{code}/incidents/{id}` (maintainer token): every hall's emergency incidents as the halls replicated them; `GET /sync/v1/nearby` (hall token): the waits of the halls of the caller's area.
//!
//! An incident's columns come from `sync_proto::changes::IncidentHead`;
//! `incident` and each line of `timeline` are the hall's own JSON as it sent
//! it (`emergency::Incident` less its timeline, and `emergency::Line`),
//! passed through unparsed.

use super::auth::{Hall, Maintainer};
use super::devices::{known_hall, MAX_PAGE};
use super::edge::Path;
use super::Answer;
use crate::error::ProvinceError;
use crate::{db, now_ms, AppState};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::HashMap;
use sync_proto::nearby::{NearbyHall, NearbyReply};
use sync_proto::owned::{self, HallSetup, OwnedKind};

/// The most lines of one incident's timeline answered.
const MAX_LINES: u32 = 5_000;
/// The most nearby halls answered.
const MAX_NEARBY: usize = 10;
/// Halls keep their business day in China Standard Time (the hall node's default).
const CST_OFFSET_MS: i64 = 8 * 3_600_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/incidents", get(incidents))
        .route("/admin/v1/halls/{code}/incidents/{id}", get(incident))
        .route("/sync/v1/nearby", get(nearby))
}

/// An incident of a hall as it last stood (without its timeline).
#[derive(Debug, Serialize)]
pub struct IncidentSummary {
    pub hall: String,
    pub hall_name: String,
    pub id: i64,
    pub plan_id: String,
    pub plan_name: String,
    /// `queue_surge`, `public_safety`, …
    pub event: String,
    /// `I` … `IV`.
    pub level: String,
    pub drill: bool,
    pub started_at_ms: i64,
    /// Staff number of who holds it.
    pub duty: String,
    /// `None` while it runs.
    pub ended_at_ms: Option<i64>,
}

/// An incident with the hall's whole record and its timeline, in order.
#[derive(Debug, Serialize)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub summary: IncidentSummary,
    /// The hall's incident as it sent it (its plan, steps, end).
    pub incident: Box<RawValue>,
    /// The lines of its timeline as the hall sent them, by `seq`.
    pub timeline: Vec<Box<RawValue>>,
}

fn summary(i: db::emergency::StoredIncident, hall_name: String) -> IncidentSummary {
    IncidentSummary {
        hall: i.hall,
        hall_name,
        id: i.id,
        plan_id: i.plan_id,
        plan_name: i.plan_name,
        event: i.event,
        level: i.level,
        drill: i.drill != 0,
        started_at_ms: i.started_at_ms,
        duty: i.duty,
        ended_at_ms: i.ended_at_ms,
    }
}

fn raw(body: String) -> Result<Box<RawValue>, ProvinceError> {
    RawValue::from_string(body).map_err(ProvinceError::internal)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentsQuery {
    /// Ended incidents too.
    #[serde(default)]
    all: bool,
}

/// `GET /admin/v1/incidents`: every hall's running incidents (`?all=true`:
/// ended ones too), the latest started first, at most 200.
async fn incidents(
    State(s): State<AppState>,
    _: Maintainer,
    query: Result<Query<IncidentsQuery>, QueryRejection>,
) -> Answer<Vec<IncidentSummary>> {
    let Query(q) = query.map_err(|e| {
        ProvinceError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("查询参数无法识别（all=true 含已结束的事件）：{e}"),
            format!("The query is not understood (all=true includes ended incidents): {e}"),
        )
    })?;
    let names: HashMap<String, String> = db::halls::all(&s.pool)
        .await?
        .into_iter()
        .map(|h| (h.code, h.name))
        .collect();
    let out = db::emergency::incidents(&s.pool, q.all, MAX_PAGE)
        .await?
        .into_iter()
        .map(|i| {
            let name = names.get(&i.hall).cloned().unwrap_or_default();
            summary(i, name)
        })
        .collect();
    Ok(Json(out))
}

/// `GET /admin/v1/halls/{code}/incidents/{id}`: one incident of a hall, whole, with its timeline.
async fn incident(
    State(s): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    _: Maintainer,
) -> Answer<IncidentDetail> {
    known_hall(&s, &code).await?;
    let none = || {
        ProvinceError::new(
            StatusCode::NOT_FOUND,
            "no_incident",
            format!("营业厅 {code} 没有事件 {}", sync_proto::limits::shown(&id)),
            format!(
                "Hall {code} has no incident {}",
                sync_proto::limits::shown(&id)
            ),
        )
    };
    let n: i64 = id.parse().map_err(|_| none())?;
    let Some(stored) = db::emergency::incident(&s.pool, &code, n).await? else {
        return Err(none());
    };
    let timeline = db::emergency::entries(&s.pool, &code, n, MAX_LINES)
        .await?
        .into_iter()
        .map(|(_, body)| raw(body))
        .collect::<Result<_, _>>()?;
    let name = db::halls::name(&s.pool, &code).await?.unwrap_or_default();
    let body = stored.body.clone();
    Ok(Json(IncidentDetail {
        summary: summary(stored, name),
        incident: raw(body)?,
        timeline,
    }))
}

/// What the province reads of a stored ticket for its wait.
#[derive(Deserialize)]
struct Waiting {
    ticket: Issued,
}

#[derive(Deserialize)]
struct Issued {
    issued_at: i64,
}

/// `GET /sync/v1/nearby`: the other halls of the caller's area (its hall
/// set-up's `area`; none without one) with today's waiting customers and
/// the longest of their waits, least waiting first, at most 10.
async fn nearby(State(s): State<AppState>, Hall(hall): Hall) -> Answer<NearbyReply> {
    let now = now_ms();
    let areas: Vec<(String, Option<String>)> = db::owned::all(&s.pool, OwnedKind::Hall.as_str())
        .await?
        .into_iter()
        .map(|(code, fields)| {
            let area = owned::read::<HallSetup>(&fields).ok().and_then(|h| h.area);
            (code, area)
        })
        .collect();
    let mine = areas
        .iter()
        .find(|(code, _)| *code == hall)
        .and_then(|(_, area)| area.clone());
    let Some(mine) = mine else {
        return Ok(Json(NearbyReply {
            at_ms: now,
            halls: Vec::new(),
        }));
    };
    let names: HashMap<String, String> = db::halls::all(&s.pool)
        .await?
        .into_iter()
        .map(|h| (h.code, h.name))
        .collect();
    let today = (now + CST_OFFSET_MS).max(0) / 86_400_000;
    let mut halls = Vec::new();
    for (code, area) in areas {
        if code == hall || area.as_deref() != Some(mine.as_str()) {
            continue;
        }
        // A hall the province does not know (a set-up left behind) is no neighbour.
        let Some(name) = names.get(&code) else {
            continue;
        };
        let tickets = db::emergency::waiting_tickets(&s.pool, &code, today).await?;
        let longest_ms = tickets
            .iter()
            .filter_map(|b| serde_json::from_str::<Waiting>(b).ok())
            .map(|w| now - w.ticket.issued_at)
            .max()
            .unwrap_or(0)
            .max(0);
        halls.push(NearbyHall {
            code,
            name: name.clone(),
            waiting: u32::try_from(tickets.len()).unwrap_or(u32::MAX),
            longest_wait_s: u32::try_from(longest_ms / 1000).unwrap_or(u32::MAX),
        });
    }
    halls.sort_by(|a, b| {
        (a.waiting, a.longest_wait_s, &a.code).cmp(&(b.waiting, b.longest_wait_s, &b.code))
    });
    halls.truncate(MAX_NEARBY);
    Ok(Json(NearbyReply { at_ms: now, halls }))
}
