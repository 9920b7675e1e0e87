//! The generator: the same data for the same seed, every record valid, and the shape it promises (business and prepaid shares, arrears 1–3 months for a few percent, seasonal use).

use crate::day;
use customer::gen::{Generator, ARREARS_SHARE, BUSINESS_SHARE, PREPAID_SHARE};
use customer::{
    generate, owed, AccountNo, CustomerKind, DataSet, Day, Fen, IdCardNo, PaymentKey, Phone,
    ServiceGrade, Tariff,
};
use std::collections::BTreeSet;
use std::sync::OnceLock;

const AREA: &str = "330102";
const N: usize = 3_000;

fn today() -> Day {
    day(2025, 6, 18)
}

/// One big data set shared by the tests below.
fn big() -> &'static DataSet {
    static SET: OnceLock<DataSet> = OnceLock::new();
    SET.get_or_init(|| generate(2024, AREA, N, 24, today()))
}

#[test]
fn the_same_seed_gives_the_same_data() {
    let a = generate(7, AREA, 60, 24, today());
    let b = generate(7, AREA, 60, 24, today());
    assert_eq!(a, b);
    let c = generate(8, AREA, 60, 24, today());
    assert_ne!(a.customers, c.customers);
    assert_ne!(a.readings, c.readings);
    // Another area with the same seed: other people, not the same ones moved.
    let d = generate(7, "330106", 60, 24, today());
    let names = |s: &DataSet| {
        s.customers
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    assert_ne!(names(&a), names(&d));
    // A household does not depend on how many come before or after it.
    let more: Vec<_> = Generator::new(7, AREA, today()).take(90).collect();
    let fewer: Vec<_> = Generator::new(7, AREA, today()).take(60).collect();
    assert_eq!(&more[..60], &fewer[..]);
    let g = Generator::new(7, AREA, today());
    assert_eq!(g.household(42).as_ref(), Some(&more[42]));
    assert_eq!(
        fewer.iter().map(|h| h.customer.clone()).collect::<Vec<_>>(),
        a.customers
    );
}

#[test]
fn every_record_is_valid() {
    let set = big();
    assert_eq!(set.accounts.len(), N);
    assert_eq!(set.customers.len(), N);
    assert_eq!(set.readings.len(), N * 24);
    assert_eq!(set.bills.len(), N * 24);
    let mut accounts = BTreeSet::new();
    for c in &set.customers {
        c.check().unwrap_or_else(|e| panic!("{c:?}: {}", e.en()));
        for p in &c.phones {
            assert_eq!(Phone::parse(&p.to_string()), Ok(*p));
        }
        match c.kind {
            CustomerKind::Individual => {
                let id = c.id_card.expect("a person has an ID card");
                assert_eq!(IdCardNo::parse(&id.to_string()), Ok(id));
                assert_eq!(id.check_birth(today()), Ok(()));
                let born = id.birth().unwrap();
                assert!(
                    born >= day(1940, 1, 1) && born <= day(2005, 12, 31),
                    "{born}"
                );
                let n = c.name.chars().count();
                assert!((2..=4).contains(&n), "{}", c.name);
                assert!(c
                    .name
                    .chars()
                    .all(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)));
                if c.grade == ServiceGrade::Elderly {
                    assert!(id.age_on(today()) >= 70);
                }
            }
            CustomerKind::Business => assert!(c.id_card.is_none()),
        }
    }
    for a in &set.accounts {
        a.check().unwrap_or_else(|e| panic!("{a:?}: {}", e.en()));
        assert_eq!(AccountNo::parse(&a.no.to_string()), Ok(a.no));
        assert!(accounts.insert(a.no), "account {} twice", a.no);
        assert_eq!(a.area, AREA);
        assert!(a.address.starts_with("杭州市上城区"), "{}", a.address);
        assert!((1..=2).contains(&a.meters.len()));
        assert!(a.meters.iter().all(|m| !m.current_seals().is_empty()));
    }
    for r in &set.readings {
        r.check().unwrap();
    }
    for b in &set.bills {
        b.check().unwrap_or_else(|e| panic!("{b:?}: {}", e.en()));
        assert!(accounts.contains(&b.account));
    }
    let mut keys = BTreeSet::new();
    for p in &set.payments {
        p.check().unwrap_or_else(|e| panic!("{p:?}: {}", e.en()));
        assert_eq!(PaymentKey::parse(p.key.as_str()).as_ref(), Ok(&p.key));
        assert!(keys.insert(p.key.clone()), "key {} twice", p.key);
        assert!(p.day() <= today());
    }
    // Serde round trip of a household.
    let h = Generator::new(1, AREA, today()).next().unwrap();
    let json = serde_json::to_string(&h).unwrap();
    assert_eq!(
        serde_json::from_str::<customer::Household>(&json).unwrap(),
        h
    );
}

#[test]
fn payments_add_up_to_what_they_applied() {
    for h in Generator::new(11, AREA, today()).take(400) {
        let paid: Fen = h.payments.iter().map(|p| p.amount).sum();
        let applied: Fen = h.applied.iter().map(|a| a.late_fee + a.principal).sum();
        let billed: Fen = h.bills.iter().map(|b| b.amount).sum();
        match h.account.prepaid {
            // Post-paid: each payment is exactly what it applied.
            None => assert_eq!(paid, applied, "{}", h.account.no),
            // Prepaid: every bill deducted from the balance; top-ups make the balance.
            Some(p) => {
                assert_eq!(applied, billed);
                let opening = p.balance - paid + billed;
                assert!(
                    opening > p.threshold,
                    "{}: opened at {opening}",
                    h.account.no
                );
            }
        }
    }
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole as f64
}

