//! Civil dates without a clock: a day (`Day`, days since 1970-01-01) and a billing month (`Month`, YYYYMM).
//!
//! The calendar is the proleptic Gregorian one, computed with Howard
//! Hinnant's days-from-civil algorithm (integer only, exact for every year
//! 1–9999 that `parse` accepts). Halls keep China Standard Time, UTC+8 all
//! year (no daylight saving), so a payment's instant maps to its day with
//! [`Day::from_millis_cst`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
/// China Standard Time's offset from UTC, in milliseconds (UTC+8, no DST).
pub const CST_OFFSET_MS: i64 = 8 * 3_600_000;

/// Why a date or a month was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not `YYYY-MM-DD` (a day) or `YYYYMM` (a month).
    BadFormat,
    /// The shape is right but the calendar has no such day or month (e.g. 2023-02-29, 202413).
    NoSuchDate,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::BadFormat => {
                f.write_str("日期格式应为 YYYY-MM-DD（年月日）或 YYYYMM（年月）")
            }
            DateError::NoSuchDate => f.write_str("日历上没有这一天（或这个月）"),
        }
    }
}

impl std::error::Error for DateError {}

impl DateError {
    /// The reason in English (`Display` gives it in Chinese).
    pub fn en(&self) -> String {
        match self {
            DateError::BadFormat => "A date is YYYY-MM-DD and a month YYYYMM".into(),
            DateError::NoSuchDate => "The calendar has no such day (or month)".into(),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian `(year, month, day)` that is known to be valid.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400; // [0, 399]
    let mp = i64::from((m + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days of a month (`month` 1–12).
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A civil day: days since 1970-01-01 (negative before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Day(i32);

impl Day {
    /// 1970-01-01.
    pub const EPOCH: Day = Day(0);

    /// The day of a calendar date, `None` when there is no such date (years 1–9999).
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Day> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        let days = days_from_civil(i64::from(year), u32::from(month), u32::from(day));
        Some(Day(days as i32))
    }

    /// The day `days` days after 1970-01-01.
    pub const fn from_days(days: i32) -> Day {
        Day(days)
    }

    /// Days since 1970-01-01.
    pub const fn days(self) -> i32 {
        self.0
    }

    /// `(year, month 1–12, day 1–31)`.
    pub fn ymd(self) -> (i32, u8, u8) {
        let (y, m, d) = civil_from_days(i64::from(self.0));
        (y as i32, m as u8, d as u8)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// The billing month this day falls in.
    pub fn month(self) -> Month {
        let (y, m, _) = self.ymd();
        Month::index(y, m)
    }

    /// This day moved by `n` days (either way).
    pub fn add_days(self, n: i32) -> Day {
        Day(self.0.saturating_add(n))
    }

    /// Days from `earlier` to `self` (negative when `earlier` is later).
    pub fn days_since(self, earlier: Day) -> i32 {
        self.0 - earlier.0
    }

    /// The day (China Standard Time) of an instant in milliseconds since the Unix epoch.
    pub fn from_millis_cst(ms: i64) -> Day {
        Day((ms + CST_OFFSET_MS).div_euclid(DAY_MS) as i32)
    }

    /// The instant this day starts, China Standard Time, in milliseconds since the Unix epoch.
    pub fn start_millis_cst(self) -> i64 {
        i64::from(self.0) * DAY_MS - CST_OFFSET_MS
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(raw: &str) -> Result<Day, DateError> {
        let b = raw.trim().as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::BadFormat);
        }
        let y = digits(&b[0..4]).ok_or(DateError::BadFormat)?;
        let m = digits(&b[5..7]).ok_or(DateError::BadFormat)?;
        let d = digits(&b[8..10]).ok_or(DateError::BadFormat)?;
        Day::from_ymd(y as i32, m as u8, d as u8).ok_or(DateError::NoSuchDate)
    }
}

/// The value of an all-ASCII-digit slice.
fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0')))
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// A billing month, stored as `year * 12 + (month - 1)` so that months order and step simply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month(i32);

impl Month {
    fn index(year: i32, month: u8) -> Month {
        Month(year * 12 + i32::from(month) - 1)
    }

    /// The month, `None` outside years 1–9999 or months 1–12.
    pub fn from_ym(year: i32, month: u8) -> Option<Month> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month)).then(|| Month::index(year, month))
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1–12.
    pub fn month(self) -> u8 {
        (self.0.rem_euclid(12) + 1) as u8
    }

    pub fn next(self) -> Month {
        Month(self.0 + 1)
    }

    pub fn prev(self) -> Month {
        Month(self.0 - 1)
    }

    /// This month moved by `n` months (either way).
    pub fn add_months(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// Months from `earlier` to `self`.
    pub fn months_since(self, earlier: Month) -> i32 {
        self.0 - earlier.0
    }

    pub fn first_day(self) -> Day {
        let days = days_from_civil(i64::from(self.year()), u32::from(self.month()), 1);
        Day(days.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
    }

    pub fn last_day(self) -> Day {
        self.next().first_day().add_days(-1)
    }

    pub fn days(self) -> u8 {
        days_in_month(self.year(), self.month())
    }

    /// Parses `YYYYMM`.
    pub fn parse(raw: &str) -> Result<Month, DateError> {
        let b = raw.trim().as_bytes();
        if b.len() != 6 {
            return Err(DateError::BadFormat);
        }
        let y = digits(&b[0..4]).ok_or(DateError::BadFormat)?;
        let m = digits(&b[4..6]).ok_or(DateError::BadFormat)?;
        Month::from_ym(y as i32, m as u8).ok_or(DateError::NoSuchDate)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}", self.year(), self.month())
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Day::parse(&raw).map_err(|e| serde::de::Error::custom(format!("{raw:?}: {}", e.en())))
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Month::parse(&raw).map_err(|e| serde::de::Error::custom(format!("{raw:?}: {}", e.en())))
    }
}
