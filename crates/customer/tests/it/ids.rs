//! 户号, ID card and mobile numbers: check digits by hand, round trips, refusals, masking, serde through parse.

use crate::day;
use customer::ids::id_check_char;
use customer::{AccountNo, IdCardNo, IdError, IdKind, Phone};
use proptest::prelude::*;

/// The first 17 characters of an ID number and its computed check character.
fn with_check(first17: &str) -> String {
    let b: &[u8; 17] = first17.as_bytes().try_into().expect("17 ASCII digits");
    format!("{first17}{}", id_check_char(b) as char)
}

#[test]
fn account_numbers_computed_by_hand() {
    // 330123456: from the right, 6 5 4 3 2 1 0 3 3; doubling the 1st, 3rd, ...:
    // 6→12→3, 5, 4→8, 3, 2→4, 1, 0→0, 3, 3→6; sum 3+5+8+3+4+1+0+3+6 = 33;
    // check (10 - 3) % 10 = 7.
    let a = AccountNo::parse("3301234567").unwrap();
    assert_eq!(AccountNo::from_serial(330_123_456), Some(a));
    assert_eq!(a.serial(), 330_123_456);
    assert_eq!(a.to_string(), "3301234567");
    // 100000001: 1→2, seven zeros, 1 (9th from the right, doubled)→2; sum 4; check 6.
    assert_eq!(
        AccountNo::from_serial(100_000_001).unwrap().to_string(),
        "1000000016"
    );
    // A leading zero is kept.
    assert_eq!(AccountNo::from_serial(7).unwrap().to_string().len(), 10);
    assert_eq!(AccountNo::parse(" 330 1234 567 "), Ok(a));
    assert_eq!(AccountNo::from_serial(1_000_000_000), None);
}

#[test]
fn account_numbers_refused() {
    let k = IdKind::Account;
    assert_eq!(AccountNo::parse(""), Err(IdError::Empty(k)));
    assert_eq!(AccountNo::parse("   "), Err(IdError::Empty(k)));
    assert_eq!(
        AccountNo::parse("330123456"),
        Err(IdError::Length { kind: k, got: 9 })
    );
    assert_eq!(
        AccountNo::parse("33012345670"),
        Err(IdError::Length { kind: k, got: 11 })
    );
    assert_eq!(
        AccountNo::parse("33012a4567"),
        Err(IdError::BadCharacter(k))
    );
    assert_eq!(
        AccountNo::parse("3301234568"),
        Err(IdError::BadCheckDigit(k))
    );
    // Two neighbours swapped.
    assert_eq!(
        AccountNo::parse("3310234567"),
        Err(IdError::BadCheckDigit(k))
    );
}

/// ISO 7064 MOD 11-2 from its definition, not from GB 11643's table: the
/// weight of the digit i places left of the check character is 2^i mod 11,
/// and the check value c makes (Σ digit·weight + c) ≡ 1 (mod 11); 10 is X.
fn mod_11_2(first17: &str) -> char {
    let sum: u32 = first17
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * ((1u32 << (i + 1)) % 11))
        .sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        c => char::from_digit(c, 10).unwrap(),
    }
}

proptest! {
    #[test]
    fn id_check_character_matches_the_standard(digits in "[0-9]{17}") {
        let b: &[u8; 17] = digits.as_bytes().try_into().unwrap();
        prop_assert_eq!(id_check_char(b) as char, mod_11_2(&digits));
    }

    #[test]
    fn account_numbers_round_trip(serial in 0u64..=AccountNo::MAX_SERIAL) {
        let a = AccountNo::from_serial(serial).unwrap();
        prop_assert_eq!(AccountNo::parse(&a.to_string()), Ok(a));
        prop_assert_eq!(a.serial(), serial);
    }

    #[test]
    fn one_mistyped_digit_is_caught(serial in 0u64..=AccountNo::MAX_SERIAL, at in 0usize..10, delta in 1u8..10) {
        let mut s = AccountNo::from_serial(serial).unwrap().to_string().into_bytes();
        s[at] = b'0' + (s[at] - b'0' + delta) % 10;
        let typo = String::from_utf8(s).unwrap();
        prop_assert_eq!(AccountNo::parse(&typo), Err(IdError::BadCheckDigit(IdKind::Account)));
    }
}

#[test]
fn id_numbers_computed_by_hand() {
    // GB 11643's own example. 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 weighted
    // 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4
    // = 167; 167 mod 11 = 2 → "10X98765432"[2] = X.
    let id = IdCardNo::parse("11010519491231002X").unwrap();
    assert_eq!(id.to_string(), "11010519491231002X");
    assert_eq!(id.birth(), Some(day(1949, 12, 31)));
    assert_eq!(id.region(), "110105");
    assert!(!id.is_male(), "sequence 002 is even: a woman");
    // Lower-case x is taken and kept upper case.
    assert_eq!(IdCardNo::parse("11010519491231002x"), Ok(id));

    // 3 3 0 1 0 2 1 9 9 0 0 3 0 7 1 2 3: 21+27+0+5+0+8+2+9+54+0+0+27+0+35+8+8+6
    // = 210; 210 mod 11 = 1 → "10X98765432"[1] = 0.
    let mine = IdCardNo::parse("330102199003071230").unwrap();
    assert!(mine.is_male(), "sequence 123 is odd: a man");
    assert_eq!(mine.masked(), "330102********1230");
    assert_eq!(mine.age_on(day(2025, 3, 6)), 34);
    assert_eq!(mine.age_on(day(2025, 3, 7)), 35);
    assert_eq!(
        IdCardNo::from_parts(330_102, day(1990, 3, 7), 123),
        Some(mine)
    );
    assert_eq!(with_check("33010219900307123"), "330102199003071230");
}

