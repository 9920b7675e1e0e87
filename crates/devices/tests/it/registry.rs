//! The registry refuses what would not make a valid whole.

use super::*;

#[test]
fn ids_are_short_and_topic_safe() {
    assert!(DeviceId::parse("T01").is_ok());
    assert!(DeviceId::parse("ups-1_a").is_ok());
    for bad in ["", "a/b", "a+b", "a#", "终端", &"x".repeat(33), "a b"] {
        assert!(DeviceId::parse(bad).is_err(), "{bad:?}");
    }
    assert!(serde_json::from_str::<DeviceId>("\"a/b\"").is_err());
}

#[test]
fn a_registry_is_a_forest_of_known_devices() {
    let r = Registry::new([
        device("ups", DeviceKind::Ups, &[]),
        device("sw", DeviceKind::Switch, &["ups"]),
        device("pc1", DeviceKind::CounterPc, &["sw"]),
        device("pad1", DeviceKind::Pad, &["pc1"]),
    ])
    .unwrap();
    assert_eq!(r.dependants(&id("sw")), vec![id("pc1")]);
    assert_eq!(r.parents()[&id("pad1")], vec![id("pc1")]);

    assert_eq!(
        r.with(device("t1", DeviceKind::Terminal, &["nope"])),
        Err(RegistryError::UnknownDependency(id("nope")))
    );
    // ups → pad1 → pc1 → sw → ups
    let cyc = r.with(device("ups", DeviceKind::Ups, &["pad1"]));
    assert!(matches!(cyc, Err(RegistryError::Cycle(_))), "{cyc:?}");
    assert!(matches!(
        r.with(device("x", DeviceKind::Switch, &["x"])),
        Err(RegistryError::Cycle(_))
    ));
    assert_eq!(
        r.without(&id("sw")),
        Err(RegistryError::HasDependants(vec![id("pc1")]))
    );
    let r2 = r.without(&id("pad1")).unwrap();
    assert_eq!(r2.len(), 3);
    assert_eq!(r.len(), 4, "the old registry is untouched");
}

#[test]
fn each_device_is_checked_on_its_own() {
    let mut d = device("pad1", DeviceKind::Pad, &[]);
    d.counter = None;
    assert_eq!(d.check(), Err(RegistryError::Counter));
    let mut d = device("k1", DeviceKind::Kiosk, &[]);
    d.counter = Some(3);
    assert_eq!(d.check(), Err(RegistryError::Counter));
    let mut d = device("k1", DeviceKind::Kiosk, &[]);
    d.spot.x = 1001;
    assert_eq!(d.check(), Err(RegistryError::OffPlan));
    d.spot.x = 0;
    d.name = " ".into();
    assert_eq!(d.check(), Err(RegistryError::BadName));
    d.name = "取".repeat(41);
    assert_eq!(d.check(), Err(RegistryError::BadName));
    d.name = "一号取号机".into();
    assert_eq!(d.check(), Ok(()));
    assert_eq!(
        Registry::new([d.clone(), d]),
        Err(RegistryError::Duplicate(id("k1")))
    );
}
