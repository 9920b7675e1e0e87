//! The customer information model: customers, accounts with their meters and seals, readings, bills and payments, as the province stores and replicates them, each with a `check()` of its bounds.
//!
//! These are plain serde data. Identifiers, money and dates are typed and
//! valid by construction; free text is bounded by the consts below, which a
//! CSV import and the API enforce by calling `check()` before storing.

use crate::billing::amount_for;
use crate::date::{Day, Month};
use crate::ids::{AccountNo, IdCardNo, Phone};
use crate::money::{Fen, MAX_PAYMENT};
use crate::payment::PaymentKey;
use domain::{HallCode, StaffNo};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A customer's (person's or business's) name: 1–40 characters.
pub const MAX_NAME: usize = 40;
/// A supply address: 1–120 characters.
pub const MAX_ADDRESS: usize = 120;
/// A service area code: 2–12 ASCII letters or digits (e.g. the district code `330102`).
pub const MAX_AREA: usize = 12;
pub const MIN_AREA: usize = 2;
/// Phone numbers kept for one customer.
pub const MAX_PHONES: usize = 3;
/// Meters on one account (at least one).
pub const MAX_METERS: usize = 8;
/// A meter's asset number: 1–24 ASCII letters or digits.
pub const MAX_METER_NO: usize = 24;
/// A seal's number: 1–20 ASCII letters or digits.
pub const MAX_SEAL_NO: usize = 20;
/// Entries of one meter's seal history.
pub const MAX_SEAL_EVENTS: usize = 64;
/// Who handled a seal (a staff number or a name): 1–20 characters.
pub const MAX_BY: usize = 20;
/// The most one account may use in a month, kWh (a large business; more is a misreading).
pub const MAX_MONTH_KWH: u32 = 10_000_000;
/// Lines on one bill.
pub const MAX_BILL_LINES: usize = 8;
/// The highest low-balance threshold of a prepaid account: ¥10,000.00.
pub const MAX_THRESHOLD: Fen = Fen(1_000_000);

/// The province's number of a customer.
pub type CustomerId = u64;

/// A person or a business (or another organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKind {
    /// 居民（个人）.
    Individual,
    /// 单位（企业、商户）.
    Business,
}

/// How a customer is to be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceGrade {
    Normal,
    /// 重要客户.
    Vip,
    /// 敏感客户: complained or escalated before; served with care, by a senior clerk.
    Sensitive,
    /// 老年客户.
    Elderly,
}

impl ServiceGrade {
    pub fn label_zh(self) -> &'static str {
        match self {
            ServiceGrade::Normal => "普通客户",
            ServiceGrade::Vip => "重要客户",
            ServiceGrade::Sensitive => "敏感客户",
            ServiceGrade::Elderly => "老年客户",
        }
    }
}

/// 信用等级, A the best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CreditGrade {
    A,
    B,
    C,
    D,
}

/// A customer of the province.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    pub kind: CustomerKind,
    pub name: String,
    /// A person's ID card (absent for a business, and for old records).
    #[serde(default)]
    pub id_card: Option<IdCardNo>,
    #[serde(default)]
    pub phones: Vec<Phone>,
    pub grade: ServiceGrade,
    pub credit: CreditGrade,
}

/// The tariff an account is billed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tariff {
    /// 居民阶梯电价, tiers by the month's use.
    ResidentialTiered,
    /// 一般工商业电价, one flat price.
    Business,
}

impl Tariff {
    /// Residential accounts pay the residential late fee (1‰ a day).
    pub fn is_residential(self) -> bool {
        matches!(self, Tariff::ResidentialTiered)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Tariff::ResidentialTiered => "居民阶梯电价",
            Tariff::Business => "一般工商业电价",
        }
    }
}

/// A seal's state at one entry of its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SealState {
    /// 加封.
    Installed,
    /// 检查完好.
    Inspected,
    /// 发现破损（或启封）.
    Broken,
    /// 拆除更换: the seal is gone; a new one is installed under its own number.
    Replaced,
}

