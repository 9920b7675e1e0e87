//! Allocation (oldest first, fee before principal, the rest to the balance, money conserved), payment keys, and the ledger's duplicate/conflict rule.

use crate::{day, month};
use customer::{
    allocate, AccountNo, Day, Fen, IdError, IdKind, Ledger, Owed, PayMethod, Payment, PaymentKey,
    Recorded,
};
use domain::{HallCode, StaffNo};
use proptest::prelude::*;

fn acct() -> AccountNo {
    AccountNo::parse("3301234567").unwrap()
}

fn owing(m: u8, late_fee: i64, principal: i64) -> Owed {
    let mo = month(2024, m);
    Owed {
        account: acct(),
        month: mo,
        due: mo.next().last_day(),
        principal: Fen(principal),
        late_fee: Fen(late_fee),
        days_late: 0,
    }
}

#[test]
fn allocation_by_hand() {
    let owed = [owing(2, 0, 2_000), owing(1, 100, 1_000)];
    // ¥15.00: January's fee (1.00) and principal (10.00), then 4.00 of February.
    let a = allocate(&owed, Fen(1_500));
    let got: Vec<_> = a
        .lines
        .iter()
        .map(|l| (l.month, l.late_fee.0, l.principal.0))
        .collect();
    assert_eq!(
        got,
        vec![(month(2024, 1), 100, 1_000), (month(2024, 2), 0, 400)]
    );
    assert_eq!(a.to_balance, Fen(0));
    // ¥0.50: half of January's fee, nothing else.
    let a = allocate(&owed, Fen(50));
    assert_eq!(a.lines.len(), 1);
    assert_eq!(
        (a.lines[0].late_fee, a.lines[0].principal),
        (Fen(50), Fen(0))
    );
    // ¥50.00: everything, ¥19.00 to the balance.
    let a = allocate(&owed, Fen(5_000));
    assert_eq!(a.to_balance, Fen(1_900));
    assert_eq!(a.total(), Fen(5_000));
    // Nothing owed: all to the balance.
    assert_eq!(allocate(&[], Fen(700)).to_balance, Fen(700));
    // Nothing paid: nothing allocated.
    assert_eq!(allocate(&owed, Fen(0)), Default::default());
    assert_eq!(allocate(&owed, Fen(-5)), Default::default());
}

#[test]
fn applied_carries_the_day() {
    let a = allocate(&[owing(1, 100, 1_000)], Fen(600));
    let applied = a.applied(day(2024, 3, 9));
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].on, day(2024, 3, 9));
    assert_eq!(
        (applied[0].late_fee, applied[0].principal),
        (Fen(100), Fen(500))
    );
}

fn owed_list() -> impl Strategy<Value = Vec<Owed>> {
    prop::collection::btree_map(1u8..=12, (0i64..5_000, 0i64..500_000), 0..8).prop_map(|m| {
        m.into_iter()
            .map(|(mo, (fee, principal))| owing(mo, fee, principal))
            .collect::<Vec<_>>()
    })
}

proptest! {
    #[test]
    fn allocation_rules(mut owed in owed_list(), amount in 1i64..3_000_000, shuffle in any::<u64>()) {
        // Whatever order the owed come in.
        let n = owed.len().max(1);
        owed.rotate_left((shuffle as usize) % n);
        let a = allocate(&owed, Fen(amount));
        // Conserved exactly.
        prop_assert_eq!(a.total(), Fen(amount));
        prop_assert!(a.to_balance >= Fen(0));
        let mut sorted = owed.clone();
        sorted.sort_by_key(|o| o.month);
        let got = |o: &Owed| a.lines.iter().find(|l| l.month == o.month).map_or((Fen(0), Fen(0)), |l| (l.late_fee, l.principal));
        let mut earlier_fully_paid = true;
        for o in &sorted {
            let (fee, principal) = got(o);
            // Never negative, never more than owed.
            prop_assert!(fee >= Fen(0) && principal >= Fen(0));
            prop_assert!(fee <= o.late_fee && principal <= o.principal);
            // Fee before principal.
            if principal > Fen(0) {
                prop_assert_eq!(fee, o.late_fee);
            }
            // Oldest first: a bill gets something only when all older ones are paid.
            if fee > Fen(0) || principal > Fen(0) {
                prop_assert!(earlier_fully_paid);
            }
            earlier_fully_paid &= fee == o.late_fee && principal == o.principal;
        }
        // The balance gets something only when everything is paid.
        if a.to_balance > Fen(0) {
            prop_assert!(earlier_fully_paid);
        }
        prop_assert!(a.lines.iter().all(|l| l.late_fee > Fen(0) || l.principal > Fen(0)));
    }
}

