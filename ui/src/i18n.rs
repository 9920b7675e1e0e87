//! The UI's texts in Simplified Chinese (first) and English, and the language in force.

use ipc::actions::{CounterStatus, Stage};
use ipc::Locale;
use leptos::prelude::*;

const STORAGE_KEY: &str = "yyt.locale";

/// Every text the views show. A missing translation is a compile error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T {
    AppTitle,
    StaffNo,
    Password,
    SignIn,
    SigningIn,
    DemoHint,
    SwitchLanguage,
    RoleClerk,
    RoleSupervisor,
    RoleEmergency,
    SignOut,
    NavWorkbench,
    NavHallBoard,
    NavEmergency,
    NavAccount,
    Hall,
    SignedInAt,
    Staff,
    Role,
    EmergencyPending,
    Shortcuts,
    ShortcutNav,
    ShortcutLanguage,
    ShortcutSignOut,
    ChangePassword,
    CurrentPassword,
    NewPassword,
    ConfirmPassword,
    Save,
    Saving,
    PasswordsDiffer,
    PasswordChanged,
    PasswordPolicy,
    Version,
    Loading,
    WbSignInTitle,
    WbSignInHint,
    CounterNo,
    SignInCounter,
    StatusOpen,
    StatusPaused,
    StatusClosed,
    CurrentCustomer,
    NoCustomer,
    PausedHint,
    SyncTitle,
    SyncOnline,
    SyncOffline,
    SyncNotConfigured,
    SyncLast,
    SyncWaiting,
    SyncFeed,
    UpdateReady,
    UpdateNotes,
    UpdateInstall,
    UpdateLater,
    UpdateInstalling,
    SyncUpdateRequired,
    SyncCredential,
    SyncRejected,
    StageCalled,
    StageServing,
    Since,
    Customer,
    ActCallNext,
    ActRecall,
    ActNoShow,
    ActStart,
    ActFinish,
    ActTransfer,
    ActPause,
    ActResume,
    ActClose,
    HandledBusiness,
    Confirm,
    Cancel,
    TransferTo,
    TransferCounter,
    TransferFront,
    PauseReason,
    ReasonLunch,
    ReasonHandover,
    ReasonAway,
    ReasonFault,
    Waiting,
    LongestWait,
    EstWait,
    MyToday,
    Served,
    AvgHandle,
    AvgScore,
    Satisfaction,
    QueuesTitle,
    CountersTitle,
    TodayTitle,
    Business,
    Rated,
    NoData,
    Live,
    PrioVip,
    PrioGreen,
    PrioAppointment,
    PrioNormal,
    SupActionsTitle,
    SupPause,
    SupClose,
    SupMove,
    SupCall,
    SupTicket,
    SupCounter,
    SupToCounter,
    SupKeepBusiness,
    SupReason,
    SupReasonHint,
    SupLogTitle,
    SupLogEmpty,
    // The programs on the call displays (board).
    ScrTitle,
    ScrNow,
    ScrNothing,
    ScrTicker,
    ScrUntil,
    ScrDisplays,
    ScrPrograms,
    ScrOriginProvince,
    ScrOriginHall,
    ScrNotReady,
    ScrOnNow,
    ScrOff,
    ScrKindNotice,
    ScrKindScroll,
    ScrKindImage,
    ScrKindVideo,
    ScrAddTitle,
    ScrNoticeTitle,
    ScrNoticeText,
    ScrNoticeScroll,
    ScrAdd,
    ScrRemove,
    ScrHint,
    SupHint,
    Dismiss,
    NavMonitor,
    DevOnline,
    DevOffline,
    DevUnknown,
    DevLinkDown,
    DevOutOfService,
    AlarmNone,
    AlarmRaised,
    AlarmAcked,
    AlarmCleared,
    AlarmAck,
    AlarmClear,
    AlarmMaintain,
    AlarmMaintainNote,
    AlarmAssign,
    AlarmAssignTo,
    AlarmNote,
    AlarmShowOpen,
    AlarmShowAll,
    MonPlan,
    MonZoneCounters,
    MonZoneSelf,
    MonZoneWaiting,
    MonAlarms,
    MonDevices,
    MonHint,
    DevName,
    DevKind,
    DevState,
    DevLastHeard,
    DevMetrics,
    KindKiosk,
    KindPad,
    KindDisplay,
    KindTerminal,
    KindCounterPc,
    KindCamera,
    KindSwitch,
    KindUps,
    SevWarning,
    SevMinor,
    SevMajor,
    SevCritical,
    FaultOffline,
    FaultDependantsLost,
    FaultPaperLow,
    FaultPaperOut,
    FaultPrinterJam,
    FaultCardReader,
    FaultCashBoxFull,
    FaultOverTemperature,
    FaultOnBattery,
    FaultBatteryLow,
    FaultLinkDown,
    FaultWaitTooLong,
    FaultSatisfactionLow,
    FaultStorageFull,
    DevDependsOn,
    MonDayChart,
    MonNoSamples,
    MonNoChart,
    MonCommands,
    CmdNone,
    CmdOutOfService,
    CmdInService,
    CmdReload,
    CmdShowMessage,
    CmdPowerCycle,
    CmdHeldOffline,
    CmdHeldPayment,
    CmdHeldRating,
    CmdSent,
    CmdConfirmed,
    CmdRefused,
    CmdExpired,
    CmdExpiredHeld,
    CmdAsk,
    CmdMessage,
    CmdTarget,
    CmdBy,
    CmdAt,
    CmdHint,
    ProvAdd,
    ProvId,
    ProvCounter,
    ProvSpotX,
    ProvSpotY,
    ProvHint,
    ProvUrl,
    ProvToken,
    ProvUser,
    ProvTopics,
    ProvNoCredential,
    ProvAdded,
    ProvOnce,
    ProvDone,
    ProvRevoke,
    // Video (video.rs, footage.rs).
    NavVideo,
    VidWall,
    VidAudit,
    VidLive,
    VidConnecting,
    VidReconnecting,
    VidOffline,
    VidNotConfigured,
    VidStorageFull,
    VidNoCameras,
    VidTiles,
    VidPage,
    VidPrev,
    VidNext,
    VidBack,
    VidLast10,
    VidWallHint,
    VidLargeHint,
    VidKeepDays,
    VidUsed,
    VidFree,
    VidLocksOn,
    VidSetup,
    VidSetupUrl,
    VidSetupCovers,
    VidExport,
    VidExporting,
    VidExported,
    VidSavedTo,
    VidSize,
    VidMissing,
    VidNoneMissing,
    VidLock,
    VidLockReason,
    VidLockHint,
    VidUnlock,
    VidUnlockReason,
    VidLocks,
    VidNoLocks,
    VidRecorded,
    VidGap,
    VidEventAt,
    VidFrame,
    VidPlay,
    VidPause,
    VidPlayerHint,
    VidNoH264,
    VidElapsed,
    FtTitle,
    FtCovers,
    FtOverview,
    FtNoCameras,
    FtHint,
    FtShare,
    FtAboutAlarm,
    FtAboutTicket,
    FtAboutAction,
    FtFootage,
    FtShort,
    AccAt,
    AccWho,
    AccWhat,
    AccCamera,
    AccRange,
    AccNote,
    AccLive,
    AccPlayback,
    AccExport,
    AccLock,
    AccUnlock,
    AccAllCameras,
    AccEmpty,
    AccOnwards,
}

