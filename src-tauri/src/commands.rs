//! The Tauri commands: each hands its input to `Desk` and returns what it answers.
//!
//! Each is typed by its descriptor in `ipc::commands` (`Request<Login>` in,
//! `Response<Login>` out) and named as the descriptor says; the tests below
//! check that every descriptor has its command here and in `generate_handler!`.

use crate::desk::Desk;
use ipc::commands::{
    AlarmAct, Alarms, AppInfo, ChangePassword, CounterAct, CurrentSession, DeviceAdd,
    DeviceCommand, DeviceCommands, DeviceMaintenance, DeviceMetrics, DeviceRevoke, Devices,
    HallBoard, Login, Logout, MyCounter, Request, Response, SupervisorAct, SupervisorActions,
    UpdateInstall, UpdateStatus,
};
use ipc::commands::{
    EmergencyAct, EmergencyDecline, EmergencyDrill, EmergencyHistory, EmergencyIncident,
    EmergencyStart, EmergencyState, PlanPublish, PlanWithdraw, PublicSafety,
};
use ipc::commands::{NoticeAdd, NoticeRemove, Screens};
use ipc::commands::{
    VideoAccess, VideoAround, VideoCameras, VideoExport, VideoLock, VideoLocks, VideoSetup,
    VideoUnlock, VideoWatch,
};
use ipc::ApiError;
use tauri::State;

/// Tells the window of the event `E`, its name and payload as the contract in `ipc::commands` says.
pub(crate) fn emit<E: ipc::commands::Event>(app: &tauri::AppHandle, payload: E::Payload)
where
    E::Payload: Clone,
{
    use tauri::Emitter;
    if let Err(e) = app.emit(E::NAME, payload) {
        tracing::warn!(event = E::NAME, error = %e, "the window was not told");
    }
}

#[tauri::command]
pub async fn app_info(
    app: tauri::AppHandle,
    desk: State<'_, Desk>,
) -> Result<Response<AppInfo>, ApiError> {
    let mut info = desk.app_info().await?;
    // This app's own version (the hall node may run another).
    info.version = app.package_info().version.to_string();
    Ok(info)
}

#[tauri::command]
pub async fn login(
    app: tauri::AppHandle,
    desk: State<'_, Desk>,
    req: Request<Login>,
) -> Result<Response<Login>, ApiError> {
    let view = desk.login(req).await?;
    // A sign-in is a good moment to look for an update (and to send queued reports).
    tauri::async_runtime::spawn(async move {
        if let Err(e) = crate::updates::check(&app).await {
            tracing::warn!(error = %e, "update check failed");
        }
    });
    Ok(view)
}

#[tauri::command]
pub async fn logout(desk: State<'_, Desk>) -> Result<Response<Logout>, ApiError> {
    desk.logout().await;
    Ok(())
}

#[tauri::command]
pub async fn current_session(desk: State<'_, Desk>) -> Result<Response<CurrentSession>, ApiError> {
    Ok(desk.session())
}

#[tauri::command]
pub async fn change_password(
    desk: State<'_, Desk>,
    req: Request<ChangePassword>,
) -> Result<Response<ChangePassword>, ApiError> {
    desk.change_password(req).await
}

#[tauri::command]
pub async fn hall_board(desk: State<'_, Desk>) -> Result<Response<HallBoard>, ApiError> {
    desk.board().await
}

#[tauri::command]
pub async fn my_counter(desk: State<'_, Desk>) -> Result<Response<MyCounter>, ApiError> {
    desk.me().await
}

#[tauri::command]
pub async fn counter_act(
    desk: State<'_, Desk>,
    req: Request<CounterAct>,
) -> Result<Response<CounterAct>, ApiError> {
    desk.counter_act(req).await
}

#[tauri::command]
pub async fn supervisor_act(
    desk: State<'_, Desk>,
    req: Request<SupervisorAct>,
) -> Result<Response<SupervisorAct>, ApiError> {
    desk.supervisor_act(req).await
}

#[tauri::command]
pub async fn supervisor_actions(
    desk: State<'_, Desk>,
) -> Result<Response<SupervisorActions>, ApiError> {
    desk.supervisor_actions().await
}

#[tauri::command]
pub async fn update_status(
    updates: State<'_, crate::updates::Updates>,
) -> Result<Response<UpdateStatus>, ApiError> {
    Ok(updates.status().await)
}

#[tauri::command]
pub async fn update_install(app: tauri::AppHandle) -> Result<Response<UpdateInstall>, ApiError> {
    crate::updates::install(&app).await
}

#[tauri::command]
pub async fn devices(desk: State<'_, Desk>) -> Result<Response<Devices>, ApiError> {
    desk.devices().await
}

