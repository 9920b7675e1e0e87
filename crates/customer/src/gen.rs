//! A generator of realistic demo data — customers, accounts, readings, bills, payments — deterministic for a seed and streaming, one household at a time.
//!
//! Household `i` of a seed and an area draws from its own ChaCha8 stream
//! (the key made of the seed and the area, `set_stream(i)`), so a household
//! is the same whatever was generated before it and the first `n` of a
//! larger run are the `n` of a smaller one. Nothing is held between
//! households: a million accounts stream in constant memory.
//!
//! What a data set looks like (the shares are expectations; see the consts):
//! - 90% residential, 10% business ([`BUSINESS_SHARE`]); people with
//!   common surnames and one- or two-character given names (older people with
//!   older-style names), valid ID numbers (mostly of the area's district, some
//!   from elsewhere; born 1940–2005), 1–2 mobile numbers; businesses named
//!   like `上城区鑫达五金店`.
//! - Addresses in the area's district, `杭州市上城区望江街道近江小区12幢2单元301室`.
//! - Monthly use with a household base, winter (Jan–Feb) and summer (Jul–Aug)
//!   peaks, spring and autumn troughs and noise; a few vacant homes.
//! - Bills by the billing rules for the `months` before today's month, each
//!   due on the last day of the month after it.
//! - Most bills paid at a counter on time, some late with the late fee;
//!   [`ARREARS_SHARE`] of post-paid accounts leave their last 1–3 past-due
//!   bills unpaid; [`PREPAID_SHARE`] of accounts are prepaid, their bills
//!   deducted from the balance and topped up at the counter, some left below
//!   the threshold ([`PREPAID_STOP_TOPPING_UP`]).
//! - 1–2 meters an account, each with a seal history (installed, inspected
//!   every year or two, now and then found broken and replaced).

use crate::arrears::{owed, Applied};
use crate::billing::bill_of;
use crate::date::{Day, Month, DAY_MS};
use crate::ids::{AccountNo, IdCardNo, Phone};
use crate::model::{
    area_ok, Account, Bill, CreditGrade, Customer, CustomerKind, Meter, PayMethod, Payment,
    Prepaid, Reading, Seal, SealState, ServiceGrade, Tariff,
};
use crate::money::Fen;
use crate::payment::{allocate, PaymentKey};
use domain::{HallCode, StaffNo};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// The expected share of business accounts.
pub const BUSINESS_SHARE: f64 = 0.10;
/// The expected share of prepaid (smart payment) accounts.
pub const PREPAID_SHARE: f64 = 0.05;
/// The expected share of post-paid accounts with 1–3 past-due bills unpaid.
pub const ARREARS_SHARE: f64 = 0.035;
/// The share of prepaid accounts that stop topping up for their last 1–3
/// months (so many end below the threshold, some overdrawn).
pub const PREPAID_STOP_TOPPING_UP: f64 = 0.35;
/// The share of households that often pay late.
pub const LATE_PAYER_SHARE: f64 = 0.10;
/// Months of history by default.
pub const DEFAULT_MONTHS: u32 = 24;
/// The most months of history the generator makes (twenty years).
pub const MAX_MONTHS: u32 = 240;

/// One account with its customer and history, as the generator yields it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub customer: Customer,
    pub account: Account,
    /// Oldest first.
    pub readings: Vec<Reading>,
    /// Oldest first.
    pub bills: Vec<Bill>,
    /// In the order they were taken.
    pub payments: Vec<Payment>,
    /// What the payments (and prepaid deductions) applied to the bills.
    pub applied: Vec<Applied>,
}

/// A whole data set in memory (for small runs; stream [`Generator`] for big ones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSet {
    pub customers: Vec<Customer>,
    pub accounts: Vec<Account>,
    pub readings: Vec<Reading>,
    pub bills: Vec<Bill>,
    pub payments: Vec<Payment>,
    pub applied: Vec<Applied>,
}

impl DataSet {
    pub fn push(&mut self, h: Household) {
        self.customers.push(h.customer);
        self.accounts.push(h.account);
        self.readings.extend(h.readings);
        self.bills.extend(h.bills);
        self.payments.extend(h.payments);
        self.applied.extend(h.applied);
    }
}

