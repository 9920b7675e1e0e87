//! The alarm lifecycle under virtual time: one alarm per fault, acknowledgement, clearing, repeats, escalation, maintenance and root causes.

use super::*;
use devices::alarm::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn key(d: &str, fault: Fault) -> AlarmKey {
    AlarmKey::device(&id(d), fault)
}

fn transitions(changes: &[AlarmChange]) -> Vec<(AlarmId, Transition)> {
    changes.iter().map(|c| (c.alarm.id, c.transition)).collect()
}

fn ringing(a: &Alarms) -> Vec<AlarmKey> {
    a.open()
        .filter(|a| a.rings())
        .map(|a| a.key.clone())
        .collect()
}

/// A hall: a UPS, a switch on it, and `n` terminals on the switch.
fn hall(n: usize) -> Alarms {
    let mut parents = BTreeMap::new();
    parents.insert(id("ups"), vec![]);
    parents.insert(id("sw"), vec![id("ups")]);
    for i in 0..n {
        parents.insert(id(&format!("T{i:02}")), vec![id("sw")]);
    }
    let mut a = Alarms::new(AlarmConfig::default(), 1);
    a.set_parents(parents);
    a
}

#[test]
fn paper_out_is_one_alarm_however_often_it_is_reported() {
    let mut a = hall(1);
    let first = a.observe(key("T00", Fault::PaperOut), true, 1_000);
    assert_eq!(
        transitions(&first),
        vec![(1, Transition::Raised), (1, Transition::Announced)]
    );
    for t in 0..1_000 {
        assert!(a
            .observe(key("T00", Fault::PaperOut), true, 1_001 + t)
            .is_empty());
    }
    assert_eq!(a.open().count(), 1);
    assert_eq!(a.get(1).unwrap().count, 1);
    assert_eq!(ringing(&a), vec![key("T00", Fault::PaperOut)]);

    let ack = a.acknowledge(1, "2001", "已通知保洁补纸", 5_000).unwrap();
    assert_eq!(transitions(&ack), vec![(1, Transition::Acknowledged)]);
    let alarm = &ack[0].alarm;
    assert_eq!(alarm.state, AlarmState::Acknowledged);
    assert_eq!(alarm.acknowledged.as_ref().unwrap().by, "2001");
    assert!(ringing(&a).is_empty());

    let cleared = a.observe(key("T00", Fault::PaperOut), false, 9_000);
    assert_eq!(transitions(&cleared), vec![(1, Transition::Cleared)]);
    let alarm = &cleared[0].alarm;
    assert_eq!(alarm.state, AlarmState::Cleared);
    assert_eq!(
        alarm.cleared.as_ref().unwrap().by,
        None,
        "cleared by the device"
    );
    assert_eq!(
        alarm.acknowledged.as_ref().unwrap().note,
        "已通知保洁补纸",
        "history kept"
    );
    assert_eq!(a.open().count(), 0);
}

#[test]
fn a_fault_that_returns_soon_reopens_its_alarm_and_counts() {
    let mut a = hall(1);
    let k = key("T00", Fault::PrinterJam);
    for round in 0..3 {
        a.observe(k.clone(), true, 10_000 * round);
        a.observe(k.clone(), false, 10_000 * round + 5_000);
    }
    let back = a.observe(k.clone(), true, 40_000);
    assert_eq!(transitions(&back)[0], (1, Transition::Reopened));
    assert_eq!(back[0].alarm.count, 4);
    assert_eq!(back[0].alarm.cleared, None);
    a.observe(k.clone(), false, 41_000);
    // Long after: a new alarm.
    a.tick(41_000 + 5 * 60_000 + 1);
    let later = a.observe(k, true, 41_000 + 5 * 60_000 + 2);
    assert_eq!(transitions(&later)[0], (2, Transition::Raised));
}