fn pair(t: T) -> (&'static str, &'static str) {
    use T::*;
    match t {
        AppTitle => ("营业厅服务管理系统", "Business Hall Service System"),
        StaffNo => ("工号", "Staff number"),
        Password => ("密码", "Password"),
        SignIn => ("登录", "Sign in"),
        SigningIn => ("正在登录…", "Signing in…"),
        DemoHint => ("演示数据 · 预置账号（点击填入）", "Demo data · seeded accounts (click to fill in)"),
        SwitchLanguage => ("English", "中文"),
        RoleClerk => ("营业员", "Counter clerk"),
        RoleSupervisor => ("值班长", "Hall supervisor"),
        RoleEmergency => ("应急指挥", "Emergency console"),
        SignOut => ("退出登录", "Sign out"),
        NavWorkbench => ("柜台工作台", "Counter workbench"),
        NavHallBoard => ("大厅总览", "Hall overview"),
        NavEmergency => ("应急总览", "Emergency overview"),
        NavAccount => ("我的账号", "My account"),
        Hall => ("营业厅", "Hall"),
        SignedInAt => ("登录时间", "Signed in at"),
        Staff => ("工作人员", "Staff"),
        Role => ("岗位", "Role"),
        EmergencyPending => (
            "尚未配置应急预案。配置后，预案启动、步骤确认与处置时间线在此页面进行。",
            "No emergency plans are configured yet. Once they are, starting a plan, acknowledging its steps and the timeline happen on this page.",
        ),
        Shortcuts => ("快捷键", "Keyboard shortcuts"),
        ShortcutNav => ("切换页面", "Switch page"),
        ShortcutLanguage => ("切换语言", "Switch language"),
        ShortcutSignOut => ("退出登录", "Sign out"),
        ChangePassword => ("修改密码", "Change password"),
        CurrentPassword => ("当前密码", "Current password"),
        NewPassword => ("新密码", "New password"),
        ConfirmPassword => ("再次输入新密码", "New password again"),
        Save => ("保存", "Save"),
        Saving => ("正在保存…", "Saving…"),
        PasswordsDiffer => ("两次输入的新密码不一致。", "The two new passwords differ."),
        PasswordChanged => ("密码已修改，下次登录请使用新密码。", "Password changed. Use the new one next time you sign in."),
        PasswordPolicy => (
            "8–64 位，同时包含数字和字母或符号。",
            "8–64 characters, digits mixed with letters or symbols.",
        ),
        Version => ("版本", "Version"),
        Loading => ("正在加载…", "Loading…"),
        WbSignInTitle => ("选择窗口签到", "Sign in at a counter"),
        WbSignInHint => ("输入窗口号后按回车，或点击下方空闲窗口。", "Type a counter number and press Enter, or pick a free counter below."),
        CounterNo => ("窗口号", "Counter"),
        SignInCounter => ("签到", "Sign in"),
        StatusOpen => ("服务中", "Open"),
        StatusPaused => ("暂停", "Paused"),
        StatusClosed => ("未开启", "Closed"),
        CurrentCustomer => ("当前客户", "Current customer"),
        SyncTitle => ("省级同步", "Province sync"),
        SyncOnline => ("在线", "Online"),
        SyncOffline => ("离线（本厅照常服务，恢复后自动补传）", "Offline (the hall serves on; it catches up when the link returns)"),
        SyncNotConfigured => ("未配置省级服务器，数据保存在本厅", "No province configured; data stays in this hall"),
        SyncLast => ("上次同步", "Last sync"),
        SyncWaiting => ("待上传", "Waiting to upload"),
        SyncFeed => ("人员与窗口资料更新于", "Staff and counters updated"),
        UpdateReady => ("有新版本可安装", "A new version is ready to install"),
        UpdateNotes => ("更新说明", "Release notes"),
        UpdateInstall => ("安装并重启", "Install and restart"),
        UpdateLater => ("稍后", "Later"),
        UpdateInstalling => ("正在下载、校验并安装，完成后自动重启…", "Downloading, verifying and installing; the app restarts when done…"),
        SyncUpdateRequired => (
            "省级服务器要求升级本系统后才能继续同步，数据保存在本厅。",
            "The province requires an update of this software before syncing again; data stays in this hall.",
        ),
        SyncCredential => (
            "省级服务器不接受本厅的凭证，请联系省级运维。",
            "The province does not accept this hall's credential; please contact the provincial maintainers.",
        ),
        SyncRejected => (
            "省级服务器拒收了本厅的数据，请联系省级运维。",
            "The province rejected this hall's data; please contact the provincial maintainers.",
        ),
        PausedHint => (
            "窗口已暂停，不会叫号。按 F7 恢复服务。",
            "The counter is paused and calls nobody. Press F7 to resume.",
        ),
        NoCustomer => ("暂无客户。按 F1 叫号。", "No customer. Press F1 to call the next one."),
        StageCalled => ("已呼叫，等待客户到窗口", "Called; waiting for the customer"),
        StageServing => ("办理中", "Serving"),
        Since => ("开始于", "Since"),
        Customer => ("客户", "Customer"),
        ActCallNext => ("叫号", "Call next"),
        ActRecall => ("重呼", "Recall"),
        ActNoShow => ("过号", "No-show"),
        ActStart => ("开始办理", "Start"),
        ActFinish => ("办结", "Finish"),
        ActTransfer => ("转移", "Transfer"),
        ActPause => ("暂停", "Pause"),
        ActResume => ("恢复", "Resume"),
        ActClose => ("签退", "Sign off"),
        HandledBusiness => ("实际办理业务", "Business handled"),
        Confirm => ("确定", "Confirm"),
        Cancel => ("取消", "Cancel"),
        DevDependsOn => ("依赖设备", "Depends on"),
        MonDayChart => ("近 24 小时运行指标", "The last 24 hours"),
        MonNoSamples => ("暂无指标数据", "No metrics yet"),
        MonNoChart => ("图表组件未加载", "The chart library is not loaded"),
        MonCommands => ("控制命令", "Commands"),
        CmdNone => ("暂无命令记录", "No commands yet"),
        CmdOutOfService => ("暂停服务", "Take out of service"),
        CmdInService => ("恢复服务", "Back in service"),
        CmdReload => ("重新加载页面", "Reload the page"),
        CmdShowMessage => ("显示通知", "Show a message"),
        CmdPowerCycle => ("断电重启", "Power-cycle"),
        CmdHeldOffline => ("等待设备上线", "Waiting for the device to come online"),
        CmdHeldPayment => ("客户正在缴费，办完后执行", "A customer is paying; runs after"),
        CmdHeldRating => ("客户正在评价，评价后执行", "A customer is rating; runs after"),
        CmdSent => ("已发送，等待设备确认", "Sent; waiting for the device"),
        CmdConfirmed => ("设备已确认执行", "Confirmed by the device"),
        CmdRefused => ("设备拒绝执行", "Refused by the device"),
        CmdExpired => ("设备未确认，已超时失败", "Never confirmed: failed"),
        CmdExpiredHeld => ("设备一直未就绪，已超时失败", "The device never became ready: failed"),
        CmdAsk => ("向这台设备发送命令：", "Send this command to the device:"),
        CmdMessage => ("通知内容（最多 60 字，显示 60 秒）", "Message (up to 60 characters, shown 60 s)"),
        CmdTarget => ("断电重启哪台设备", "Which device to power-cycle"),
        CmdBy => ("发起人", "By"),
        CmdAt => ("发出时间", "Asked at"),
        ProvAdd => ("添加设备", "Add a device"),
        ProvId => ("设备编号（字母、数字、- 或 _）", "Device id (letters, digits, - or _)"),
        ProvCounter => ("所属窗口（评价器、柜台电脑）", "Counter (pads and counter PCs)"),
        ProvSpotX => ("平面图位置：横向 0–1000", "Place on the plan: across, 0–1000"),
        ProvSpotY => ("平面图位置：纵向 0–1000", "Place on the plan: down, 0–1000"),
        ProvHint => ("依赖设备用逗号分开，例如 sw-1, ups-1。", "Separate the devices it depends on with commas, e.g. sw-1, ups-1."),
        ProvUrl => ("页面地址", "Page address"),
        ProvToken => ("设备令牌", "Device token"),
        ProvUser => ("用户名", "Username"),
        ProvTopics => ("主题前缀", "Topic prefix"),
        ProvNoCredential => ("这类设备无需凭据。", "This kind of device needs no credential."),
        ProvAdded => ("已添加设备", "Added device"),
        ProvOnce => ("凭据只显示这一次，请现在配置到设备上或妥善记录。", "The credential is shown this once: set it on the device now or keep it safe."),
        ProvDone => ("完成", "Done"),
        ProvRevoke => ("吊销凭据", "Revoke credential"),
        CmdHint => ("S 暂停/恢复服务 · R 重新加载 · N 显示通知 · P 断电重启", "S out of/back in service · R reload · N message · P power-cycle"),
        NavMonitor => ("设备监控", "Devices"),
        DevOnline => ("在线", "Online"),
        DevOffline => ("离线", "Offline"),
        DevUnknown => ("未知", "Unknown"),
        DevLinkDown => ("链路中断", "link down"),
        DevOutOfService => ("暂停服务", "out of service"),
        AlarmNone => ("当前没有告警", "No alarms"),
        AlarmRaised => ("待确认", "To acknowledge"),
        AlarmAcked => ("已确认", "Acknowledged"),
        AlarmCleared => ("已恢复", "Cleared"),
        AlarmAck => ("确认", "Acknowledge"),
        AlarmClear => ("清除", "Clear"),
        AlarmMaintain => ("设为维护（30 分钟）", "Maintenance (30 min)"),
        AlarmMaintainNote => ("维护内容", "What is being serviced"),
        AlarmAssign => ("指派处理人", "Assign"),
        AlarmAssignTo => ("指派给（姓名或工号）", "Assign to (name or staff number)"),
        AlarmNote => ("处理备注", "Note"),
        AlarmShowOpen => ("只看未恢复", "Open only"),
        AlarmShowAll => ("查看历史", "History"),
        MonPlan => ("大厅平面图", "Floor plan"),
        MonZoneCounters => ("柜台区", "Counters"),
        MonZoneSelf => ("自助区", "Self-service"),
        MonZoneWaiting => ("等候区", "Waiting area"),
        MonAlarms => ("告警", "Alarms"),
        MonDevices => ("设备清单", "Devices"),
        MonHint => ("↑↓ 选择 · A 确认 · G 指派 · C 清除 · M 维护 · V 查看录像 · F 历史 · D 添加设备", "↑↓ select · A acknowledge · G assign · C clear · M maintenance · V footage · F history · D add a device"),
        DevName => ("设备", "Device"),
        DevKind => ("类型", "Kind"),
        DevState => ("状态", "State"),
        DevLastHeard => ("最后联系", "Last heard"),
        DevMetrics => ("运行指标", "Metrics"),
        KindKiosk => ("取号机", "Ticket kiosk"),
        KindPad => ("评价器", "Rating pad"),
        KindDisplay => ("叫号屏", "Call display"),
        KindTerminal => ("自助缴费终端", "Payment terminal"),
        KindCounterPc => ("柜台电脑", "Counter PC"),
        KindCamera => ("摄像机", "Camera"),
        KindSwitch => ("网络交换机", "Network switch"),
        KindUps => ("不间断电源", "UPS"),
        SevWarning => ("提示", "Notice"),
        SevMinor => ("次要", "Minor"),
        SevMajor => ("重要", "Major"),
        SevCritical => ("紧急", "Critical"),
        FaultOffline => ("离线", "offline"),
        FaultDependantsLost => ("下挂设备大面积离线", "most dependants lost"),
        FaultPaperLow => ("打印纸将尽", "paper low"),
        FaultPaperOut => ("打印纸用完", "out of paper"),
        FaultPrinterJam => ("打印机卡纸", "printer jam"),
        FaultCardReader => ("读卡器故障", "card reader fault"),
        FaultCashBoxFull => ("钱箱已满", "cash box full"),
        FaultOverTemperature => ("温度过高", "too hot"),
        FaultOnBattery => ("市电中断，电池供电", "mains lost, on battery"),
        FaultBatteryLow => ("电池电量低", "battery low"),
        FaultLinkDown => ("网络链路中断", "link down"),
        FaultWaitTooLong => ("客户等候超时", "waits too long"),
        FaultSatisfactionLow => ("满意度低于底线", "satisfaction below the floor"),
        FaultStorageFull => ("录像存储已满", "video storage full"),
        TransferTo => ("转至业务", "To business"),
        TransferCounter => ("或转至窗口（可选）", "Or to counter (optional)"),
        TransferFront => ("排到队首", "Put at the front"),
        PauseReason => ("暂停原因", "Reason for the pause"),
        ReasonLunch => ("午休", "Lunch break"),
        ReasonHandover => ("交接班", "Shift handover"),
        ReasonAway => ("临时离开", "Away briefly"),
        ReasonFault => ("设备故障", "Equipment fault"),
        Waiting => ("等候", "Waiting"),
        LongestWait => ("最长等待", "Longest wait"),
        EstWait => ("预计等待", "Est. wait"),
        MyToday => ("我的今日", "My day"),
        Served => ("已服务", "Served"),
        AvgHandle => ("平均办理", "Avg. handling"),
        AvgScore => ("平均评分", "Avg. score"),
        Satisfaction => ("满意率", "Satisfied"),
        QueuesTitle => ("各业务排队", "Queues"),
        CountersTitle => ("窗口状态", "Counters"),
        TodayTitle => ("今日服务", "Today"),
        Business => ("业务", "Business"),
        Rated => ("已评价", "Rated"),
        NoData => ("—", "—"),
        Live => ("实时", "Live"),
        PrioVip => ("重要客户", "Important"),
        PrioGreen => ("绿色通道", "Green channel"),
        PrioAppointment => ("预约", "Appointment"),
        PrioNormal => ("普通", "Normal"),
        SupActionsTitle => ("值班长操作", "Supervisor actions"),
        SupPause => ("强制暂停", "Force pause"),
        SupClose => ("签退窗口", "Sign off a counter"),
        SupMove => ("转移号票", "Move a ticket"),
        SupCall => ("指定叫号", "Call a ticket"),
        SupTicket => ("号票（如 A012）", "Ticket (e.g. A012)"),
        SupCounter => ("窗口号", "Counter"),
        SupToCounter => ("转至窗口（可选，只由该窗口叫号）", "To counter (optional; only that counter calls it)"),
        SupKeepBusiness => ("不改业务", "Keep its business"),
        SupReason => ("原因（必填）", "Reason (required)"),
        SupReasonHint => (
            "最多 200 字，记入操作记录，并显示在相关窗口的工作台上。",
            "Up to 200 characters; kept in the audit trail and shown on the counter's workbench.",
        ),
        SupLogTitle => ("今日操作记录", "Today's actions"),
        SupLogEmpty => ("今日尚无值班长操作。", "No supervisor actions today."),
        // The programs on the call displays (board).
        ScrTitle => ("屏幕节目", "On the screens"),
        ScrNow => ("叫号屏正在播放", "Showing now"),
        ScrNothing => ("当前没有节目，叫号屏只显示叫号。", "No program: the displays show only the calls."),
        ScrTicker => ("滚动字幕", "Ticker"),
        ScrUntil => ("播放至", "Until"),
        ScrDisplays => ("叫号屏", "Displays"),
        ScrPrograms => ("全部节目", "All programs"),
        ScrOriginProvince => ("省公司", "Province"),
        ScrOriginHall => ("本厅", "This hall"),
        ScrNotReady => ("媒体文件下载中", "Media file downloading"),
        ScrOnNow => ("播放中", "On now"),
        ScrOff => ("不在播放时段", "Off schedule"),
        ScrKindNotice => ("公告", "Notice"),
        ScrKindScroll => ("滚动字幕", "Scrolling text"),
        ScrKindImage => ("图片", "Image"),
        ScrKindVideo => ("视频", "Video"),
        ScrAddTitle => ("添加本厅公告", "Add a local notice"),
        ScrNoticeTitle => ("标题", "Title"),
        ScrNoticeText => ("内容", "Text"),
        ScrNoticeScroll => ("作为滚动字幕", "As scrolling text"),
        ScrAdd => ("添加", "Add"),
        ScrRemove => ("删除", "Remove"),
        ScrHint => (
            "按 F8 添加本厅公告（Enter 保存，Esc 取消）；本厅公告播放一天，可随时删除。",
            "F8 adds a local notice (Enter saves, Esc cancels); a local notice runs for a day and can be removed any time.",
        ),
        SupHint => (
            "按 F1 指定叫号、F6 转移号票、F7 强制暂停、F9 签退窗口；对话框中 Enter 确定，Esc 取消。",
            "F1 call a ticket, F6 move a ticket, F7 force pause, F9 sign off a counter; in a dialog Enter confirms, Esc cancels.",
        ),
        Dismiss => ("知道了", "Got it"),
        // Video (video.rs, footage.rs).
        NavVideo => ("视频监控", "Video"),
        VidWall => ("监控墙", "Camera wall"),
        VidAudit => ("访问记录", "Access log"),
        VidLive => ("直播中", "Live"),
        VidConnecting => ("连接中", "Connecting"),
        VidReconnecting => ("重新连接中", "Reconnecting"),
        VidOffline => ("摄像机离线", "Camera offline"),
        VidNotConfigured => ("未配置视频流", "No stream configured"),
        VidStorageFull => ("存储已满", "Storage full"),
        VidNoCameras => ("还没有摄像机。请在“设备监控”中添加类型为摄像机的设备。", "No cameras yet. Add a device of the kind camera under Devices."),
        VidTiles => ("画面", "Tiles"),
        VidPage => ("页", "Page"),
        VidPrev => ("上一页", "Previous"),
        VidNext => ("下一页", "Next"),
        VidBack => ("返回", "Back"),
        VidLast10 => ("回放最近 10 分钟", "Play back the last 10 minutes"),
        VidWallHint => ("1 / 4 / 9 / 6 切换 1、4、9、16 画面 · 方向键选择 · Enter 放大 · P 回放最近 10 分钟 · S 设置视频流 · PageUp / PageDown 翻页 · A 访问记录", "1 / 4 / 9 / 6 for 1, 4, 9 or 16 tiles · arrows pick · Enter enlarges · P plays back the last 10 minutes · S sets the stream · PageUp / PageDown page · A access log"),
        VidLargeHint => ("P 回放最近 10 分钟 · Esc 返回监控墙", "P plays back the last 10 minutes · Esc back to the wall"),
        VidKeepDays => ("录像保留天数", "Days kept"),
        VidUsed => ("已用", "Used"),
        VidFree => ("磁盘剩余", "Disk free"),
        VidLocksOn => ("证据锁定", "Evidence locks"),
        VidSetup => ("设置视频流", "Set the stream"),
        VidSetupUrl => ("视频流地址（rtsp:// 或 rtsps://）", "Stream address (rtsp:// or rtsps://)"),
        VidSetupCovers => ("画面中的窗口号（用逗号分开；全景摄像机留空）", "Counters in the picture (separated by commas; empty for an overview camera)"),
        VidExport => ("导出片段", "Export clip"),
        VidExporting => ("正在导出片段，请稍候…", "Exporting the clip…"),
        VidExported => ("片段已保存", "Clip saved"),
        VidSavedTo => ("保存位置", "Saved to"),
        VidSize => ("大小", "Size"),
        VidMissing => ("缺失录像", "Missing footage"),
        VidNoneMissing => ("无", "none"),
        VidLock => ("证据锁定", "Lock as evidence"),
        VidLockReason => ("锁定原因（2–200 字）", "Reason for the lock (2–200 characters)"),
        VidLockHint => ("锁定的录像不会按保留期删除，直到解除锁定。锁定范围：", "Locked footage is kept past retention until released. The range:"),
        VidUnlock => ("解除锁定", "Release"),
        VidUnlockReason => ("解除原因（2–200 字）", "Reason for the release (2–200 characters)"),
        VidLocks => ("本摄像机的证据锁定", "This camera's evidence locks"),
        VidNoLocks => ("本摄像机没有证据锁定。", "This camera has no evidence locks."),
        VidRecorded => ("有录像", "Recorded"),
        VidGap => ("无录像", "No footage"),
        VidEventAt => ("事件时刻", "The event"),
        VidFrame => ("画面时间", "Frame time"),
        VidPlay => ("播放", "Play"),
        VidPause => ("暂停", "Pause"),
        VidPlayerHint => ("空格 播放/暂停 · ← / → 5 秒 · Shift+← / → 30 秒 · 点击时间轴跳转 · E 导出片段 · L 证据锁定 · Esc 返回", "Space play/pause · ← / → 5 s · Shift+← / → 30 s · click the timeline to jump · E export · L lock as evidence · Esc back"),
        VidNoH264 => ("这台电脑无法解码 H.264 视频（缺少解码组件），录像不能在此播放；仍可导出片段。", "This PC cannot decode H.264 video (a decoder is missing), so footage cannot play here; it can still be exported."),
        VidElapsed => ("已用时", "elapsed"),
        FtTitle => ("事件录像", "Footage around an event"),
        FtCovers => ("对准该窗口", "At the counter"),
        FtOverview => ("全景", "Overview"),
        FtNoCameras => ("没有摄像机拍到这一时刻。", "No camera shows that moment."),
        FtHint => ("↑ / ↓ 选择摄像机 · Enter 播放 · Esc 返回", "↑ / ↓ pick a camera · Enter plays it · Esc back"),
        FtShare => ("有录像", "recorded"),
        FtAboutAlarm => ("告警", "Alarm"),
        FtAboutTicket => ("号票", "Ticket"),
        FtAboutAction => ("值班长操作", "Supervisor action"),
        FtFootage => ("查看录像", "Footage"),
        FtShort => ("录像", "Footage"),
        AccAt => ("时间", "When"),
        AccWho => ("操作人", "Who"),
        AccWhat => ("操作", "What"),
        AccCamera => ("摄像机", "Camera"),
        AccRange => ("录像时间", "Footage of"),
        AccNote => ("说明", "Note"),
        AccLive => ("实时查看", "Live view"),
        AccPlayback => ("回放", "Playback"),
        AccExport => ("导出", "Export"),
        AccLock => ("证据锁定", "Evidence lock"),
        AccUnlock => ("解除锁定", "Lock released"),
        AccAllCameras => ("全部摄像机", "All cameras"),
        AccEmpty => ("暂无访问记录。", "Nobody has watched anything yet."),
        AccOnwards => ("起（实时）", "onwards (live)"),
    }
}

