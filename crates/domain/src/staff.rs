//! Staff identity: staff numbers, names, roles, halls and the password policy.

use crate::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A staff number (工号) as printed on the badge: 3–16 ASCII letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StaffNo(String);

impl StaffNo {
    pub const MIN: usize = 3;
    pub const MAX: usize = 16;

    /// Accepts surrounding blanks (a clerk's stray space) but nothing else odd.
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ParseError::BadCharacter);
        }
        if s.len() < Self::MIN {
            return Err(ParseError::TooShort { min: Self::MIN });
        }
        if s.len() > Self::MAX {
            return Err(ParseError::TooLong { max: Self::MAX });
        }
        Ok(Self(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StaffNo {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).map_err(|e| format!("invalid staff number: {e:?}"))
    }
}

impl From<StaffNo> for String {
    fn from(s: StaffNo) -> String {
        s.0
    }
}

impl fmt::Display for StaffNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's display name, 1–32 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StaffName(String);

impl StaffName {
    pub const MAX: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        if s.chars().any(char::is_control) {
            return Err(ParseError::BadCharacter);
        }
        if s.chars().count() > Self::MAX {
            return Err(ParseError::TooLong { max: Self::MAX });
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StaffName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).map_err(|e| format!("invalid staff name: {e:?}"))
    }
}

impl From<StaffName> for String {
    fn from(s: StaffName) -> String {
        s.0
    }
}

/// The code of a business hall (营业厅编码), e.g. `H0101`: 2–16 ASCII letters, digits or `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HallCode(String);

impl HallCode {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ParseError::BadCharacter);
        }
        if s.len() < 2 {
            return Err(ParseError::TooShort { min: 2 });
        }
        if s.len() > 16 {
            return Err(ParseError::TooLong { max: 16 });
        }
        Ok(Self(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HallCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).map_err(|e| format!("invalid hall code: {e:?}"))
    }
}

impl From<HallCode> for String {
    fn from(s: HallCode) -> String {
        s.0
    }
}

impl fmt::Display for HallCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an account may do in a hall. Each role has its own desktop view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 营业员: serves customers at a counter.
    Clerk,
    /// 值班长 / 营业厅主管: watches the hall, devices and service quality.
    Supervisor,
    /// 应急指挥: runs emergency plans.
    Emergency,
    /// 预案编制: a planner of the province, who writes and publishes the
    /// emergency plans (through the hall node they sign in at).
    Planner,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Clerk,
        Role::Supervisor,
        Role::Emergency,
        Role::Planner,
    ];

    /// The stable code stored in databases and sent over the wire.
    pub fn code(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Emergency => "emergency",
            Role::Planner => "planner",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == raw.trim())
            .ok_or(ParseError::Unknown)
    }
}

/// A new password that satisfies the policy: 8–64 characters, not only
/// digits and not only letters, no blanks at either end.
///
/// Only *new* passwords are parsed; a password typed at login is compared
/// as given, so a policy change never locks anyone out.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN: usize = 8;
    pub const MAX: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        if raw.is_empty() {
            return Err(ParseError::Empty);
        }
        if raw.trim() != raw || raw.chars().any(char::is_control) {
            return Err(ParseError::BadCharacter);
        }
        let n = raw.chars().count();
        if n < Self::MIN {
            return Err(ParseError::TooShort { min: Self::MIN });
        }
        if n > Self::MAX {
            return Err(ParseError::TooLong { max: Self::MAX });
        }
        let has_digit = raw.chars().any(|c| c.is_ascii_digit());
        let has_other = raw.chars().any(|c| !c.is_ascii_digit());
        if !(has_digit && has_other) {
            return Err(ParseError::BadCharacter);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_no_is_trimmed_and_uppercased() {
        assert_eq!(StaffNo::parse(" a1001 ").unwrap().as_str(), "A1001");
    }

    #[test]
    fn staff_no_refuses_odd_input() {
        assert_eq!(StaffNo::parse("   "), Err(ParseError::Empty));
        assert_eq!(StaffNo::parse("10 01"), Err(ParseError::BadCharacter));
        assert_eq!(StaffNo::parse("工号1"), Err(ParseError::BadCharacter));
        assert_eq!(StaffNo::parse("12"), Err(ParseError::TooShort { min: 3 }));
        assert_eq!(
            StaffNo::parse(&"9".repeat(17)),
            Err(ParseError::TooLong { max: 16 })
        );
    }

    #[test]
    fn staff_no_deserialization_validates() {
        assert!(serde_json::from_str::<StaffNo>("\"1001\"").is_ok());
        assert!(serde_json::from_str::<StaffNo>("\"1 0\"").is_err());
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Ok(r));
        }
        assert_eq!(Role::parse("admin"), Err(ParseError::Unknown));
    }

    #[test]
    fn password_policy() {
        assert!(Password::parse("demo-1001").is_ok());
        assert_eq!(Password::parse(""), Err(ParseError::Empty));
        assert_eq!(Password::parse("a1"), Err(ParseError::TooShort { min: 8 }));
        assert_eq!(Password::parse("12345678"), Err(ParseError::BadCharacter));
        assert_eq!(Password::parse("abcdefgh"), Err(ParseError::BadCharacter));
        assert_eq!(Password::parse(" abc12345"), Err(ParseError::BadCharacter));
        assert!(format!("{:?}", Password::parse("demo-1001").unwrap()).contains("***"));
    }

    #[test]
    fn names_and_halls() {
        assert_eq!(StaffName::parse(" 李静 ").unwrap().as_str(), "李静");
        assert_eq!(StaffName::parse("a\u{7}"), Err(ParseError::BadCharacter));
        assert_eq!(HallCode::parse("h0101").unwrap().as_str(), "H0101");
        assert_eq!(HallCode::parse("H 1"), Err(ParseError::BadCharacter));
    }
}
