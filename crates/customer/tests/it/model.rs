//! The model's bounds: what `check()` refuses, and serde that lets no bad identifier in.

use crate::payment::payment;
use crate::{day, month};
use customer::billing::bill_of;
use customer::model::{MAX_ADDRESS, MAX_NAME};
use customer::{
    Account, AccountNo, CreditGrade, Customer, CustomerKind, Fen, IdCardNo, Meter, ModelError,
    PayMethod, Phone, Prepaid, Reading, Seal, SealState, ServiceGrade, Tariff,
};
use domain::HallCode;

fn person() -> Customer {
    Customer {
        id: 1,
        kind: CustomerKind::Individual,
        name: "王秀英".into(),
        id_card: Some(IdCardNo::parse("330102199003071230").unwrap()),
        phones: vec![Phone::parse("13812345678").unwrap()],
        grade: ServiceGrade::Elderly,
        credit: CreditGrade::A,
    }
}

fn seal(no: &str, state: SealState, at: (i32, u8, u8)) -> Seal {
    Seal {
        no: no.into(),
        state,
        at: day(at.0, at.1, at.2),
        by: "F1001".into(),
    }
}

fn account() -> Account {
    Account {
        no: AccountNo::parse("3301234567").unwrap(),
        customer: 1,
        address: "杭州市上城区望江街道近江小区12幢2单元301室".into(),
        area: "330102".into(),
        tariff: Tariff::ResidentialTiered,
        meters: vec![Meter {
            no: "3330001000000000000001".into(),
            seals: vec![
                seal("ZJ00000001", SealState::Installed, (2020, 1, 5)),
                seal("ZJ00000001", SealState::Inspected, (2021, 3, 1)),
                seal("ZJ00000001", SealState::Broken, (2022, 6, 1)),
                seal("ZJ00000001", SealState::Replaced, (2022, 6, 1)),
                seal("ZJ00000002", SealState::Installed, (2022, 6, 1)),
            ],
        }],
        prepaid: Some(Prepaid {
            balance: Fen(-500),
            threshold: Fen(5_000),
        }),
    }
}

#[test]
fn customers() {
    assert_eq!(person().check(), Ok(()));
    let mut c = person();
    c.name = "".into();
    assert_eq!(c.check(), Err(ModelError::BadName));
    c.name = "王".repeat(MAX_NAME);
    assert_eq!(c.check(), Ok(()));
    c.name = "王".repeat(MAX_NAME + 1);
    assert_eq!(c.check(), Err(ModelError::BadName));
    c.name = "王\n秀英".into();
    assert_eq!(c.check(), Err(ModelError::BadName));
    let mut c = person();
    c.phones.push(c.phones[0]);
    assert_eq!(c.check(), Err(ModelError::DuplicatePhone));
    c.phones = ["13800000001", "13800000002", "13800000003", "13800000004"]
        .iter()
        .map(|p| Phone::parse(p).unwrap())
        .collect();
    assert_eq!(c.check(), Err(ModelError::TooManyPhones));
    let mut b = person();
    b.kind = CustomerKind::Business;
    assert_eq!(b.check(), Err(ModelError::IdCardOnBusiness));
    b.id_card = None;
    assert_eq!(b.check(), Ok(()));
}

#[test]
fn accounts_meters_and_seals() {
    assert_eq!(account().check(), Ok(()));
    let mut a = account();
    a.address = "路".repeat(MAX_ADDRESS + 1);
    assert_eq!(a.check(), Err(ModelError::BadAddress));
    let mut a = account();
    a.area = "330 102".into();
    assert_eq!(a.check(), Err(ModelError::BadArea));
    a.area = "3".into();
    assert_eq!(a.check(), Err(ModelError::BadArea));
    let mut a = account();
    a.meters.clear();
    assert_eq!(a.check(), Err(ModelError::NoMeter));
    let mut a = account();
    a.meters.push(a.meters[0].clone());
    assert!(matches!(a.check(), Err(ModelError::DuplicateMeter(_))));
    let mut a = account();
    a.prepaid = Some(Prepaid {
        balance: Fen(0),
        threshold: Fen(-1),
    });
    assert_eq!(a.check(), Err(ModelError::BadThreshold));

    // A seal inspected before it was installed.
    let mut a = account();
    a.meters[0]
        .seals
        .insert(0, seal("ZJ00000009", SealState::Inspected, (2019, 1, 1)));
    assert!(matches!(a.check(), Err(ModelError::SealStory(no)) if no == "ZJ00000009"));
    // Installed twice.
    let mut a = account();
    a.meters[0]
        .seals
        .push(seal("ZJ00000002", SealState::Installed, (2023, 1, 1)));
    assert!(matches!(a.check(), Err(ModelError::SealStory(_))));
    // Anything after its replacement.
    let mut a = account();
    a.meters[0]
        .seals
        .push(seal("ZJ00000001", SealState::Inspected, (2023, 1, 1)));
    assert!(matches!(a.check(), Err(ModelError::SealStory(_))));
    // Out of order.
    let mut a = account();
    a.meters[0].seals.swap(0, 1);
    assert!(matches!(
        a.check(),
        Err(ModelError::SealOutOfOrder(_) | ModelError::SealStory(_))
    ));
    let mut a = account();
    a.meters[0]
        .seals
        .push(seal("ZJ00000003", SealState::Installed, (2021, 1, 1)));
    assert!(matches!(a.check(), Err(ModelError::SealOutOfOrder(_))));
    // A seal with no handler.
    let mut a = account();
    a.meters[0].seals[0].by = " ".into();
    assert!(matches!(a.check(), Err(ModelError::BadSeal(_))));
    // What is on the meter now: seal 2, installed.
    let now = account().meters[0].clone();
    let current = now.current_seals();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].no, "ZJ00000002");
}