/// `accounts` households of `area` with `months` months of history up to `today`, in memory.
pub fn generate(seed: u64, area: &str, accounts: usize, months: u32, today: Day) -> DataSet {
    let mut set = DataSet::default();
    for h in Generator::new(seed, area, today)
        .months(months)
        .take(accounts)
    {
        set.push(h);
    }
    set
}

/// The streaming generator: an iterator of [`Household`]s.
#[derive(Debug, Clone)]
pub struct Generator {
    seed: u64,
    area: String,
    district: &'static District,
    today: Day,
    months: u32,
    first_serial: u64,
    halls: Vec<HallCode>,
    next: u64,
}

impl Generator {
    /// A generator for `area` as of `today`. The area code is kept to its
    /// ASCII letters and digits (at most 12; `330102` when nothing is left).
    /// An area that is one of the known district codes (`330102` 上城区,
    /// `330105` 拱墅区, `330106` 西湖区, `330108` 滨江区, `330109` 萧山区,
    /// `330110` 余杭区) gets that district's addresses; any other gets one of
    /// them chosen by the code. Account serials start at a place chosen by
    /// the area (10 million per place), see [`Generator::first_serial`].
    pub fn new(seed: u64, area: &str, today: Day) -> Generator {
        let mut area: String = area
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(crate::model::MAX_AREA)
            .collect();
        if !area_ok(&area) {
            area = "330102".into();
        }
        let hash = fnv1a(area.as_bytes());
        let district = DISTRICTS
            .iter()
            .find(|d| d.code == area)
            .unwrap_or(&DISTRICTS[(hash % DISTRICTS.len() as u64) as usize]);
        let halls = ["H0101", "H0102"]
            .iter()
            .filter_map(|h| HallCode::parse(h).ok())
            .collect();
        Generator {
            seed,
            district,
            today,
            months: DEFAULT_MONTHS,
            first_serial: 100_000_000 + (hash % 80) * 10_000_000,
            halls,
            area,
            next: 0,
        }
    }

    /// Months of history (1 to [`MAX_MONTHS`]).
    pub fn months(mut self, months: u32) -> Generator {
        self.months = months.clamp(1, MAX_MONTHS);
        self
    }

    /// The account serial of the first household (the nine digits before the check digit).
    pub fn first_serial(mut self, serial: u64) -> Generator {
        self.first_serial = serial.min(AccountNo::MAX_SERIAL);
        self
    }

    /// The halls whose counters take the payments (`H0101` and `H0102` by default).
    pub fn halls(mut self, halls: Vec<HallCode>) -> Generator {
        if !halls.is_empty() {
            self.halls = halls;
        }
        self
    }

    pub fn area(&self) -> &str {
        &self.area
    }

    /// The ChaCha8 key: the seed and the area's hash, so two areas
    /// generated with one seed do not get the same people.
    fn rng_seed(&self) -> [u8; 32] {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&self.seed.to_le_bytes());
        key[8..16].copy_from_slice(&fnv1a(self.area.as_bytes()).to_le_bytes());
        key
    }

    /// The household at `index` (0-based), `None` past the last account serial.
    pub fn household(&self, index: u64) -> Option<Household> {
        let serial = self.first_serial.checked_add(index)?;
        let no = AccountNo::from_serial(serial)?;
        let mut rng = ChaCha8Rng::from_seed(self.rng_seed());
        rng.set_stream(index);
        Some(House::new(self, rng, serial, no).build())
    }
}

impl Iterator for Generator {
    type Item = Household;

    fn next(&mut self) -> Option<Household> {
        let h = self.household(self.next)?;
        self.next += 1;
        Some(h)
    }
}

/// FNV-1a, to spread an area code (stable across platforms and versions).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The state of one household being built.
struct House<'g> {
    g: &'g Generator,
    rng: ChaCha8Rng,
    serial: u64,
    no: AccountNo,
}

/// What kind of payer a household is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Payer {
    Prompt,
    OftenLate,
    /// Leaves this many of its last past-due bills unpaid.
    Arrears(u32),
    Prepaid,
}

