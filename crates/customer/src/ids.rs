//! The customer's identifiers: the account number (户号), the resident ID card number (居民身份证号码) and the mobile number, each valid by construction.
//!
//! Each has `parse` (blanks a clerk types are ignored), `Display` (the
//! canonical form) and serde as that string, deserialised through `parse`
//! so that a bad value never gets in. The ID card number and the mobile
//! number print masked in `Debug`, so a log line never carries them whole;
//! `masked()` is the form a screen or a receipt shows.

use crate::date::Day;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Which identifier a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// 户号.
    Account,
    /// 居民身份证号码.
    IdCard,
    /// 手机号码.
    Phone,
    /// 缴费流水号 (a counter's idempotency key, see [`crate::payment::PaymentKey`]).
    PaymentKey,
}

impl IdKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            IdKind::Account => "户号",
            IdKind::IdCard => "身份证号码",
            IdKind::Phone => "手机号码",
            IdKind::PaymentKey => "缴费流水号",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            IdKind::Account => "account number",
            IdKind::IdCard => "ID card number",
            IdKind::Phone => "mobile number",
            IdKind::PaymentKey => "payment key",
        }
    }

    fn shape_zh(self) -> &'static str {
        match self {
            IdKind::Account => "10 位数字",
            IdKind::IdCard => "18 位：17 位数字加 1 位数字或 X",
            IdKind::Phone => "11 位数字",
            IdKind::PaymentKey => "如 H0101-C03-后接 16–32 位十六进制数",
        }
    }

    fn shape_en(self) -> &'static str {
        match self {
            IdKind::Account => "10 digits",
            IdKind::IdCard => "18 characters: 17 digits and a digit or X",
            IdKind::Phone => "11 digits",
            IdKind::PaymentKey => "like H0101-C03- and 16–32 hex digits",
        }
    }
}

/// Why an identifier was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    Empty(IdKind),
    /// The wrong number of characters (`got`, blanks not counted).
    Length {
        kind: IdKind,
        got: usize,
    },
    /// A character that has no place there (a letter in a number, an X before the last place).
    BadCharacter(IdKind),
    /// Well formed, but the check digit does not match: most often a mistyped digit.
    BadCheckDigit(IdKind),
    /// An ID card number whose first two digits are no province's code.
    BadRegion,
    /// An ID card number whose birth date (positions 7–14) is no calendar day of 1900–2099.
    BadBirthDate,
    /// An ID card number born after the day it is checked on.
    BirthAfterToday,
    /// Eleven digits that are no mainland mobile number (it starts 13–19).
    NotMobile,
    /// A payment key not of the form hall-counter-nonce.
    BadFormat(IdKind),
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::Empty(k) => write!(f, "请输入{}", k.label_zh()),
            IdError::Length { kind, got } => write!(
                f,
                "{}应为{}，输入的是 {got} 位",
                kind.label_zh(),
                kind.shape_zh()
            ),
            IdError::BadCharacter(k) => {
                write!(
                    f,
                    "{}含有不允许的字符（应为{}）",
                    k.label_zh(),
                    k.shape_zh()
                )
            }
            IdError::BadCheckDigit(k) => {
                write!(f, "{}校验位不符，请核对是否输错", k.label_zh())
            }
            IdError::BadRegion => f.write_str("身份证号码前两位不是有效的省级行政区划代码"),
            IdError::BadBirthDate => {
                f.write_str("身份证号码中的出生日期（第 7–14 位）不是 1900–2099 年间的有效日期")
            }
            IdError::BirthAfterToday => f.write_str("身份证号码中的出生日期晚于今天"),
            IdError::NotMobile => f.write_str("不是有效的手机号码（应以 13–19 开头）"),
            IdError::BadFormat(k) => write!(f, "{}格式不符（{}）", k.label_zh(), k.shape_zh()),
        }
    }
}

impl std::error::Error for IdError {}

impl IdError {
    /// The reason in English (`Display` gives it in Chinese).
    pub fn en(&self) -> String {
        match self {
            IdError::Empty(k) => format!("Enter the {}", k.label_en()),
            IdError::Length { kind, got } => format!(
                "An {} is {}; this has {got}",
                kind.label_en(),
                kind.shape_en()
            ),
            IdError::BadCharacter(k) => format!(
                "The {} has a character that does not belong ({})",
                k.label_en(),
                k.shape_en()
            ),
            IdError::BadCheckDigit(k) => format!(
                "The {}'s check digit does not match: a digit is probably mistyped",
                k.label_en()
            ),
            IdError::BadRegion => "The ID card number does not start with a province's code".into(),
            IdError::BadBirthDate => {
                "The birth date in the ID card number (positions 7–14) is no day of 1900–2099"
                    .into()
            }
            IdError::BirthAfterToday => {
                "The birth date in the ID card number is after today".into()
            }
            IdError::NotMobile => "Not a mainland mobile number (it starts 13–19)".into(),
            IdError::BadFormat(k) => format!("The {} is not {}", k.label_en(), k.shape_en()),
        }
    }
}

