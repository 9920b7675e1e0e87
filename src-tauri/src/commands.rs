//! The Tauri commands: each hands its input to `Desk` and returns what it answers.

use crate::desk::Desk;
use ipc::hall::{BoardView, MeView, SupervisorNotice};
use ipc::{
    ApiError, AppInfo, ChangePasswordRequest, CounterAct, LoginRequest, SessionView, SupervisorAct,
    UpdateInfo,
};
use tauri::State;

#[tauri::command]
pub async fn app_info(app: tauri::AppHandle, desk: State<'_, Desk>) -> Result<AppInfo, ApiError> {
    let mut info = desk.app_info().await?;
    // This app's own version (the hall node may run another).
    info.version = app.package_info().version.to_string();
    Ok(info)
}

#[tauri::command]
pub async fn login(
    app: tauri::AppHandle,
    desk: State<'_, Desk>,
    req: LoginRequest,
) -> Result<SessionView, ApiError> {
    let view = desk.login(req).await?;
    // A sign-in is a good moment to look for an update (and to send queued reports).
    tauri::async_runtime::spawn(async move {
        if let Err(e) = crate::updates::check(&app).await {
            eprintln!("update check: {e}");
        }
    });
    Ok(view)
}

#[tauri::command]
pub async fn logout(desk: State<'_, Desk>) -> Result<(), ApiError> {
    desk.logout().await;
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

#[tauri::command]
pub async fn hall_board(desk: State<'_, Desk>) -> Result<BoardView, ApiError> {
    desk.board().await
}

#[tauri::command]
pub async fn my_counter(desk: State<'_, Desk>) -> Result<MeView, ApiError> {
    desk.me().await
}

#[tauri::command]
pub async fn counter_act(desk: State<'_, Desk>, req: CounterAct) -> Result<(), ApiError> {
    desk.counter_act(req).await
}

#[tauri::command]
pub async fn supervisor_act(
    desk: State<'_, Desk>,
    req: SupervisorAct,
) -> Result<SupervisorNotice, ApiError> {
    desk.supervisor_act(req).await
}

#[tauri::command]
pub async fn supervisor_actions(desk: State<'_, Desk>) -> Result<Vec<SupervisorNotice>, ApiError> {
    desk.supervisor_actions().await
}

#[tauri::command]
pub async fn update_status(
    updates: State<'_, crate::updates::Updates>,
) -> Result<Option<UpdateInfo>, ApiError> {
    Ok(updates.status().await)
}

#[tauri::command]
pub async fn update_install(app: tauri::AppHandle) -> Result<(), ApiError> {
    crate::updates::install(&app).await
}