impl<'g> House<'g> {
    fn new(g: &'g Generator, rng: ChaCha8Rng, serial: u64, no: AccountNo) -> House<'g> {
        House { g, rng, serial, no }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len() as u32) as usize]
    }

    /// An item by integer weights.
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.rng.random_range(0..total);
        for (item, w) in items {
            if r < *w {
                return *item;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// A day from `from` to `to`, both included (`from` when `to` is earlier).
    fn day_between(&mut self, from: Day, to: Day) -> Day {
        let span = to.days_since(from).max(0);
        from.add_days(self.rng.random_range(0..=span))
    }

    fn build(mut self) -> Household {
        let today = self.g.today;
        let business = self.chance(BUSINESS_SHARE);
        let prepaid = self.chance(PREPAID_SHARE);
        let payer = if prepaid {
            Payer::Prepaid
        } else if self.chance(ARREARS_SHARE) {
            Payer::Arrears(self.rng.random_range(1..=3))
        } else if self.chance(LATE_PAYER_SHARE) {
            Payer::OftenLate
        } else {
            Payer::Prompt
        };

        let customer = if business {
            self.business_customer(payer)
        } else {
            self.person(payer)
        };
        let tariff = if business {
            Tariff::Business
        } else {
            Tariff::ResidentialTiered
        };
        let address = if business {
            self.shop_address()
        } else {
            self.home_address()
        };
        let meter_count = if self.chance(if business { 0.30 } else { 0.06 }) {
            2
        } else {
            1
        };
        // Use and bills: the `months` months before today's month.
        let last = today.month().prev();
        let first = last.add_months(1 - self.g.months as i32);
        let meters = (0..meter_count)
            .map(|_| self.meter(first.first_day()))
            .collect();
        let base = self.base_kwh(business);
        let mut readings = Vec::with_capacity(self.g.months as usize);
        let mut bills = Vec::with_capacity(self.g.months as usize);
        for i in 0..self.g.months as i32 {
            let month = first.add_months(i);
            let kwh = self.month_kwh(base, business, month);
            readings.push(Reading {
                account: self.no,
                month,
                kwh,
            });
            bills.push(bill_of(
                self.no,
                tariff,
                month,
                kwh,
                month.next().last_day(),
            ));
        }

        let mut account = Account {
            no: self.no,
            customer: customer.id,
            address,
            area: self.g.area.clone(),
            tariff,
            meters,
            prepaid: None,
        };
        let (payments, applied) = if payer == Payer::Prepaid {
            let (payments, applied, prepaid) = self.prepaid_history(&bills, business);
            account.prepaid = Some(prepaid);
            (payments, applied)
        } else {
            self.postpaid_history(&bills, payer, customer.grade)
        };
        Household {
            customer,
            account,
            readings,
            bills,
            payments,
            applied,
        }
    }

    fn phones(&mut self) -> Vec<Phone> {
        let n = self.weighted(&[(0u32, 3), (1, 85), (2, 12)]);
        let mut phones: Vec<Phone> = Vec::new();
        while phones.len() < n as usize {
            let prefix = self.pick(PHONE_PREFIXES);
            let rest = self.rng.random_range(0..100_000_000u32);
            if let Ok(p) = Phone::parse(&format!("{prefix}{rest:08}")) {
                if !phones.contains(&p) {
                    phones.push(p);
                }
            }
        }
        phones
    }

    fn credit(&mut self, payer: Payer) -> CreditGrade {
        match payer {
            Payer::Arrears(_) => self.weighted(&[(CreditGrade::C, 60), (CreditGrade::D, 40)]),
            Payer::OftenLate => self.weighted(&[(CreditGrade::B, 80), (CreditGrade::C, 20)]),
            Payer::Prompt | Payer::Prepaid => {
                self.weighted(&[(CreditGrade::A, 92), (CreditGrade::B, 8)])
            }
        }
    }

    fn person(&mut self, payer: Payer) -> Customer {
        let today = self.g.today;
        let birth_from = Day::from_ymd(1940, 1, 1).unwrap_or(Day::EPOCH);
        let birth_to = Day::from_ymd(2005, 12, 31).unwrap_or(Day::EPOCH);
        let birth = self.day_between(birth_from, birth_to.min(today));
        let male = self.chance(0.5);
        let region = if self.chance(0.7) {
            self.g.district.code.parse().unwrap_or(330102)
        } else {
            self.pick(OTHER_REGIONS)
        };
        let sequence = self.rng.random_range(0..500u16) * 2 + u16::from(male);
        let id_card = IdCardNo::from_parts(region, birth, sequence);
        let old_style = birth.year() < 1975;
        let surname = self.weighted(SURNAMES);
        let chars: &[&str] = match (male, old_style) {
            (true, true) => MALE_OLD,
            (true, false) => MALE_NEW,
            (false, true) => FEMALE_OLD,
            (false, false) => FEMALE_NEW,
        };
        let mut name = String::from(surname);
        name.push_str(self.pick(chars));
        if self.chance(0.75) {
            name.push_str(self.pick(chars));
        }
        let age = id_card.map_or(0, |id| id.age_on(today));
        let grade = if self.chance(0.005) {
            ServiceGrade::Sensitive
        } else if age >= 70 {
            ServiceGrade::Elderly
        } else {
            ServiceGrade::Normal
        };
        let phones = self.phones();
        let credit = self.credit(payer);
        Customer {
            id: self.serial,
            kind: CustomerKind::Individual,
            name,
            id_card,
            phones,
            grade,
            credit,
        }
    }

    fn business_customer(&mut self, payer: Payer) -> Customer {
        let brand = format!("{}{}", self.pick(BRAND_A), self.pick(BRAND_B));
        let trade = self.pick(TRADES);
        let name = match self.rng.random_range(0..3u32) {
            0 => format!("{}{brand}{trade}店", self.g.district.name),
            1 => format!("{}{brand}{trade}有限公司", self.g.district.city_short),
            _ => format!("{brand}{trade}商行"),
        };
        let grade = if self.chance(0.01) {
            ServiceGrade::Sensitive
        } else if self.chance(0.15) {
            ServiceGrade::Vip
        } else {
            ServiceGrade::Normal
        };
        let mut phones = self.phones();
        if phones.is_empty() {
            phones = self.phones();
        }
        let credit = self.credit(payer);
        Customer {
            id: self.serial,
            kind: CustomerKind::Business,
            name,
            id_card: None,
            phones,
            grade,
            credit,
        }
    }

    fn home_address(&mut self) -> String {
        let d = self.g.district;
        let street = self.pick(d.streets);
        let community = self.pick(d.communities);
        let building = self.rng.random_range(1..=32u32);
        let unit = self.rng.random_range(1..=4u32);
        let floor = self.rng.random_range(1..=18u32);
        let room = self.rng.random_range(1..=4u32);
        format!(
            "{}{}{street}{community}{building}幢{unit}单元{floor}{room:02}室",
            d.city, d.name
        )
    }

    fn shop_address(&mut self) -> String {
        let d = self.g.district;
        let street = self.pick(d.streets);
        let road = self.pick(d.roads);
        let number = self.rng.random_range(1..=480u32);
        format!("{}{}{street}{road}{number}号", d.city, d.name)
    }

    /// A meter installed some time (up to about eight years) before `since`.
    fn meter(&mut self, since: Day) -> Meter {
        let today = self.g.today;
        let no = format!(
            "3330001{:015}",
            self.rng.random_range(0..1_000_000_000_000_000u64)
        );
        let installed = since.add_days(-self.rng.random_range(0..=3_000));
        let mut events: Vec<Seal> = Vec::new();
        let seals = if self.chance(0.5) { 2 } else { 1 };
        for _ in 0..seals {
            let mut seal = self.seal_no();
            let fitter = self.fitter();
            events.push(Seal {
                no: seal.clone(),
                state: SealState::Installed,
                at: installed,
                by: fitter,
            });
            let mut at = installed;
            loop {
                at = at.add_days(self.rng.random_range(300..=720));
                if at > today {
                    break;
                }
                let by = self.fitter();
                if self.chance(0.04) {
                    let new = self.seal_no();
                    for (no, state) in [
                        (seal.clone(), SealState::Broken),
                        (seal.clone(), SealState::Replaced),
                        (new.clone(), SealState::Installed),
                    ] {
                        events.push(Seal {
                            no,
                            state,
                            at,
                            by: by.clone(),
                        });
                    }
                    seal = new;
                } else {
                    events.push(Seal {
                        no: seal.clone(),
                        state: SealState::Inspected,
                        at,
                        by,
                    });
                }
            }
        }
        // Oldest first; a seal's own entries of one day keep their order.
        events.sort_by_key(|e| e.at);
        Meter { no, seals: events }
    }

    fn seal_no(&mut self) -> String {
        format!("ZJ{:08}", self.rng.random_range(0..100_000_000u32))
    }

    fn fitter(&mut self) -> String {
        format!("F{}", self.rng.random_range(1001..=1030u32))
    }

    /// A household's typical month, kWh.
    fn base_kwh(&mut self, business: bool) -> f64 {
        let u: f64 = self.rng.random();
        let v: f64 = self.rng.random();
        if business {
            // 300–6,000 kWh, most of them small shops.
            300.0 * (1.0 + 19.0 * u * v)
        } else if self.chance(0.02) {
            // A vacant home.
            4.0 * u
        } else {
            60.0 + 150.0 * u + 150.0 * v
        }
    }

    fn month_kwh(&mut self, base: f64, business: bool, month: Month) -> u32 {
        let i = usize::from(month.month() - 1);
        let season = if business {
            BUSINESS_SEASON[i]
        } else {
            HOME_SEASON[i]
        };
        let spread = if business { 0.2 } else { 0.15 };
        let noise = 1.0 - spread + spread * (self.rng.random::<f64>() + self.rng.random::<f64>());
        (base * season * noise).round().max(0.0) as u32
    }

    fn clerk(&self, hall: &HallCode, counter: u16) -> StaffNo {
        StaffNo::parse(&format!("{hall}{counter:02}"))
            .or_else(|_| StaffNo::parse("S001"))
            .unwrap_or_else(|_| unreachable!("a fixed staff number parses"))
    }

    fn payment(&mut self, amount: Fen, day: Day, elderly: bool) -> Option<Payment> {
        let hall =
            self.g.halls[self.rng.random_range(0..self.g.halls.len() as u32) as usize].clone();
        let counter = self.rng.random_range(1..=8u16);
        let key = PaymentKey::make(&hall, counter, self.rng.random())?;
        let method = if elderly {
            self.weighted(&[
                (PayMethod::Cash, 60),
                (PayMethod::Card, 15),
                (PayMethod::Qr, 25),
            ])
        } else {
            self.weighted(&[
                (PayMethod::Cash, 25),
                (PayMethod::Card, 15),
                (PayMethod::Qr, 60),
            ])
        };
        // Opening hours, 08:30 to 17:30.
        let seconds = self.rng.random_range(30_600..63_000i64);
        let at_ms = day.start_millis_cst() + seconds * 1_000;
        debug_assert!(at_ms - day.start_millis_cst() < DAY_MS);
        Some(Payment {
            key,
            account: self.no,
            amount,
            method,
            at_ms,
            clerk: self.clerk(&hall, counter),
            hall,
            counter,
        })
    }

    /// Post-paid: each bill paid at a counter on time or late (with the late
    /// fee), or left unpaid; what each payment applies to comes from the
    /// allocation rule itself.
    fn postpaid_history(
        &mut self,
        bills: &[Bill],
        payer: Payer,
        grade: ServiceGrade,
    ) -> (Vec<Payment>, Vec<Applied>) {
        let today = self.g.today;
        let past_due = bills.iter().filter(|b| b.due < today).count();
        let unpaid_from = match payer {
            Payer::Arrears(n) => past_due.saturating_sub(n as usize),
            _ => bills.len(),
        };
        let late_p = if payer == Payer::OftenLate { 0.5 } else { 0.04 };
        // (pay day, the bill's month): the payer pays everything owed up to that bill.
        let mut plan: Vec<(Day, Month)> = Vec::new();
        for (i, b) in bills.iter().enumerate() {
            let issued = b.month.next().first_day();
            if i >= unpaid_from {
                continue;
            }
            let day = if b.due >= today {
                // Not yet due: paid already by some.
                let elapsed = f64::from(today.days_since(issued).max(0));
                let window = f64::from(b.due.days_since(issued).max(1));
                if !self.chance((0.8 * elapsed / window).clamp(0.0, 1.0)) {
                    continue;
                }
                self.day_between(issued, today)
            } else if self.chance(late_p) {
                let late = b.due.add_days(self.rng.random_range(1..=25));
                late.min(today)
            } else {
                self.day_between(issued, b.due)
            };
            plan.push((day, b.month));
        }
        plan.sort();
        let elderly = grade == ServiceGrade::Elderly;
        let mut payments = Vec::new();
        let mut applied: Vec<Applied> = Vec::new();
        for (day, upto) in plan {
            let issued = bills
                .iter()
                .take_while(|b| b.month.next().first_day() <= day)
                .count();
            let due_now: Vec<_> = owed(&bills[..issued], &applied, day)
                .into_iter()
                .filter(|o| o.month <= upto)
                .collect();
            let amount: Fen = due_now.iter().map(|o| o.total()).sum();
            if !amount.is_positive() {
                continue;
            }
            let Some(p) = self.payment(amount, day, elderly) else {
                continue;
            };
            applied.extend(allocate(&due_now, amount).applied(day));
            payments.push(p);
        }
        (payments, applied)
    }

    /// Prepaid: each bill deducted from the balance when it is issued;
    /// top-ups at a counter when the balance runs low (some skip the last).
    fn prepaid_history(
        &mut self,
        bills: &[Bill],
        business: bool,
    ) -> (Vec<Payment>, Vec<Applied>, Prepaid) {
        let today = self.g.today;
        let threshold = if business {
            Fen::yuan(self.pick(&[200, 500, 1_000]))
        } else {
            Fen::yuan(self.pick(&[20, 50, 100]))
        };
        let step = if business {
            Fen::yuan(500)
        } else {
            Fen::yuan(100)
        };
        // Some stop topping up for their last 1–3 months.
        let stop_at = if self.chance(PREPAID_STOP_TOPPING_UP) {
            bills.len().saturating_sub(self.rng.random_range(1..=3))
        } else {
            bills.len()
        };
        let mut balance = threshold + Fen::yuan(self.rng.random_range(50..=300));
        let mut payments = Vec::new();
        let mut applied = Vec::new();
        for (i, b) in bills.iter().enumerate() {
            let issued = b.month.next().first_day();
            if b.amount.is_positive() {
                applied.push(Applied {
                    account: self.no,
                    month: b.month,
                    on: issued,
                    late_fee: Fen::ZERO,
                    principal: b.amount,
                });
                balance -= b.amount;
            }
            // Enough for about another month like this one.
            let wanted = threshold + b.amount;
            if balance < wanted && i < stop_at {
                let need = (wanted - balance).0;
                let topup = Fen((need + step.0 - 1) / step.0 * step.0);
                let day = issued.add_days(self.rng.random_range(0..=7)).min(today);
                if let Some(p) = self.payment(topup, day, false) {
                    payments.push(p);
                    balance += topup;
                }
            }
        }
        (payments, applied, Prepaid { balance, threshold })
    }
}

/// Residential use by calendar month (January first): winter and summer
/// peaks (heating, air conditioning), spring and autumn troughs.
const HOME_SEASON: [f64; 12] = [
    1.30, 1.20, 0.90, 0.78, 0.80, 1.00, 1.45, 1.55, 1.10, 0.82, 0.85, 1.10,
];
/// Business use: a dip at the Spring Festival, a summer peak.
const BUSINESS_SEASON: [f64; 12] = [
    1.05, 0.80, 1.00, 0.95, 1.00, 1.10, 1.30, 1.30, 1.10, 1.00, 1.00, 1.05,
];

/// A district: its code (GB/T 2260), names, streets (街道), residential
/// communities and roads for shops.
#[derive(Debug)]
struct District {
    code: &'static str,
    city: &'static str,
    city_short: &'static str,
    name: &'static str,
    streets: &'static [&'static str],
    communities: &'static [&'static str],
    roads: &'static [&'static str],
}

