//! `/api/v1/emergency…`: the emergency console's routes (plans, proposals, incidents, the public-safety button) and `GET /api/v1/notice`, what the call displays and kiosks show while an incident runs.
//!
//! Every staff member reads the picture (each screen shows the steps its
//! role must acknowledge) and may press the public-safety button; the
//! emergency role and the supervisor start, decline, drill, change the
//! level of, hand over and end incidents; a step is acknowledged only by a
//! role it names. Refusals are `{code, message}`; nothing changes on one.
//! A planner publishes or withdraws a plan here; the hall relays it to the
//! province (`emergency::relay`), and it comes back down the owned feed.
//! `/preprocess` is the tablet page of 业务预办理: staff fill a waiting
//! customer's form against their ticket, and the clerk who calls the ticket
//! sees it on the workbench.

use super::{Body, Path};
use crate::auth::Caller;
use crate::emergency::EmergencyService;
use crate::error::HallError;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use ipc::emergency::{
    Activate, EmergencyView, HandOverRequest, Incident, IncidentAct, IncidentDetail,
    IncidentSummary, LevelRequest, PlanDraft, PlanPublished, PlanRef, PreForm, PreProcessView,
    PreProcessed, PreTicket, PublicNotice, TextRequest,
};
use ipc::hall::Empty;
use ipc::ErrorCode;
use queue::TicketState;
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
        .route("/api/v1/emergency/plans/{id}", put(publish_plan))
        .route("/api/v1/emergency/plans/{id}/withdraw", post(withdraw_plan))
        .route("/api/v1/notice", get(notice))
        .route("/api/v1/preprocess", get(preprocess_list))
        .route("/api/v1/tickets/{id}/preprocess", post(preprocess))
        .route(
            "/preprocess",
            get(|| super::pages::html(include_str!("../../assets/preprocess.html"))),
        )
}

/// The latest pre-processing forms of `tickets`, by ticket.
pub async fn forms_of(
    s: &AppState,
    tickets: &[u64],
) -> Result<std::collections::HashMap<u64, PreProcessed>, HallError> {
    Ok(s.store
        .preprocessed(tickets)
        .await?
        .into_iter()
        .filter_map(|(ticket, form, by, at)| {
            let form: PreForm = serde_json::from_str(&form).ok()?;
            Some((
                ticket,
                PreProcessed {
                    ticket,
                    form,
                    by,
                    at,
                },
            ))
        })
        .collect())
}

/// `GET /api/v1/preprocess`: today's waiting customers with what was filled for them.
async fn preprocess_list(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<PreProcessView>, HallError> {
    caller.staff()?;
    let running = s.emergency.view.borrow().incidents.iter().any(|i| {
        !i.drill
            && i.plan.steps.iter().any(|p| {
                matches!(p.action, Some(ipc::emergency::Action::PreProcess))
                    && i.steps
                        .iter()
                        .any(|st| st.id == p.id && st.due_at.is_some())
            })
    });
    let mut tickets: Vec<PreTicket> = {
        let state = s.driver.state.read().await;
        let q = &state.queue;
        q.tickets()
            .filter(|t| matches!(t.state, TicketState::Waiting | TicketState::Called { .. }))
            .map(|t| PreTicket {
                id: t.id.0,
                no: t.no.to_string(),
                business: t.business.to_string(),
                business_name: q
                    .config()
                    .business(t.business)
                    .map(|b| b.name_zh.clone())
                    .unwrap_or_default(),
                issued_at: t.issued_at,
                form: None,
            })
            .collect()
    };
    tickets.sort_by_key(|t| (t.issued_at, t.id));
    let ids: Vec<u64> = tickets.iter().map(|t| t.id).collect();
    let mut forms = forms_of(&s, &ids).await?;
    for t in &mut tickets {
        // The list shows that a form was filled, not the customer's numbers:
        // those are for the counter that serves them.
        t.form = forms.remove(&t.id).map(|mut p| {
            p.form.account = masked(&p.form.account);
            p.form.phone = p.form.phone.as_deref().map(masked);
            p
        });
    }
    Ok(Json(PreProcessView { running, tickets }))
}

/// All but the last four characters hidden.
fn masked(raw: &str) -> String {
    let n = raw.chars().count();
    raw.chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n { '*' } else { c })
        .collect()
}

/// `POST /api/v1/tickets/{id}/preprocess`: a staff member fills a waiting customer's form.
async fn preprocess(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    Body(form): Body<PreForm>,
) -> Result<(StatusCode, Json<PreProcessed>), HallError> {
    let by = caller.staff()?.staff_no.to_string();
    let form = form
        .checked()
        .ok_or(HallError::bad(ErrorCode::PreFormInvalid))?;
    {
        let state = s.driver.state.read().await;
        let ticket = state
            .queue
            .ticket(queue::TicketId(id))
            .ok_or(HallError::Input(
                StatusCode::NOT_FOUND,
                ErrorCode::UnknownTicket,
            ))?;
        if !matches!(
            ticket.state,
            TicketState::Waiting | TicketState::Called { .. }
        ) {
            return Err(HallError::Input(
                StatusCode::CONFLICT,
                ErrorCode::TicketNotWaiting,
            ));
        }
    }
    let at = s.clock.now();
    let text = serde_json::to_string(&form).map_err(HallError::internal)?;
    s.store.add_preprocess(id, &text, &by, at).await?;
    tracing::info!(ticket = id, by = %by, "a pre-processing form was filled");
    Ok((
        StatusCode::CREATED,
        Json(PreProcessed {
            ticket: id,
            form,
            by,
            at,
        }),
    ))
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

/// The caller when it is a planner (`forbidden` for anyone else).
fn planner(caller: &Caller) -> Result<&store::accounts::Account, HallError> {
    let a = caller.staff()?;
    (a.role == domain::Role::Planner)
        .then_some(a)
        .ok_or(HallError::Forbidden)
}

/// `PUT /api/v1/emergency/plans/{id}`: a planner publishes a plan, relayed to the province.
async fn publish_plan(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(draft): Body<PlanDraft>,
) -> Result<Json<PlanPublished>, HallError> {
    let by = planner(&caller)?.staff_no.to_string();
    if draft.plan.id != id {
        return Err(HallError::bad(ErrorCode::PlanInvalid));
    }
    let published =
        crate::emergency::relay::publish(&s.http, s.province.as_ref(), &by, &id, draft).await?;
    tracing::info!(plan = %id, by = %by, "a planner's plan was published at the province");
    Ok(Json(published))
}

/// `POST /api/v1/emergency/plans/{id}/withdraw`: a planner withdraws a plan, relayed to the province.
async fn withdraw_plan(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(_): Body<Empty>,
) -> Result<Json<PlanPublished>, HallError> {
    let by = planner(&caller)?.staff_no.to_string();
    let now = s.clock.now();
    let done =
        crate::emergency::relay::withdraw(&s.http, s.province.as_ref(), &by, &id, now).await?;
    tracing::info!(plan = %id, by = %by, "a planner's plan was withdrawn at the province");
    Ok(Json(done))
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
