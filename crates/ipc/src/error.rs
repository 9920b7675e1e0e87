//! The one error shape every boundary returns: a stable code and a message for people.

use crate::Locale;
use domain::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable, machine-readable reasons. The UI picks the text by code in the
/// reader's language; `ApiError::message` carries the Chinese text for
/// clients that do not know the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    StaffNoRequired,
    StaffNoInvalid,
    PasswordRequired,
    BadCredentials,
    AccountLocked,
    /// The province deactivated the account.
    AccountDisabled,
    /// The account belongs to another hall.
    WrongHall,
    NotSignedIn,
    PasswordWrong,
    PasswordWeak,
    PasswordUnchanged,
    // The hall node's answers.
    Unauthorized,
    Forbidden,
    BadRequest,
    PayloadTooLarge,
    /// No endpoint at that address.
    NotFound,
    /// The endpoint exists but not for that HTTP method.
    MethodNotAllowed,
    /// A parameter in the address does not parse (letters for a number, too long).
    BadPath,
    /// The body is not declared as JSON (`Content-Type: application/json`).
    NotJson,
    UnknownBusiness,
    UnknownPriority,
    UnknownCounter,
    UnknownTicket,
    CustomerIdInvalid,
    ReasonRequired,
    DayClosed,
    CounterNotOpen,
    CounterBusy,
    CounterTaken,
    StaffAtAnotherCounter,
    NothingWaiting,
    AlreadyCalled,
    NotYourSkill,
    ReservedForCounter,
    NoCurrentTicket,
    NotCalled,
    NotServing,
    RecallLimit,
    NotFinished,
    AlreadyRated,
    SameBusiness,
    NotYourCounter,
    ScoreInvalid,
    /// A kiosk asked for a priority class only staff may grant (an important customer).
    PriorityNeedsStaff,
    /// A kiosk asked for appointment check-in, which needs a code it cannot check.
    AppointmentCodeRequired,
    /// A supervisor's action needs a reason of 1–200 characters.
    ActionReasonRequired,
    HallUnavailable,
    /// The device monitor: no device of that id.
    UnknownDevice,
    /// A device id is 1–32 of letters, digits, `-` and `_`.
    DeviceIdInvalid,
    /// A device's name, place, counter or number of dependencies does not fit.
    DeviceInvalid,
    DeviceExists,
    /// A device depends on one that is not registered.
    UnknownDependency,
    /// Dependencies would go round in a circle.
    DependencyCycle,
    /// Other devices still depend on it.
    DeviceHasDependants,
    /// Its credential was revoked already.
    DeviceRevoked,
    /// A note (or a name to assign to) is 1–200 characters.
    NoteInvalid,
    UnknownAlarm,
    /// The alarm is cleared: history is not changed.
    AlarmNotOpen,
    AlarmAlreadyAcknowledged,
    /// A maintenance window is 1–1440 minutes.
    MaintenanceInvalid,
    /// The device is in no maintenance window.
    NotInMaintenance,
    /// The hall has as many devices as it may.
    RegistryFull,
    /// This kind of device does not take this command.
    CommandNotForDevice,
    /// A command's message, display time, time to live or target does not fit.
    CommandInvalid,
    /// A command to this device is still under way.
    CommandUnderWay,
    /// No command of that id under way for this device.
    UnknownCommand,
    /// A local notice's title (1–40), text (1–500), time on screen (5–600 s) or end (within 90 days) does not fit.
    ProgramInvalid,
    /// No program of that id (a local one, for removal).
    UnknownProgram,
    /// The hall has as many local notices as it may.
    TooManyPrograms,
    /// The device is not a camera.
    NotACamera,
    /// A stream address (rtsp://, host, ≤ 300 characters) or its counters (1–999, at most 16) do not fit.
    CameraSetupInvalid,
    /// The camera has no stream configured.
    CameraNotConfigured,
    /// A time range is backwards, empty, in the future or longer than 2 hours; or the window around an event is too wide.
    VideoRangeInvalid,
    /// Nothing of the range was recorded (or it is gone).
    VideoNotRecorded,
    /// A watch address is unknown or expired, or asks for what its grant does not cover.
    VideoGrantInvalid,
    /// A lock's or an unlock's reason is 2–200 characters.
    LockReasonInvalid,
    /// No evidence lock of that id.
    UnknownLock,
    /// The lock was released already.
    LockReleased,
    /// The clip could not be made (the recorder's tool failed); details in the log.
    ExportFailed,
    /// Emergency plans: no plan of that id usable in this hall.
    UnknownPlan,
    PlanEngaged,
    UnknownIncident,
    IncidentEnded,
    UnknownStep,
    NotOnStep,
    StepAlreadyAcknowledged,
    StepNotDue,
    LevelAtBound,
    IncidentTextInvalid,
    SameDuty,
    UnknownStaff,
    TimelineFull,
    /// A pre-processing form's account (6–20 digits), phone (11 digits), matter (1–100) or note (≤ 200) does not fit.
    PreFormInvalid,
    /// Only a waiting or called customer's ticket takes a pre-processing form.
    TicketNotWaiting,
    /// A plan breaks a rule of `emergency::Plan::check` (the editor shows which).
    PlanInvalid,
    /// The hall names a hall code the province does not know.
    UnknownHall,
    /// This hall node has no province configured: plans are published only through one.
    NoProvince,
    /// The province did not answer: nothing was published.
    ProvinceUnreachable,
    /// An update cannot be installed while a customer is at the counter.
    UpdateWhileServing,
    /// The update was not installed (download, signature or installer failed); this version runs on.
    UpdateFailed,
    /// The update needs system packages that no configured source provides; nothing was installed.
    UpdateNeedsPackages,
    /// There is no update waiting.
    NoUpdate,
    /// The UI is not running inside the desktop shell.
    NoBackend,
    /// No account of that number in the hall's service area (as the hall holds it).
    CustomerNotFound,
    /// A 10-digit account number whose check digit does not match (or not 10 digits).
    AccountNoInvalid,
    /// An 18-character ID card number that is not valid (check character, region, birth date).
    IdCardInvalid,
    /// A customer query is empty, longer than 60 characters, or an 11-digit number that is no mobile.
    CustomerQueryInvalid,
    /// Storage or another part failed; details are in the log, not on screen.
    Internal,
}

