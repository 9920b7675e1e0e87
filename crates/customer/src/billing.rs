//! Billing rules: the residential tiered tariff by the month's use and the business flat price, bills made exactly in integers.
//!
//! Rounding: each line's amount is its kWh times its price, rounded to the
//! fen half up (四舍五入); the bill's amount is the sum of its lines, so the
//! lines always add up to the total. Prices are kept in ten-thousandths of a
//! yuan ([`PricePerKwh`]), so kWh × price is exact before that one rounding.

use crate::date::{Day, Month};
use crate::ids::AccountNo;
use crate::model::{Account, Bill, BillLine, LineItem, PricePerKwh, Tariff};
use crate::money::Fen;

// The demo's prices and tier bounds (shaped like a province's residential
// tiered tariff, not any province's actual schedule).

/// The top of tier 1: the first 230 kWh of a month.
pub const TIER1_TOP_KWH: u32 = 230;
/// The top of tier 2: kWh 231–400 of a month; tier 3 is everything above.
pub const TIER2_TOP_KWH: u32 = 400;
/// ¥0.538 per kWh.
pub const TIER1_PRICE: PricePerKwh = PricePerKwh(5_380);
/// ¥0.588 per kWh.
pub const TIER2_PRICE: PricePerKwh = PricePerKwh(5_880);
/// ¥0.838 per kWh.
pub const TIER3_PRICE: PricePerKwh = PricePerKwh(8_380);
/// ¥0.80 per kWh, business (一般工商业), flat.
pub const BUSINESS_PRICE: PricePerKwh = PricePerKwh(8_000);

/// `kwh` at `price`, rounded to the fen half up.
pub fn amount_for(kwh: u32, price: PricePerKwh) -> Fen {
    // kWh × (yuan / 10 000) = kWh × price / 100 fen.
    let hundredths_of_fen = i64::from(kwh) * i64::from(price.0);
    Fen((hundredths_of_fen + 50) / 100)
}

fn line(item: LineItem, kwh: u32, price: PricePerKwh) -> BillLine {
    BillLine {
        item,
        kwh,
        price,
        amount: amount_for(kwh, price),
    }
}

/// The lines of a month's use under a tariff; no line for a tier not reached
/// (so no lines at all for 0 kWh).
pub fn lines_for(tariff: Tariff, kwh: u32) -> Vec<BillLine> {
    let mut lines = Vec::with_capacity(3);
    match tariff {
        Tariff::ResidentialTiered => {
            let t1 = kwh.min(TIER1_TOP_KWH);
            let t2 = kwh.min(TIER2_TOP_KWH).saturating_sub(TIER1_TOP_KWH);
            let t3 = kwh.saturating_sub(TIER2_TOP_KWH);
            for (item, k, price) in [
                (LineItem::Tier1, t1, TIER1_PRICE),
                (LineItem::Tier2, t2, TIER2_PRICE),
                (LineItem::Tier3, t3, TIER3_PRICE),
            ] {
                if k > 0 {
                    lines.push(line(item, k, price));
                }
            }
        }
        Tariff::Business => {
            if kwh > 0 {
                lines.push(line(LineItem::Flat, kwh, BUSINESS_PRICE));
            }
        }
    }
    lines
}

/// The bill of an account number under a tariff for a month's use.
pub fn bill_of(account: AccountNo, tariff: Tariff, month: Month, kwh: u32, due: Day) -> Bill {
    let lines = lines_for(tariff, kwh);
    let amount = lines.iter().map(|l| l.amount).sum();
    Bill {
        account,
        month,
        tariff,
        kwh,
        lines,
        amount,
        due,
    }
}

/// The bill of `account` for `month`'s use of `kwh`, due on `due`.
pub fn bill_for(account: &Account, month: Month, kwh: u32, due: Day) -> Bill {
    bill_of(account.no, account.tariff, month, kwh, due)
}
