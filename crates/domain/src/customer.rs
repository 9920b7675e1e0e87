//! How a customer identifies at the kiosk or counter: an account number (户号) or an ID card number.

use crate::ParseError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum CustomerRef {
    /// 户号: 10–13 digits.
    Account(String),
    /// 居民身份证号: 17 digits and a digit or X.
    IdCard(String),
}

impl CustomerRef {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
        match s.len() {
            10..=13 if digits(&s) => Ok(Self::Account(s)),
            18 if digits(&s[..17]) && (s.ends_with('X') || digits(&s[17..])) => Ok(Self::IdCard(s)),
            _ => Err(ParseError::BadCharacter),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Account(s) | Self::IdCard(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_id_cards() {
        assert_eq!(
            CustomerRef::parse(" 330 1234 567 ").unwrap(),
            CustomerRef::Account("3301234567".into())
        );
        assert_eq!(
            CustomerRef::parse("11010519491231002x").unwrap(),
            CustomerRef::IdCard("11010519491231002X".into())
        );
        for bad in [
            "",
            "123",
            "12345678901234",
            "1101051949123100XX",
            "abcdefghij",
        ] {
            assert!(CustomerRef::parse(bad).is_err(), "{bad:?}");
        }
    }
}
