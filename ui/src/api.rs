//! The desktop backend as the views call it: one typed function per Tauri command.

use crate::ipc::invoke;
use ipc::commands as c;
use ipc::devices::{
    AddDeviceReply, AddDeviceRequest, Alarm, AlarmAct, AlarmsQuery, Command, DeviceCommandAct,
    DeviceView, MaintenanceAct, MetricSample,
};
use ipc::hall::{BoardView, MeView, SupervisorNotice};
use ipc::{
    ApiError, AppInfo, ChangePasswordRequest, CounterAct, LoginRequest, SessionView, SupervisorAct,
    UpdateInfo,
};

pub async fn app_info() -> Result<AppInfo, ApiError> {
    invoke::<c::AppInfo>(()).await
}

pub async fn login(req: LoginRequest) -> Result<SessionView, ApiError> {
    invoke::<c::Login>(req).await
}

pub async fn logout() -> Result<(), ApiError> {
    invoke::<c::Logout>(()).await
}

/// The session the backend still holds, if any (a webview reload keeps it).
pub async fn current_session() -> Result<Option<SessionView>, ApiError> {
    invoke::<c::CurrentSession>(()).await
}

pub async fn change_password(req: ChangePasswordRequest) -> Result<(), ApiError> {
    invoke::<c::ChangePassword>(req).await
}

pub async fn hall_board() -> Result<BoardView, ApiError> {
    invoke::<c::HallBoard>(()).await
}

pub async fn my_counter() -> Result<MeView, ApiError> {
    invoke::<c::MyCounter>(()).await
}

pub async fn counter_act(req: CounterAct) -> Result<(), ApiError> {
    invoke::<c::CounterAct>(req).await
}

pub async fn supervisor_act(req: SupervisorAct) -> Result<SupervisorNotice, ApiError> {
    invoke::<c::SupervisorAct>(req).await
}

pub async fn supervisor_actions() -> Result<Vec<SupervisorNotice>, ApiError> {
    invoke::<c::SupervisorActions>(()).await
}

pub async fn update_status() -> Result<Option<UpdateInfo>, ApiError> {
    invoke::<c::UpdateStatus>(()).await
}

/// Installs the waiting update; on success the app restarts.
pub async fn update_install() -> Result<(), ApiError> {
    invoke::<c::UpdateInstall>(()).await
}

pub async fn devices() -> Result<Vec<DeviceView>, ApiError> {
    invoke::<c::Devices>(()).await
}

pub async fn alarms(q: AlarmsQuery) -> Result<Vec<Alarm>, ApiError> {
    invoke::<c::Alarms>(q).await
}

pub async fn alarm_act(act: AlarmAct) -> Result<Alarm, ApiError> {
    invoke::<c::AlarmAct>(act).await
}

pub async fn device_maintenance(act: MaintenanceAct) -> Result<DeviceView, ApiError> {
    invoke::<c::DeviceMaintenance>(act).await
}

pub async fn device_metrics(device: String) -> Result<Vec<MetricSample>, ApiError> {
    invoke::<c::DeviceMetrics>(device).await
}

pub async fn device_command(act: DeviceCommandAct) -> Result<Command, ApiError> {
    invoke::<c::DeviceCommand>(act).await
}

pub async fn device_commands(device: String) -> Result<Vec<Command>, ApiError> {
    invoke::<c::DeviceCommands>(device).await
}

pub async fn device_add(req: AddDeviceRequest) -> Result<AddDeviceReply, ApiError> {
    invoke::<c::DeviceAdd>(req).await
}

pub async fn device_revoke(device: String) -> Result<DeviceView, ApiError> {
    invoke::<c::DeviceRevoke>(device).await
}

pub async fn screens() -> Result<ipc::programs::ScreensView, ApiError> {
    invoke::<c::Screens>(()).await
}

