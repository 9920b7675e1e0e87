//! `POST /api/v1/sessions` (sign in) and `DELETE /api/v1/sessions` (sign out) for staff.

use super::Body;
use crate::auth::token_of;
use crate::auth::Caller;
use crate::error::HallError;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::Password;
use domain::StaffNo;
use ipc::hall::{Empty, SessionReply};
use ipc::{AppInfo, ChangePasswordRequest, DemoAccount, ErrorCode, LoginRequest};
use store::accounts::ChangePasswordError;
use store::accounts::LoginError;

/// A staff session lasts one long working day.
const SESSION_MS: i64 = 14 * 60 * 60 * 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sessions", post(sign_in).delete(sign_out))
        .route("/api/v1/sessions/password", post(change_password))
        .route("/api/v1/welcome", get(welcome))
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
            LoginError::Locked { remaining_secs } => HallError::Locked(remaining_secs),
            LoginError::Disabled => HallError::Input(
                axum::http::StatusCode::FORBIDDEN,
                ErrorCode::AccountDisabled,
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
    // Boards and pads show names; an account added since start is learned here.
    s.names
        .write()
        .await
        .insert(account.staff_no.clone(), account.name.as_str().to_owned());
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
) -> Result<Json<Empty>, HallError> {
    let token = token_of(&headers, &uri).ok_or(HallError::Unauthorized)?;
    s.callers.forget(&token);
    s.store.close_session(&token).await?;
    Ok(Json(Empty {}))
}

async fn change_password(
    State(s): State<AppState>,
    caller: Caller,
    Body(req): Body<ChangePasswordRequest>,
) -> Result<Json<Empty>, HallError> {
    let staff_no = caller.staff()?.staff_no.clone();
    if req.current.is_empty() {
        return Err(HallError::bad(ErrorCode::PasswordRequired));
    }
    let new = Password::parse(&req.new).map_err(|_| HallError::bad(ErrorCode::PasswordWeak))?;
    let now = s.clock.now();
    let stamp = serde_json::to_string(&s.driver.stamp(now)).map_err(HallError::internal)?;
    s.store
        .change_password(&staff_no, &req.current, &new, now, &stamp)
        .await
        .map_err(|e| match e {
            ChangePasswordError::WrongCurrent => HallError::bad(ErrorCode::PasswordWrong),
            ChangePasswordError::Unchanged => HallError::bad(ErrorCode::PasswordUnchanged),
            ChangePasswordError::Store(e) => e.into(),
        })?;
    Ok(Json(Empty {}))
}

/// What a login screen shows before anyone signs in: the hall, and in demo mode its demo accounts.
async fn welcome(State(s): State<AppState>) -> Result<Json<AppInfo>, HallError> {
    let demo = s.store.is_demo().await?;
    let demo_accounts = if demo {
        let unchanged = s.store.unchanged_password_accounts().await?;
        store::demo::ACCOUNTS
            .iter()
            .filter_map(|(no, name, role, password)| {
                let staff_no = StaffNo::parse(no).ok()?;
                unchanged.contains(&staff_no).then(|| DemoAccount {
                    staff_no,
                    name: (*name).to_owned(),
                    role: *role,
                    password: (*password).to_owned(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Json(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        hall_code: s.hall.code.clone(),
        hall_name: s.hall.name.clone(),
        demo,
        demo_accounts,
        counter_calls: ipc::emergency::counter_calls(&s.emergency.view.borrow().incidents),
    }))
}