/// One entry of a meter's seal history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    pub no: String,
    pub state: SealState,
    pub at: Day,
    pub by: String,
}

/// A meter and the history of its seals, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meter {
    pub no: String,
    #[serde(default)]
    pub seals: Vec<Seal>,
}

/// A smart-payment (费控) account's balance and the level below which the customer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prepaid {
    /// May be negative: the account is overdrawn until it is cut off.
    pub balance: Fen,
    pub threshold: Fen,
}

impl Prepaid {
    pub fn is_low(&self) -> bool {
        self.balance < self.threshold
    }
}

/// An electricity account (用电户), the thing a bill and a payment are for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub no: AccountNo,
    pub customer: CustomerId,
    pub address: String,
    /// The service area a hall serves.
    pub area: String,
    pub tariff: Tariff,
    pub meters: Vec<Meter>,
    #[serde(default)]
    pub prepaid: Option<Prepaid>,
}

/// One month's use of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    pub account: AccountNo,
    pub month: Month,
    pub kwh: u32,
}

/// A price per kWh in ten-thousandths of a yuan (0.01 fen): ¥0.5380 is `PricePerKwh(5380)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PricePerKwh(pub u32);

/// `¥0.5380/kWh`.
impl fmt::Display for PricePerKwh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¥{}.{:04}/kWh", self.0 / 10_000, self.0 % 10_000)
    }
}

/// What a bill line charges for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineItem {
    /// 第一档.
    Tier1,
    /// 第二档.
    Tier2,
    /// 第三档.
    Tier3,
    /// 一般工商业（单一电价）.
    Flat,
}

impl LineItem {
    pub fn label_zh(self) -> &'static str {
        match self {
            LineItem::Tier1 => "第一档电量",
            LineItem::Tier2 => "第二档电量",
            LineItem::Tier3 => "第三档电量",
            LineItem::Flat => "一般工商业电量",
        }
    }
}

/// One line of a bill: kWh at a price, and the amount rounded to the fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillLine {
    pub item: LineItem,
    pub kwh: u32,
    pub price: PricePerKwh,
    pub amount: Fen,
}

/// A month's electricity bill of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bill {
    pub account: AccountNo,
    pub month: Month,
    /// The tariff it was billed under (it decides the late-fee rate).
    pub tariff: Tariff,
    pub kwh: u32,
    pub lines: Vec<BillLine>,
    pub amount: Fen,
    /// The last day to pay without a late fee.
    pub due: Day,
}

/// How a payment was made at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    /// 现金.
    Cash,
    /// 银行卡.
    Card,
    /// 扫码（微信、支付宝）.
    Qr,
}

impl PayMethod {
    pub const ALL: [PayMethod; 3] = [PayMethod::Cash, PayMethod::Card, PayMethod::Qr];

    pub fn label_zh(self) -> &'static str {
        match self {
            PayMethod::Cash => "现金",
            PayMethod::Card => "银行卡",
            PayMethod::Qr => "扫码",
        }
    }
}

/// A payment taken at a counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// The counter's idempotency key: the same key twice is one payment.
    pub key: PaymentKey,
    pub account: AccountNo,
    pub amount: Fen,
    pub method: PayMethod,
    /// When it was taken, milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub hall: HallCode,
    /// The counter (窗口) number, 1–999.
    pub counter: u16,
    pub clerk: StaffNo,
}

