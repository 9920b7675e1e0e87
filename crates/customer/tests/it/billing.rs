//! Tier billing by hand: each line rounded half up to the fen, the bill the sum of its lines.

use crate::{day, month};
use customer::billing::{
    amount_for, bill_of, lines_for, BUSINESS_PRICE, TIER1_PRICE, TIER1_TOP_KWH, TIER2_PRICE,
    TIER2_TOP_KWH, TIER3_PRICE,
};
use customer::{bill_for, Account, AccountNo, Fen, LineItem, Meter, PricePerKwh, Tariff};
use proptest::prelude::*;

fn residential(kwh: u32) -> (Vec<(LineItem, u32, i64)>, Fen) {
    let lines = lines_for(Tariff::ResidentialTiered, kwh);
    let total = lines.iter().map(|l| l.amount).sum();
    (
        lines.iter().map(|l| (l.item, l.kwh, l.amount.0)).collect(),
        total,
    )
}

#[test]
fn residential_tiers_by_hand() {
    use LineItem::*;
    // Nothing used, nothing billed.
    assert_eq!(residential(0), (vec![], Fen(0)));
    // 1 kWh × 53.8 fen = 53.8 → 54.
    assert_eq!(residential(1), (vec![(Tier1, 1, 54)], Fen(54)));
    // 3 × 53.8 = 161.4 → 161.
    assert_eq!(residential(3), (vec![(Tier1, 3, 161)], Fen(161)));
    // 100 × 53.8 = 5380.
    assert_eq!(residential(100), (vec![(Tier1, 100, 5_380)], Fen(5_380)));
    // 230 × 53.8 = 12374: the top of tier 1.
    assert_eq!(residential(230), (vec![(Tier1, 230, 12_374)], Fen(12_374)));
    // 231: 12374 + 1 × 58.8 (→ 59) = 12433.
    assert_eq!(
        residential(231),
        (vec![(Tier1, 230, 12_374), (Tier2, 1, 59)], Fen(12_433))
    );
    // 400: 12374 + 170 × 58.8 = 9996 → 22370.
    assert_eq!(
        residential(400),
        (vec![(Tier1, 230, 12_374), (Tier2, 170, 9_996)], Fen(22_370))
    );
    // 500: 22370 + 100 × 83.8 = 8380 → 30750.
    assert_eq!(
        residential(500),
        (
            vec![
                (Tier1, 230, 12_374),
                (Tier2, 170, 9_996),
                (Tier3, 100, 8_380)
            ],
            Fen(30_750)
        )
    );
    // 401: the first kWh of tier 3, 83.8 → 84.
    assert_eq!(residential(401).1, Fen(22_370 + 84));
}

#[test]
fn business_is_flat() {
    // 1234 kWh × 80 fen = 98720, whatever the month's use.
    let lines = lines_for(Tariff::Business, 1_234);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].item, LineItem::Flat);
    assert_eq!(lines[0].price, BUSINESS_PRICE);
    assert_eq!(lines[0].amount, Fen(98_720));
    assert!(lines_for(Tariff::Business, 0).is_empty());
}

#[test]
fn rounding_is_half_up_to_the_fen() {
    // At ¥0.5385: 10 kWh = 538.5 fen → 539; 9 kWh = 484.65 → 485;
    // at ¥0.5325: 2 kWh = 106.5 → 107; at ¥0.5324: 106.48 → 106.
    assert_eq!(amount_for(10, PricePerKwh(5_385)), Fen(539));
    assert_eq!(amount_for(9, PricePerKwh(5_385)), Fen(485));
    assert_eq!(amount_for(2, PricePerKwh(5_325)), Fen(107));
    assert_eq!(amount_for(2, PricePerKwh(5_324)), Fen(106));
    assert_eq!(amount_for(1, PricePerKwh(49)), Fen(0));
    assert_eq!(amount_for(1, PricePerKwh(50)), Fen(1));
    assert_eq!(TIER1_PRICE.to_string(), "¥0.5380/kWh");
}

#[test]
fn bills_carry_account_month_and_due() {
    let account = Account {
        no: AccountNo::parse("3301234567").unwrap(),
        customer: 1,
        address: "杭州市上城区望江街道近江小区12幢2单元301室".into(),
        area: "330102".into(),
        tariff: Tariff::ResidentialTiered,
        meters: vec![Meter {
            no: "3330001000000000000001".into(),
            seals: vec![],
        }],
        prepaid: None,
    };
    let bill = bill_for(&account, month(2024, 7), 500, day(2024, 8, 31));
    assert_eq!(bill.account, account.no);
    assert_eq!(bill.month, month(2024, 7));
    assert_eq!(bill.amount, Fen(30_750));
    assert_eq!(bill.due, day(2024, 8, 31));
    assert_eq!(bill.tariff, Tariff::ResidentialTiered);
    assert_eq!(bill.check(), Ok(()));
}

proptest! {
    #[test]
    fn bills_add_up(kwh in 0u32..=100_000, business in any::<bool>()) {
        let tariff = if business { Tariff::Business } else { Tariff::ResidentialTiered };
        let bill = bill_of(AccountNo::from_serial(1).unwrap(), tariff, month(2024, 1), kwh, day(2024, 2, 29));
        prop_assert_eq!(bill.check(), Ok(()));
        prop_assert_eq!(bill.lines.iter().map(|l| l.kwh).sum::<u32>(), kwh);
        // One more kWh never costs less, and costs at most the dearest price (rounded up).
        let more = bill_of(bill.account, tariff, bill.month, kwh + 1, bill.due);
        prop_assert!(more.amount >= bill.amount);
        prop_assert!(more.amount.0 - bill.amount.0 <= 84);
        // Each tier's kWh within its bounds.
        for l in &bill.lines {
            let (cap, price) = match l.item {
                LineItem::Tier1 => (TIER1_TOP_KWH, TIER1_PRICE),
                LineItem::Tier2 => (TIER2_TOP_KWH - TIER1_TOP_KWH, TIER2_PRICE),
                LineItem::Tier3 => (u32::MAX, TIER3_PRICE),
                LineItem::Flat => (u32::MAX, BUSINESS_PRICE),
            };
            prop_assert!(l.kwh > 0 && l.kwh <= cap);
            prop_assert_eq!(l.price, price);
        }
    }
}
