//! Late fees by hand: residential 1‰ a day, business 2‰ in the bill's year and 3‰ after, on what is still unpaid, rounded once half up, at least ¥1.

use crate::{day, month};
use customer::arrears::{late_fee, MIN_LATE_FEE};
use customer::billing::bill_of;
use customer::{allocate, owed, AccountNo, Applied, Bill, Day, Fen, Month, Tariff};

fn acct() -> AccountNo {
    AccountNo::parse("3301234567").unwrap()
}

/// A bill of `amount` fen (its lines are not the point here).
fn bill(tariff: Tariff, m: Month, amount: i64, due: Day) -> Bill {
    Bill {
        account: acct(),
        month: m,
        tariff,
        kwh: 0,
        lines: vec![],
        amount: Fen(amount),
        due,
    }
}

fn paid(m: Month, on: Day, late_fee: i64, principal: i64) -> Applied {
    Applied {
        account: acct(),
        month: m,
        on,
        late_fee: Fen(late_fee),
        principal: Fen(principal),
    }
}

const R: Tariff = Tariff::ResidentialTiered;
const B: Tariff = Tariff::Business;

#[test]
fn residential_one_per_mille_a_day() {
    // ¥123.45 due 31 March, on 20 April: 20 days × 1‰ × 12345 = 246.9 → ¥2.47.
    let b = bill(R, month(2024, 2), 12_345, day(2024, 3, 31));
    let o = owed(&[b], &[], day(2024, 4, 20));
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].principal, Fen(12_345));
    assert_eq!(o[0].late_fee, Fen(247));
    assert_eq!(o[0].days_late, 20);
    assert_eq!(o[0].total(), Fen(12_592));
    assert_eq!(
        late_fee(
            true,
            month(2024, 2),
            Fen(12_345),
            day(2024, 3, 31),
            day(2024, 4, 20)
        ),
        Fen(247)
    );
}

#[test]
fn nothing_before_or_on_the_due_date() {
    let b = bill(R, month(2024, 2), 12_345, day(2024, 3, 31));
    for today in [day(2024, 3, 1), day(2024, 3, 31)] {
        let o = owed(std::slice::from_ref(&b), &[], today);
        assert_eq!(o.len(), 1, "a bill not yet due is still owed");
        assert_eq!((o[0].late_fee, o[0].days_late), (Fen(0), 0));
    }
}

#[test]
fn at_least_one_yuan() {
    // ¥50.00 one day late: 5000 × 1‰ = 5 fen, charged ¥1.00.
    let b = bill(R, month(2024, 2), 5_000, day(2024, 3, 31));
    assert_eq!(owed(&[b], &[], day(2024, 4, 1))[0].late_fee, MIN_LATE_FEE);
}

#[test]
fn rounded_once_half_up() {
    // 100500 × 1‰ × 1 day = 100.5 fen → 101; 100499 → 100.499 → 100.
    let up = bill(R, month(2024, 2), 100_500, day(2024, 3, 31));
    let down = bill(R, month(2024, 1), 100_499, day(2024, 3, 31));
    let o = owed(&[up, down], &[], day(2024, 4, 1));
    assert_eq!(o[1].late_fee, Fen(101));
    assert_eq!(o[0].late_fee, Fen(100));
    // Over 3 days, 1001 fen: 3.003 fen in total → under ¥1 → ¥1 (not 3 × ¥1).
    let small = bill(R, month(2024, 2), 1_001, day(2024, 3, 31));
    assert_eq!(owed(&[small], &[], day(2024, 4, 3))[0].late_fee, Fen(100));
}

#[test]
fn business_this_year_two_per_mille() {
    // ¥1,000 due 31 May, on 10 June: 10 days × 2‰ = 2% → ¥20.00.
    let b = bill(B, month(2024, 4), 100_000, day(2024, 5, 31));
    let o = owed(&[b], &[], day(2024, 6, 10));
    assert_eq!((o[0].late_fee, o[0].days_late), (Fen(2_000), 10));
}