#[test]
fn payment_keys() {
    let k = PaymentKey::parse("H0101-C03-9f86d081884c7d65").unwrap();
    assert_eq!(k.hall(), "H0101");
    assert_eq!(k.counter(), 3);
    assert_eq!(k.to_string(), "H0101-C03-9f86d081884c7d65");
    // Typed in another case or without the counter's zero: the same key.
    assert_eq!(
        PaymentKey::parse(" h0101-c3-9F86D081884C7D65 "),
        Ok(k.clone())
    );
    // A hall code with a hyphen.
    let k2 = PaymentKey::parse("HZ-01-C120-9f86d081884c7d659f86d081884c7d65").unwrap();
    assert_eq!((k2.hall(), k2.counter()), ("HZ-01", 120));
    let hall = HallCode::parse("H0101").unwrap();
    assert_eq!(
        PaymentKey::make(&hall, 3, 0xabc).unwrap().to_string(),
        "H0101-C03-0000000000000abc"
    );
    assert_eq!(PaymentKey::make(&hall, 0, 1), None);

    let f = IdError::BadFormat(IdKind::PaymentKey);
    for bad in [
        "H0101-C03-9f86d081884c7d6",    // 15 hex digits
        "H0101-C03-9f86d081884c7d6g",   // not hex
        "H0101-C00-9f86d081884c7d65",   // counter 0
        "H0101-C1000-9f86d081884c7d65", // counter too big
        "H0101-X03-9f86d081884c7d65",   // no C
        "H0101C03-9f86d081884c7d65",    // no hall
        "H-C03-9f86d081884c7d65",       // hall too short
        "9f86d081884c7d65",
    ] {
        assert_eq!(PaymentKey::parse(bad), Err(f), "{bad}");
    }
    assert_eq!(
        PaymentKey::parse(""),
        Err(IdError::Empty(IdKind::PaymentKey))
    );
    assert_eq!(
        PaymentKey::parse("H0101-C03-9f86d081884c7d65/"),
        Err(IdError::BadCharacter(IdKind::PaymentKey))
    );
    let long = format!("H0101-C03-{}", "a".repeat(60));
    assert!(matches!(
        PaymentKey::parse(&long),
        Err(IdError::Length { .. })
    ));
    assert_eq!(
        serde_json::from_str::<PaymentKey>("\"h0101-c3-9F86D081884C7D65\"").unwrap(),
        k
    );
    assert!(serde_json::from_str::<PaymentKey>("\"H0101-C03-xyz\"").is_err());
}

pub fn payment(key: &str, account: AccountNo, amount: i64, method: PayMethod, at: Day) -> Payment {
    let key = PaymentKey::parse(key).unwrap();
    Payment {
        hall: HallCode::parse(key.hall()).unwrap(),
        counter: key.counter(),
        key,
        account,
        amount: Fen(amount),
        method,
        at_ms: at.start_millis_cst() + 10 * 3_600_000,
        clerk: StaffNo::parse("S0301").unwrap(),
    }
}

#[test]
fn the_same_key_twice_is_one_payment() {
    let mut ledger = Ledger::new();
    let p = payment(
        "H0101-C03-00000000000000a1",
        acct(),
        12_345,
        PayMethod::Cash,
        day(2024, 5, 1),
    );
    assert_eq!(ledger.record(p.clone()), Ok(Recorded::New));
    // A retry, stamped a little later: the same payment.
    let mut retry = p.clone();
    retry.at_ms += 5_000;
    assert_eq!(ledger.record(retry), Ok(Recorded::Duplicate));
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger.get(&p.key), Some(&p));
    // The same key for another amount, account or method: refused.
    let mut more = p.clone();
    more.amount = Fen(12_346);
    let conflict = ledger.record(more).unwrap_err();
    assert_eq!(conflict.key, p.key);
    assert!(conflict.to_string().contains("H0101-C03-00000000000000a1"));
    assert!(conflict.en().contains("already used"));
    let mut other = p.clone();
    other.account = AccountNo::from_serial(5).unwrap();
    assert!(ledger.record(other).is_err());
    let mut card = p.clone();
    card.method = PayMethod::Card;
    assert!(ledger.record(card).is_err());
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger.get(&p.key).unwrap().amount, Fen(12_345));
    // Another key, same everything else: another payment.
    let second = payment(
        "H0101-C03-00000000000000a2",
        acct(),
        12_345,
        PayMethod::Cash,
        day(2024, 5, 1),
    );
    assert_eq!(ledger.record(second), Ok(Recorded::New));
    assert_eq!(ledger.len(), 2);
    assert_eq!(ledger.payments().count(), 2);
}
