//! Payments: how an amount paid is applied to what is owed, the counter's idempotency key, and the ledger rule that the same key twice is one payment.
//!
//! Allocation order: the oldest bill first; on each bill its late fee before
//! its principal; what is left over goes to the account's advance (prepaid)
//! balance. Money is conserved exactly: the parts always add up to the
//! amount paid.

use crate::arrears::{Applied, Owed};
use crate::date::{Day, Month};
use crate::ids::{serde_via_parse, AccountNo, IdError, IdKind};
use crate::model::Payment;
use crate::money::Fen;
use domain::HallCode;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// What one bill receives from a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocLine {
    pub account: AccountNo,
    pub month: Month,
    pub late_fee: Fen,
    pub principal: Fen,
}

/// How a payment is split: the bills it pays, oldest first, and the rest to the balance.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Allocation {
    /// Only the bills that receive something.
    pub lines: Vec<AllocLine>,
    pub to_balance: Fen,
}

impl Allocation {
    /// Everything allocated: equal to the amount paid (when it was positive).
    pub fn total(&self) -> Fen {
        self.lines
            .iter()
            .map(|l| l.late_fee + l.principal)
            .sum::<Fen>()
            + self.to_balance
    }

    /// The allocation as applications to the bills on the day it was paid, for [`crate::arrears::owed`].
    pub fn applied(&self, on: Day) -> Vec<Applied> {
        self.lines
            .iter()
            .map(|l| Applied {
                account: l.account,
                month: l.month,
                on,
                late_fee: l.late_fee,
                principal: l.principal,
            })
            .collect()
    }
}

/// Splits `amount` over what is owed: the oldest bill first (by month, then
/// due date; whatever order `owed` comes in), its late fee before its
/// principal, the remainder to the balance. A zero or negative amount
/// allocates nothing; negative owed figures count as zero.
pub fn allocate(owed: &[Owed], amount: Fen) -> Allocation {
    let mut order: Vec<&Owed> = owed.iter().collect();
    order.sort_by_key(|o| (o.month, o.due, o.account));
    let mut left = amount.at_least_zero();
    let mut lines = Vec::new();
    for o in order {
        if left == Fen::ZERO {
            break;
        }
        let late_fee = left.min(o.late_fee.at_least_zero());
        left -= late_fee;
        let principal = left.min(o.principal.at_least_zero());
        left -= principal;
        if late_fee.is_positive() || principal.is_positive() {
            lines.push(AllocLine {
                account: o.account,
                month: o.month,
                late_fee,
                principal,
            });
        }
    }
    Allocation {
        lines,
        to_balance: left,
    }
}

/// The shortest and longest random part of a payment key, hex digits.
pub const MIN_NONCE: usize = 16;
pub const MAX_NONCE: usize = 32;

/// The idempotency key a counter makes for a payment before it sends it:
/// `<hall>-C<counter>-<nonce>`, e.g. `H0101-C03-9f86d081884c7d65`. The hall
/// is a hall code (2–16 letters, digits or `-`), the counter 1–999 (written
/// with at least two digits), the nonce 16–32 hex digits. Parsing takes it in
/// any case and keeps it canonical (hall upper case, nonce lower case,
/// counter `C03`), so the same key typed twice compares equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaymentKey(String);

impl PaymentKey {
    /// The longest key: a 16-character hall, `-C999-` and 32 hex digits.
    pub const MAX_LEN: usize = 16 + 6 + MAX_NONCE;

    /// A key of a hall's counter and a random 64-bit value (16 hex digits).
    pub fn make(hall: &HallCode, counter: u16, random: u64) -> Option<PaymentKey> {
        // A hall code is already canonical (upper case, 2–16 characters).
        (1..=999)
            .contains(&counter)
            .then(|| PaymentKey(format!("{hall}-C{counter:02}-{random:016x}")))
    }

    pub fn parse(raw: &str) -> Result<PaymentKey, IdError> {
        const K: IdKind = IdKind::PaymentKey;
        let s = raw.trim();
        if s.is_empty() {
            return Err(IdError::Empty(K));
        }
        if s.len() > Self::MAX_LEN {
            return Err(IdError::Length {
                kind: K,
                got: s.chars().count(),
            });
        }
        if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(IdError::BadCharacter(K));
        }
        let mut parts = s.rsplitn(3, '-');
        let (Some(nonce), Some(counter), Some(hall)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(IdError::BadFormat(K));
        };
        let hall = HallCode::parse(hall).map_err(|_| IdError::BadFormat(K))?;
        let counter = counter
            .strip_prefix(['C', 'c'])
            .filter(|d| (1..=3).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u16>().ok())
            .filter(|n| (1..=999).contains(n))
            .ok_or(IdError::BadFormat(K))?;
        if !(MIN_NONCE..=MAX_NONCE).contains(&nonce.len())
            || !nonce.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(IdError::BadFormat(K));
        }
        Ok(PaymentKey(format!(
            "{hall}-C{counter:02}-{}",
            nonce.to_ascii_lowercase()
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The hall the key was made at.
    pub fn hall(&self) -> &str {
        self.0.rsplitn(3, '-').nth(2).unwrap_or_default()
    }

    /// The counter the key was made at.
    pub fn counter(&self) -> u16 {
        self.0
            .rsplit('-')
            .nth(1)
            .and_then(|c| c[1..].parse().ok())
            .unwrap_or(0)
    }
}

impl fmt::Display for PaymentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

serde_via_parse!(PaymentKey);

/// How a ledger took a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// First time this key was seen: the payment is recorded.
    New,
    /// The key was seen with the same payment: nothing more is recorded (a retry).
    Duplicate,
}

/// The same key came with a different payment: the second is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub key: PaymentKey,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "缴费流水号 {} 已用于另一笔缴费（户号、金额或方式不同），本笔未入账",
            self.key
        )
    }
}

impl std::error::Error for Conflict {}

impl Conflict {
    /// The reason in English (`Display` gives it in Chinese).
    pub fn en(&self) -> String {
        format!(
            "Payment key {} was already used for another payment (a different account, amount or method); this one is not recorded",
            self.key
        )
    }
}

/// Payments by their key: the rule both stores (hall and province) share.
/// The same key with the same account, amount and method is one payment,
/// however often it comes; the same key with any of those different is a
/// conflict (a counter bug or tampering), never a second payment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    by_key: BTreeMap<PaymentKey, Payment>,
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// Whether `a` and `b` are the same payment (a retry): account, amount and method agree.
    pub fn same_payment(a: &Payment, b: &Payment) -> bool {
        a.account == b.account && a.amount == b.amount && a.method == b.method
    }

    pub fn record(&mut self, payment: Payment) -> Result<Recorded, Conflict> {
        match self.by_key.get(&payment.key) {
            Some(seen) if Ledger::same_payment(seen, &payment) => Ok(Recorded::Duplicate),
            Some(_) => Err(Conflict { key: payment.key }),
            None => {
                self.by_key.insert(payment.key.clone(), payment);
                Ok(Recorded::New)
            }
        }
    }

    pub fn get(&self, key: &PaymentKey) -> Option<&Payment> {
        self.by_key.get(key)
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The payments, by key.
    pub fn payments(&self) -> impl Iterator<Item = &Payment> {
        self.by_key.values()
    }
}
