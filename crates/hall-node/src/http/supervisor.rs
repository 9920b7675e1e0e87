//! `/api/v1/supervisor/…`: what a supervisor does to the queue from the board, each action audited with who and why.
//!
//! Force-pause or sign off a counter, move a waiting ticket to another
//! business or counter, call a waiting ticket to a counter. Only the
//! supervisor role may; the reason is required (1–200 characters). The audit
//! row is written in the transaction of the command's journal row, and the
//! `supervised` live event carries it to the clerks' screens.

use super::{Body, Path};
use crate::auth::Caller;
use crate::error::HallError;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ipc::hall::{
    CallToCounterRequest, MoveTicketRequest, ReasonRequest, SupervisorActionKind, SupervisorNotice,
};
use ipc::ErrorCode;
use queue::{BusinessCode, Command, CounterNo, TicketId, TicketNo, TransferPlacement};
use store::accounts::Account;

/// The longest reason a supervisor may give, in characters.
const REASON_MAX: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/supervisor/counters/{no}/pause", post(pause))
        .route("/api/v1/supervisor/counters/{no}/close", post(close))
        .route("/api/v1/supervisor/tickets/{no}/transfer", post(transfer))
        .route("/api/v1/supervisor/tickets/{no}/call", post(call))
        .route("/api/v1/supervisor/actions", get(actions))
}

type Reply = Result<Json<SupervisorNotice>, HallError>;

/// A reason as the audit trail keeps it: trimmed, 1–200 characters, no control characters.
fn reason(raw: &str) -> Result<String, HallError> {
    let r = raw.trim();
    if r.is_empty() || r.chars().count() > REASON_MAX || r.chars().any(char::is_control) {
        return Err(HallError::bad(ErrorCode::ActionReasonRequired));
    }
    Ok(r.to_owned())
}

/// A counter number from the path or a body (unknown when it cannot be one).
fn counter_no(raw: &str) -> Result<CounterNo, HallError> {
    raw.trim()
        .parse::<u16>()
        .ok()
        .and_then(|n| CounterNo::new(n).ok())
        .ok_or(HallError::Input(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownCounter,
        ))
}

/// Today's ticket printed `raw`, with the business it queues for now.
async fn ticket(s: &AppState, raw: &str) -> Result<(TicketNo, TicketId, BusinessCode), HallError> {
    let unknown = HallError::Input(StatusCode::NOT_FOUND, ErrorCode::UnknownTicket);
    let no = TicketNo::parse(raw).map_err(|_| unknown)?;
    let state = s.driver.state.read().await;
    let found = state
        .queue
        .tickets()
        .find(|t| t.no == no)
        .map(|t| (t.no, t.id, t.business));
    found.ok_or(HallError::Input(
        StatusCode::NOT_FOUND,
        ErrorCode::UnknownTicket,
    ))
}

/// The notice of `by`'s action (the driver fills in its number, time and the clerk concerned).
fn notice(by: &Account, action: SupervisorActionKind, reason: String) -> SupervisorNotice {
    SupervisorNotice {
        id: 0,
        at: 0,
        staff_no: by.staff_no.clone(),
        staff_name: by.name.as_str().to_owned(),
        action,
        counter: None,
        clerk: None,
        ticket: None,
        to_business: None,
        reason,
    }
}

async fn act(s: &AppState, cmd: Command, notice: SupervisorNotice) -> Reply {
    let (_, notice) = s.driver.apply_audited(cmd, notice).await?;
    Ok(Json(notice))
}

async fn pause(
    State(s): State<AppState>,
    caller: Caller,
    Path(no): Path<String>,
    Body(req): Body<ReasonRequest>,
) -> Reply {
    let by = caller.supervisor()?;
    let reason = reason(&req.reason)?;
    let counter = counter_no(&no)?;
    let cmd = Command::Pause {
        counter,
        reason: reason.clone(),
    };
    let notice = SupervisorNotice {
        counter: Some(counter),
        ..notice(by, SupervisorActionKind::Pause, reason)
    };
    act(&s, cmd, notice).await
}

async fn close(
    State(s): State<AppState>,
    caller: Caller,
    Path(no): Path<String>,
    Body(req): Body<ReasonRequest>,
) -> Reply {
    let by = caller.supervisor()?;
    let reason = reason(&req.reason)?;
    let counter = counter_no(&no)?;
    let notice = SupervisorNotice {
        counter: Some(counter),
        ..notice(by, SupervisorActionKind::Close, reason)
    };
    act(&s, Command::CloseCounter { counter }, notice).await
}

async fn transfer(
    State(s): State<AppState>,
    caller: Caller,
    Path(no): Path<String>,
    Body(req): Body<MoveTicketRequest>,
) -> Reply {
    let by = caller.supervisor()?;
    let reason = reason(&req.reason)?;
    let to_business = req
        .to_business
        .as_deref()
        .map(|b| BusinessCode::parse(b).map_err(|_| HallError::bad(ErrorCode::UnknownBusiness)))
        .transpose()?;
    let to_counter = req
        .to_counter
        .map(|c| counter_no(&c.to_string()))
        .transpose()?;
    let (no, id, business) = ticket(&s, &no).await?;
    let cmd = Command::Move {
        ticket: id,
        to_business,
        to_counter,
        placement: if req.front {
            TransferPlacement::Front
        } else {
            TransferPlacement::KeepArrival
        },
    };
    let notice = SupervisorNotice {
        counter: to_counter,
        ticket: Some(no),
        to_business: Some(to_business.unwrap_or(business)),
        ..notice(by, SupervisorActionKind::Transfer, reason)
    };
    act(&s, cmd, notice).await
}

async fn call(
    State(s): State<AppState>,
    caller: Caller,
    Path(no): Path<String>,
    Body(req): Body<CallToCounterRequest>,
) -> Reply {
    let by = caller.supervisor()?;
    let reason = reason(&req.reason)?;
    let counter = counter_no(&req.counter.to_string())?;
    let (no, id, _) = ticket(&s, &no).await?;
    let notice = SupervisorNotice {
        counter: Some(counter),
        ticket: Some(no),
        ..notice(by, SupervisorActionKind::Call, reason)
    };
    act(
        &s,
        Command::CallTicket {
            counter,
            ticket: id,
        },
        notice,
    )
    .await
}

/// `GET /api/v1/supervisor/actions`: today's audited actions, oldest first.
async fn actions(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<SupervisorNotice>>, HallError> {
    caller.supervisor()?;
    let day = s.driver.state.read().await.queue.day();
    let entries = s.store.supervisor_actions(day).await?;
    entries
        .into_iter()
        .map(|e| {
            let bad = || HallError::internal(format!("supervisor action {} is unreadable", e.id));
            let r = e.row;
            Ok(SupervisorNotice {
                id: e.id,
                at: r.at_ms,
                staff_no: r.staff_no,
                staff_name: r.staff_name,
                action: SupervisorActionKind::parse(&r.action).ok_or_else(bad)?,
                counter: r
                    .counter
                    .map(CounterNo::new)
                    .transpose()
                    .map_err(|_| bad())?,
                clerk: r.clerk,
                ticket: r
                    .ticket
                    .map(|t| TicketNo::parse(&t))
                    .transpose()
                    .map_err(|_| bad())?,
                to_business: r
                    .to_business
                    .map(|b| BusinessCode::parse(&b))
                    .transpose()
                    .map_err(|_| bad())?,
                reason: r.reason,
            })
        })
        .collect::<Result<_, _>>()
        .map(Json)
}