/// The characters of `raw` without ASCII or full-width blanks.
fn compact(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect()
}

/// The Luhn (mod 10) check digit of the `len` lowest decimal digits of `payload`.
fn luhn_digit(mut payload: u64, len: u32) -> u64 {
    let mut sum = 0;
    for i in 0..len {
        let mut d = payload % 10;
        payload /= 10;
        // The digit next to the check digit is doubled, then every other one.
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    (10 - sum % 10) % 10
}

/// 户号: ten digits, the last a Luhn (mod 10) check digit over the first nine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountNo(u64);

impl AccountNo {
    pub const LEN: usize = 10;
    /// The largest serial [`AccountNo::from_serial`] takes (nine digits).
    pub const MAX_SERIAL: u64 = 999_999_999;

    /// The account number of a nine-digit serial (its check digit appended);
    /// `None` above [`AccountNo::MAX_SERIAL`].
    pub fn from_serial(serial: u64) -> Option<AccountNo> {
        (serial <= Self::MAX_SERIAL).then(|| AccountNo(serial * 10 + luhn_digit(serial, 9)))
    }

    /// The nine digits before the check digit.
    pub fn serial(self) -> u64 {
        self.0 / 10
    }

    pub fn parse(raw: &str) -> Result<AccountNo, IdError> {
        const K: IdKind = IdKind::Account;
        let s = compact(raw);
        if s.is_empty() {
            return Err(IdError::Empty(K));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::BadCharacter(K));
        }
        if s.len() != Self::LEN {
            return Err(IdError::Length {
                kind: K,
                got: s.chars().count(),
            });
        }
        let n: u64 = s.parse().map_err(|_| IdError::BadCharacter(K))?;
        if luhn_digit(n / 10, 9) != n % 10 {
            return Err(IdError::BadCheckDigit(K));
        }
        Ok(AccountNo(n))
    }
}

impl fmt::Display for AccountNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:010}", self.0)
    }
}

/// ISO 7064 MOD 11-2 weights of GB 11643-1999, positions 1–17.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum mod 11.
const ID_CHECK: &[u8; 11] = b"10X98765432";
/// The first two digits of a province-level division (GB/T 2260), and 81–83
/// for the residence permits of Hong Kong, Macao and Taiwan residents.
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];
const PROVINCE_TW_PERMIT: u8 = 83;

/// The check character of the first 17 digits (ASCII) of an ID card number.
pub fn id_check_char(first17: &[u8; 17]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    ID_CHECK[(sum % 11) as usize]
}

/// 居民身份证号码 (GB 11643-1999): six digits of the region, eight of the
/// birth date, three of a sequence (odd for men) and the ISO 7064 MOD 11-2
/// check character (0–9 or X).
///
/// `parse` takes a birth date on any calendar day of 1900–2099; a caller who
/// knows today's date refuses a future birth with [`IdCardNo::check_birth`].
/// A lower-case x is taken and stored as X.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdCardNo([u8; 18]);

impl IdCardNo {
    pub const LEN: usize = 18;

    pub fn parse(raw: &str) -> Result<IdCardNo, IdError> {
        const K: IdKind = IdKind::IdCard;
        let s = compact(raw);
        if s.is_empty() {
            return Err(IdError::Empty(K));
        }
        let n = s.chars().count();
        let ok = |i: usize, c: char| c.is_ascii_digit() || (i == 17 && (c == 'X' || c == 'x'));
        // An X past the 18th place is a length fault, not a character one.
        if !s.chars().enumerate().all(|(i, c)| ok(i.min(17), c)) {
            return Err(IdError::BadCharacter(K));
        }
        if n != Self::LEN {
            return Err(IdError::Length { kind: K, got: n });
        }
        let mut b = [0u8; 18];
        b.copy_from_slice(s.to_ascii_uppercase().as_bytes());
        let id = IdCardNo(b);
        let first17: &[u8; 17] = b[..17].try_into().map_err(|_| IdError::BadCharacter(K))?;
        if id_check_char(first17) != b[17] {
            return Err(IdError::BadCheckDigit(K));
        }
        let province = (b[0] - b'0') * 10 + (b[1] - b'0');
        if !PROVINCES.contains(&province) && province != PROVINCE_TW_PERMIT {
            return Err(IdError::BadRegion);
        }
        id.birth().ok_or(IdError::BadBirthDate)?;
        Ok(id)
    }

