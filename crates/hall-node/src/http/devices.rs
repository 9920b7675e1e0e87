//! What the call display (its calls, waiting counts and programs) and the evaluation pads read, and the pads' ratings.

use super::Body;
use crate::auth::Caller;
use crate::error::HallError;
use crate::{views, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ipc::hall::{DisplayState, Empty, PadState, RatingRequest};
use ipc::ErrorCode;
use queue::{Command, CounterNo, Rating, Score, TicketId};
use store::hall::DeviceKind;

/// Reasons a customer may tick, at most this many, each this long.
const MAX_REASONS: usize = 5;
const MAX_REASON_CHARS: usize = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/display", get(display))
        .route("/api/v1/pads/me", get(pad))
        .route("/api/v1/ratings", post(rate))
}

async fn display(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<DisplayState>, HallError> {
    if !matches!(&caller, Caller::Staff(_)) {
        caller.device(DeviceKind::Display)?;
    }
    let screen = s.screens.now(s.clock.now()).await?;
    let state = s.driver.state.read().await;
    Ok(Json(DisplayState {
        calls: state.recent_calls.iter().cloned().collect(),
        waiting: views::waiting(&state.queue),
        screen: Some(screen),
    }))
}

fn pad_counter(caller: &Caller) -> Result<CounterNo, HallError> {
    let device = caller.device(DeviceKind::Pad)?;
    device
        .counter
        .and_then(|c| CounterNo::new(c).ok())
        .ok_or(HallError::Forbidden)
}

async fn pad(State(s): State<AppState>, caller: Caller) -> Result<Json<PadState>, HallError> {
    let counter = pad_counter(&caller)?;
    let names = s.names.read().await;
    let state = s.driver.state.read().await;
    Ok(Json(PadState {
        counter,
        pending: views::pending(&state.queue, counter, &names),
    }))
}

async fn rate(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<RatingRequest>,
) -> Result<(StatusCode, Json<Empty>), HallError> {
    let counter = pad_counter(&caller)?;
    let rating = match req.score {
        None => Rating::NotRated,
        Some(n) => {
            let score = Score::new(n).map_err(|_| HallError::bad(ErrorCode::ScoreInvalid))?;
            let reasons: Vec<String> = req
                .reasons
                .iter()
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())
                .collect();
            if reasons.len() > MAX_REASONS
                || reasons.iter().any(|r| {
                    r.chars().count() > MAX_REASON_CHARS || r.chars().any(char::is_control)
                })
            {
                return Err(HallError::bad(ErrorCode::BadRequest));
            }
            Rating::Rated { score, reasons }
        }
    };
    // A pad rates only the service its counter just finished.
    {
        let names = s.names.read().await;
        let state = s.driver.state.read().await;
        let pending = views::pending(&state.queue, counter, &names);
        if pending.map(|p| p.ticket) != Some(req.ticket) {
            let known = state.queue.ticket(TicketId(req.ticket)).is_some();
            return Err(HallError::Input(
                StatusCode::CONFLICT,
                if known {
                    ErrorCode::NotYourCounter
                } else {
                    ErrorCode::UnknownTicket
                },
            ));
        }
    }
    s.driver
        .apply(Command::Rate {
            ticket: TicketId(req.ticket),
            rating,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Empty {})))
}
