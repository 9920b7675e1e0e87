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