#[test]
fn an_offline_device_settles_before_it_rings() {
    let mut a = hall(1);
    let raised = a.observe(key("T00", Fault::Offline), true, 1_000);
    assert_eq!(transitions(&raised), vec![(1, Transition::Raised)]);
    assert!(a.tick(1_499).is_empty());
    assert_eq!(
        transitions(&a.tick(1_500)),
        vec![(1, Transition::Announced)]
    );
    assert_eq!(ringing(&a), vec![key("T00", Fault::Offline)]);
}

#[test]
fn a_dead_switch_is_one_alarm_not_forty() {
    let mut a = hall(40);
    // The terminals' wills arrive first, the switch's own a little later.
    for i in 0..40 {
        a.observe(key(&format!("T{i:02}"), Fault::Offline), true, 1_000 + i);
    }
    a.observe(key("sw", Fault::Offline), true, 1_100);
    let mut changes = Vec::new();
    for t in (1_100..=2_000).step_by(250) {
        changes.extend(a.tick(t));
    }
    assert_eq!(ringing(&a), vec![key("sw", Fault::Offline)]);
    let sw = a.open_for(&key("sw", Fault::Offline)).unwrap().id;
    let folded = a.open().filter(|x| x.root == Some(sw)).count();
    assert_eq!(folded, 40);
    // No terminal was ever announced on its own.
    assert!(changes
        .iter()
        .filter(|c| c.transition == Transition::Announced)
        .all(|c| c.alarm.id == sw));
}

#[test]
fn a_switch_that_says_nothing_is_inferred_from_its_dependants() {
    let mut a = hall(40);
    for i in 0..40 {
        a.observe(key(&format!("T{i:02}"), Fault::Offline), true, 1_000 + i);
    }
    a.tick(1_250);
    a.tick(1_600);
    assert_eq!(ringing(&a), vec![key("sw", Fault::DependantsLost)]);
    let root = a.open_for(&key("sw", Fault::DependantsLost)).unwrap();
    assert_eq!(root.severity, Severity::Critical);
    assert_eq!(a.open().filter(|x| x.root == Some(root.id)).count(), 40);

    // The switch comes back: the terminals reconnect one by one, the root clears with the last few.
    for i in 0..40 {
        a.observe(key(&format!("T{i:02}"), Fault::Offline), false, 60_000 + i);
        a.tick(60_000 + i);
    }
    assert_eq!(a.open().count(), 0);
}

#[test]
fn two_devices_offline_are_two_alarms() {
    let mut a = hall(40);
    a.observe(key("T01", Fault::Offline), true, 1_000);
    a.observe(key("T02", Fault::Offline), true, 1_000);
    a.tick(1_500);
    assert_eq!(
        ringing(&a).len(),
        2,
        "two of forty point at nothing above them"
    );
}

#[test]
fn a_child_still_down_when_its_root_recovers_rings_on_its_own() {
    let mut a = hall(3);
    a.observe(key("sw", Fault::Offline), true, 0);
    a.observe(key("T00", Fault::Offline), true, 10);
    a.observe(key("T01", Fault::Offline), true, 10);
    a.tick(600);
    assert_eq!(ringing(&a), vec![key("sw", Fault::Offline)]);
    a.observe(key("sw", Fault::Offline), false, 30_000);
    a.observe(key("T00", Fault::Offline), false, 30_000);
    // Unfolded the moment its root cleared, and announced at once (it settled long ago).
    let t01 = a.open_for(&key("T01", Fault::Offline)).unwrap();
    assert_eq!((t01.root, t01.announced_at), (None, Some(30_000)));
    assert!(a.tick(30_250).is_empty());
    assert_eq!(ringing(&a), vec![key("T01", Fault::Offline)]);
}

