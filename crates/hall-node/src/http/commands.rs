//! Control commands: the supervisor sends one to a device and reads a device's command log; a device's page answers the commands sent to it.
//!
//! What may go out when is `devices::command`'s rule, applied by the alarm
//! service (which knows presence and what a device is busy with). A
//! command is journaled before its order leaves, and every change after,
//! so `GET …/commands` is the audit trail: who asked what, and how it ended.

use super::monitor::{device_id, registered};
use super::{Body, Path, Query};
use crate::auth::Caller;
use crate::error::HallError;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use devices::command::{Command, Outcome, Reply, MAX_TTL_MS, MIN_TTL_MS};
use ipc::devices::{CommandRequest, DEFAULT_COMMAND_TTL_SECONDS, MAX_COMMANDS_PAGE};
use ipc::ErrorCode;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/devices/{id}/commands", post(send).get(log))
        .route("/api/v1/commands/{id}/reply", post(reply))
}

async fn send(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(req): Body<CommandRequest>,
) -> Result<(StatusCode, Json<Command>), HallError> {
    let by = caller.supervisor()?.staff_no.to_string();
    let id = device_id(&id)?;
    let ttl_ms = i64::from(req.ttl_seconds.unwrap_or(DEFAULT_COMMAND_TTL_SECONDS)) * 1000;
    if !(MIN_TTL_MS..=MAX_TTL_MS).contains(&ttl_ms) {
        return Err(HallError::bad(ErrorCode::CommandInvalid));
    }
    let command = s.alarms.command(id, req.action, by, ttl_ms).await?;
    Ok((StatusCode::ACCEPTED, Json(command)))
}

/// `?limit=N`: how many of the newest (50 by default, at most 200).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogQuery {
    #[serde(default)]
    limit: Option<u32>,
}

async fn log(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<LogQuery>,
) -> Result<Json<Vec<Command>>, HallError> {
    caller.supervisor()?;
    let id = registered(&s, &id).await?;
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_COMMANDS_PAGE);
    Ok(Json(s.store.device_commands(&id, limit).await?))
}

/// A device page's answer (`{"outcome":"done"}` or `{"outcome":"refused","reason":…}`) to a command sent to it.
async fn reply(
    State(s): State<AppState>,
    caller: Caller,
    Path(command): Path<u64>,
    Body(outcome): Body<Outcome>,
) -> Result<Json<Command>, HallError> {
    let Caller::Device(device) = &caller else {
        return Err(HallError::Forbidden);
    };
    let id = device_id(&device.id)?;
    let reply = Reply {
        id: command,
        outcome,
    };
    Ok(Json(s.alarms.page_reply(id, reply).await?))
}
