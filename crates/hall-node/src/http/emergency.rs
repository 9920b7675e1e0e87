//! `/api/v1/emergency…`: the emergency console's routes (plans, proposals, incidents, the public-safety button) and `GET /api/v1/notice`, what the call displays and kiosks show while an incident runs.
//!
//! Every staff member reads the picture (each screen shows the steps its
//! role must acknowledge) and may press the public-safety button; the
//! emergency role and the supervisor start, decline, drill, change the
//! level of, hand over and end incidents; a step is acknowledged only by a
//! role it names. Refusals are `{code, message}`; nothing changes on one.

use super::{Body, Path};
use crate::auth::Caller;
use crate::emergency::EmergencyService;
use crate::error::HallError;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ipc::emergency::{
    Activate, EmergencyView, HandOverRequest, Incident, IncidentAct, IncidentDetail,
    IncidentSummary, LevelRequest, PlanRef, PublicNotice, TextRequest,
};
use ipc::hall::Empty;
use ipc::ErrorCode;
use store::hall::DeviceKind;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/emergency", get(view))
        .route("/api/v1/emergency/activate", post(activate))
        .route("/api/v1/emergency/decline", post(decline))
        .route("/api/v1/emergency/drill", post(drill))
        .route("/api/v1/emergency/public-safety", post(public_safety))
        .route("/api/v1/emergency/incidents", get(history))
        .route("/api/v1/emergency/incidents/{id}", get(detail))
        .route(
            "/api/v1/emergency/incidents/{id}/steps/{step}/ack",
            post(ack),
        )
        .route("/api/v1/emergency/incidents/{id}/level", post(level))
        .route("/api/v1/emergency/incidents/{id}/handover", post(hand_over))
        .route("/api/v1/emergency/incidents/{id}/notes", post(note))
        .route(
            "/api/v1/emergency/incidents/{id}/terminate",
            post(terminate),
        )
        .route("/api/v1/notice", get(notice))
}

/// `GET /api/v1/emergency`: plans, proposals, running incidents, the figures.
async fn view(State(s): State<AppState>, caller: Caller) -> Result<Json<EmergencyView>, HallError> {
    caller.staff()?;
    Ok(Json((**s.emergency.view.borrow()).clone()))
}

async fn activate(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<Activate>,
) -> Result<(StatusCode, Json<Incident>), HallError> {
    let by = caller.staff()?.clone();
    let incident = s.emergency.activate(req, by).await?;
    Ok((StatusCode::CREATED, Json(incident)))
}

async fn decline(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<PlanRef>,
) -> Result<Json<Empty>, HallError> {
    let by = caller.staff()?.clone();
    s.emergency.decline(req.plan, by).await?;
    Ok(Json(Empty {}))
}

/// `POST /api/v1/emergency/drill`: a synthetic trigger proposes the plan as a drill.
async fn drill(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<PlanRef>,
) -> Result<Json<Empty>, HallError> {
    let by = caller.staff()?.clone();
    s.emergency.drill(req.plan, by).await?;
    Ok(Json(Empty {}))
}

/// `POST /api/v1/emergency/public-safety`: any staff member's button.
async fn public_safety(
    State(s): State<AppState>,
    caller: Caller,
    Body(_): Body<Empty>,
) -> Result<Json<Empty>, HallError> {
    let by = caller.staff()?.clone();
    s.emergency.public_safety(by).await?;
    Ok(Json(Empty {}))
}

/// `GET /api/v1/emergency/incidents`: the history with each one's score, newest first.
async fn history(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<IncidentSummary>>, HallError> {
    caller.staff()?;
    Ok(Json(EmergencyService::history(&s.store).await?))
}

/// `GET /api/v1/emergency/incidents/{id}`: the incident, its report and its score.
async fn detail(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
) -> Result<Json<IncidentDetail>, HallError> {
    caller.staff()?;
    let incident = s.store.incident(id).await?.ok_or(HallError::Input(
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownIncident,
    ))?;
    Ok(Json(IncidentDetail {
        report: incident.report(),
        score: incident.score(),
        incident,
    }))
}

async fn act(
    s: &AppState,
    caller: &Caller,
    id: u64,
    act: IncidentAct,
) -> Result<Json<Incident>, HallError> {
    let by = caller.staff()?.clone();
    Ok(Json(s.emergency.act(id, act, by).await?))
}

async fn ack(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, step)): Path<(u64, String)>,
    Body(_): Body<Empty>,
) -> Result<Json<Incident>, HallError> {
    act(&s, &caller, id, IncidentAct::Ack { step }).await
}

async fn level(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    Body(req): Body<LevelRequest>,
) -> Result<Json<Incident>, HallError> {
    act(&s, &caller, id, IncidentAct::Level { up: req.up }).await
}

async fn hand_over(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    Body(req): Body<HandOverRequest>,
) -> Result<Json<Incident>, HallError> {
    act(&s, &caller, id, IncidentAct::HandOver { to: req.to }).await
}

async fn note(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    Body(req): Body<TextRequest>,
) -> Result<Json<Incident>, HallError> {
    act(&s, &caller, id, IncidentAct::Note { text: req.text }).await
}

async fn terminate(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    Body(req): Body<TextRequest>,
) -> Result<Json<Incident>, HallError> {
    act(
        &s,
        &caller,
        id,
        IncidentAct::Terminate { summary: req.text },
    )
    .await
}

/// `GET /api/v1/notice`: a call display's or kiosk's banner and divert (pushed live as `notice`).
async fn notice(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<PublicNotice>, HallError> {
    match &caller {
        Caller::Device(d) if matches!(d.kind, DeviceKind::Display | DeviceKind::Kiosk) => {}
        Caller::Staff(_) => {}
        _ => return Err(HallError::Forbidden),
    }
    Ok(Json((**s.emergency.notice.borrow()).clone()))
}
