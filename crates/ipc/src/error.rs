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
    /// The account belongs to another hall.
    WrongHall,
    NotSignedIn,
    PasswordWrong,
    PasswordWeak,
    PasswordUnchanged,
    /// The UI is not running inside the desktop shell.
    NoBackend,
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
            WrongHall,
            NotSignedIn,
            PasswordWrong,
            PasswordWeak,
            PasswordUnchanged,
            NoBackend,
            Internal,
        ] {
            let zh = c.message(Locale::ZhCn, None);
            let en = c.message(Locale::En, None);
            assert!(zh.chars().any(|ch| ch as u32 > 0x4e00), "{c:?} zh");
            assert!(en.is_ascii() || en.contains('–'), "{c:?} en");
            assert_ne!(zh, en);
        }
    }
}
