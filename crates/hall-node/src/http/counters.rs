//! `POST /api/v1/counters/{no}/…`: what a clerk does at their counter.

use super::{Body, Path};
use crate::auth::Caller;
use crate::error::HallError;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use ipc::hall::{CallTicketRequest, CounterReply, FinishRequest, PauseRequest, TransferRequest};
use ipc::ErrorCode;
use queue::{BusinessCode, Command, CounterNo, CounterStatus, TicketNo, TransferPlacement};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/counters/{no}/open", post(open))
        .route("/api/v1/counters/{no}/close", post(close))
        .route("/api/v1/counters/{no}/pause", post(pause))
        .route("/api/v1/counters/{no}/resume", post(resume))
        .route("/api/v1/counters/{no}/call-next", post(call_next))
        .route("/api/v1/counters/{no}/call", post(call))
        .route("/api/v1/counters/{no}/recall", post(recall))
        .route("/api/v1/counters/{no}/no-show", post(no_show))
        .route("/api/v1/counters/{no}/start", post(start))
        .route("/api/v1/counters/{no}/finish", post(finish))
        .route("/api/v1/counters/{no}/transfer", post(transfer))
}

type Reply = Result<Json<CounterReply>, HallError>;

fn counter_no(raw: u16) -> Result<CounterNo, HallError> {
    CounterNo::new(raw)
        .map_err(|_| HallError::Input(StatusCode::NOT_FOUND, ErrorCode::UnknownCounter))
}

/// Runs `cmd` for a counter the calling clerk is signed in at.
async fn at_own_counter(
    s: &AppState,
    caller: &Caller,
    no: u16,
    cmd: impl FnOnce(CounterNo) -> Command,
) -> Reply {
    let clerk = caller.clerk()?;
    let counter = counter_no(no)?;
    {
        let state = s.driver.state.read().await;
        match state.queue.counter_status(counter) {
            None => {
                return Err(HallError::Input(
                    StatusCode::NOT_FOUND,
                    ErrorCode::UnknownCounter,
                ))
            }
            Some(CounterStatus::Open { staff, .. } | CounterStatus::Paused { staff, .. })
                if *staff == clerk.staff_no => {}
            Some(_) => return Err(HallError::Forbidden),
        }
    }
    let events = s.driver.apply(cmd(counter)).await?;
    Ok(Json(CounterReply { events }))
}

async fn open(State(s): State<AppState>, caller: Caller, Path(no): Path<u16>) -> Reply {
    let clerk = caller.clerk()?.staff_no.clone();
    let counter = counter_no(no)?;
    let events = s
        .driver
        .apply(Command::OpenCounter {
            counter,
            staff: clerk,
        })
        .await?;
    Ok(Json(CounterReply { events }))
}

async fn close(State(s): State<AppState>, caller: Caller, Path(no): Path<u16>) -> Reply {
    at_own_counter(&s, &caller, no, |counter| Command::CloseCounter { counter }).await
}

async fn pause(
    State(s): State<AppState>,
    caller: Caller,
    Path(no): Path<u16>,
    Body(req): Body<PauseRequest>,
) -> Reply {
    let reason = req.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 40 || reason.chars().any(char::is_control) {
        return Err(HallError::bad(ErrorCode::ReasonRequired));
    }
    at_own_counter(&s, &caller, no, |counter| Command::Pause {
        counter,
        reason,
    })
    .await
}

async fn resume(State(s): State<AppState>, caller: Caller, Path(no): Path<u16>) -> Reply {
    at_own_counter(&s, &caller, no, |counter| Command::Resume { counter }).await
}

async fn call_next(State(s): State<AppState>, caller: Caller, Path(no): Path<u16>) -> Reply {
    at_own_counter(&s, &caller, no, |counter| Command::CallNext { counter }).await
}

async fn call(
    State(s): State<AppState>,
    caller: Caller,
    Path(no): Path<u16>,
    Body(req): Body<CallTicketRequest>,
) -> Reply {
    let wanted = TicketNo::parse(&req.no)
        .map_err(|_| HallError::Input(StatusCode::NOT_FOUND, ErrorCode::UnknownTicket))?;
    let ticket = {
        let state = s.driver.state.read().await;
        let found = state.queue.tickets().find(|t| t.no == wanted).map(|t| t.id);
        found.ok_or(HallError::Input(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownTicket,
        ))?
    };
    at_own_counter(&s, &caller, no, |counter| Command::CallTicket {
        counter,
        ticket,
    })
    .await
}

async fn recall(State(s): State<AppState>, caller: Caller, Path(no): Path<u16>) -> Reply {
    at_own_counter(&s, &caller, no, |counter| Command::Recall { counter }).await
}

async fn no_show(State(s): State<AppState>, caller: Caller, Path(no): Path<u16>) -> Reply {
    at_own_counter(&s, &caller, no, |counter| Command::NoShow { counter }).await
}

async fn start(State(s): State<AppState>, caller: Caller, Path(no): Path<u16>) -> Reply {
    at_own_counter(&s, &caller, no, |counter| Command::Start { counter }).await
}

fn business(raw: Option<&str>) -> Result<Option<BusinessCode>, HallError> {
    raw.map(|b| BusinessCode::parse(b).map_err(|_| HallError::bad(ErrorCode::UnknownBusiness)))
        .transpose()
}

async fn finish(
    State(s): State<AppState>,
    caller: Caller,
    Path(no): Path<u16>,
    Body(req): Body<FinishRequest>,
) -> Reply {
    let handled = business(req.handled.as_deref())?;
    at_own_counter(&s, &caller, no, |counter| Command::Finish {
        counter,
        handled,
    })
    .await
}

async fn transfer(
    State(s): State<AppState>,
    caller: Caller,
    Path(no): Path<u16>,
    Body(req): Body<TransferRequest>,
) -> Reply {
    let to_business = business(req.to_business.as_deref())?;
    let to_counter = req.to_counter.map(counter_no).transpose()?;
    let placement = if req.front {
        TransferPlacement::Front
    } else {
        TransferPlacement::KeepArrival
    };
    at_own_counter(&s, &caller, no, |counter| Command::Transfer {
        counter,
        to_business,
        to_counter,
        placement,
    })
    .await
}