pub fn text(locale: Locale, t: T) -> &'static str {
    let (zh, en) = pair(t);
    match locale {
        Locale::ZhCn => zh,
        Locale::En => en,
    }
}

/// "3 号窗口" / "Counter 3".
pub fn counter_label(locale: Locale, n: u16) -> String {
    match locale {
        Locale::ZhCn => format!("{n} 号窗口"),
        Locale::En => format!("Counter {n}"),
    }
}

/// A duration as people say it: "3 分 20 秒" / "3 min 20 s".
pub fn duration(locale: Locale, secs: u32) -> String {
    let (m, s) = (secs / 60, secs % 60);
    match (locale, m) {
        (Locale::ZhCn, 0) => format!("{s} 秒"),
        (Locale::ZhCn, _) => format!("{m} 分 {s:02} 秒"),
        (Locale::En, 0) => format!("{s} s"),
        (Locale::En, _) => format!("{m} min {s:02} s"),
    }
}

/// A supervisor's action as a sentence: told to the clerk of the counter it
/// concerns (`yours`), or as a line of the board's record.
pub fn supervisor_notice(locale: Locale, n: &ipc::hall::SupervisorNotice, yours: bool) -> String {
    use ipc::hall::SupervisorActionKind as K;
    let who = &n.staff_name;
    let ticket = n.ticket.map(|t| t.to_string()).unwrap_or_default();
    let counter = n.counter.map(|c| counter_label(locale, c.get()));
    let reason = &n.reason;
    match (locale, yours) {
        (Locale::ZhCn, true) => {
            let what = match n.action {
                K::Pause => "暂停了本窗口".to_owned(),
                K::Close => "为本窗口办理了签退".to_owned(),
                K::Call => format!("将 {ticket} 叫到本窗口"),
                K::Transfer => format!("将 {ticket} 转给本窗口办理"),
            };
            format!("值班长 {who} {what}：{reason}")
        }
        (Locale::En, true) => {
            let what = match n.action {
                K::Pause => "paused your counter".to_owned(),
                K::Close => "signed your counter off".to_owned(),
                K::Call => format!("called {ticket} to your counter"),
                K::Transfer => format!("moved {ticket} to your counter"),
            };
            format!("Hall supervisor {who} {what}: {reason}")
        }
        (Locale::ZhCn, false) => {
            let counter = counter.unwrap_or_default();
            let what = match n.action {
                K::Pause => format!("暂停了 {counter}"),
                K::Close => format!("签退了 {counter}"),
                K::Call => format!("将 {ticket} 叫到 {counter}"),
                K::Transfer if !counter.is_empty() => format!("将 {ticket} 转至 {counter}"),
                K::Transfer => format!(
                    "将 {ticket} 转至 {} 类业务",
                    n.to_business.map(|b| b.to_string()).unwrap_or_default()
                ),
            };
            format!("{who} {what}：{reason}")
        }
        (Locale::En, false) => {
            let counter = counter.unwrap_or_default();
            let what = match n.action {
                K::Pause => format!("paused {counter}"),
                K::Close => format!("signed off {counter}"),
                K::Call => format!("called {ticket} to {counter}"),
                K::Transfer if !counter.is_empty() => format!("moved {ticket} to {counter}"),
                K::Transfer => format!(
                    "moved {ticket} to business {}",
                    n.to_business.map(|b| b.to_string()).unwrap_or_default()
                ),
            };
            format!("{who} {what}: {reason}")
        }
    }
}

