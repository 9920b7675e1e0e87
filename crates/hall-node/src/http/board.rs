//! `GET /api/v1/board` (the supervisor's live hall) and `GET /api/v1/me` (a clerk's counter and figures).

use crate::auth::Caller;
use crate::error::HallError;
use crate::{views, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ipc::hall::{BoardView, MeView, SyncStatus};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/board", get(board))
        .route("/api/v1/me", get(me))
}

async fn board(State(s): State<AppState>, caller: Caller) -> Result<Json<BoardView>, HallError> {
    caller.staff()?;
    let sync = sync_status(&s).await?;
    let names = s.names.read().await;
    let state = s.driver.state.read().await;
    let mut board = views::board(&state, &names, &s.hall.name, s.clock.now());
    board.sync = sync;
    Ok(Json(board))
}

/// Replication as the board shows it: the link's last word and what waits in the outbox.
async fn sync_status(s: &AppState) -> Result<SyncStatus, HallError> {
    let head = s.store.outbox_head().await?.map_or(0, |(seq, _)| seq);
    let acked = s.store.sync_mark(crate::uplink::PEER).await?;
    let link = s
        .link
        .as_ref()
        .map(|l| l.lock().unwrap_or_else(|p| p.into_inner()).clone());
    Ok(SyncStatus {
        configured: link.is_some(),
        online: link.as_ref().is_some_and(|l| l.online),
        last_success_at: link.as_ref().and_then(|l| l.last_success_at),
        waiting: head.saturating_sub(acked),
        feed_at: link.as_ref().and_then(|l| l.last_pull_at),
        problem: link.and_then(|l| l.problem),
    })
}

async fn me(State(s): State<AppState>, caller: Caller) -> Result<Json<MeView>, HallError> {
    let staff = &caller.staff()?.staff_no;
    let mut me = {
        let names = s.names.read().await;
        let state = s.driver.state.read().await;
        views::me(&state, &names, staff, s.clock.now())
    };
    // What was filled in for the customer at the counter while they waited.
    if let Some(current) = me.counter.as_mut().and_then(|c| c.current.as_mut()) {
        current.preprocessed = super::emergency::forms_of(&s, &[current.id])
            .await?
            .remove(&current.id);
    }
    Ok(Json(me))
}
