//! Civil dates: known days, leap years, months stepping across years, the CST day of an instant, and a cross-check against the `time` crate.

use crate::{day, month};
use customer::{DateError, Day, Month};
use proptest::prelude::*;

#[test]
fn known_days() {
    assert_eq!(day(1970, 1, 1).days(), 0);
    assert_eq!(day(1969, 12, 31).days(), -1);
    // 30 years (7 leap days) + Jan + Feb of a leap year: 10957 + 31 + 29.
    assert_eq!(day(2000, 3, 1).days(), 11_017);
    assert_eq!(day(2024, 1, 1).days(), 19_723);
    assert_eq!(Day::from_days(19_723).ymd(), (2024, 1, 1));
    assert_eq!(day(2024, 3, 1).days_since(day(2024, 2, 1)), 29);
    assert_eq!(day(2023, 3, 1).days_since(day(2023, 2, 1)), 28);
    assert_eq!(day(2024, 12, 31).add_days(1), day(2025, 1, 1));
    assert_eq!(day(2025, 3, 1).add_days(-1), day(2025, 2, 28));
    assert_eq!(day(2024, 2, 29).to_string(), "2024-02-29");
    assert_eq!(day(1, 1, 1).to_string(), "0001-01-01");
}

#[test]
fn leap_years_and_impossible_days() {
    assert!(Day::from_ymd(2024, 2, 29).is_some());
    assert!(Day::from_ymd(2000, 2, 29).is_some(), "divisible by 400");
    assert!(Day::from_ymd(1900, 2, 29).is_none(), "divisible by 100");
    assert!(Day::from_ymd(2023, 2, 29).is_none());
    assert!(Day::from_ymd(2023, 4, 31).is_none());
    assert!(Day::from_ymd(2023, 13, 1).is_none());
    assert!(Day::from_ymd(2023, 0, 1).is_none());
    assert!(Day::from_ymd(2023, 1, 0).is_none());
    assert!(Day::from_ymd(0, 1, 1).is_none());
    assert!(Day::from_ymd(10_000, 1, 1).is_none());
}

#[test]
fn parsing_days_and_months() {
    assert_eq!(Day::parse("2024-02-29"), Ok(day(2024, 2, 29)));
    assert_eq!(Day::parse("2023-02-29"), Err(DateError::NoSuchDate));
    assert_eq!(Day::parse("2023-2-28"), Err(DateError::BadFormat));
    assert_eq!(Day::parse("20230228"), Err(DateError::BadFormat));
    assert_eq!(Day::parse("2023-0a-28"), Err(DateError::BadFormat));
    assert_eq!(Month::parse("202402"), Ok(month(2024, 2)));
    assert_eq!(Month::parse("202413"), Err(DateError::NoSuchDate));
    assert_eq!(Month::parse("202400"), Err(DateError::NoSuchDate));
    assert_eq!(Month::parse("2024-02"), Err(DateError::BadFormat));
    assert_eq!(
        serde_json::to_string(&day(2024, 5, 1)).unwrap(),
        "\"2024-05-01\""
    );
    assert_eq!(
        serde_json::to_string(&month(2024, 5)).unwrap(),
        "\"202405\""
    );
    assert_eq!(
        serde_json::from_str::<Month>("\"202405\"").unwrap(),
        month(2024, 5)
    );
    assert!(serde_json::from_str::<Day>("\"2024-02-30\"").is_err());
}

#[test]
fn months_step_across_years() {
    let dec = month(2024, 12);
    assert_eq!(dec.next(), month(2025, 1));
    assert_eq!(month(2025, 1).prev(), dec);
    assert_eq!(dec.to_string(), "202412");
    assert_eq!(month(2025, 3).add_months(-3), dec);
    assert_eq!(month(2025, 3).add_months(-15), month(2023, 12));
    assert_eq!(dec.add_months(13), month(2026, 1));
    assert_eq!(month(2025, 3).months_since(dec), 3);
    assert_eq!(month(2024, 2).last_day(), day(2024, 2, 29));
    assert_eq!(month(2023, 2).last_day(), day(2023, 2, 28));
    assert_eq!(dec.first_day(), day(2024, 12, 1));
    assert_eq!(dec.last_day(), day(2024, 12, 31));
    assert_eq!(month(2024, 4).days(), 30);
    assert_eq!(day(2024, 7, 15).month(), month(2024, 7));
    assert!(month(2024, 12) < month(2025, 1));
}

#[test]
fn china_standard_time_days() {
    // 2024-01-01 00:00 CST is 2023-12-31 16:00 UTC.
    let midnight = 1_704_038_400_000;
    assert_eq!(Day::from_millis_cst(midnight), day(2024, 1, 1));
    assert_eq!(Day::from_millis_cst(midnight - 1), day(2023, 12, 31));
    assert_eq!(day(2024, 1, 1).start_millis_cst(), midnight);
    // 08:00 UTC is 16:00 CST, the same day.
    assert_eq!(
        Day::from_millis_cst(midnight + 16 * 3_600_000),
        day(2024, 1, 1)
    );
    // Before 1970.
    assert_eq!(Day::from_millis_cst(-1), day(1970, 1, 1));
    assert_eq!(Day::from_millis_cst(-8 * 3_600_000 - 1), day(1969, 12, 31));
}

proptest! {
    /// The civil calendar agrees with the `time` crate over years 1–9999.
    #[test]
    fn agrees_with_the_time_crate(days in -719_162i32..=2_932_896) {
        let ours = Day::from_days(days).ymd();
        let theirs = time::Date::from_julian_day(days + 2_440_588).unwrap();
        prop_assert_eq!(ours, (theirs.year(), theirs.month() as u8, theirs.day()));
        let (y, m, d) = ours;
        prop_assert_eq!(Day::from_ymd(y, m, d), Some(Day::from_days(days)));
        prop_assert_eq!(Day::parse(&Day::from_days(days).to_string()), Ok(Day::from_days(days)));
    }

    #[test]
    fn months_round_trip(y in 1i32..=9999, m in 1u8..=12) {
        let mo = month(y, m);
        prop_assert_eq!((mo.year(), mo.month()), (y, m));
        prop_assert_eq!(Month::parse(&mo.to_string()), Ok(mo));
        prop_assert_eq!(mo.first_day().month(), mo);
        prop_assert_eq!(mo.last_day().month(), mo);
        prop_assert_eq!(mo.last_day().days_since(mo.first_day()) + 1, i32::from(mo.days()));
    }
}