/// The words for a counter's status.
pub fn status_text(status: CounterStatus) -> T {
    match status {
        CounterStatus::Open => T::StatusOpen,
        CounterStatus::Paused => T::StatusPaused,
        CounterStatus::Closed => T::StatusClosed,
    }
}

/// The words for where a ticket at a counter stands.
pub fn stage_text(stage: Stage) -> T {
    match stage {
        Stage::Called => T::StageCalled,
        Stage::Serving => T::StageServing,
    }
}

pub fn priority_text(code: &str) -> Option<T> {
    Some(match code {
        "vip" => T::PrioVip,
        "green" => T::PrioGreen,
        "appointment" => T::PrioAppointment,
        "normal" => T::PrioNormal,
        _ => return None,
    })
}

pub fn role_text(role: domain::Role) -> T {
    match role {
        domain::Role::Clerk => T::RoleClerk,
        domain::Role::Supervisor => T::RoleSupervisor,
        domain::Role::Emergency => T::RoleEmergency,
    }
}

/// The language in force, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
}

impl I18n {
    /// Reads the saved choice; Chinese when there is none.
    pub fn provide() -> Self {
        let saved = storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .map(|tag| Locale::from_tag(&tag))
            .unwrap_or_default();
        let i18n = Self {
            locale: RwSignal::new(saved),
        };
        provide_context(i18n);
        i18n
    }