/// Why a record was refused by its `check()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    BadName,
    BadAddress,
    BadArea,
    TooManyPhones,
    DuplicatePhone,
    /// An ID card number on a business customer.
    IdCardOnBusiness,
    NoMeter,
    TooManyMeters,
    BadMeterNo,
    DuplicateMeter(String),
    TooManySealEvents(String),
    /// A seal entry's number or handler is empty or too long.
    BadSeal(String),
    /// A meter's seal history is not oldest first.
    SealOutOfOrder(String),
    /// A seal's first entry is not its installation, or it has entries after its replacement.
    SealStory(String),
    BadThreshold,
    TooManyKwh,
    /// A bill's lines do not add up to its kWh and amount, or a line's amount is not its kWh at its price.
    BillDoesNotAddUp,
    TooManyLines,
    /// A bill due before its month is over.
    DueTooEarly,
    /// A payment's amount is zero, negative or above [`MAX_PAYMENT`].
    BadAmount,
    /// A payment's key was made at another hall or counter than the payment names.
    KeyMismatch,
    BadCounter,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::BadName => write!(f, "客户名称应为 1–{MAX_NAME} 个字，且不含控制字符"),
            ModelError::BadAddress => {
                write!(f, "用电地址应为 1–{MAX_ADDRESS} 个字，且不含控制字符")
            }
            ModelError::BadArea => write!(f, "供电区域编码应为 {MIN_AREA}–{MAX_AREA} 位字母或数字"),
            ModelError::TooManyPhones => write!(f, "一个客户最多登记 {MAX_PHONES} 个电话"),
            ModelError::DuplicatePhone => f.write_str("电话号码重复登记"),
            ModelError::IdCardOnBusiness => f.write_str("单位客户不登记居民身份证号码"),
            ModelError::NoMeter => f.write_str("用电户至少要有一块电能表"),
            ModelError::TooManyMeters => write!(f, "一个用电户最多 {MAX_METERS} 块电能表"),
            ModelError::BadMeterNo => write!(f, "电能表资产编号应为 1–{MAX_METER_NO} 位字母或数字"),
            ModelError::DuplicateMeter(no) => write!(f, "电能表 {no} 重复"),
            ModelError::TooManySealEvents(no) => {
                write!(f, "电能表 {no} 的封印记录超过 {MAX_SEAL_EVENTS} 条")
            }
            ModelError::BadSeal(no) => write!(
                f,
                "封印 {no} 的编号（1–{MAX_SEAL_NO} 位字母或数字）或经办人（1–{MAX_BY} 字）不合规"
            ),
            ModelError::SealOutOfOrder(no) => write!(f, "电能表 {no} 的封印记录未按时间先后排列"),
            ModelError::SealStory(no) => write!(
                f,
                "封印 {no} 的记录不合规（应先加封，拆除更换后不再有记录）"
            ),
            ModelError::BadThreshold => {
                write!(f, "余额提醒阈值应在 ¥0.00 到 {MAX_THRESHOLD} 之间")
            }
            ModelError::TooManyKwh => {
                write!(f, "月用电量超过 {MAX_MONTH_KWH} 千瓦时，请核对抄表数")
            }
            ModelError::BillDoesNotAddUp => f.write_str("电费账单各行的电量或金额与合计不符"),
            ModelError::TooManyLines => write!(f, "一张账单最多 {MAX_BILL_LINES} 行"),
            ModelError::DueTooEarly => f.write_str("缴费截止日早于账单月份结束"),
            ModelError::BadAmount => write!(f, "缴费金额应大于零且不超过 {MAX_PAYMENT}"),
            ModelError::KeyMismatch => f.write_str("缴费流水号与营业厅或窗口不符"),
            ModelError::BadCounter => f.write_str("窗口号应为 1–999"),
        }
    }
}

impl std::error::Error for ModelError {}

