//! `GET /api/v1/hall` (what the hall offers) and `POST /api/v1/tickets` (a kiosk, or staff on a customer's behalf, issues a ticket).

use super::Body;
use crate::auth::Caller;
use crate::error::HallError;
use crate::{views, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::CustomerRef;
use ipc::hall::{HallInfo, IssueReply, IssueRequest, TicketBrief, TicketRow};
use ipc::ErrorCode;
use queue::grant::{self, GrantRefusal, Issuer};
use queue::{BusinessCode, Command, Event, Rating, TicketState, NORMAL};
use store::hall::DeviceKind;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/hall", get(hall))
        .route("/api/v1/tickets", post(issue).get(list))
}

async fn hall(State(s): State<AppState>, _caller: Caller) -> Json<HallInfo> {
    let state = s.driver.state.read().await;
    Json(views::hall_info(&state.queue, &s.hall.code, &s.hall.name))
}

async fn issue(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<IssueRequest>,
) -> Result<(StatusCode, Json<IssueReply>), HallError> {
    let (issuer, granted_by) = issuer(&caller)?;
    let business = BusinessCode::parse(&req.business)
        .map_err(|_| HallError::bad(ErrorCode::UnknownBusiness))?;
    let priority = req.priority.unwrap_or_else(|| NORMAL.to_owned());
    {
        let state = s.driver.state.read().await;
        grant::may_grant(state.queue.config(), &priority, issuer).map_err(|e| match e {
            GrantRefusal::UnknownPriority(_) => HallError::bad(ErrorCode::UnknownPriority),
            GrantRefusal::AppointmentCodeRequired => {
                HallError::Input(StatusCode::FORBIDDEN, ErrorCode::AppointmentCodeRequired)
            }
            GrantRefusal::StaffOnly => {
                HallError::Input(StatusCode::FORBIDDEN, ErrorCode::PriorityNeedsStaff)
            }
        })?;
    }
    let customer = match req.customer.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            CustomerRef::parse(raw)
                .map_err(|_| HallError::bad(ErrorCode::CustomerIdInvalid))?
                .as_str()
                .to_owned(),
        ),
    };
    let events = s
        .driver
        .apply(Command::Issue {
            business,
            priority,
            customer,
            granted_by,
        })
        .await?;
    let Some(Event::Issued {
        ticket,
        ahead,
        estimated_wait_secs,
    }) = events.into_iter().next()
    else {
        return Err(HallError::internal("issue produced no ticket"));
    };
    let state = s.driver.state.read().await;
    let b = state.queue.config().business(ticket.business);
    Ok((
        StatusCode::CREATED,
        Json(IssueReply {
            business_name_zh: b.map(|b| b.name_zh.clone()).unwrap_or_default(),
            business_name_en: b.map(|b| b.name_en.clone()).unwrap_or_default(),
            ticket: TicketBrief {
                id: ticket.id.0,
                no: ticket.no,
                business: ticket.business,
                priority: ticket.priority,
                issued_at: ticket.issued_at,
                granted_by: ticket.granted_by,
            },
            ahead,
            estimated_wait_secs,
            hall_name: s.hall.name.clone(),
        }),
    ))
}

/// Who may issue: a kiosk (the customer), or a clerk or supervisor on the
/// customer's behalf, who is recorded as granting the ticket's class.
fn issuer(caller: &Caller) -> Result<(Issuer, Option<domain::StaffNo>), HallError> {
    match caller {
        Caller::Device(_) => caller
            .device(DeviceKind::Kiosk)
            .map(|_| (Issuer::Kiosk, None)),
        Caller::Staff(a) if matches!(a.role, domain::Role::Clerk | domain::Role::Supervisor) => {
            Ok((Issuer::Staff, Some(a.staff_no.clone())))
        }
        Caller::Staff(_) => Err(HallError::Forbidden),
    }
}

async fn list(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TicketRow>>, HallError> {
    caller.staff()?;
    let state = s.driver.state.read().await;
    Ok(Json(
        state
            .queue
            .tickets()
            .map(|t| {
                let (name, counter, score) = match &t.state {
                    TicketState::Waiting => ("waiting", None, None),
                    TicketState::Called { counter, .. } => ("called", Some(*counter), None),
                    TicketState::Serving { counter, .. } => ("serving", Some(*counter), None),
                    TicketState::Done {
                        counter, rating, ..
                    } => (
                        "done",
                        Some(*counter),
                        rating.as_ref().map(|r| match r {
                            Rating::Rated { score, .. } => score.get(),
                            Rating::NotRated => 0,
                        }),
                    ),
                    TicketState::NoShow { counter, .. } => ("no_show", Some(*counter), None),
                    TicketState::Expired { .. } => ("expired", None, None),
                };
                TicketRow {
                    id: t.id.0,
                    no: t.no,
                    business: t.business,
                    priority: t.priority.clone(),
                    state: name.into(),
                    counter,
                    score,
                }
            })
            .collect(),
    ))
}