#[test]
fn business_across_the_year_three_per_mille() {
    // October 2023's ¥1,000, due 30 November, on 10 January 2024: 31
    // December days at 2‰ and 10 January days at 3‰: 62 + 30 = 92‰ → ¥92.00.
    let oct = bill(B, month(2023, 10), 100_000, day(2023, 11, 30));
    let o = owed(&[oct], &[], day(2024, 1, 10));
    assert_eq!((o[0].late_fee, o[0].days_late), (Fen(9_200), 41));
    // November 2023's, due 31 December: every late day is in 2024, 10 × 3‰ → ¥30.00.
    let nov = bill(B, month(2023, 11), 100_000, day(2023, 12, 31));
    assert_eq!(owed(&[nov], &[], day(2024, 1, 10))[0].late_fee, Fen(3_000));
    // A residential bill stays at 1‰ across the year: 10 × 1‰ → ¥10.00.
    let home = bill(R, month(2023, 11), 100_000, day(2023, 12, 31));
    assert_eq!(owed(&[home], &[], day(2024, 1, 10))[0].late_fee, Fen(1_000));
    // A bill two years back is at 3‰ all through its later years: from 1
    // Jan 2023 to 10 Jan 2024 is 365 + 10 days → 1125‰; plus its own
    // December 2022 days (1–31 Dec, 31 × 2‰ = 62‰): ¥1,000 × 1.187 = ¥1,187.00.
    let old = bill(B, month(2022, 10), 100_000, day(2022, 11, 30));
    assert_eq!(
        owed(&[old], &[], day(2024, 1, 10))[0].late_fee,
        Fen(118_700)
    );
}

#[test]
fn fee_on_what_is_still_unpaid() {
    // ¥200 due 31 March. On 10 April (10 days, fee 20000 × 10‰ = ¥2.00) the
    // customer pays ¥2.00 fee and ¥100 principal. On 30 April: 10 days on
    // ¥200 (200 fen) + 20 days on ¥100 (200 fen) = ¥4.00 accrued, ¥2.00 paid:
    // ¥2.00 fee and ¥100 principal owed.
    let m = month(2024, 2);
    let b = bill(R, m, 20_000, day(2024, 3, 31));
    let applied = [paid(m, day(2024, 4, 10), 200, 10_000)];
    let o = owed(std::slice::from_ref(&b), &applied, day(2024, 4, 30));
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].principal, Fen(10_000));
    assert_eq!(o[0].late_fee, Fen(200));
    assert_eq!(o[0].days_late, 30);
    // Paid in full that day: nothing left, and nothing accrues afterwards.
    let all = [applied[0], paid(m, day(2024, 4, 30), 200, 10_000)];
    assert!(owed(std::slice::from_ref(&b), &all, day(2024, 4, 30)).is_empty());
    assert!(owed(std::slice::from_ref(&b), &all, day(2025, 1, 1)).is_empty());
    // An application dated after today does not count yet.
    let o = owed(std::slice::from_ref(&b), &applied, day(2024, 4, 5));
    assert_eq!(o[0].principal, Fen(20_000));
    assert_eq!(o[0].late_fee, Fen(100), "5 days on ¥200 = 100 fen");
}

#[test]
fn paid_on_time_owes_nothing() {
    let m = month(2024, 2);
    let b = bill(R, m, 20_000, day(2024, 3, 31));
    let applied = [paid(m, day(2024, 3, 31), 0, 20_000)];
    assert!(owed(&[b], &applied, day(2024, 12, 31)).is_empty());
}

#[test]
fn oldest_first_and_other_accounts_apart() {
    let other = AccountNo::from_serial(1).unwrap();
    let mut feb = bill(R, month(2024, 2), 1_000, day(2024, 3, 31));
    let jan = bill(R, month(2024, 1), 2_000, day(2024, 2, 29));
    let mar = bill(R, month(2024, 3), 3_000, day(2024, 4, 30));
    feb.account = other;
    // Paying the other account's February does not touch this one's.
    let applied = [Applied {
        account: other,
        month: month(2024, 2),
        on: day(2024, 3, 1),
        late_fee: Fen(0),
        principal: Fen(1_000),
    }];
    let o = owed(&[mar.clone(), feb, jan.clone()], &applied, day(2024, 4, 1));
    let months: Vec<_> = o.iter().map(|o| (o.account, o.month)).collect();
    assert_eq!(months, vec![(acct(), jan.month), (acct(), mar.month)]);
}

#[test]
fn owed_allocated_in_full_leaves_nothing() {
    let bills: Vec<Bill> = (1..=6)
        .map(|m| {
            let mo = month(2024, m);
            bill_of(acct(), B, mo, 800 + u32::from(m) * 37, mo.next().last_day())
        })
        .collect();
    let today = day(2024, 9, 15);
    let o = owed(&bills, &[], today);
    let total: Fen = o.iter().map(|o| o.total()).sum();
    let allocation = allocate(&o, total);
    assert_eq!(allocation.to_balance, Fen(0));
    let applied = allocation.applied(today);
    assert!(owed(&bills, &applied, today).is_empty());
    // A day later nothing new accrues: nothing is unpaid.
    assert!(owed(&bills, &applied, today.add_days(1)).is_empty());
}