#[tauri::command]
pub async fn alarms(
    desk: State<'_, Desk>,
    req: Request<Alarms>,
) -> Result<Response<Alarms>, ApiError> {
    desk.alarms(req).await
}

#[tauri::command]
pub async fn alarm_act(
    desk: State<'_, Desk>,
    req: Request<AlarmAct>,
) -> Result<Response<AlarmAct>, ApiError> {
    desk.alarm_act(req).await
}

#[tauri::command]
pub async fn device_maintenance(
    desk: State<'_, Desk>,
    req: Request<DeviceMaintenance>,
) -> Result<Response<DeviceMaintenance>, ApiError> {
    desk.device_maintenance(req).await
}

#[tauri::command]
pub async fn device_metrics(
    desk: State<'_, Desk>,
    req: Request<DeviceMetrics>,
) -> Result<Response<DeviceMetrics>, ApiError> {
    desk.device_metrics(req).await
}

#[tauri::command]
pub async fn device_command(
    desk: State<'_, Desk>,
    req: Request<DeviceCommand>,
) -> Result<Response<DeviceCommand>, ApiError> {
    desk.device_command(req).await
}

#[tauri::command]
pub async fn device_commands(
    desk: State<'_, Desk>,
    req: Request<DeviceCommands>,
) -> Result<Response<DeviceCommands>, ApiError> {
    desk.device_commands(req).await
}

#[tauri::command]
pub async fn device_add(
    desk: State<'_, Desk>,
    req: Request<DeviceAdd>,
) -> Result<Response<DeviceAdd>, ApiError> {
    desk.device_add(req).await
}

#[tauri::command]
pub async fn device_revoke(
    desk: State<'_, Desk>,
    req: Request<DeviceRevoke>,
) -> Result<Response<DeviceRevoke>, ApiError> {
    desk.device_revoke(req).await
}

#[tauri::command]
pub async fn screens(desk: State<'_, Desk>) -> Result<Response<Screens>, ApiError> {
    desk.screens().await
}

#[tauri::command]
pub async fn notice_add(
    desk: State<'_, Desk>,
    req: Request<NoticeAdd>,
) -> Result<Response<NoticeAdd>, ApiError> {
    desk.notice_add(req).await
}

#[tauri::command]
pub async fn notice_remove(
    desk: State<'_, Desk>,
    req: Request<NoticeRemove>,
) -> Result<Response<NoticeRemove>, ApiError> {
    desk.notice_remove(req).await
}

#[tauri::command]
pub async fn video_cameras(desk: State<'_, Desk>) -> Result<Response<VideoCameras>, ApiError> {
    desk.video_cameras().await
}

#[tauri::command]
pub async fn video_setup(
    desk: State<'_, Desk>,
    req: Request<VideoSetup>,
) -> Result<Response<VideoSetup>, ApiError> {
    desk.video_setup(req).await
}

#[tauri::command]
pub async fn video_watch(
    desk: State<'_, Desk>,
    req: Request<VideoWatch>,
) -> Result<Response<VideoWatch>, ApiError> {
    desk.video_watch(req).await
}

#[tauri::command]
pub async fn video_around(
    desk: State<'_, Desk>,
    req: Request<VideoAround>,
) -> Result<Response<VideoAround>, ApiError> {
    desk.video_around(req).await
}

/// The clip is saved in the user's videos folder (`营业厅录像`), else their home.
#[tauri::command]
pub async fn video_export(
    app: tauri::AppHandle,
    desk: State<'_, Desk>,
    req: Request<VideoExport>,
) -> Result<Response<VideoExport>, ApiError> {
    use tauri::Manager;
    let paths = app.path();
    let base = paths
        .video_dir()
        .or_else(|_| paths.download_dir())
        .or_else(|_| paths.home_dir())
        .map_err(|_| ApiError::new(ipc::ErrorCode::ExportFailed))?;
    desk.video_export(req, &base.join("营业厅录像")).await
}

#[tauri::command]
pub async fn video_locks(desk: State<'_, Desk>) -> Result<Response<VideoLocks>, ApiError> {
    desk.video_locks().await
}

#[tauri::command]
pub async fn video_lock(
    desk: State<'_, Desk>,
    req: Request<VideoLock>,
) -> Result<Response<VideoLock>, ApiError> {
    desk.video_lock(req).await
}

#[tauri::command]
pub async fn video_unlock(
    desk: State<'_, Desk>,
    req: Request<VideoUnlock>,
) -> Result<Response<VideoUnlock>, ApiError> {
    desk.video_unlock(req).await
}

#[tauri::command]
pub async fn video_access(
    desk: State<'_, Desk>,
    req: Request<VideoAccess>,
) -> Result<Response<VideoAccess>, ApiError> {
    desk.video_access(req).await
}