#[test]
fn id_numbers_refused() {
    let k = IdKind::IdCard;
    assert_eq!(IdCardNo::parse(""), Err(IdError::Empty(k)));
    assert_eq!(
        IdCardNo::parse("11010519491231002"),
        Err(IdError::Length { kind: k, got: 17 })
    );
    assert_eq!(
        IdCardNo::parse("11010519491231002X1"),
        Err(IdError::Length { kind: k, got: 19 })
    );
    assert_eq!(
        IdCardNo::parse("1101051949X231002X"),
        Err(IdError::BadCharacter(k))
    );
    assert_eq!(
        IdCardNo::parse("110105194912310021"),
        Err(IdError::BadCheckDigit(k))
    );
    // GB 11643's other example, 440524188001010014: its check digit is right
    // (4·7+4·9+0+5·5+2·8+4·4+1·2+8·1+8·6+0+0+1·9+0+1·5+0+0+1·2 = 195,
    // 195 mod 11 = 8 → "4"), but 1880 is before 1900.
    assert_eq!(
        IdCardNo::parse("440524188001010014"),
        Err(IdError::BadBirthDate)
    );
    // No 30 February; no 2101.
    assert_eq!(
        IdCardNo::parse(&with_check("33010219900230123")),
        Err(IdError::BadBirthDate)
    );
    assert_eq!(
        IdCardNo::parse(&with_check("33010221010101123")),
        Err(IdError::BadBirthDate)
    );
    // 00 and 99 are no province.
    assert_eq!(
        IdCardNo::parse(&with_check("00010219900307123")),
        Err(IdError::BadRegion)
    );
    assert_eq!(
        IdCardNo::parse(&with_check("99010219900307123")),
        Err(IdError::BadRegion)
    );
    // Born tomorrow.
    let young = IdCardNo::parse(&with_check("33010220240501123")).unwrap();
    assert_eq!(young.check_birth(day(2024, 5, 1)), Ok(()));
    assert_eq!(
        young.check_birth(day(2024, 4, 30)),
        Err(IdError::BirthAfterToday)
    );
}

#[test]
fn identifiers_print_masked_in_debug() {
    let id = IdCardNo::parse("330102199003071230").unwrap();
    let phone = Phone::parse("13812345678").unwrap();
    let debug = format!("{id:?} {phone:?}");
    assert!(!debug.contains("199003071230"), "{debug}");
    assert!(!debug.contains("12345678"), "{debug}");
    assert!(debug.contains("330102********1230"), "{debug}");
    assert!(debug.contains("138****5678"), "{debug}");
}

#[test]
fn phones() {
    let p = Phone::parse("13812345678").unwrap();
    assert_eq!(p.to_string(), "13812345678");
    assert_eq!(p.masked(), "138****5678");
    assert_eq!(Phone::parse("+86 138-1234-5678"), Ok(p));
    assert_eq!(Phone::parse("8613812345678"), Ok(p));
    assert_eq!(Phone::parse(" 138 1234 5678 "), Ok(p));
    let k = IdKind::Phone;
    assert_eq!(Phone::parse(""), Err(IdError::Empty(k)));
    assert_eq!(Phone::parse("12812345678"), Err(IdError::NotMobile));
    assert_eq!(Phone::parse("23812345678"), Err(IdError::NotMobile));
    assert_eq!(
        Phone::parse("1381234567"),
        Err(IdError::Length { kind: k, got: 10 })
    );
    assert_eq!(Phone::parse("1381234567a"), Err(IdError::BadCharacter(k)));
    // A landline is not a mobile number.
    assert!(Phone::parse("057187654321").is_err());
}

#[test]
fn serde_goes_through_parse() {
    let id = IdCardNo::parse("11010519491231002x").unwrap();
    assert_eq!(
        serde_json::to_string(&id).unwrap(),
        "\"11010519491231002X\""
    );
    let back: IdCardNo = serde_json::from_str("\"11010519491231002x\"").unwrap();
    assert_eq!(back, id);
    assert!(serde_json::from_str::<IdCardNo>("\"110105194912310021\"").is_err());
    let a: AccountNo = serde_json::from_str("\"3301234567\"").unwrap();
    assert_eq!(serde_json::to_string(&a).unwrap(), "\"3301234567\"");
    assert!(serde_json::from_str::<AccountNo>("\"3301234568\"").is_err());
    assert!(serde_json::from_str::<Phone>("\"12812345678\"").is_err());
    let err = serde_json::from_str::<Phone>("\"12812345678\"")
        .unwrap_err()
        .to_string();
    assert!(err.contains("mobile"), "{err}");
}

#[test]
fn errors_speak_both_languages() {
    let all = [
        IdError::Empty(IdKind::Account),
        IdError::Length {
            kind: IdKind::IdCard,
            got: 17,
        },
        IdError::BadCharacter(IdKind::Phone),
        IdError::BadCheckDigit(IdKind::IdCard),
        IdError::BadRegion,
        IdError::BadBirthDate,
        IdError::BirthAfterToday,
        IdError::NotMobile,
        IdError::BadFormat(IdKind::PaymentKey),
    ];
    for e in all {
        let zh = e.to_string();
        let en = e.en();
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{zh}"
        );
        assert!(en.is_ascii() || en.contains('–'), "{en}");
        assert!(!en.is_empty());
    }
    assert!(IdError::BadCheckDigit(IdKind::Account)
        .to_string()
        .contains("户号"));
    assert!(IdError::Length {
        kind: IdKind::Account,
        got: 9
    }
    .to_string()
    .contains("9 位"));
}
