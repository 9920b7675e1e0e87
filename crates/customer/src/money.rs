//! Money in fen (分, 1 yuan = 100 fen), integer only, and how an amount typed at a counter is read.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An amount in fen. Negative amounts exist (a prepaid balance overdrawn, a
/// cash-up short); a payment's amount is always positive.
///
/// The operators are plain `i64` arithmetic (amounts stay many orders of
/// magnitude below overflow); `checked_add` / `checked_sub` are there for
/// sums of untrusted input.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

/// The most one payment may be: ¥1,000,000.00. More is a typing error, or a
/// transfer that does not go through a counter.
pub const MAX_PAYMENT: Fen = Fen(100_000_000);

/// Why a typed amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    /// Not a number of yuan like `123`, `123.4` or `123.45` (thousands may be grouped `1,234.56`).
    BadFormat,
    /// More than two decimals: there is nothing below a fen.
    TooManyDecimals,
    Zero,
    Negative,
    /// Above [`MAX_PAYMENT`].
    TooLarge,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyError::Empty => f.write_str("请输入金额"),
            MoneyError::BadFormat => f.write_str("金额格式不对（以元为单位，如 123.45）"),
            MoneyError::TooManyDecimals => f.write_str("金额最多两位小数（精确到分）"),
            MoneyError::Zero => f.write_str("金额不能为零"),
            MoneyError::Negative => f.write_str("金额不能为负数"),
            MoneyError::TooLarge => write!(f, "单笔金额不能超过 {MAX_PAYMENT}"),
        }
    }
}

impl std::error::Error for MoneyError {}

impl MoneyError {
    /// The reason in English (`Display` gives it in Chinese).
    pub fn en(&self) -> String {
        match self {
            MoneyError::Empty => "Enter an amount".into(),
            MoneyError::BadFormat => "Not an amount in yuan (like 123.45)".into(),
            MoneyError::TooManyDecimals => "At most two decimals (to the fen)".into(),
            MoneyError::Zero => "The amount cannot be zero".into(),
            MoneyError::Negative => "The amount cannot be negative".into(),
            MoneyError::TooLarge => format!("One payment is at most {MAX_PAYMENT}"),
        }
    }
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan.
    pub const fn yuan(y: i64) -> Fen {
        Fen(y * 100)
    }

    /// Reads a payment amount typed in yuan: `123`, `123.4`, `123.45`,
    /// optionally with `¥`/`￥` in front and thousands grouped by commas as
    /// `Display` writes them. Refuses more than two decimals, zero, negative
    /// amounts and anything above [`MAX_PAYMENT`].
    pub fn parse_yuan(raw: &str) -> Result<Fen, MoneyError> {
        let s = raw.trim();
        let s = s
            .strip_prefix('¥')
            .or_else(|| s.strip_prefix('￥'))
            .unwrap_or(s)
            .trim_start();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        if s.starts_with(['-', '−']) {
            return Err(MoneyError::Negative);
        }
        let s = s.strip_prefix('+').unwrap_or(s);
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        let int = ungroup(int).ok_or(MoneyError::BadFormat)?;
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::BadFormat);
        }
        let frac = frac.unwrap_or("");
        if (s.contains('.') && frac.is_empty()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::BadFormat);
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        let int = int.trim_start_matches('0');
        // Eight or more integer digits are at least ¥10,000,000: far too much.
        if int.len() > 7 {
            return Err(MoneyError::TooLarge);
        }
        let yuan: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| MoneyError::BadFormat)?
        };
        let mut cents: i64 = frac.parse().unwrap_or(0);
        if frac.len() == 1 {
            cents *= 10;
        }
        let fen = Fen(yuan * 100 + cents);
        if fen == Fen::ZERO {
            return Err(MoneyError::Zero);
        }
        if fen > MAX_PAYMENT {
            return Err(MoneyError::TooLarge);
        }
        Ok(fen)
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// The checked sum of many amounts (`None` on overflow).
    pub fn checked_sum<I: IntoIterator<Item = Fen>>(amounts: I) -> Option<Fen> {
        amounts
            .into_iter()
            .try_fold(Fen::ZERO, |acc, a| acc.checked_add(a))
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// This amount, or zero when it is negative.
    pub fn at_least_zero(self) -> Fen {
        Fen(self.0.max(0))
    }
}

/// The integer part without its thousands commas, `None` when they do not
/// group by three (`1,234` yes, `12,34` no).
fn ungroup(int: &str) -> Option<String> {
    if !int.contains(',') {
        return Some(int.to_owned());
    }
    let mut groups = int.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut out = first.to_owned();
    for g in groups {
        if g.len() != 3 {
            return None;
        }
        out.push_str(g);
    }
    Some(out)
}

/// `¥1,234.56`, `-¥0.05`.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let digits = (abs / 100).to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}¥{grouped}.{:02}", abs % 100)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, o: Fen) -> Fen {
        Fen(self.0 + o.0)
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, o: Fen) -> Fen {
        Fen(self.0 - o.0)
    }
}

impl Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, o: Fen) {
        self.0 += o.0;
    }
}

impl SubAssign for Fen {
    fn sub_assign(&mut self, o: Fen) {
        self.0 -= o.0;
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        iter.copied().sum()
    }
}
