//! `/api/v1/devices` and `/api/v1/alarms`: the supervisor's device monitor: the registry with presence and metrics, provisioning and revoking, alarms and maintenance.
//!
//! Only the supervisor role of this hall may call these. A new device's
//! credential is answered once (a page address with its token, or an MQTT
//! username and password) and is stored hashed; revoking stops it at once.

use super::{Body, Path, Query};
use crate::auth::Caller;
use crate::error::HallError;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use devices::{Alarm, Device, DeviceId, DeviceKind};
use ipc::devices::{
    AddDeviceReply, AddDeviceRequest, AlarmsQuery, AssignRequest, Credential, DeviceView,
    MaintenanceRequest, MetricSample, NoteRequest, MAX_ALARMS_PAGE, MAX_MAINTENANCE_MINUTES,
};
use ipc::hall::Empty;
use ipc::ErrorCode;
use store::devices::Issued;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/devices", get(list).post(add))
        .route("/api/v1/devices/{id}", axum::routing::delete(remove))
        .route("/api/v1/devices/{id}/revoke", post(revoke))
        .route("/api/v1/devices/{id}/metrics", get(metrics))
        .route(
            "/api/v1/devices/{id}/maintenance",
            post(start_maintenance).delete(end_maintenance),
        )
        .route("/api/v1/alarms", get(alarms))
        .route("/api/v1/alarms/{id}/ack", post(acknowledge))
        .route("/api/v1/alarms/{id}/assign", post(assign))
        .route("/api/v1/alarms/{id}/clear", post(clear))
}

pub(super) fn device_id(raw: &str) -> Result<DeviceId, HallError> {
    Ok(DeviceId::parse(raw.trim())?)
}

/// The id in a route's path, of a device in the registry (revoked or not).
pub(super) async fn registered(s: &AppState, raw: &str) -> Result<DeviceId, HallError> {
    let id = device_id(raw)?;
    if s.store
        .device_records()
        .await?
        .iter()
        .any(|r| r.device.id == id)
    {
        Ok(id)
    } else {
        Err(HallError::Input(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownDevice,
        ))
    }
}

async fn list(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<DeviceView>>, HallError> {
    caller.supervisor()?;
    Ok(Json(s.alarms.devices().await?))
}

/// A device's metrics over the last day, a sample per minute (the device page's chart).
async fn metrics(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<MetricSample>>, HallError> {
    caller.supervisor()?;
    let id = registered(&s, &id).await?;
    let since = s.clock.now() - 86_400_000;
    let samples = s.store.metric_samples(&id, since).await?;
    Ok(Json(
        samples
            .into_iter()
            .map(|(at, metrics)| MetricSample { at, metrics })
            .collect(),
    ))
}

/// The page a web device of `kind` opens, if it has one.
fn page(kind: DeviceKind) -> Option<&'static str> {
    match kind {
        DeviceKind::Kiosk => Some("kiosk"),
        DeviceKind::Display => Some("display"),
        DeviceKind::Pad => Some("pad"),
        _ => None,
    }
}

async fn add(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Body(req): Body<AddDeviceRequest>,
) -> Result<(StatusCode, Json<AddDeviceReply>), HallError> {
    caller.supervisor()?;
    let depends_on = req
        .depends_on
        .iter()
        .map(|d| device_id(d))
        .collect::<Result<Vec<_>, _>>()?;
    let device = Device {
        id: device_id(&req.id)?,
        kind: req.kind,
        name: req.name.trim().to_owned(),
        spot: req.spot,
        counter: req.counter,
        depends_on,
    };
    let (view, issued) = s.alarms.add(device).await?;
    let id = view.device.id.clone();
    let credential = match issued {
        Issued::Token(token) => {
            let host = headers
                .get("host")
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
                .unwrap_or_else(|| s.addr.to_string());
            Credential::Token {
                url: page(view.device.kind).map(|p| format!("http://{host}/{p}?token={token}")),
                token,
            }
        }
        Issued::Password(password) => Credential::Mqtt {
            username: id.to_string(),
            password,
            topic_prefix: format!(
                "{}{id}/",
                devices::telemetry::hall_prefix(s.hall.code.as_str())
            ),
        },
        Issued::Nothing => Credential::None,
    };
    Ok((
        StatusCode::CREATED,
        Json(AddDeviceReply {
            device: view,
            credential,
        }),
    ))
}

async fn revoke(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<DeviceView>, HallError> {
    caller.supervisor()?;
    let id = device_id(&id)?;
    let view = s.alarms.revoke(id.clone()).await?;
    // Trusted no longer, from this request on.
    s.callers.forget_device(id.as_str());
    let _ = s.alarms.revoked.send(id);
    Ok(Json(view))
}

async fn remove(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Empty>, HallError> {
    caller.supervisor()?;
    let id = device_id(&id)?;
    s.alarms.remove(id.clone()).await?;
    s.callers.forget_device(id.as_str());
    let _ = s.alarms.revoked.send(id);
    Ok(Json(Empty {}))
}

async fn start_maintenance(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Body(req): Body<MaintenanceRequest>,
) -> Result<Json<DeviceView>, HallError> {
    let by = caller.supervisor()?.staff_no.to_string();
    let id = device_id(&id)?;
    if req.minutes == 0 || req.minutes > MAX_MAINTENANCE_MINUTES {
        return Err(HallError::bad(ErrorCode::MaintenanceInvalid));
    }
    Ok(Json(
        s.alarms
            .start_maintenance(id, req.minutes, by, req.note)
            .await?,
    ))
}

async fn end_maintenance(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<DeviceView>, HallError> {
    caller.supervisor()?;
    let id = device_id(&id)?;
    Ok(Json(s.alarms.end_maintenance(id).await?))
}

async fn alarms(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<AlarmsQuery>,
) -> Result<Json<Vec<Alarm>>, HallError> {
    caller.supervisor()?;
    let open_only = match q.state.as_deref() {
        None | Some("open") => true,
        Some("all") => false,
        Some(_) => {
            return Err(HallError::Input(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
            ))
        }
    };
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_ALARMS_PAGE);
    Ok(Json(s.store.alarms(open_only, limit).await?))
}

async fn acknowledge(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    Body(req): Body<NoteRequest>,
) -> Result<Json<Alarm>, HallError> {
    let by = caller.supervisor()?.staff_no.to_string();
    Ok(Json(s.alarms.acknowledge(id, by, req.note).await?))
}

async fn assign(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    Body(req): Body<AssignRequest>,
) -> Result<Json<Alarm>, HallError> {
    caller.supervisor()?;
    Ok(Json(s.alarms.assign(id, req.to).await?))
}

async fn clear(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    Body(req): Body<NoteRequest>,
) -> Result<Json<Alarm>, HallError> {
    let by = caller.supervisor()?.staff_no.to_string();
    Ok(Json(s.alarms.clear(id, by, req.note).await?))
}