#[test]
fn a_chain_folds_to_its_top() {
    let mut a = hall(2);
    a.observe(key("T00", Fault::Offline), true, 0);
    a.observe(key("sw", Fault::Offline), true, 5);
    a.observe(key("ups", Fault::Offline), true, 10);
    a.tick(600);
    assert_eq!(ringing(&a), vec![key("ups", Fault::Offline)]);
    let ups = a.open_for(&key("ups", Fault::Offline)).unwrap().id;
    assert!(a
        .open()
        .filter(|x| x.id != ups)
        .all(|x| x.root == Some(ups)));
}

#[test]
fn an_unanswered_alarm_escalates_once_and_an_answered_one_never() {
    let mut a = hall(2);
    a.observe(key("T00", Fault::PaperOut), true, 0); // major: 5 minutes
    a.observe(key("T01", Fault::PaperOut), true, 0);
    a.acknowledge(2, "2001", "处理中", 1_000).unwrap();
    assert!(a.tick(5 * 60_000 - 1).is_empty());
    let up = a.tick(5 * 60_000);
    assert_eq!(transitions(&up), vec![(1, Transition::Escalated)]);
    assert!(a.tick(20 * 60_000).is_empty());
    // Warnings never escalate.
    a.observe(key("T00", Fault::PaperLow), true, 0);
    assert!(a.tick(100 * 60_000).is_empty());
}

#[test]
fn maintenance_holds_new_alarms_until_it_ends() {
    let mut a = hall(1);
    a.start_maintenance(id("T00"), 60_000, "2001", "更换打印机")
        .unwrap();
    assert!(a
        .observe(key("T00", Fault::PrinterJam), true, 1_000)
        .is_empty());
    assert!(a.tick(59_999).is_empty());
    assert!(a.is_active(&key("T00", Fault::PrinterJam)));
    let after = a.tick(60_000);
    assert_eq!(
        transitions(&after),
        vec![(1, Transition::Raised), (1, Transition::Announced)]
    );
    // What ended during maintenance raises nothing afterwards.
    a.start_maintenance(id("T00"), 120_000, "2001", "再次维护")
        .unwrap();
    a.observe(key("T00", Fault::CardReader), true, 70_000);
    a.observe(key("T00", Fault::CardReader), false, 80_000);
    assert!(a.tick(130_000).is_empty());
}

#[test]
fn people_get_clear_refusals() {
    let mut a = hall(1);
    a.observe(key("T00", Fault::PaperOut), true, 0);
    assert_eq!(a.acknowledge(1, "2001", "  ", 1), Err(AlarmError::BadNote));
    assert_eq!(
        a.acknowledge(1, "2001", &"长".repeat(201), 1),
        Err(AlarmError::BadNote)
    );
    assert_eq!(
        a.acknowledge(9, "2001", "好", 1),
        Err(AlarmError::Unknown(9))
    );
    a.acknowledge(1, "2001", "好", 1).unwrap();
    assert_eq!(
        a.acknowledge(1, "2001", "好", 2),
        Err(AlarmError::AlreadyAcknowledged(1))
    );
    a.assign(1, "维修员 张工", 3).unwrap();
    assert_eq!(
        a.get(1).unwrap().assigned_to.as_deref(),
        Some("维修员 张工")
    );
    a.observe(key("T00", Fault::PaperOut), false, 4);
    assert_eq!(a.clear(1, "2001", "好", 5), Err(AlarmError::NotOpen(1)));
    assert!(AlarmError::BadNote.to_string().contains("备注"));
}

#[test]
fn clearing_by_hand_does_not_fix_the_fault() {
    let mut a = hall(1);
    a.observe(key("T00", Fault::PaperOut), true, 0);
    let c = a.clear(1, "2001", "误报", 10).unwrap();
    assert_eq!(
        c[0].alarm.cleared.as_ref().unwrap().by.as_deref(),
        Some("2001")
    );
    let again = a.observe(key("T00", Fault::PaperOut), true, 20);
    assert_eq!(transitions(&again)[0], (1, Transition::Reopened));
    assert_eq!(again[0].alarm.count, 2);
}

