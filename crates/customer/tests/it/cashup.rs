//! 日结: one clerk's payments of one day by method, against the cash counted; balanced only to the fen.

use crate::day;
use crate::payment::payment;
use customer::{cash_up, AccountNo, Fen, PayMethod};
use domain::StaffNo;

#[test]
fn a_clerks_day() {
    let a = AccountNo::parse("3301234567").unwrap();
    let me = StaffNo::parse("S0301").unwrap();
    let today = day(2024, 5, 2);
    let mut ps = vec![
        payment(
            "H0101-C03-0000000000000001",
            a,
            10_000,
            PayMethod::Cash,
            today,
        ),
        payment(
            "H0101-C03-0000000000000002",
            a,
            5_050,
            PayMethod::Cash,
            today,
        ),
        payment("H0101-C03-0000000000000003", a, 3_000, PayMethod::Qr, today),
        payment(
            "H0101-C03-0000000000000004",
            a,
            2_000,
            PayMethod::Card,
            today,
        ),
        // The same key again (a retry that reached the list twice): once.
        payment(
            "H0101-C03-0000000000000001",
            a,
            10_000,
            PayMethod::Cash,
            today,
        ),
        // Yesterday's.
        payment(
            "H0101-C03-0000000000000005",
            a,
            777,
            PayMethod::Cash,
            day(2024, 5, 1),
        ),
    ];
    // Another clerk's.
    let mut theirs = payment("H0101-C04-0000000000000006", a, 999, PayMethod::Cash, today);
    theirs.clerk = StaffNo::parse("S0402").unwrap();
    ps.push(theirs);
    // 23:59:59 CST is still today; 00:00 CST the next day is not.
    let mut late = payment("H0101-C03-0000000000000007", a, 100, PayMethod::Cash, today);
    late.at_ms = today.add_days(1).start_millis_cst() - 1_000;
    ps.push(late);
    let mut next = payment(
        "H0101-C03-0000000000000008",
        a,
        100_000,
        PayMethod::Cash,
        today,
    );
    next.at_ms = today.add_days(1).start_millis_cst();
    ps.push(next);

    let c = cash_up(&ps, &me, today, Fen(15_150));
    assert_eq!(c.count, 5);
    assert_eq!(c.by_method.cash.count, 3);
    assert_eq!(c.by_method.cash.amount, Fen(15_150));
    assert_eq!(c.by_method.qr.amount, Fen(3_000));
    assert_eq!(c.by_method.card.amount, Fen(2_000));
    assert_eq!(c.by_method.get(PayMethod::Card).count, 1);
    assert_eq!(c.total, Fen(20_150));
    assert_eq!(c.expected_cash, Fen(15_150));
    assert_eq!(c.difference, Fen(0));
    assert!(c.balanced);

    // Fifty fen short (短款).
    let short = cash_up(&ps, &me, today, Fen(15_100));
    assert_eq!(short.difference, Fen(-50));
    assert!(!short.balanced);
    // One fen over (长款) is not balanced either.
    let over = cash_up(&ps, &me, today, Fen(15_151));
    assert_eq!(over.difference, Fen(1));
    assert!(!over.balanced);
}

#[test]
fn a_day_without_payments() {
    let me = StaffNo::parse("S0301").unwrap();
    let c = cash_up(&[], &me, day(2024, 5, 2), Fen(0));
    assert_eq!((c.count, c.total, c.balanced), (0, Fen(0), true));
    assert!(!cash_up(&[], &me, day(2024, 5, 2), Fen(1)).balanced);
}
