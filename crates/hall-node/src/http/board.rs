//! `GET /api/v1/board` (the supervisor's live hall) and `GET /api/v1/me` (a clerk's counter and figures).

use crate::auth::Caller;
use crate::error::HallError;
use crate::{views, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ipc::hall::{BoardView, MeView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/board", get(board))
        .route("/api/v1/me", get(me))
}

async fn board(State(s): State<AppState>, caller: Caller) -> Result<Json<BoardView>, HallError> {
    caller.staff()?;
    let names = s.names.read().await;
    let state = s.driver.state.read().await;
    Ok(Json(views::board(
        &state,
        &names,
        &s.hall.name,
        s.clock.now(),
    )))
}

async fn me(State(s): State<AppState>, caller: Caller) -> Result<Json<MeView>, HallError> {
    let staff = &caller.staff()?.staff_no;
    let names = s.names.read().await;
    let state = s.driver.state.read().await;
    Ok(Json(views::me(&state, &names, staff, s.clock.now())))
}
