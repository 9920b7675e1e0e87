//! `/admin/v1/plans…` and `/admin/v1/outages…` (maintainer token): emergency plans for the halls, and outages registered for a hall's area; `/sync/v1/plans…` (hall token): a planner's publication or withdrawal, relayed by their hall.
//!
//! A plan is checked whole by `emergency::Plan::check` against the
//! province's catalogue of businesses, as a hall checks it, and travels down
//! the owned feed (`sync_proto::owned::PlanRecord`) as one record per hall it
//! is for (`id@HALL`, scoped to that hall) or one for every hall (`id`, scope
//! `*`). An outage travels as one record per hall of its area (`id@HALL`,
//! `OutageRecord`). A replacement that drops a hall, and a withdrawal, write
//! `withdrawn: true` to the records that go, so their halls drop them.
//! A planner's plan is published like a maintainer's once the province's own
//! staff records know the relaying hall's `by` as an active planner of it;
//! the plan keeps who published or withdrew it last.

use super::auth::{Hall, Maintainer};
use super::edge::{JsonBody, Path};
use super::{body, text, Answer};
use crate::db::emergency::{OutageRow, SavedPlan};
use crate::error::ProvinceError;
use crate::{db, now_ms, owned, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::Role;
use emergency::PlanError;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use sync_proto::owned::{
    read, values_of, OutageRecord, OwnedKind, PlanRecord, PublishPlan, PublishedPlan,
    RegisterOutage, RelayedPlan, RelayedWithdrawal, StaffRecord, Withdrawn,
};

/// Halls one plan or outage may list.
const MAX_HALLS: usize = 500;
/// An outage's text, in characters.
const MAX_OUTAGE_TEXT: usize = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/plans", get(list_plans))
        .route(
            "/admin/v1/plans/{id}",
            put(publish_plan).delete(withdraw_plan),
        )
        .route("/sync/v1/plans/{id}", put(relayed_publish))
        .route("/sync/v1/plans/{id}/withdraw", post(relayed_withdraw))
        .route("/admin/v1/outages", get(list_outages))
        .route(
            "/admin/v1/outages/{id}",
            put(register_outage).delete(withdraw_outage),
        )
}

fn id_of(raw: &str) -> Result<String, ProvinceError> {
    emergency::plan::id_ok(raw)
        .then(|| raw.to_owned())
        .ok_or_else(|| {
            ProvinceError::invalid(
                "编号应为 1–40 位字母、数字、- 或 _",
                "An id is 1–40 letters, digits, - or _",
            )
        })
}

fn not_found(code: &'static str, zh: &str, en: &str, id: &str) -> ProvinceError {
    ProvinceError::new(
        StatusCode::NOT_FOUND,
        code,
        format!("{zh} {id} 不存在"),
        format!("There is no {en} {id}"),
    )
}

/// 422 `invalid_plan`: the plan breaks a rule of `emergency::Plan::check` (its Chinese text, and English).
fn invalid_plan(e: &PlanError) -> ProvinceError {
    ProvinceError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_plan",
        e.to_string(),
        e.en(),
    )
}

/// Known hall codes, at most [`MAX_HALLS`], sorted, once each; `empty` is the refusal of none.
async fn known_halls(
    s: &AppState,
    halls: Vec<String>,
    empty: fn() -> ProvinceError,
) -> Result<Vec<String>, ProvinceError> {
    let halls: BTreeSet<String> = halls.into_iter().collect();
    if halls.is_empty() {
        return Err(empty());
    }
    if halls.len() > MAX_HALLS {
        return Err(ProvinceError::invalid(
            format!("最多列出 {MAX_HALLS} 个营业厅"),
            format!("List at most {MAX_HALLS} halls"),
        ));
    }
    for h in &halls {
        if h.len() > 32 || db::halls::name(&s.pool, h).await?.is_none() {
            return Err(ProvinceError::unknown_hall(&sync_proto::limits::shown(h)));
        }
    }
    Ok(halls.into_iter().collect())
}