#[tauri::command]
pub async fn emergency_state(desk: State<'_, Desk>) -> Result<Response<EmergencyState>, ApiError> {
    desk.emergency_state().await
}

#[tauri::command]
pub async fn emergency_start(
    desk: State<'_, Desk>,
    req: Request<EmergencyStart>,
) -> Result<Response<EmergencyStart>, ApiError> {
    desk.emergency_start(req).await
}

#[tauri::command]
pub async fn emergency_decline(
    desk: State<'_, Desk>,
    req: Request<EmergencyDecline>,
) -> Result<Response<EmergencyDecline>, ApiError> {
    desk.emergency_decline(req).await
}

#[tauri::command]
pub async fn emergency_drill(
    desk: State<'_, Desk>,
    req: Request<EmergencyDrill>,
) -> Result<Response<EmergencyDrill>, ApiError> {
    desk.emergency_drill(req).await
}

#[tauri::command]
pub async fn emergency_act(
    desk: State<'_, Desk>,
    req: Request<EmergencyAct>,
) -> Result<Response<EmergencyAct>, ApiError> {
    desk.emergency_act(req).await
}

#[tauri::command]
pub async fn emergency_history(
    desk: State<'_, Desk>,
) -> Result<Response<EmergencyHistory>, ApiError> {
    desk.emergency_history().await
}

#[tauri::command]
pub async fn emergency_incident(
    desk: State<'_, Desk>,
    req: Request<EmergencyIncident>,
) -> Result<Response<EmergencyIncident>, ApiError> {
    desk.emergency_incident(req).await
}

#[tauri::command]
pub async fn public_safety(desk: State<'_, Desk>) -> Result<Response<PublicSafety>, ApiError> {
    desk.public_safety().await
}

#[tauri::command]
pub async fn plan_publish(
    desk: State<'_, Desk>,
    req: Request<PlanPublish>,
) -> Result<Response<PlanPublish>, ApiError> {
    desk.plan_publish(req).await
}

#[tauri::command]
pub async fn plan_withdraw(
    desk: State<'_, Desk>,
    req: Request<PlanWithdraw>,
) -> Result<Response<PlanWithdraw>, ApiError> {
    desk.plan_withdraw(req).await
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// The names of every descriptor, sorted.
    fn names() -> Vec<&'static str> {
        let mut names: Vec<_> = ipc::commands::ALL.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names
    }

    /// Each command of this file by its function's name, with the descriptor its signature names.
    fn commands() -> BTreeMap<&'static str, &'static str> {
        let source = include_str!("commands.rs");
        let (code, _) = source.split_once("#[cfg(test)]").unwrap();
        code.split("#[tauri::command]")
            .skip(1)
            .map(|item| {
                let (signature, _) = item.split_once('{').unwrap();
                let name = signature.split("fn ").nth(1).unwrap();
                let name = name.split(['(', '<']).next().unwrap().trim();
                let descriptors: Vec<&str> = ["Request<", "Response<"]
                    .into_iter()
                    .flat_map(|alias| signature.split(alias).skip(1))
                    .map(|rest| rest.split('>').next().unwrap().trim())
                    .collect();
                assert!(
                    !descriptors.is_empty(),
                    "`{name}` is not typed by a descriptor"
                );
                assert!(
                    descriptors.iter().all(|d| *d == descriptors[0]),
                    "`{name}` mixes descriptors {descriptors:?}"
                );
                (name, descriptors[0])
            })
            .collect()
    }

    #[test]
    fn each_command_is_named_as_its_descriptor_says() {
        let here = commands();
        for (name, descriptor) in &here {
            let listed = ipc::commands::ALL
                .iter()
                .find(|c| c.type_name == *descriptor)
                .unwrap_or_else(|| panic!("`{descriptor}` is not in ipc::commands::ALL"));
            assert_eq!(listed.name, *name, "the command typed by `{descriptor}`");
        }
        let have: Vec<_> = here.keys().copied().collect();
        assert_eq!(have, names(), "every descriptor has its command here");
    }

    #[test]
    fn every_command_is_registered() {
        let lib = include_str!("lib.rs");
        let (_, list) = lib.split_once("generate_handler![").unwrap();
        let (list, _) = list.split_once(']').unwrap();
        // Entries are `commands::name`, comma-separated; `//` comments are skipped.
        let mut registered: Vec<&str> = list
            .lines()
            .filter_map(|line| line.split("//").next())
            .flat_map(|line| line.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.trim_start_matches("commands::"))
            .collect();
        registered.sort_unstable();
        assert_eq!(registered, names());
    }
}