impl ModelError {
    /// The reason in English (`Display` gives it in Chinese).
    pub fn en(&self) -> String {
        match self {
            ModelError::BadName => {
                format!("A customer's name is 1–{MAX_NAME} characters, no control characters")
            }
            ModelError::BadAddress => {
                format!("An address is 1–{MAX_ADDRESS} characters, no control characters")
            }
            ModelError::BadArea => {
                format!("A service area code is {MIN_AREA}–{MAX_AREA} ASCII letters or digits")
            }
            ModelError::TooManyPhones => format!("A customer has at most {MAX_PHONES} phones"),
            ModelError::DuplicatePhone => "A phone number is listed twice".into(),
            ModelError::IdCardOnBusiness => "A business customer has no resident ID card".into(),
            ModelError::NoMeter => "An account has at least one meter".into(),
            ModelError::TooManyMeters => format!("An account has at most {MAX_METERS} meters"),
            ModelError::BadMeterNo => {
                format!("A meter number is 1–{MAX_METER_NO} ASCII letters or digits")
            }
            ModelError::DuplicateMeter(no) => format!("Meter {no} is listed twice"),
            ModelError::TooManySealEvents(no) => {
                format!("Meter {no} has more than {MAX_SEAL_EVENTS} seal entries")
            }
            ModelError::BadSeal(no) => format!(
                "Seal {no}: its number (1–{MAX_SEAL_NO} ASCII letters or digits) or handler (1–{MAX_BY} characters) is wrong"
            ),
            ModelError::SealOutOfOrder(no) => {
                format!("Meter {no}'s seal history is not oldest first")
            }
            ModelError::SealStory(no) => format!(
                "Seal {no}: its history must start with its installation and end at its replacement"
            ),
            ModelError::BadThreshold => {
                format!("A low-balance threshold is between ¥0.00 and {MAX_THRESHOLD}")
            }
            ModelError::TooManyKwh => {
                format!("More than {MAX_MONTH_KWH} kWh in a month: check the reading")
            }
            ModelError::BillDoesNotAddUp => {
                "The bill's lines do not add up to its kWh or amount".into()
            }
            ModelError::TooManyLines => format!("A bill has at most {MAX_BILL_LINES} lines"),
            ModelError::DueTooEarly => "The bill is due before its month is over".into(),
            ModelError::BadAmount => {
                format!("A payment is more than zero and at most {MAX_PAYMENT}")
            }
            ModelError::KeyMismatch => {
                "The payment key was made at another hall or counter".into()
            }
            ModelError::BadCounter => "A counter number is 1–999".into(),
        }
    }
}

/// 1–`max` characters once trimmed, no control characters.
pub(crate) fn text_ok(raw: &str, max: usize) -> bool {
    let n = raw.trim().chars().count();
    (1..=max).contains(&n) && !raw.chars().any(char::is_control)
}

