//! The Tauri commands: each parses nothing itself and hands over to `Desk`.

use crate::desk::Desk;
use ipc::{ApiError, AppInfo, ChangePasswordRequest, LoginRequest, SessionView};
use tauri::State;

#[tauri::command]
pub async fn app_info(desk: State<'_, Desk>) -> Result<AppInfo, ApiError> {
    desk.app_info().await
}

#[tauri::command]
pub async fn login(desk: State<'_, Desk>, req: LoginRequest) -> Result<SessionView, ApiError> {
    desk.login(req).await
}

#[tauri::command]
pub async fn logout(desk: State<'_, Desk>) -> Result<(), ApiError> {
    desk.logout();
    Ok(())
}

#[tauri::command]
pub async fn current_session(desk: State<'_, Desk>) -> Result<Option<SessionView>, ApiError> {
    Ok(desk.session())
}

#[tauri::command]
pub async fn change_password(
    desk: State<'_, Desk>,
    req: ChangePasswordRequest,
) -> Result<(), ApiError> {
    desk.change_password(req).await
}