    /// Builds the number of a region code (6 digits), a birth date and a
    /// sequence (0–999; its parity is the sex): what the generator uses.
    /// `None` when the region or the date does not fit.
    pub fn from_parts(region: u32, birth: Day, sequence: u16) -> Option<IdCardNo> {
        let (y, m, d) = birth.ymd();
        if !(100_000..=999_999).contains(&region) || sequence > 999 || !(1900..=2099).contains(&y) {
            return None;
        }
        let text = format!("{region:06}{y:04}{m:02}{d:02}{sequence:03}");
        let mut b = [0u8; 18];
        b[..17].copy_from_slice(text.as_bytes());
        let first17: &[u8; 17] = b[..17].try_into().ok()?;
        b[17] = id_check_char(first17);
        let id = IdCardNo(b);
        IdCardNo::parse(id.as_str()).ok()
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits and X are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The six digits of the region where the number was issued.
    pub fn region(&self) -> &str {
        &self.as_str()[..6]
    }

    /// The birth date, `None` only for a number that did not come through `parse`.
    pub fn birth(&self) -> Option<Day> {
        let s = self.as_str();
        let y: i32 = s[6..10].parse().ok()?;
        let m: u8 = s[10..12].parse().ok()?;
        let d: u8 = s[12..14].parse().ok()?;
        if !(1900..=2099).contains(&y) {
            return None;
        }
        Day::from_ymd(y, m, d)
    }

    /// Refuses a birth date after `today`.
    pub fn check_birth(&self, today: Day) -> Result<(), IdError> {
        match self.birth() {
            Some(b) if b <= today => Ok(()),
            Some(_) => Err(IdError::BirthAfterToday),
            None => Err(IdError::BadBirthDate),
        }
    }

    /// Age in whole years on `today` (0 before the first birthday, and for a future birth).
    pub fn age_on(&self, today: Day) -> u32 {
        let Some(birth) = self.birth() else { return 0 };
        let (by, bm, bd) = birth.ymd();
        let (ty, tm, td) = today.ymd();
        let years = ty - by - i32::from((tm, td) < (bm, bd));
        years.max(0) as u32
    }

    /// The 17th digit is odd for men.
    pub fn is_male(&self) -> bool {
        (self.0[16] - b'0') % 2 == 1
    }

    /// `330102********123X`: the region and the last four, the birth date and
    /// the rest hidden.
    pub fn masked(&self) -> String {
        let s = self.as_str();
        format!("{}********{}", &s[..6], &s[14..])
    }
}

impl fmt::Display for IdCardNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for IdCardNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdCardNo({})", self.masked())
    }
}

/// A mainland mobile number: eleven digits, `1` then 3–9. Typed with
/// blanks, hyphens or a `+86` / `86` in front, it is taken without them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(u64);

impl Phone {
    pub const LEN: usize = 11;

    pub fn parse(raw: &str) -> Result<Phone, IdError> {
        const K: IdKind = IdKind::Phone;
        let s: String = compact(raw).chars().filter(|c| *c != '-').collect();
        let s = s
            .strip_prefix('+')
            .map_or(s.as_str(), |rest| rest.strip_prefix("86").unwrap_or(rest));
        let s = match s.strip_prefix("86") {
            Some(rest) if rest.len() == Self::LEN => rest,
            _ => s,
        };
        if s.is_empty() {
            return Err(IdError::Empty(K));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::BadCharacter(K));
        }
        if s.len() != Self::LEN {
            return Err(IdError::Length {
                kind: K,
                got: s.len(),
            });
        }
        let b = s.as_bytes();
        if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
            return Err(IdError::NotMobile);
        }
        s.parse().map(Phone).map_err(|_| IdError::BadCharacter(K))
    }

    /// `138****1234`.
    pub fn masked(&self) -> String {
        let s = self.to_string();
        format!("{}****{}", &s[..3], &s[7..])
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:011}", self.0)
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

/// Serialises a type as its `Display` string and deserialises it through its `parse`.
macro_rules! serde_via_parse {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                <$t>::parse(&raw).map_err(|e| serde::de::Error::custom(e.en()))
            }
        }
    )*};
}

serde_via_parse!(AccountNo, IdCardNo, Phone);
pub(crate) use serde_via_parse;
