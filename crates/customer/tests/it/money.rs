//! Amounts typed in yuan: what is taken, what is refused and why, and how they print.

use customer::{Fen, MoneyError, MAX_PAYMENT};
use proptest::prelude::*;

#[test]
fn amounts_taken() {
    for (raw, fen) in [
        ("123.45", 12_345),
        ("123.4", 12_340),
        ("123", 12_300),
        ("0.01", 1),
        ("0.1", 10),
        ("007.50", 750),
        (" 88.00 ", 8_800),
        ("¥1,234.56", 123_456),
        ("￥ 1234.56", 123_456),
        ("+5", 500),
        ("1,000,000.00", 100_000_000),
        ("999999.99", 99_999_999),
    ] {
        assert_eq!(Fen::parse_yuan(raw), Ok(Fen(fen)), "{raw:?}");
    }
    assert_eq!(Fen::parse_yuan("1000000"), Ok(MAX_PAYMENT));
}

#[test]
fn amounts_refused() {
    use MoneyError::*;
    for (raw, why) in [
        ("", Empty),
        ("  ", Empty),
        ("¥", Empty),
        ("0", Zero),
        ("0.00", Zero),
        ("000.0", Zero),
        ("-5", Negative),
        ("-0.01", Negative),
        ("1.234", TooManyDecimals),
        ("0.001", TooManyDecimals),
        ("1000000.01", TooLarge),
        ("1,000,001", TooLarge),
        ("99999999999999999999999", TooLarge),
        ("12,34", BadFormat),
        ("1,2345", BadFormat),
        (",123", BadFormat),
        ("1..2", BadFormat),
        ("12.", BadFormat),
        (".5", BadFormat),
        ("1.2.3", BadFormat),
        ("abc", BadFormat),
        ("12元", BadFormat),
        ("1e3", BadFormat),
    ] {
        assert_eq!(Fen::parse_yuan(raw), Err(why), "{raw:?}");
    }
}

#[test]
fn amounts_print_in_yuan() {
    assert_eq!(Fen(123_456).to_string(), "¥1,234.56");
    assert_eq!(Fen(5).to_string(), "¥0.05");
    assert_eq!(Fen(99).to_string(), "¥0.99");
    assert_eq!(Fen(100).to_string(), "¥1.00");
    assert_eq!(Fen(0).to_string(), "¥0.00");
    assert_eq!(Fen(-5).to_string(), "-¥0.05");
    assert_eq!(Fen(-123_456_789).to_string(), "-¥1,234,567.89");
    assert_eq!(MAX_PAYMENT.to_string(), "¥1,000,000.00");
    assert_eq!(Fen(99_999).to_string(), "¥999.99");
    assert_eq!(Fen(100_000).to_string(), "¥1,000.00");
}

#[test]
fn checked_arithmetic() {
    assert_eq!(Fen(5).checked_add(Fen(7)), Some(Fen(12)));
    assert_eq!(Fen(5).checked_sub(Fen(7)), Some(Fen(-2)));
    assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
    assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
    assert_eq!(Fen::checked_sum([Fen(1), Fen(2), Fen(3)]), Some(Fen(6)));
    assert_eq!(Fen::checked_sum([Fen(i64::MAX), Fen(1)]), None);
    assert_eq!(Fen(-3).at_least_zero(), Fen::ZERO);
    assert_eq!(Fen::yuan(12), Fen(1_200));
}

#[test]
fn errors_speak_both_languages() {
    use MoneyError::*;
    for e in [Empty, BadFormat, TooManyDecimals, Zero, Negative, TooLarge] {
        assert!(!e.to_string().is_empty() && !e.en().is_empty());
    }
    assert!(TooLarge.to_string().contains("¥1,000,000.00"));
    assert!(TooLarge.en().contains("¥1,000,000.00"));
}

proptest! {
    /// Whatever `Display` prints of a valid payment, `parse_yuan` reads back.
    #[test]
    fn display_round_trips(fen in 1i64..=MAX_PAYMENT.0) {
        prop_assert_eq!(Fen::parse_yuan(&Fen(fen).to_string()), Ok(Fen(fen)));
        let plain = format!("{}.{:02}", fen / 100, fen % 100);
        prop_assert_eq!(Fen::parse_yuan(&plain), Ok(Fen(fen)));
    }
}