    /// A reactive text: re-renders when the language changes.
    pub fn t(self, t: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || text(self.locale.get(), t)
    }

    pub fn toggle(self) {
        let next = self.locale.get_untracked().other();
        self.locale.set(next);
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, next.tag());
        }
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = doc.document_element() {
                let _ = root.set_attribute("lang", next.tag());
            }
        }
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A device kind's name.
pub fn kind_text(kind: ipc::devices::DeviceKind) -> T {
    use ipc::devices::DeviceKind as K;
    match kind {
        K::Kiosk => T::KindKiosk,
        K::Pad => T::KindPad,
        K::Display => T::KindDisplay,
        K::Terminal => T::KindTerminal,
        K::CounterPc => T::KindCounterPc,
        K::Camera => T::KindCamera,
        K::Switch => T::KindSwitch,
        K::Ups => T::KindUps,
    }
}

/// An alarm severity's name.
pub fn severity_text(s: ipc::devices::Severity) -> T {
    use ipc::devices::Severity as S;
    match s {
        S::Warning => T::SevWarning,
        S::Minor => T::SevMinor,
        S::Major => T::SevMajor,
        S::Critical => T::SevCritical,
    }
}

/// What went wrong, in words.
pub fn fault_text(f: ipc::devices::Fault) -> T {
    use ipc::devices::Fault as F;
    match f {
        F::Offline => T::FaultOffline,
        F::DependantsLost => T::FaultDependantsLost,
        F::PaperLow => T::FaultPaperLow,
        F::PaperOut => T::FaultPaperOut,
        F::PrinterJam => T::FaultPrinterJam,
        F::CardReader => T::FaultCardReader,
        F::CashBoxFull => T::FaultCashBoxFull,
        F::OverTemperature => T::FaultOverTemperature,
        F::OnBattery => T::FaultOnBattery,
        F::BatteryLow => T::FaultBatteryLow,
        F::LinkDown => T::FaultLinkDown,
        F::WaitTooLong => T::FaultWaitTooLong,
        F::SatisfactionLow => T::FaultSatisfactionLow,
        F::StorageFull => T::FaultStorageFull,
    }
}

/// What a person did with video, as the audit names it.
pub fn access_text(a: ipc::video::Access) -> T {
    use ipc::video::Access as A;
    match a {
        A::Live => T::AccLive,
        A::Playback => T::AccPlayback,
        A::Export => T::AccExport,
        A::Lock => T::AccLock,
        A::Unlock => T::AccUnlock,
    }
}