/// The feed's records of something for `halls` (`None`: every hall): (key, scope).
fn keys(id: &str, halls: Option<&[String]>) -> Vec<(String, String)> {
    match halls {
        None => vec![(id.to_owned(), "*".to_owned())],
        Some(halls) => halls
            .iter()
            .map(|h| (format!("{id}@{h}"), h.clone()))
            .collect(),
    }
}

/// Writes `withdrawn: true` onto the given records of the feed.
async fn withdraw_keys(
    s: &AppState,
    tx: &mut db::Tx,
    kind: OwnedKind,
    gone: &[(String, String)],
) -> Result<(), ProvinceError> {
    for (key, scope) in gone {
        let mut values = Map::new();
        values.insert("withdrawn".into(), Value::Bool(true));
        owned::put_in(s, tx, kind.clone(), key, scope, values).await?;
    }
    Ok(())
}

/// The feed's records of a stored plan that are live now.
async fn live_plan_keys(tx: &mut db::Tx, id: &str) -> Result<Vec<(String, String)>, ProvinceError> {
    Ok(match db::emergency::plan(tx, id).await? {
        Some(p) if p.withdrawn == 0 && p.all_halls == 1 => keys(id, None),
        Some(p) if p.withdrawn == 0 => keys(id, Some(&db::emergency::plan_halls(tx, id).await?)),
        _ => Vec::new(),
    })
}

/// `PUT /admin/v1/plans/{id}`: publishes a plan, or replaces it (its content and halls).
async fn publish_plan(
    State(s): State<AppState>,
    Path(id): Path<String>,
    _: Maintainer,
    bytes: JsonBody,
) -> Answer<PublishedPlan> {
    publish(&s, &id, body(&bytes)?, None).await
}

/// `PUT /sync/v1/plans/{id}`: a planner's publication, relayed by the hall they signed in at.
async fn relayed_publish(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Hall(hall): Hall,
    bytes: JsonBody,
) -> Answer<PublishedPlan> {
    let req: RelayedPlan = body(&bytes)?;
    planner(&s, &hall, &req.by).await?;
    let publication = PublishPlan {
        plan: req.plan,
        halls: req.halls,
    };
    publish(&s, &id, publication, Some(&req.by)).await
}

/// `POST /sync/v1/plans/{id}/withdraw`: a planner's withdrawal, relayed by their hall.
async fn relayed_withdraw(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Hall(hall): Hall,
    bytes: JsonBody,
) -> Answer<Withdrawn> {
    let req: RelayedWithdrawal = body(&bytes)?;
    planner(&s, &hall, &req.by).await?;
    withdraw(&s, &id, Some(&req.by)).await
}

/// 403 `not_planner` unless `staff_no` is an active planner account of `hall`
/// in the province's own staff records (the hall vouches that they signed in).
async fn planner(s: &AppState, hall: &str, staff_no: &str) -> Result<(), ProvinceError> {
    let mut tx = s.pool.begin().await?;
    let record = db::owned::load(&mut tx, OwnedKind::Staff.as_str(), staff_no).await?;
    tx.commit().await?;
    let account = record.and_then(|(_, fields)| read::<StaffRecord>(&fields).ok());
    let ok = account.is_some_and(|a| a.active && a.role == Role::Planner.code() && a.hall == hall);
    if ok {
        return Ok(());
    }
    let shown = sync_proto::limits::shown(staff_no);
    Err(ProvinceError::new(
        StatusCode::FORBIDDEN,
        "not_planner",
        format!("工号 {shown} 不是营业厅 {hall} 的在岗预案编制人员，不能发布或撤回预案"),
        format!("Staff {shown} is not an active planner of hall {hall}; only planners publish or withdraw plans"),
    ))
}