fn code_ok(raw: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A service area code: 2–12 ASCII letters or digits.
pub fn area_ok(raw: &str) -> bool {
    code_ok(raw, MIN_AREA, MAX_AREA)
}

impl Customer {
    pub fn check(&self) -> Result<(), ModelError> {
        if !text_ok(&self.name, MAX_NAME) {
            return Err(ModelError::BadName);
        }
        if self.phones.len() > MAX_PHONES {
            return Err(ModelError::TooManyPhones);
        }
        let distinct: BTreeSet<_> = self.phones.iter().collect();
        if distinct.len() != self.phones.len() {
            return Err(ModelError::DuplicatePhone);
        }
        if self.kind == CustomerKind::Business && self.id_card.is_some() {
            return Err(ModelError::IdCardOnBusiness);
        }
        Ok(())
    }
}

impl Meter {
    pub fn check(&self) -> Result<(), ModelError> {
        if !code_ok(&self.no, 1, MAX_METER_NO) {
            return Err(ModelError::BadMeterNo);
        }
        if self.seals.len() > MAX_SEAL_EVENTS {
            return Err(ModelError::TooManySealEvents(self.no.clone()));
        }
        let mut installed = BTreeSet::new();
        let mut gone = BTreeSet::new();
        for (i, s) in self.seals.iter().enumerate() {
            if !code_ok(&s.no, 1, MAX_SEAL_NO) || !text_ok(&s.by, MAX_BY) {
                return Err(ModelError::BadSeal(
                    s.no.chars().take(MAX_SEAL_NO).collect(),
                ));
            }
            if i > 0 && s.at < self.seals[i - 1].at {
                return Err(ModelError::SealOutOfOrder(self.no.clone()));
            }
            let fresh = !installed.contains(s.no.as_str());
            let story_ok =
                !gone.contains(s.no.as_str()) && (fresh == (s.state == SealState::Installed));
            if !story_ok {
                return Err(ModelError::SealStory(s.no.clone()));
            }
            installed.insert(s.no.as_str());
            if s.state == SealState::Replaced {
                gone.insert(s.no.as_str());
            }
        }
        Ok(())
    }

    /// The seals on the meter now: installed and not replaced, with their latest state.
    pub fn current_seals(&self) -> Vec<&Seal> {
        let mut latest: Vec<&Seal> = Vec::new();
        for s in &self.seals {
            match latest.iter_mut().find(|l| l.no == s.no) {
                Some(l) => *l = s,
                None => latest.push(s),
            }
        }
        latest.retain(|s| s.state != SealState::Replaced);
        latest
    }
}

impl Account {
    pub fn check(&self) -> Result<(), ModelError> {
        if !text_ok(&self.address, MAX_ADDRESS) {
            return Err(ModelError::BadAddress);
        }
        if !area_ok(&self.area) {
            return Err(ModelError::BadArea);
        }
        if self.meters.is_empty() {
            return Err(ModelError::NoMeter);
        }
        if self.meters.len() > MAX_METERS {
            return Err(ModelError::TooManyMeters);
        }
        let mut nos = BTreeSet::new();
        for m in &self.meters {
            m.check()?;
            if !nos.insert(m.no.as_str()) {
                return Err(ModelError::DuplicateMeter(m.no.clone()));
            }
        }
        if let Some(p) = self.prepaid {
            if p.threshold.is_negative() || p.threshold > MAX_THRESHOLD {
                return Err(ModelError::BadThreshold);
            }
        }
        Ok(())
    }
}

impl Reading {
    pub fn check(&self) -> Result<(), ModelError> {
        if self.kwh > MAX_MONTH_KWH {
            return Err(ModelError::TooManyKwh);
        }
        Ok(())
    }
}

impl Bill {
    /// The lines add up to the bill's kWh and amount, each line's amount is
    /// its kWh at its price (rounded as [`amount_for`] does), and the bill is
    /// not due before its month is over.
    pub fn check(&self) -> Result<(), ModelError> {
        if self.kwh > MAX_MONTH_KWH {
            return Err(ModelError::TooManyKwh);
        }
        if self.lines.len() > MAX_BILL_LINES {
            return Err(ModelError::TooManyLines);
        }
        let kwh: u64 = self.lines.iter().map(|l| u64::from(l.kwh)).sum();
        let amount: Fen = self.lines.iter().map(|l| l.amount).sum();
        let lines_ok = self
            .lines
            .iter()
            .all(|l| l.amount == amount_for(l.kwh, l.price));
        if kwh != u64::from(self.kwh) || amount != self.amount || !lines_ok {
            return Err(ModelError::BillDoesNotAddUp);
        }
        if self.due < self.month.last_day() {
            return Err(ModelError::DueTooEarly);
        }
        Ok(())
    }
}

impl Payment {
    /// The amount is positive and at most [`MAX_PAYMENT`], the counter is
    /// 1–999, and the key was made at this payment's hall and counter.
    pub fn check(&self) -> Result<(), ModelError> {
        if !self.amount.is_positive() || self.amount > MAX_PAYMENT {
            return Err(ModelError::BadAmount);
        }
        if !(1..=999).contains(&self.counter) {
            return Err(ModelError::BadCounter);
        }
        if self.key.hall() != self.hall.as_str() || self.key.counter() != self.counter {
            return Err(ModelError::KeyMismatch);
        }
        Ok(())
    }

    /// The day (China Standard Time) the payment was taken.
    pub fn day(&self) -> Day {
        Day::from_millis_cst(self.at_ms)
    }
}