const DISTRICTS: &[District] = &[
    District {
        code: "330102",
        city: "杭州市",
        city_short: "杭州",
        name: "上城区",
        streets: &[
            "湖滨街道",
            "清波街道",
            "小营街道",
            "望江街道",
            "南星街道",
            "紫阳街道",
            "四季青街道",
            "凯旋街道",
            "采荷街道",
            "笕桥街道",
        ],
        communities: &[
            "近江小区",
            "景芳三区",
            "采荷新村",
            "望江家园",
            "复兴南苑",
            "三新家园",
            "凯旋新村",
            "南肖埠小区",
            "兰苑",
            "钱塘山水",
        ],
        roads: &[
            "解放路",
            "中山中路",
            "延安路",
            "清泰街",
            "秋涛路",
            "望江路",
            "复兴路",
            "江城路",
        ],
    },
    District {
        code: "330105",
        city: "杭州市",
        city_short: "杭州",
        name: "拱墅区",
        streets: &[
            "米市巷街道",
            "湖墅街道",
            "小河街道",
            "和睦街道",
            "拱宸桥街道",
            "大关街道",
            "上塘街道",
            "祥符街道",
        ],
        communities: &[
            "大关西苑",
            "和睦新村",
            "德胜新村",
            "朝晖五区",
            "青园小区",
            "湖墅嘉园",
            "瓜山小区",
            "小河佳苑",
        ],
        roads: &[
            "湖墅南路",
            "莫干山路",
            "上塘路",
            "登云路",
            "台州路",
            "丽水路",
            "大关路",
        ],
    },
    District {
        code: "330106",
        city: "杭州市",
        city_short: "杭州",
        name: "西湖区",
        streets: &[
            "北山街道",
            "西溪街道",
            "翠苑街道",
            "文新街道",
            "古荡街道",
            "蒋村街道",
            "灵隐街道",
            "留下街道",
            "转塘街道",
        ],
        communities: &[
            "翠苑一区",
            "文鼎苑",
            "古荡新村",
            "嘉绿苑",
            "西溪花园",
            "骆家庄",
            "益乐新村",
            "府苑新村",
        ],
        roads: &[
            "文三路",
            "文二路",
            "教工路",
            "天目山路",
            "古墩路",
            "学院路",
            "紫金港路",
        ],
    },
    District {
        code: "330108",
        city: "杭州市",
        city_short: "杭州",
        name: "滨江区",
        streets: &["西兴街道", "长河街道", "浦沿街道"],
        communities: &[
            "江南春城",
            "星耀城",
            "白金海岸",
            "滨江花园",
            "东方郡",
            "钱塘春晓",
            "浦沿新村",
        ],
        roads: &[
            "江南大道",
            "滨盛路",
            "长河路",
            "江陵路",
            "浦沿路",
            "火炬大道",
        ],
    },
    District {
        code: "330109",
        city: "杭州市",
        city_short: "杭州",
        name: "萧山区",
        streets: &[
            "城厢街道",
            "北干街道",
            "蜀山街道",
            "新塘街道",
            "宁围街道",
            "闻堰街道",
        ],
        communities: &[
            "金城花园",
            "湖滨花园",
            "北干小区",
            "萧然新村",
            "潘水小区",
            "宁围新村",
            "城河苑",
        ],
        roads: &["人民路", "市心路", "金城路", "育才路", "萧然南路", "山阴路"],
    },
    District {
        code: "330110",
        city: "杭州市",
        city_short: "杭州",
        name: "余杭区",
        streets: &[
            "五常街道",
            "闲林街道",
            "仓前街道",
            "余杭街道",
            "中泰街道",
            "良渚街道",
        ],
        communities: &[
            "五常花园",
            "闲林山水",
            "仓前新苑",
            "良渚文化村",
            "西溪阳光",
            "梦想小镇公寓",
        ],
        roads: &[
            "文一西路",
            "五常大道",
            "闲林路",
            "荆长大道",
            "良渚大道",
            "仓兴街",
        ],
    },
];