/// `{code, message}`: what a command rejects with. `detail` carries a number
/// the message needs (seconds of a lock), never internals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self::with_detail(code, None)
    }

    pub fn with_detail(code: ErrorCode, detail: Option<u64>) -> Self {
        Self {
            code,
            message: code.message(Locale::ZhCn, detail),
            detail,
        }
    }

    /// The text to show in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        self.code.message(locale, self.detail)
    }

    /// A new password refused by the policy.
    pub fn weak_password(_why: ParseError) -> Self {
        Self::new(ErrorCode::PasswordWeak)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl ErrorCode {
    pub fn message(self, locale: Locale, detail: Option<u64>) -> String {
        use ErrorCode::*;
        let zh = matches!(locale, Locale::ZhCn);
        let s = match self {
            StaffNoRequired => pick(zh, "请输入工号。", "Please enter your staff number."),
            StaffNoInvalid => pick(
                zh,
                "工号应为 3–16 位字母或数字。",
                "A staff number is 3–16 letters or digits.",
            ),
            PasswordRequired => pick(zh, "请输入密码。", "Please enter your password."),
            BadCredentials => pick(
                zh,
                "工号或密码不正确。",
                "The staff number or password is not correct.",
            ),
            AccountLocked => {
                let minutes = detail.unwrap_or(60).div_ceil(60);
                return if zh {
                    format!("密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试。")
                } else {
                    format!("Too many wrong passwords. The account is locked; try again in {minutes} min.")
                };
            }
            UpdateWhileServing => pick(
                zh,
                "正在为客户办理业务，请办结后再安装更新。",
                "A customer is being served; finish first, then install the update.",
            ),
            UpdateFailed => pick(
                zh,
                "更新未能安装（下载、签名校验或安装失败），当前版本可继续使用。",
                "The update was not installed (download, signature check or installer failed); this version keeps working.",
            ),
            UpdateNeedsPackages => pick(
                zh,
                "此更新需要的系统组件在本机的软件源中找不到，未安装；当前版本可继续使用。请联系运维人员。",
                "This update needs system packages that none of this PC's package sources has; nothing was installed and this version keeps working. Please call IT support.",
            ),
            NoUpdate => pick(zh, "当前没有可安装的更新。", "There is no update to install."),
            AccountDisabled => pick(
                zh,
                "该账号已被停用，请联系营业厅负责人。",
                "This account has been deactivated; please ask the hall supervisor.",
            ),
            WrongHall => pick(
                zh,
                "该账号不属于本营业厅，不能在此登录。",
                "This account belongs to another hall and cannot sign in here.",
            ),
            NotSignedIn => pick(zh, "请先登录。", "Please sign in first."),
            PasswordWrong => pick(zh, "当前密码不正确。", "The current password is not correct."),
            PasswordWeak => pick(
                zh,
                "新密码需 8–64 位，同时包含数字和字母或符号，首尾不能有空格。",
                "A new password has 8–64 characters, mixes digits with letters or symbols, and has no blanks at either end.",
            ),
            PasswordUnchanged => pick(
                zh,
                "新密码不能与当前密码相同。",
                "The new password must differ from the current one.",
            ),
            Unauthorized => pick(zh, "请先登录或提供有效的令牌。", "Sign in or give a valid token first."),
            Forbidden => pick(zh, "您没有执行此操作的权限。", "You are not allowed to do this."),
            BadRequest => pick(zh, "请求格式不正确。", "The request is malformed."),
            PayloadTooLarge => pick(zh, "请求内容过大。", "The request is too large."),
            NotFound => pick(zh, "没有这个接口，请检查请求地址。", "There is no such endpoint; check the address."),
            MethodNotAllowed => pick(zh, "该接口不支持这种请求方法。", "This endpoint does not accept that method."),
            BadPath => pick(zh, "请求地址中的参数不正确。", "A parameter in the address is not valid."),
            NotJson => pick(
                zh,
                "请求内容应为 JSON（Content-Type: application/json）。",
                "The body must be JSON (Content-Type: application/json).",
            ),
            UnknownBusiness => pick(zh, "没有这种业务类型。", "There is no such business type."),
            UnknownPriority => pick(zh, "没有这种优先级。", "There is no such priority class."),
            UnknownCounter => pick(zh, "没有这个窗口。", "There is no such counter."),
            UnknownTicket => pick(zh, "没有这张号票。", "There is no such ticket."),
            CustomerIdInvalid => pick(zh, "户号应为 10–13 位数字，身份证号应为 18 位。", "An account number has 10–13 digits; an ID number has 18 characters."),
            ReasonRequired => pick(zh, "请填写暂停原因（最多 40 字）。", "Give a reason for the pause (40 characters at most)."),
            DayClosed => pick(zh, "今日营业已结束，暂停取号。", "Today's business is closed; no tickets now."),
            CounterNotOpen => pick(zh, "窗口未开启或已暂停。", "The counter is not open, or it is paused."),
            CounterBusy => pick(zh, "窗口当前有正在办理的客户，请先完成。", "The counter is serving a customer; finish first."),
            CounterTaken => pick(zh, "该窗口已由其他营业员签到。", "Another clerk is signed in at this counter."),
            StaffAtAnotherCounter => pick(zh, "您已在其他窗口签到。", "You are signed in at another counter."),
            NothingWaiting => pick(zh, "当前没有等候的客户。", "Nobody is waiting."),
            AlreadyCalled => pick(zh, "该号已被叫过或已办理。", "That ticket was already called or served."),
            NotYourSkill => pick(zh, "本窗口不办理该业务。", "This counter does not handle that business."),
            ReservedForCounter => pick(zh, "该号已转给其他窗口。", "That ticket was transferred to another counter."),
            NoCurrentTicket => pick(zh, "本窗口当前没有客户。", "This counter has no current customer."),
            NotCalled => pick(zh, "该客户已在办理中。", "That customer is already being served."),
            NotServing => pick(zh, "请先开始办理。", "Start the service first."),
            RecallLimit => pick(zh, "已达到重呼次数上限，请按过号处理。", "The recall limit is reached; mark it as a no-show."),
            NotFinished => pick(zh, "该业务尚未办结，不能评价。", "That service is not finished; it cannot be rated."),
            AlreadyRated => pick(zh, "该次服务已评价。", "That service was already rated."),
            SameBusiness => pick(zh, "请选择不同的业务或指定窗口。", "Choose another business or a counter."),
            NotYourCounter => pick(zh, "这不是本评价器所在窗口的服务。", "That service was not at this pad's counter."),
            ScoreInvalid => pick(zh, "评分应为 1–5 分。", "A score is 1 to 5."),
            PriorityNeedsStaff => pick(
                zh,
                "重要客户等优先服务需由工作人员核实后办理，请到服务台咨询。",
                "Priority such as important-customer service is granted by staff after a check; please ask at the service desk.",
            ),
            AppointmentCodeRequired => pick(
                zh,
                "预约签到需要预约码，本机暂不能核验，请到服务台出示预约信息签到。",
                "Appointment check-in needs an appointment code, which this kiosk cannot check yet; please check in at the service desk.",
            ),
            ActionReasonRequired => pick(
                zh,
                "请填写原因（1–200 字）。",
                "Give a reason (1–200 characters).",
            ),
            HallUnavailable => pick(zh, "营业厅服务暂时不可用，请稍后重试。", "The hall service is unavailable; try again shortly."),
            UnknownDevice => pick(zh, "没有这台设备。", "There is no such device."),
            DeviceIdInvalid => pick(
                zh,
                "设备编号应为 1–32 位字母、数字、- 或 _。",
                "A device id is 1–32 letters, digits, - or _.",
            ),
            DeviceInvalid => pick(
                zh,
                "设备信息不合规：名称 1–40 字，位置在平面图内（0–1000），评价器和柜台电脑须指定窗口（其他设备不指定），最多依赖 4 台设备。",
                "The device does not fit: a name of 1–40 characters, a place on the plan (0–1000), a counter for pads and counter PCs only, at most 4 dependencies.",
            ),
            DeviceExists => pick(zh, "已有相同编号的设备。", "A device with that id exists already."),
            UnknownDependency => pick(zh, "所依赖的设备不存在。", "A device it depends on is not registered."),
            DependencyCycle => pick(
                zh,
                "依赖关系不能形成循环。",
                "Dependencies must not go round in a circle.",
            ),
            DeviceHasDependants => pick(
                zh,
                "仍有其他设备依赖这台设备，请先移除或改接它们。",
                "Other devices still depend on this one; remove or re-attach them first.",
            ),
            DeviceRevoked => pick(zh, "该设备的凭据已吊销。", "This device's credential is revoked already."),
            NoteInvalid => pick(zh, "请填写备注（1–200 字）。", "Give a note (1–200 characters)."),
            UnknownAlarm => pick(zh, "没有这条告警。", "There is no such alarm."),
            AlarmNotOpen => pick(zh, "该告警已清除，不能再更改。", "The alarm is cleared; it cannot be changed."),
            AlarmAlreadyAcknowledged => pick(zh, "该告警已确认。", "The alarm is acknowledged already."),
            MaintenanceInvalid => pick(
                zh,
                "维护时长应为 1–1440 分钟，并填写备注。",
                "A maintenance window is 1–1440 minutes, with a note.",
            ),
            NotInMaintenance => pick(zh, "该设备当前不在维护中。", "The device is not in maintenance."),
            RegistryFull => pick(zh, "设备数量已达上限。", "The hall has as many devices as it may register."),
            CommandNotForDevice => pick(
                zh,
                "这类设备不支持这个命令。",
                "This kind of device does not take this command.",
            ),
            CommandInvalid => pick(
                zh,
                "命令内容不正确：通知 1–60 个字、显示 1–3600 秒，有效期 5 秒到 30 分钟，断电重启只能针对这台电源供电的设备。",
                "The command does not fit: a message of 1–60 characters shown 1–3600 s, a time to live of 5 s to 30 min, a power cycle only of a device this UPS feeds.",
            ),
            CommandUnderWay => pick(
                zh,
                "该设备还有命令在执行，请等它确认或超时后再发。",
                "A command to this device is still under way; wait until it is confirmed or times out.",
            ),
            UnknownCommand => pick(zh, "没有这条待执行的命令。", "There is no such command under way."),
            ProgramInvalid => pick(
                zh,
                "公告不正确：标题 1–40 字，内容 1–500 字，每次播放 5–600 秒，结束时间在 90 天内。",
                "The notice does not fit: title 1–40 characters, text 1–500, 5–600 s on screen, ending within 90 days.",
            ),
            UnknownProgram => pick(zh, "没有这条本厅公告。", "There is no such local notice."),
            TooManyPrograms => pick(zh, "本厅公告数量已达上限（50 条）。", "The hall has as many local notices as it may (50)."),
            NotACamera => pick(zh, "该设备不是摄像机。", "That device is not a camera."),
            CameraSetupInvalid => pick(
                zh,
                "视频流地址应以 rtsp:// 或 rtsps:// 开头、含主机名、不超过 300 个字符；覆盖的窗口号为 1–999，最多 16 个。",
                "A stream address starts with rtsp:// or rtsps://, names a host and has at most 300 characters; covered counters are 1–999, at most 16.",
            ),
            CameraNotConfigured => pick(zh, "这台摄像机还没有设置视频流地址。", "This camera has no stream address yet."),
            VideoRangeInvalid => pick(
                zh,
                "时间范围无效：开始应早于结束、不晚于现在，最长 2 小时；事件前最多 10 分钟、事件后最多 30 分钟。",
                "The time range is not valid: it starts before it ends and not after now, and spans at most 2 hours; at most 10 minutes before an event and 30 after.",
            ),
            VideoNotRecorded => pick(zh, "这段时间没有录像（未录制或已按保留期删除）。", "Nothing was recorded in that time (never recorded, or removed by retention)."),
            VideoGrantInvalid => pick(zh, "视频地址无效或已过期，请重新打开。", "The video address is not valid or has expired; open it again."),
            LockReasonInvalid => pick(zh, "请填写锁定或解锁的原因（2–200 个字）。", "Give the reason for the lock or unlock (2–200 characters)."),
            UnknownLock => pick(zh, "没有这条证据锁定。", "There is no such evidence lock."),
            LockReleased => pick(zh, "这条证据锁定已解除。", "That evidence lock was released already."),
            ExportFailed => pick(zh, "录像片段导出失败，请稍后重试。", "The clip could not be exported; try again shortly."),
            UnknownPlan => pick(zh, "没有这个应急预案（或本厅不能使用它）。", "There is no such emergency plan (or this hall cannot use it)."),
            PlanEngaged => pick(zh, "这个预案已在运行或已提出启动建议。", "That plan is running already or proposed already."),
            UnknownIncident => pick(zh, "没有这个应急事件。", "There is no such incident."),
            IncidentEnded => pick(zh, "这个应急事件已结束。", "That incident has ended."),
            UnknownStep => pick(zh, "这个事件没有这个步骤。", "That incident has no such step."),
            NotOnStep => pick(zh, "您的岗位不需要确认这个步骤。", "Your role does not acknowledge that step."),
            StepAlreadyAcknowledged => pick(zh, "您的岗位已确认过这个步骤。", "Your role acknowledged that step already."),
            StepNotDue => pick(zh, "这个步骤还在等待前面的步骤完成。", "That step waits for earlier steps."),
            LevelAtBound => pick(zh, "已是最高（或最低）响应级别。", "The level cannot go further that way."),
            IncidentTextInvalid => pick(zh, "内容应为 1–500 个字。", "The text is 1–500 characters."),
            SameDuty => pick(zh, "事件已由此人值守。", "That person is on duty for the incident already."),
            UnknownStaff => pick(zh, "本厅没有这个工号。", "There is no such staff number in this hall."),
            TimelineFull => pick(zh, "时间线已满，不能再添加记录。", "The timeline is full; nothing more can be added."),
            PreFormInvalid => pick(zh, "预办理信息不合规：户号 6–20 位数字，手机号 11 位，办理事项 1–100 字，备注最多 200 字。", "The form does not fit: account 6–20 digits, phone 11 digits, matter 1–100 characters, note at most 200."),
            TicketNotWaiting => pick(zh, "这张号票已不在等候中，不能再预办理。", "That ticket is no longer waiting; it cannot be pre-processed."),
            PlanInvalid => pick(zh, "预案不合规，未发布：请按编辑器中标出的问题修改。", "The plan breaks a rule and was not published: fix what the editor marks."),
            UnknownHall => pick(zh, "适用营业厅中有省公司不认识的营业厅编号。", "A hall code in the list is not known to the province."),
            NoProvince => pick(zh, "本营业厅未连接省公司，预案只能经省公司发布。", "This hall is not connected to the province; plans are published only through it."),
            ProvinceUnreachable => pick(zh, "暂时连不上省公司，预案未发布；编辑内容仍保留，请稍后再试。", "The province cannot be reached; nothing was published. Your edits are kept; try again later."),
            CustomerNotFound => pick(
                zh,
                "本厅辖区内没有这个户号（本厅只保存本辖区客户资料）；请核对户号，或请客户到所属营业厅办理。",
                "There is no such account in this hall's service area (the hall holds only its own area); check the number, or refer the customer to their own hall.",
            ),
            AccountNoInvalid => pick(
                zh,
                "户号校验位不对（或不是 10 位数字），请核对是否输错。",
                "The account number's check digit does not match (or it is not 10 digits); a digit is probably mistyped.",
            ),
            IdCardInvalid => pick(
                zh,
                "身份证号码无效（校验位、地区码或出生日期不对），请核对。",
                "The ID card number is not valid (check character, region or birth date); check it.",
            ),
            CustomerQueryInvalid => pick(
                zh,
                "请输入 1–60 个字：户号（10 位）、身份证号（18 位）、手机号（11 位，以 13–19 开头）或姓名、地址。",
                "Enter 1–60 characters: an account number (10 digits), an ID card number (18), a mobile number (11, starting 13–19), or a name and/or address.",
            ),
            NoBackend => pick(
                zh,
                "未连接到桌面程序，请从营业厅客户端打开本页面。",
                "Not connected to the desktop program; open this page from the hall client.",
            ),
            Internal => pick(
                zh,
                "系统内部错误，已记录日志，请稍后重试或联系运维。",
                "Internal error. It has been logged; try again or call IT support.",
            ),
        };
        s.to_owned()
    }
}

fn pick(zh: bool, zh_text: &'static str, en_text: &'static str) -> &'static str {
    if zh {
        zh_text
    } else {
        en_text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shape_is_code_and_message() {
        let e = ApiError::new(ErrorCode::BadCredentials);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "bad_credentials");
        assert_eq!(json["message"], "工号或密码不正确。");
        assert!(json.get("detail").is_none());
    }

    #[test]
    fn lock_message_rounds_up_to_minutes() {
        let e = ApiError::with_detail(ErrorCode::AccountLocked, Some(61));
        assert!(e.message.contains("2 分钟"));
        assert!(e.text(Locale::En).contains("2 min"));
    }

    #[test]
    fn every_code_has_both_languages() {
        use ErrorCode::*;
        for c in [
            StaffNoRequired,
            StaffNoInvalid,
            PasswordRequired,
            BadCredentials,
            AccountLocked,
            AccountDisabled,
            UpdateWhileServing,
            UpdateFailed,
            UpdateNeedsPackages,
            NoUpdate,
            WrongHall,
            NotSignedIn,
            PasswordWrong,
            PasswordWeak,
            PasswordUnchanged,
            NoBackend,
            Internal,
            Unauthorized,
            Forbidden,
            BadRequest,
            PayloadTooLarge,
            NotFound,
            MethodNotAllowed,
            BadPath,
            NotJson,
            UnknownBusiness,
            UnknownPriority,
            UnknownCounter,
            UnknownTicket,
            CustomerIdInvalid,
            ReasonRequired,
            DayClosed,
            CounterNotOpen,
            CounterBusy,
            CounterTaken,
            StaffAtAnotherCounter,
            NothingWaiting,
            AlreadyCalled,
            NotYourSkill,
            ReservedForCounter,
            NoCurrentTicket,
            NotCalled,
            NotServing,
            RecallLimit,
            NotFinished,
            AlreadyRated,
            SameBusiness,
            NotYourCounter,
            ScoreInvalid,
            PriorityNeedsStaff,
            AppointmentCodeRequired,
            ActionReasonRequired,
            HallUnavailable,
            UnknownDevice,
            DeviceIdInvalid,
            DeviceInvalid,
            DeviceExists,
            UnknownDependency,
            DependencyCycle,
            DeviceHasDependants,
            DeviceRevoked,
            NoteInvalid,
            UnknownAlarm,
            AlarmNotOpen,
            AlarmAlreadyAcknowledged,
            MaintenanceInvalid,
            NotInMaintenance,
            RegistryFull,
            CommandNotForDevice,
            CommandInvalid,
            CommandUnderWay,
            UnknownCommand,
            ProgramInvalid,
            UnknownProgram,
            TooManyPrograms,
            NotACamera,
            CameraSetupInvalid,
            CameraNotConfigured,
            VideoRangeInvalid,
            VideoNotRecorded,
            VideoGrantInvalid,
            LockReasonInvalid,
            UnknownLock,
            LockReleased,
            ExportFailed,
            UnknownPlan,
            PlanEngaged,
            UnknownIncident,
            IncidentEnded,
            UnknownStep,
            NotOnStep,
            StepAlreadyAcknowledged,
            StepNotDue,
            LevelAtBound,
            IncidentTextInvalid,
            SameDuty,
            UnknownStaff,
            TimelineFull,
            PreFormInvalid,
            TicketNotWaiting,
            PlanInvalid,
            UnknownHall,
            NoProvince,
            ProvinceUnreachable,
            CustomerNotFound,
            AccountNoInvalid,
            IdCardInvalid,
            CustomerQueryInvalid,
        ] {
            let zh = c.message(Locale::ZhCn, None);
            let en = c.message(Locale::En, None);
            assert!(zh.chars().any(|ch| ch as u32 > 0x4e00), "{c:?} zh");
            assert!(en.chars().all(|ch| ch.is_ascii() || ch == '–'), "{c:?} en");
            assert_ne!(zh, en);
        }
    }
}