/// Publishes a plan (a maintainer's, `by` `None`, or a planner's).
async fn publish(
    s: &AppState,
    id: &str,
    req: PublishPlan,
    by: Option<&str>,
) -> Answer<PublishedPlan> {
    let id = id_of(id)?;
    if req.plan.id != id {
        return Err(ProvinceError::invalid(
            format!(
                "预案编号 {} 与地址中的编号 {id} 不一致",
                sync_proto::limits::shown(&req.plan.id)
            ),
            format!(
                "The plan's id {} is not the id {id} of the address",
                sync_proto::limits::shown(&req.plan.id)
            ),
        ));
    }
    let catalogue: BTreeSet<String> = db::owned::keys(&s.pool, OwnedKind::Business.as_str())
        .await?
        .into_iter()
        .collect();
    req.plan.check(&catalogue).map_err(|e| invalid_plan(&e))?;
    let halls = match req.halls {
        None => None,
        Some(h) => Some(
            known_halls(s, h, || {
                ProvinceError::invalid(
                    format!("适用营业厅应为 1–{MAX_HALLS} 个（全部营业厅请不填）"),
                    format!("List 1–{MAX_HALLS} halls (leave it out for every hall)"),
                )
            })
            .await?,
        ),
    };
    let record = PlanRecord {
        plan: req.plan,
        withdrawn: false,
    };
    let text = serde_json::to_string(&record.plan).map_err(ProvinceError::internal)?;
    let at = now_ms();
    let new_keys = keys(&id, halls.as_deref());
    let mut tx = s.pool.begin().await?;
    // What goes first, so a hall that moves from one record to another drops then takes it.
    let gone: Vec<_> = live_plan_keys(&mut tx, &id)
        .await?
        .into_iter()
        .filter(|k| !new_keys.contains(k))
        .collect();
    withdraw_keys(s, &mut tx, OwnedKind::Plan, &gone).await?;
    for (key, scope) in &new_keys {
        owned::put_in(s, &mut tx, OwnedKind::Plan, key, scope, values_of(&record)).await?;
    }
    let saved = SavedPlan {
        id: &id,
        name: &record.plan.name,
        body: &text,
        halls: halls.as_deref(),
        at_ms: at,
        by,
    };
    db::emergency::save_plan(&mut tx, &saved).await?;
    tx.commit().await?;
    owned::fed(s);
    Ok(Json(PublishedPlan {
        plan: record.plan,
        halls,
        withdrawn: false,
        updated_at_ms: at,
        by: by.map(str::to_owned),
    }))
}

/// `DELETE /admin/v1/plans/{id}`: withdraws a plan from every hall it was for.
async fn withdraw_plan(
    State(s): State<AppState>,
    Path(id): Path<String>,
    _: Maintainer,
) -> Answer<Withdrawn> {
    withdraw(&s, &id, None).await
}

/// Withdraws a plan (a maintainer's doing, `by` `None`, or a planner's).
async fn withdraw(s: &AppState, id: &str, by: Option<&str>) -> Answer<Withdrawn> {
    let id = id_of(id)?;
    let mut tx = s.pool.begin().await?;
    let gone = live_plan_keys(&mut tx, &id).await?;
    if !db::emergency::withdraw_plan(&mut tx, &id, now_ms(), by).await? {
        return Err(not_found("no_plan", "预案", "plan", &id));
    }
    withdraw_keys(s, &mut tx, OwnedKind::Plan, &gone).await?;
    tx.commit().await?;
    owned::fed(s);
    Ok(Json(Withdrawn {
        id,
        withdrawn: true,
    }))
}

/// `GET /admin/v1/plans`: every plan (withdrawn ones too), by id.
async fn list_plans(State(s): State<AppState>, _: Maintainer) -> Answer<Vec<PublishedPlan>> {
    let mut halls = db::emergency::all_plan_halls(&s.pool).await?;
    db::emergency::plans(&s.pool)
        .await?
        .into_iter()
        .map(|row| {
            Ok(PublishedPlan {
                plan: serde_json::from_str(&row.body).map_err(ProvinceError::internal)?,
                halls: (row.all_halls == 0).then(|| halls.remove(&row.id).unwrap_or_default()),
                withdrawn: row.withdrawn != 0,
                updated_at_ms: row.updated_at_ms,
                by: row.published_by,
            })
        })
        .collect::<Result<_, ProvinceError>>()
        .map(Json)
}

/// An outage as the maintainers' API answers it.
#[derive(Debug, Serialize)]
struct RegisteredOutage {
    outage: OutageRecord,
    /// The halls of its area, by code.
    halls: Vec<String>,
    updated_at_ms: i64,
}