/// Region codes of people born elsewhere (Zhejiang and the provinces that send most people to it).
const OTHER_REGIONS: &[u32] = &[
    330103, 330104, 330183, 330185, 330122, 330127, 330182, 330203, 330302, 330381, 330402, 330502,
    330602, 330681, 330702, 330782, 331002, 340104, 341221, 342221, 360102, 362330, 410102, 411522,
    420106, 430102, 500101, 510104, 320106, 310104, 110105, 440305, 350102, 370102,
];

const PHONE_PREFIXES: &[u32] = &[
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
    166, 173, 175, 176, 177, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 198, 199,
];

/// Common surnames, weighted roughly by how common they are.
const SURNAMES: &[(&str, u32)] = &[
    ("王", 71),
    ("李", 70),
    ("张", 67),
    ("刘", 54),
    ("陈", 46),
    ("杨", 31),
    ("黄", 24),
    ("赵", 22),
    ("吴", 20),
    ("周", 19),
    ("徐", 15),
    ("孙", 15),
    ("马", 14),
    ("朱", 13),
    ("胡", 13),
    ("郭", 12),
    ("何", 12),
    ("高", 11),
    ("林", 11),
    ("罗", 9),
    ("郑", 9),
    ("梁", 8),
    ("谢", 7),
    ("宋", 6),
    ("唐", 6),
    ("许", 6),
    ("韩", 5),
    ("冯", 5),
    ("邓", 5),
    ("曹", 5),
    ("彭", 5),
    ("曾", 5),
    ("肖", 4),
    ("田", 4),
    ("董", 4),
    ("袁", 4),
    ("潘", 4),
    ("于", 4),
    ("蒋", 4),
    ("蔡", 4),
    ("余", 4),
    ("杜", 3),
    ("叶", 3),
    ("程", 3),
    ("苏", 3),
    ("魏", 3),
    ("吕", 3),
    ("丁", 3),
    ("任", 3),
    ("沈", 3),
    ("姚", 3),
    ("卢", 3),
    ("姜", 3),
    ("崔", 2),
    ("钟", 2),
    ("谭", 2),
    ("陆", 2),
    ("汪", 2),
    ("范", 2),
    ("金", 2),
    ("石", 2),
    ("廖", 2),
    ("贾", 2),
    ("夏", 2),
    ("方", 2),
    ("邹", 2),
    ("孟", 2),
    ("熊", 2),
    ("秦", 2),
    ("邱", 2),
    ("江", 2),
    ("尹", 2),
    ("薛", 2),
    ("段", 2),
    ("雷", 2),
    ("侯", 2),
    ("史", 2),
    ("陶", 1),
    ("贺", 1),
    ("顾", 1),
    ("毛", 1),
    ("龚", 1),
    ("邵", 1),
    ("钱", 1),
    ("严", 1),
    ("戴", 1),
    ("孔", 1),
    ("汤", 1),
    ("俞", 1),
    ("楼", 1),
    ("章", 1),
    ("欧阳", 1),
    ("诸葛", 1),
    ("司马", 1),
];