#[test]
fn readings_bills_and_payments() {
    let a = AccountNo::parse("3301234567").unwrap();
    let r = Reading {
        account: a,
        month: month(2024, 1),
        kwh: 10_000_001,
    };
    assert_eq!(r.check(), Err(ModelError::TooManyKwh));

    let good = bill_of(
        a,
        Tariff::ResidentialTiered,
        month(2024, 1),
        500,
        day(2024, 2, 29),
    );
    assert_eq!(good.check(), Ok(()));
    let mut b = good.clone();
    b.amount = Fen(b.amount.0 + 1);
    assert_eq!(b.check(), Err(ModelError::BillDoesNotAddUp));
    let mut b = good.clone();
    b.lines[0].amount = Fen(b.lines[0].amount.0 + 1);
    b.amount = Fen(b.amount.0 + 1);
    assert_eq!(
        b.check(),
        Err(ModelError::BillDoesNotAddUp),
        "a line not its kWh at its price"
    );
    let mut b = good.clone();
    b.kwh += 1;
    assert_eq!(b.check(), Err(ModelError::BillDoesNotAddUp));
    let mut b = good;
    b.due = day(2024, 1, 30);
    assert_eq!(b.check(), Err(ModelError::DueTooEarly));

    let p = payment(
        "H0101-C03-00000000000000a1",
        a,
        100,
        PayMethod::Qr,
        day(2024, 5, 1),
    );
    assert_eq!(p.check(), Ok(()));
    assert_eq!(p.day(), day(2024, 5, 1));
    let mut q = p.clone();
    q.amount = Fen(0);
    assert_eq!(q.check(), Err(ModelError::BadAmount));
    q.amount = Fen(100_000_001);
    assert_eq!(q.check(), Err(ModelError::BadAmount));
    let mut q = p.clone();
    q.counter = 4;
    assert_eq!(q.check(), Err(ModelError::KeyMismatch));
    let mut q = p;
    q.hall = HallCode::parse("H0102").unwrap();
    assert_eq!(q.check(), Err(ModelError::KeyMismatch));
}

#[test]
fn serde_lets_no_bad_identifier_in() {
    let c = person();
    let json = serde_json::to_string(&c).unwrap();
    assert!(json.contains("\"330102199003071230\""), "{json}");
    assert_eq!(serde_json::from_str::<Customer>(&json).unwrap(), c);
    let bad = json.replace("330102199003071230", "330102199003071231");
    assert!(serde_json::from_str::<Customer>(&bad).is_err());
    let a = account();
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(serde_json::from_str::<Account>(&json).unwrap(), a);
    assert!(serde_json::from_str::<Account>(&json.replace("3301234567", "3301234560")).is_err());
}

#[test]
fn errors_speak_both_languages() {
    use ModelError::*;
    for e in [
        BadName,
        BadAddress,
        BadArea,
        TooManyPhones,
        DuplicatePhone,
        IdCardOnBusiness,
        NoMeter,
        TooManyMeters,
        BadMeterNo,
        DuplicateMeter("M1".into()),
        TooManySealEvents("M1".into()),
        BadSeal("S1".into()),
        SealOutOfOrder("M1".into()),
        SealStory("S1".into()),
        BadThreshold,
        TooManyKwh,
        BillDoesNotAddUp,
        TooManyLines,
        DueTooEarly,
        BadAmount,
        KeyMismatch,
        BadCounter,
    ] {
        let (zh, en) = (e.to_string(), e.en());
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{zh}"
        );
        assert!(
            en.chars().next().is_some_and(|c| c.is_ascii_uppercase()),
            "{en}"
        );
    }
    assert!(BadName.to_string().contains("40"));
}
