//! `/admin/v1/halls…`: every hall's replication as maintainers watch it, a hall's set-up (counters, calling rules) and its release channel.

use super::auth::Maintainer;
use super::edge::{JsonBody, Path};
use super::{body, Answer, Saved};
use crate::error::ProvinceError;
use crate::{db, now_ms, owned, AppState};
use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sync_proto::owned::{values_of, CounterSetup, HallSetup, OwnedKind};
use sync_proto::Refusal;

/// A hall that has not been heard of for this long shows as offline.
pub const OFFLINE_AFTER_MS: i64 = 90_000;
/// A hall's area, in characters.
const MAX_AREA: usize = 40;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/halls", get(halls))
        .route("/admin/v1/halls/{code}/setup", put(put_setup))
        .route("/admin/v1/halls/{code}/channel", put(put_channel))
}

fn yes() -> bool {
    true
}

fn default_strategy() -> String {
    "priority_then_longest_wait".into()
}

fn default_recalls() -> u32 {
    2
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CounterPut {
    no: u16,
    skills: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetupPut {
    counters: Vec<CounterPut>,
    #[serde(default = "default_strategy")]
    strategy: String,
    #[serde(default = "yes")]
    overflow: bool,
    #[serde(default = "default_recalls")]
    recall_limit: u32,
    /// The area the hall is in (its neighbours share it), 1–40 characters.
    #[serde(default)]
    area: Option<String>,
}

/// `PUT /admin/v1/halls/{code}/setup`: a hall's counters and calling rules,
/// used from the next business day the hall opens.
async fn put_setup(
    State(s): State<AppState>,
    Path(code): Path<String>,
    _: Maintainer,
    bytes: JsonBody,
) -> Answer<Saved> {
    let req: SetupPut = body(&bytes)?;
    let Some(name) = db::halls::name(&s.pool, &code).await? else {
        return Err(ProvinceError::unknown_hall(&code));
    };
    if !["priority_then_longest_wait", "preferred_business_first"].contains(&req.strategy.as_str())
    {
        return Err(ProvinceError::invalid(
            "叫号策略应为 priority_then_longest_wait 或 preferred_business_first",
            "The strategy is priority_then_longest_wait or preferred_business_first",
        ));
    }
    if req.recall_limit > 9 {
        return Err(ProvinceError::invalid(
            "重呼次数应在 0–9 之间",
            "The recall limit is 0–9",
        ));
    }
    if req.counters.is_empty() {
        return Err(ProvinceError::invalid(
            "至少需要一个窗口",
            "A hall needs at least one counter",
        ));
    }
    let area = req
        .area
        .as_deref()
        .map(|a| super::text("所在区域", a, MAX_AREA))
        .transpose()?;
    let known = db::owned::keys(&s.pool, OwnedKind::Business.as_str()).await?;
    let mut seen = std::collections::BTreeSet::new();
    for c in &req.counters {
        if !(1..=999).contains(&c.no) || !seen.insert(c.no) {
            return Err(ProvinceError::invalid(
                format!("窗口号 {} 无效或重复（1–999）", c.no),
                format!("Counter {} is out of 1–999 or repeated", c.no),
            ));
        }
        if c.skills.is_empty() {
            return Err(ProvinceError::invalid(
                format!("{} 号窗口至少要办理一种业务", c.no),
                format!("Counter {} needs at least one business", c.no),
            ));
        }
        if let Some(b) = c.skills.iter().find(|b| !known.contains(b)) {
            return Err(ProvinceError::invalid(
                format!("{} 号窗口的业务 {b} 不在全省业务目录中", c.no),
                format!(
                    "Counter {}: business {b} is not in the province's catalogue",
                    c.no
                ),
            ));
        }
    }
    let setup = HallSetup {
        name,
        counters: req
            .counters
            .into_iter()
            .map(|c| CounterSetup {
                no: c.no,
                skills: c.skills,
            })
            .collect(),
        strategy: Some(req.strategy),
        overflow: Some(req.overflow),
        recall_limit: Some(req.recall_limit),
        area,
    };
    let mut values = values_of(&setup);
    // No area is written as such, so an area set before does not stay.
    values.entry("area").or_insert(serde_json::Value::Null);
    let changed = owned::put(&s, OwnedKind::Hall, &code, &code, values).await?;
    Ok(Json(Saved { changed }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChannelPut {
    channel: String,
}

#[derive(Serialize)]
struct ChannelSet {
    hall: String,
    channel: &'static str,
}

/// `PUT /admin/v1/halls/{code}/channel`: makes a hall a pilot hall, or an ordinary one.
async fn put_channel(
    State(s): State<AppState>,
    Path(code): Path<String>,
    _: Maintainer,
    bytes: JsonBody,
) -> Answer<ChannelSet> {
    let req: ChannelPut = body(&bytes)?;
    let channel = super::releases::channel_of(&req.channel)?;
    if !db::halls::set_channel(&s.pool, &code, channel.code()).await? {
        return Err(ProvinceError::unknown_hall(&code));
    }
    Ok(Json(ChannelSet {
        hall: code,
        channel: channel.code(),
    }))
}

/// One hall as `GET /admin/v1/halls` lists it.
#[derive(Serialize)]
struct HallView {
    code: String,
    name: String,
    online: bool,
    last_contact_ms: Option<i64>,
    /// Changes its origins reported still to send.
    waiting: i64,
    tickets: i64,
    origins: Vec<OriginView>,
    feed_pulled_from: Option<i64>,
    feed_head: i64,
    last_refusal: Option<Refusal>,
    last_refusal_at_ms: Option<i64>,
}

#[derive(Serialize)]
struct OriginView {
    origin: String,
    applied_through: i64,
    reported_head: i64,
    changes_applied: i64,
}

/// `GET /admin/v1/halls`: every hall's replication as a maintainer needs it.
async fn halls(State(s): State<AppState>, _: Maintainer) -> Answer<Vec<HallView>> {
    let halls = db::halls::all(&s.pool).await?;
    let now = now_ms();
    let feed_head = db::owned::head(&s.pool).await?;
    // One query per table for all halls, not three per hall.
    let origins = db::sync::origins(&s.pool).await?;
    let pulled = db::halls::pulled(&s.pool).await?;
    let tickets = db::halls::tickets(&s.pool).await?;
    let out = halls
        .into_iter()
        .map(|h| {
            let mine: Vec<_> = origins.iter().filter(|o| o.hall == h.code).collect();
            HallView {
                online: h
                    .last_contact_ms
                    .is_some_and(|c| now - c < OFFLINE_AFTER_MS),
                last_contact_ms: h.last_contact_ms,
                waiting: mine
                    .iter()
                    .map(|o| (o.reported_head - o.applied_through).max(0))
                    .sum(),
                tickets: tickets.get(&h.code).copied().unwrap_or(0),
                origins: mine
                    .iter()
                    .map(|o| OriginView {
                        origin: o.origin.clone(),
                        applied_through: o.applied_through,
                        reported_head: o.reported_head,
                        changes_applied: o.changes_applied,
                    })
                    .collect(),
                feed_pulled_from: pulled.get(&h.code).copied(),
                feed_head,
                last_refusal: h.last_refusal.and_then(|r| serde_json::from_str(&r).ok()),
                last_refusal_at_ms: h.last_refusal_at_ms,
                code: h.code,
                name: h.name,
            }
        })
        .collect();
    Ok(Json(out))
}
