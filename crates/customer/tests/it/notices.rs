//! Notice lists: low balances, arrears past a number of days, planned outages in the coming days — only for the accounts in scope.

use crate::{day, month};
use customer::billing::bill_of;
use customer::notices::{arrears, low_balance, planned_outages};
use customer::{Account, AccountNo, Applied, Fen, Meter, Notice, Outage, Prepaid, Reason, Tariff};

fn account(serial: u64, prepaid: Option<(i64, i64)>) -> Account {
    Account {
        no: AccountNo::from_serial(serial).unwrap(),
        customer: serial * 10,
        address: "杭州市上城区望江街道近江小区12幢2单元301室".into(),
        area: "330102".into(),
        tariff: Tariff::ResidentialTiered,
        meters: vec![Meter {
            no: format!("M{serial}"),
            seals: vec![],
        }],
        prepaid: prepaid.map(|(balance, threshold)| Prepaid {
            balance: Fen(balance),
            threshold: Fen(threshold),
        }),
    }
}

fn accounts_of(notices: &[Notice]) -> Vec<u64> {
    notices.iter().map(|n| n.account.serial()).collect()
}

#[test]
fn low_balances() {
    let accounts = [
        account(3, Some((4_000, 5_000))),
        account(1, Some((-100, 5_000))),
        account(2, Some((5_000, 5_000))),
        account(4, None),
    ];
    let n = low_balance(&accounts);
    assert_eq!(accounts_of(&n), vec![1, 3]);
    assert_eq!(n[0].customer, 10);
    assert_eq!(
        n[1].reason,
        Reason::LowBalance {
            balance: Fen(4_000),
            threshold: Fen(5_000)
        }
    );
}

#[test]
fn arrears_past_so_many_days() {
    let accounts = [
        account(1, None),
        account(2, None),
        account(3, None),
        account(4, None),
    ];
    let today = day(2024, 6, 10);
    let bill = |serial: u64, m: u8| {
        let mo = month(2024, m);
        bill_of(
            AccountNo::from_serial(serial).unwrap(),
            Tariff::ResidentialTiered,
            mo,
            200,
            mo.next().last_day(),
        )
    };
    // 1: April's bill (due 31 May) unpaid, 10 days late.
    // 2: May's bill, not yet due.
    // 3: February's (due 31 March, 71 days late) and March's (due 30 April, 41 days) unpaid.
    // 4: April's paid on time.
    // 9: out of scope, 71 days late.
    let bills = vec![
        bill(1, 4),
        bill(2, 5),
        bill(3, 2),
        bill(3, 3),
        bill(4, 4),
        bill(9, 2),
    ];
    let applied = [Applied {
        account: AccountNo::from_serial(4).unwrap(),
        month: month(2024, 4),
        on: day(2024, 5, 20),
        late_fee: Fen(0),
        principal: bills[4].amount,
    }];
    let all = arrears(&accounts, &bills, &applied, today, 0);
    assert_eq!(accounts_of(&all), vec![1, 3]);
    let Reason::Arrears {
        bills: n,
        principal,
        late_fee,
        days_late,
    } = all[1].reason
    else {
        panic!("not arrears: {:?}", all[1].reason)
    };
    assert_eq!((n, days_late), (2, 71));
    // 200 kWh = 10760 fen each; fees 10760 × 71‰ = 763.96 → 764 and × 41‰ = 441.16 → 441.
    assert_eq!(principal, Fen(21_520));
    assert_eq!(late_fee, Fen(764 + 441));
    assert_eq!(
        accounts_of(&arrears(&accounts, &bills, &applied, today, 30)),
        vec![3]
    );
    assert_eq!(
        accounts_of(&arrears(&accounts, &bills, &applied, today, 10)),
        vec![1, 3]
    );
    assert_eq!(
        accounts_of(&arrears(&accounts, &bills, &applied, today, 11)),
        vec![3]
    );
    assert!(arrears(&accounts, &bills, &applied, today, 72).is_empty());
}

#[test]
fn outages_in_the_coming_days() {
    let accounts = [
        account(1, None),
        account(2, None),
        account(3, None),
        account(4, None),
    ];
    let today = day(2024, 6, 10);
    let out = |serial: u64, starts| Outage {
        account: AccountNo::from_serial(serial).unwrap(),
        starts,
        ends: starts,
    };
    let outages = [
        out(1, day(2024, 6, 17)),
        out(1, day(2024, 6, 12)),
        out(2, today),
        out(3, day(2024, 6, 18)),
        out(4, day(2024, 6, 9)),
        out(9, day(2024, 6, 11)),
    ];
    let n = planned_outages(&accounts, &outages, today, 7);
    assert_eq!(accounts_of(&n), vec![1, 2]);
    assert_eq!(
        n[0].reason,
        Reason::PlannedOutage {
            starts: day(2024, 6, 12),
            ends: day(2024, 6, 12)
        },
        "the earliest of account 1's outages"
    );
    assert_eq!(
        accounts_of(&planned_outages(&accounts, &outages, today, 8)),
        vec![1, 2, 3]
    );
    assert_eq!(
        accounts_of(&planned_outages(&accounts, &outages, today, 0)),
        vec![2]
    );
}