#[test]
fn a_restart_takes_back_the_open_alarms() {
    let mut a = hall(1);
    a.observe(key("T00", Fault::PaperOut), true, 0);
    a.observe(key("T00", Fault::CashBoxFull), true, 0);
    a.acknowledge(2, "2001", "已联系", 1).unwrap();
    let journal: Vec<Alarm> = a.open().cloned().collect();

    let mut b = hall(1);
    b.restore(journal);
    assert_eq!(b.open().count(), 2);
    assert!(
        b.observe(key("T00", Fault::PaperOut), true, 100).is_empty(),
        "not doubled"
    );
    let cleared = b.observe(key("T00", Fault::CashBoxFull), false, 200);
    assert_eq!(transitions(&cleared), vec![(2, Transition::Cleared)]);
    let next = b.observe(key("T00", Fault::PrinterJam), true, 300);
    assert_eq!(next[0].alarm.id, 3, "ids go on after the restored ones");
}

#[test]
fn queue_and_clerk_alarms_are_alarms_too() {
    let mut a = hall(0);
    let wait = AlarmKey {
        source: Source::Business { code: "A".into() },
        fault: Fault::WaitTooLong,
    };
    let low = AlarmKey {
        source: Source::Clerk {
            staff_no: "1001".into(),
        },
        fault: Fault::SatisfactionLow,
    };
    a.observe(wait.clone(), true, 0);
    a.observe(low.clone(), true, 0);
    assert_eq!(ringing(&a), vec![wait.clone(), low]);
    a.observe(wait, false, 10);
    assert_eq!(a.open().count(), 1);
}

#[derive(Debug, Clone)]
enum Op {
    Observe(usize, Fault, bool),
    Tick,
    Ack(u64),
    Clear(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let fault = prop_oneof![
        Just(Fault::Offline),
        Just(Fault::PaperOut),
        Just(Fault::PrinterJam)
    ];
    prop_oneof![
        (0usize..6, fault, any::<bool>()).prop_map(|(d, f, on)| Op::Observe(d, f, on)),
        Just(Op::Tick),
        (1u64..20).prop_map(Op::Ack),
        (1u64..20).prop_map(Op::Clear),
    ]
}

proptest! {
    /// Whatever happens, a key has at most one open alarm, every change is of
    /// a known alarm, and an active condition outside maintenance has its alarm.
    #[test]
    fn one_open_alarm_per_key(ops in proptest::collection::vec(op(), 1..200)) {
        let names = ["ups", "sw", "T00", "T01", "T02", "T03"];
        let mut a = hall(4);
        let mut now = 0;
        let mut seen_ids = std::collections::BTreeSet::new();
        for o in ops {
            now += 137;
            let changes = match o {
                Op::Observe(d, f, on) => a.observe(key(names[d], f), on, now),
                Op::Tick => a.tick(now),
                Op::Ack(i) => a.acknowledge(i, "2001", "好", now).unwrap_or_default(),
                Op::Clear(i) => a.clear(i, "2001", "好", now).unwrap_or_default(),
            };
            for c in &changes {
                if c.transition == Transition::Raised {
                    prop_assert!(seen_ids.insert(c.alarm.id), "an id raised twice");
                } else {
                    prop_assert!(seen_ids.contains(&c.alarm.id));
                }
            }
            let mut keys = std::collections::BTreeSet::new();
            for x in a.open() {
                prop_assert!(keys.insert(x.key.clone()), "two open alarms of {:?}", x.key);
                if let Some(r) = x.root {
                    prop_assert!(a.get(r).is_some(), "folded under a closed alarm");
                }
            }
            for n in names {
                for f in [Fault::Offline, Fault::PaperOut, Fault::PrinterJam] {
                    if a.is_active(&key(n, f)) {
                        prop_assert!(a.open_for(&key(n, f)).is_some());
                    }
                }
            }
        }
    }
}