#[test]
fn shares_as_promised() {
    let set = big();
    let business = set
        .accounts
        .iter()
        .filter(|a| a.tariff == Tariff::Business)
        .count();
    let b = share(business, N);
    assert!(
        (BUSINESS_SHARE - 0.03..=BUSINESS_SHARE + 0.03).contains(&b),
        "business {b}"
    );
    let prepaid: Vec<_> = set.accounts.iter().filter_map(|a| a.prepaid).collect();
    let p = share(prepaid.len(), N);
    assert!(
        (PREPAID_SHARE - 0.02..=PREPAID_SHARE + 0.02).contains(&p),
        "prepaid {p}"
    );
    let low = prepaid.iter().filter(|p| p.is_low()).count();
    assert!(
        low > 0 && low < prepaid.len(),
        "{low} of {} prepaid low",
        prepaid.len()
    );
}

/// A few percent of accounts (the stated share of post-paid ones, 3.5%,
/// so about 3.3% of all: between 2% and 5% here) are in arrears, each with
/// 1–3 past-due bills unpaid; all the others have paid every past-due bill.
#[test]
fn arrears_for_a_few_percent() {
    let set = big();
    let owed = owed(&set.bills, &set.applied, today());
    let mut late_by_account: std::collections::BTreeMap<AccountNo, usize> = Default::default();
    for o in owed.iter().filter(|o| o.days_late > 0) {
        assert!(o.principal.is_positive(), "only unpaid bills are late");
        *late_by_account.entry(o.account).or_default() += 1;
    }
    let a = share(late_by_account.len(), N);
    assert!((0.02..=0.05).contains(&a), "arrears {a}");
    let expected = (1.0 - PREPAID_SHARE) * ARREARS_SHARE;
    assert!(
        (a - expected).abs() < 0.012,
        "arrears {a}, expected {expected}"
    );
    assert!(late_by_account.values().all(|n| (1..=3).contains(n)));
    for n in 1..=3 {
        assert!(
            late_by_account.values().any(|c| *c == n),
            "nobody with {n} months"
        );
    }
    // Most bills are paid: of the past-due ones, at least 97%.
    let past_due = set.bills.iter().filter(|b| b.due < today()).count();
    let unpaid: usize = late_by_account.values().sum();
    assert!(
        share(unpaid, past_due) < 0.03,
        "{unpaid} of {past_due} unpaid"
    );
    // Some paid late, with a late fee.
    let with_fee = set
        .applied
        .iter()
        .filter(|a| a.late_fee.is_positive())
        .count();
    assert!(with_fee > 0);
}

/// Summer (Jul–Aug) and winter (Jan–Feb) use above spring (Apr–May).
#[test]
fn use_is_seasonal() {
    let set = big();
    let homes: BTreeSet<AccountNo> = set
        .accounts
        .iter()
        .filter(|a| a.tariff == Tariff::ResidentialTiered)
        .map(|a| a.no)
        .collect();
    let mean = |months: &[u8]| {
        let kwh: Vec<u32> = set
            .readings
            .iter()
            .filter(|r| homes.contains(&r.account) && months.contains(&r.month.month()))
            .map(|r| r.kwh)
            .collect();
        f64::from(kwh.iter().sum::<u32>()) / kwh.len() as f64
    };
    let (summer, winter, spring) = (mean(&[7, 8]), mean(&[1, 2]), mean(&[4, 5]));
    assert!(summer > 1.5 * spring, "summer {summer} spring {spring}");
    assert!(winter > 1.3 * spring, "winter {winter} spring {spring}");
    assert!((150.0..350.0).contains(&mean(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])));
}

#[test]
fn other_areas() {
    let h = Generator::new(3, "330106", today()).next().unwrap();
    assert!(
        h.account.address.starts_with("杭州市西湖区"),
        "{}",
        h.account.address
    );
    assert_eq!(h.account.area, "330106");
    // An odd area code is cleaned, and still gives valid accounts.
    let h = Generator::new(3, "hz-east 01", today()).next().unwrap();
    assert_eq!(h.account.area, "hzeast01");
    assert_eq!(h.account.check(), Ok(()));
    // Explicit serials.
    let h = Generator::new(3, AREA, today())
        .first_serial(123_456_789)
        .next()
        .unwrap();
    assert_eq!(h.account.no.serial(), 123_456_789);
    // Months of history, bounded.
    let h = Generator::new(3, AREA, today()).months(3).next().unwrap();
    let months: Vec<_> = h.bills.iter().map(|b| b.month.to_string()).collect();
    assert_eq!(months, ["202503", "202504", "202505"]);
    let h = Generator::new(3, AREA, today()).months(0).next().unwrap();
    assert_eq!(h.readings.len(), 1);
    let mut last = Generator::new(3, AREA, today()).first_serial(AccountNo::MAX_SERIAL);
    assert!(last.next().is_some());
    assert!(last.next().is_none(), "no serial past the last");
}
