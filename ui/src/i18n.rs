//! The UI's texts in Simplified Chinese (first) and English, and the language in force.

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
    ClerkPending,
    SupervisorPending,
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
        ClerkPending => (
            "本机尚未接入营业厅排队服务。接入后，叫号、当前客户与业务办理在此页面进行。",
            "This PC is not connected to the hall queue service yet. Once it is, calling tickets, the current customer and business handling happen on this page.",
        ),
        SupervisorPending => (
            "本机尚未接入营业厅排队服务。接入后，各业务排队、窗口状态与满意度在此页面实时显示。",
            "This PC is not connected to the hall queue service yet. Once it is, queues per business, counter states and satisfaction show here live.",
        ),
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
    }
}

pub fn text(locale: Locale, t: T) -> &'static str {
    let (zh, en) = pair(t);
    match locale {
        Locale::ZhCn => zh,
        Locale::En => en,
    }
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