const MALE_OLD: &[&str] = &[
    "建", "国", "军", "华", "明", "平", "强", "伟", "刚", "勇", "志", "文", "海", "东", "林", "荣",
    "德", "福", "根", "兴", "水", "金", "庆", "良", "忠", "春", "宝", "祥", "民", "新",
];
const MALE_NEW: &[&str] = &[
    "磊", "杰", "涛", "斌", "超", "辉", "鹏", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆",
    "旭", "宁", "晨", "博", "睿", "轩", "泽", "子", "梓", "一", "航", "昊", "然", "翔",
];
const FEMALE_OLD: &[&str] = &[
    "秀", "英", "兰", "芳", "珍", "华", "玉", "凤", "桂", "梅", "琴", "美", "莲", "月", "云", "红",
    "萍", "霞", "素", "娟", "金", "彩", "菊", "爱", "丽",
];
const FEMALE_NEW: &[&str] = &[
    "娜", "敏", "静", "丽", "艳", "婷", "雪", "慧", "琳", "颖", "倩", "洁", "丹", "晶", "佳", "雯",
    "欣", "怡", "梦", "悦", "诗", "涵", "萱", "瑶", "琪", "思", "雨", "嘉", "璐", "蕾",
];

const BRAND_A: &[&str] = &[
    "鑫", "华", "恒", "永", "宏", "金", "瑞", "天", "嘉", "新", "博", "和", "万", "聚", "盛", "兴",
    "同", "正", "德", "海",
];
const BRAND_B: &[&str] = &[
    "达", "远", "通", "盛", "发", "利", "丰", "成", "禾", "锐", "雅", "信", "家", "源", "泰", "昌",
    "隆", "顺", "安", "辉",
];
const TRADES: &[&str] = &[
    "五金", "餐饮", "超市", "服装", "建材", "贸易", "电子", "文具", "美发", "汽修", "茶叶", "水果",
    "药房", "宾馆", "印务", "家电",
];
