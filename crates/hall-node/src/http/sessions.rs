//! `POST /api/v1/sessions` (sign in) and `DELETE /api/v1/sessions` (sign out) for staff.

use super::Body;
use crate::auth::token_of;
use crate::error::HallError;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::routing::post;
use axum::{Json, Router};
use domain::StaffNo;
use ipc::hall::SessionReply;
use ipc::{ErrorCode, LoginRequest};
use store::accounts::LoginError;

/// A staff session lasts one long working day.
const SESSION_MS: i64 = 14 * 60 * 60 * 1000;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/sessions", post(sign_in).delete(sign_out))
}

async fn sign_in(
    State(s): State<AppState>,
    Body(req): Body<LoginRequest>,
) -> Result<Json<SessionReply>, HallError> {
    let staff_no =
        StaffNo::parse(&req.staff_no).map_err(|_| HallError::bad(ErrorCode::StaffNoInvalid))?;
    if req.password.is_empty() {
        return Err(HallError::bad(ErrorCode::PasswordRequired));
    }
    let now = s.clock.now();
    let account = s
        .store
        .login(&staff_no, &req.password, now)
        .await
        .map_err(|e| match e {
            LoginError::BadCredentials => HallError::Input(
                axum::http::StatusCode::UNAUTHORIZED,
                ErrorCode::BadCredentials,
            ),
            LoginError::Locked { .. } => HallError::Input(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::AccountLocked,
            ),
            LoginError::Store(e) => e.into(),
        })?;
    if account.hall_code != s.hall.code {
        return Err(HallError::Input(
            axum::http::StatusCode::FORBIDDEN,
            ErrorCode::WrongHall,
        ));
    }
    let token = s
        .store
        .open_session(&account.staff_no, now, SESSION_MS)
        .await?;
    Ok(Json(SessionReply {
        token,
        staff_no: account.staff_no,
        name: account.name.as_str().to_owned(),
        role: account.role,
        hall_code: s.hall.code.clone(),
        hall_name: s.hall.name.clone(),
    }))
}

async fn sign_out(
    State(s): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<serde_json::Value>, HallError> {
    let token = token_of(&headers, &uri).ok_or(HallError::Unauthorized)?;
    s.store.close_session(&token).await?;
    Ok(Json(serde_json::json!({})))
}