/// The feed's records of a stored outage that are live now.
async fn live_outage_keys(
    tx: &mut db::Tx,
    id: &str,
) -> Result<Vec<(String, String)>, ProvinceError> {
    Ok(match db::emergency::outage(tx, id).await? {
        Some(o) if o.withdrawn == 0 => keys(id, Some(&db::emergency::outage_halls(tx, id).await?)),
        _ => Vec::new(),
    })
}

/// `PUT /admin/v1/outages/{id}`: registers an outage for the halls of an area, or replaces it.
async fn register_outage(
    State(s): State<AppState>,
    Path(id): Path<String>,
    _: Maintainer,
    bytes: JsonBody,
) -> Answer<RegisteredOutage> {
    let req: RegisterOutage = body(&bytes)?;
    let id = id_of(&id)?;
    let what = text("停电说明", &req.text, MAX_OUTAGE_TEXT)?;
    let window_ok = req.from_ms >= 0
        && req.from_ms < req.until_ms
        && req.until_ms <= sync_proto::limits::MAX_WALL_MS;
    if !window_ok {
        return Err(ProvinceError::invalid(
            "停电时段不正确：开始须早于结束",
            "The outage's window is wrong: from before until",
        ));
    }
    let halls = known_halls(&s, req.halls, || {
        ProvinceError::invalid(
            format!("停电区域应包含 1–{MAX_HALLS} 个营业厅"),
            format!("An outage's area holds 1–{MAX_HALLS} halls"),
        )
    })
    .await?;
    let record = OutageRecord {
        id: id.clone(),
        text: what,
        from_ms: req.from_ms,
        until_ms: req.until_ms,
        withdrawn: false,
    };
    let at = now_ms();
    let new_keys = keys(&id, Some(&halls));
    let mut tx = s.pool.begin().await?;
    let gone: Vec<_> = live_outage_keys(&mut tx, &id)
        .await?
        .into_iter()
        .filter(|k| !new_keys.contains(k))
        .collect();
    withdraw_keys(&s, &mut tx, OwnedKind::Outage, &gone).await?;
    for (key, scope) in &new_keys {
        owned::put_in(
            &s,
            &mut tx,
            OwnedKind::Outage,
            key,
            scope,
            values_of(&record),
        )
        .await?;
    }
    let row = OutageRow {
        id: id.clone(),
        text: record.text.clone(),
        from_ms: record.from_ms,
        until_ms: record.until_ms,
        withdrawn: 0,
        updated_at_ms: at,
    };
    db::emergency::save_outage(&mut tx, &row, &halls).await?;
    tx.commit().await?;
    owned::fed(&s);
    Ok(Json(RegisteredOutage {
        outage: record,
        halls,
        updated_at_ms: at,
    }))
}

/// `DELETE /admin/v1/outages/{id}`: withdraws an outage from the halls of its area.
async fn withdraw_outage(
    State(s): State<AppState>,
    Path(id): Path<String>,
    _: Maintainer,
) -> Answer<Withdrawn> {
    let id = id_of(&id)?;
    let mut tx = s.pool.begin().await?;
    let gone = live_outage_keys(&mut tx, &id).await?;
    if !db::emergency::withdraw_outage(&mut tx, &id, now_ms()).await? {
        return Err(not_found("no_outage", "停电登记", "outage", &id));
    }
    withdraw_keys(&s, &mut tx, OwnedKind::Outage, &gone).await?;
    tx.commit().await?;
    owned::fed(&s);
    Ok(Json(Withdrawn {
        id,
        withdrawn: true,
    }))
}

/// `GET /admin/v1/outages`: every outage (withdrawn ones too), the latest starting first.
async fn list_outages(State(s): State<AppState>, _: Maintainer) -> Answer<Vec<RegisteredOutage>> {
    let mut halls = db::emergency::all_outage_halls(&s.pool).await?;
    let out = db::emergency::outages(&s.pool)
        .await?
        .into_iter()
        .map(|o| RegisteredOutage {
            halls: halls.remove(&o.id).unwrap_or_default(),
            outage: OutageRecord {
                id: o.id,
                text: o.text,
                from_ms: o.from_ms,
                until_ms: o.until_ms,
                withdrawn: o.withdrawn != 0,
            },
            updated_at_ms: o.updated_at_ms,
        })
        .collect();
    Ok(Json(out))
}