pub async fn notice_add(
    notice: ipc::programs::NewNotice,
) -> Result<ipc::programs::Program, ApiError> {
    invoke::<c::NoticeAdd>(notice).await
}

pub async fn notice_remove(id: String) -> Result<ipc::hall::Empty, ApiError> {
    invoke::<c::NoticeRemove>(id).await
}

pub async fn video_cameras() -> Result<ipc::video::VideoView, ApiError> {
    invoke::<c::VideoCameras>(()).await
}

pub async fn video_setup(
    act: ipc::video::SetCameraAct,
) -> Result<ipc::video::CameraView, ApiError> {
    invoke::<c::VideoSetup>(act).await
}

/// A tokened playlist address for a camera, live or a recorded range (audited).
pub async fn video_watch(req: ipc::video::WatchRequest) -> Result<ipc::video::Watch, ApiError> {
    invoke::<c::VideoWatch>(req).await
}

pub async fn video_around(req: ipc::video::AroundRequest) -> Result<ipc::video::Around, ApiError> {
    invoke::<c::VideoAround>(req).await
}

/// Saves a range as one MP4 on this PC (audited); takes as long as the clip is made.
pub async fn video_export(
    req: ipc::video::ExportRequest,
) -> Result<ipc::video::SavedClip, ApiError> {
    invoke::<c::VideoExport>(req).await
}

pub async fn video_locks() -> Result<Vec<ipc::video::EvidenceLock>, ApiError> {
    invoke::<c::VideoLocks>(()).await
}

pub async fn video_lock(
    req: ipc::video::LockRequest,
) -> Result<ipc::video::EvidenceLock, ApiError> {
    invoke::<c::VideoLock>(req).await
}

pub async fn video_unlock(
    act: ipc::video::UnlockAct,
) -> Result<ipc::video::EvidenceLock, ApiError> {
    invoke::<c::VideoUnlock>(act).await
}

pub async fn video_access(
    q: ipc::video::AccessQuery,
) -> Result<Vec<ipc::video::AccessRecord>, ApiError> {
    invoke::<c::VideoAccess>(q).await
}

pub async fn emergency_state() -> Result<ipc::emergency::EmergencyView, ApiError> {
    invoke::<c::EmergencyState>(()).await
}

pub async fn emergency_start(
    req: ipc::emergency::Activate,
) -> Result<ipc::emergency::Incident, ApiError> {
    invoke::<c::EmergencyStart>(req).await
}

pub async fn emergency_decline(req: ipc::emergency::PlanRef) -> Result<ipc::hall::Empty, ApiError> {
    invoke::<c::EmergencyDecline>(req).await
}

/// Proposes a plan as a drill (a synthetic trigger).
pub async fn emergency_drill(req: ipc::emergency::PlanRef) -> Result<ipc::hall::Empty, ApiError> {
    invoke::<c::EmergencyDrill>(req).await
}

pub async fn plan_publish(
    req: ipc::emergency::PlanDraft,
) -> Result<ipc::emergency::PlanPublished, ApiError> {
    invoke::<c::PlanPublish>(req).await
}

pub async fn plan_withdraw(
    req: ipc::emergency::PlanRef,
) -> Result<ipc::emergency::PlanPublished, ApiError> {
    invoke::<c::PlanWithdraw>(req).await
}

pub async fn emergency_act(
    req: ipc::emergency::ActOn,
) -> Result<ipc::emergency::Incident, ApiError> {
    invoke::<c::EmergencyAct>(req).await
}

pub async fn emergency_history() -> Result<Vec<ipc::emergency::IncidentSummary>, ApiError> {
    invoke::<c::EmergencyHistory>(()).await
}

pub async fn emergency_incident(id: u64) -> Result<ipc::emergency::IncidentDetail, ApiError> {
    invoke::<c::EmergencyIncident>(id).await
}

pub async fn public_safety() -> Result<ipc::hall::Empty, ApiError> {
    invoke::<c::PublicSafety>(()).await
}
