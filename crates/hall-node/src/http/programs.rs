//! `/api/v1/programs…`: the supervisor's view of what the call displays show and the hall's local notices; the cached media files the displays load.
//!
//! Only the supervisor role lists programs and adds or removes a local
//! notice; a media file is served to a call display (its token as
//! `?token=`, since an `<img>` sets no header) or to staff, and only once it
//! is cached here (checked against its digest).

use super::{Body, Path};
use crate::auth::Caller;
use crate::error::HallError;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use devices::program::{Content, Origin, Program, Window};
use ipc::hall::Empty;
use ipc::programs::{NewNotice, ScreenView, ScreensView, MAX_LOCAL, MAX_LOCAL_MS};
use ipc::ErrorCode;
use std::sync::atomic::{AtomicU32, Ordering};
use store::hall::DeviceKind;
use tower::ServiceExt;

/// A local notice's time on screen unless given, and its run unless given.
const DEFAULT_SECONDS: u32 = 15;
const DEFAULT_RUN_MS: i64 = 86_400_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/programs", get(list).post(add))
        .route("/api/v1/programs/{id}", delete(remove))
        .route("/api/v1/programs/assets/{sha256}", get(asset))
}

/// `GET /api/v1/programs`: what the displays show now, the displays, every program.
async fn list(State(s): State<AppState>, caller: Caller) -> Result<Json<ScreensView>, HallError> {
    caller.supervisor()?;
    let (now, programs) = s.screens.items(s.clock.now()).await?;
    let displays = s
        .store
        .device_records()
        .await?
        .into_iter()
        .filter(|d| d.device.kind == DeviceKind::Display && d.revoked_at.is_none())
        .map(|d| ScreenView {
            device: d.device.id.to_string(),
            name: d.device.name,
        })
        .collect();
    Ok(Json(ScreensView {
        now,
        displays,
        programs,
    }))
}

/// `POST /api/v1/programs`: a local notice (or scrolling text), on from now.
async fn add(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<NewNotice>,
) -> Result<(StatusCode, Json<Program>), HallError> {
    let account = caller.supervisor()?;
    let now = s.clock.now();
    let until = req.until_ms.unwrap_or(now + DEFAULT_RUN_MS);
    if until <= now || until > now + MAX_LOCAL_MS {
        return Err(HallError::bad(ErrorCode::ProgramInvalid));
    }
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let text = req.text.trim().to_owned();
    let program = Program {
        id: format!(
            "local-{now}-{}",
            NEXT.fetch_add(1, Ordering::Relaxed) % 1000
        ),
        title: req.title.trim().to_owned(),
        content: if req.scroll {
            Content::Scroll { text }
        } else {
            Content::Notice { text }
        },
        seconds: req.seconds.unwrap_or(DEFAULT_SECONDS),
        window: Window {
            from: now,
            until,
            hours: None,
            weekdays: 0x7f,
        },
        priority: 0,
        origin: Origin::Hall,
    };
    program
        .check()
        .map_err(|_| HallError::bad(ErrorCode::ProgramInvalid))?;
    let by = account.staff_no.as_str();
    if !s
        .store
        .add_local_program(&program, by, now, MAX_LOCAL as i64)
        .await?
    {
        return Err(HallError::Input(
            StatusCode::CONFLICT,
            ErrorCode::TooManyPrograms,
        ));
    }
    tracing::info!(id = %program.id, by, "a local notice was added");
    Ok((StatusCode::CREATED, Json(program)))
}

/// `DELETE /api/v1/programs/{id}`: removes a local notice (the province's programs are withdrawn there).
async fn remove(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Empty>, HallError> {
    let account = caller.supervisor()?;
    if id.len() > devices::program::MAX_ID || !s.store.remove_local_program(&id).await? {
        return Err(HallError::Input(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownProgram,
        ));
    }
    tracing::info!(
        id,
        by = account.staff_no.as_str(),
        "a local notice was removed"
    );
    Ok(Json(Empty {}))
}

/// `GET /api/v1/programs/assets/{sha256}`: a cached media file, for a call display or staff.
async fn asset(
    State(s): State<AppState>,
    caller: Caller,
    Path(sha): Path<String>,
    req: Request,
) -> Result<Response, HallError> {
    if !matches!(&caller, Caller::Staff(_)) {
        caller.device(DeviceKind::Display)?;
    }
    let digest_ok = sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let mime = match digest_ok {
        true => s.store.cached_asset(&sha).await?,
        false => None,
    };
    let Some(mime) = mime else {
        return Err(HallError::Input(StatusCode::NOT_FOUND, ErrorCode::NotFound));
    };
    let mime = HeaderValue::from_str(&mime).map_err(HallError::internal)?;
    match tower_http::services::ServeFile::new(s.screens.file(&sha))
        .oneshot(req)
        .await
    {
        Ok(r) => {
            let mut r = r.into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, mime);
            Ok(r)
        }
        Err(e) => Err(HallError::internal(format!("media file {sha}: {e}"))),
    }
}
