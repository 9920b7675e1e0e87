//! Smart payment under virtual time: low → overdrawn → cut-off after the grace → payment → reconnect, each notice and order once.

use customer::{Fen, Prepaid, PrepaidEvent, PrepaidMachine, PrepaidOutput, PrepaidState};
use proptest::prelude::*;
use PrepaidEvent::{Charge, Paid, Tick};

const HOUR: i64 = 3_600_000;
const GRACE: i64 = 24 * HOUR;

fn yuan(y: i64) -> Fen {
    Fen::yuan(y)
}

fn machine(balance: i64, threshold: i64) -> PrepaidMachine {
    PrepaidMachine::new(
        Prepaid {
            balance: yuan(balance),
            threshold: yuan(threshold),
        },
        GRACE,
        0,
    )
}

fn low(balance: i64, threshold: i64) -> PrepaidOutput {
    PrepaidOutput::LowBalance {
        balance: yuan(balance),
        threshold: yuan(threshold),
    }
}

#[test]
fn low_then_cut_off_then_reconnect() {
    let mut m = machine(100, 50);
    assert_eq!(m.step(0, Tick), vec![]);
    assert_eq!(m.state, PrepaidState::Normal);

    // Below the threshold: told once.
    assert_eq!(m.step(HOUR, Charge { amount: yuan(60) }), vec![low(40, 50)]);
    assert_eq!(m.state, PrepaidState::Low);
    assert_eq!(m.step(2 * HOUR, Charge { amount: yuan(10) }), vec![]);
    assert_eq!(m.step(3 * HOUR, Tick), vec![]);
    // A top-up that leaves it low: still no second notice.
    assert_eq!(m.step(4 * HOUR, Paid { amount: yuan(15) }), vec![]);
    assert_eq!(m.balance, yuan(45));

    // Overdrawn at 10 h: the grace runs, supply goes on.
    let t0 = 10 * HOUR;
    assert_eq!(m.step(t0, Charge { amount: yuan(50) }), vec![]);
    assert_eq!(m.state, PrepaidState::Overdrawn { since_ms: t0 });
    assert_eq!(m.step(t0 + GRACE - 1, Tick), vec![]);
    assert_eq!(m.step(t0 + GRACE - 1, Charge { amount: yuan(1) }), vec![]);
    // The grace is over: one cut-off order.
    assert_eq!(m.step(t0 + GRACE, Tick), vec![PrepaidOutput::CutOff]);
    assert_eq!(m.state, PrepaidState::CutOff);
    assert_eq!(m.step(t0 + GRACE + HOUR, Tick), vec![]);
    assert_eq!(m.step(t0 + 3 * GRACE, Charge { amount: yuan(1) }), vec![]);

    // A payment that leaves it at or below zero: still cut off.
    assert_eq!(m.balance, yuan(-7));
    assert_eq!(m.step(t0 + 4 * GRACE, Paid { amount: yuan(7) }), vec![]);
    assert_eq!(m.state, PrepaidState::CutOff);
    // One that brings it above zero: reconnect, once.
    assert_eq!(
        m.step(t0 + 4 * GRACE + HOUR, Paid { amount: yuan(100) }),
        vec![PrepaidOutput::Reconnect]
    );
    assert_eq!(m.state, PrepaidState::Normal);
    assert_eq!(m.step(t0 + 4 * GRACE + 2 * HOUR, Tick), vec![]);

    // Back at the threshold re-arms the notice: low again, told again.
    assert_eq!(
        m.step(t0 + 5 * GRACE, Charge { amount: yuan(60) }),
        vec![low(40, 50)]
    );
}

#[test]
fn reconnected_then_overdrawn_again_gets_a_full_grace() {
    let mut m = machine(10, 50);
    assert_eq!(m.step(0, Tick), vec![low(10, 50)]);
    assert_eq!(m.step(HOUR, Charge { amount: yuan(20) }), vec![]);
    assert_eq!(m.step(HOUR + GRACE, Tick), vec![PrepaidOutput::CutOff]);
    // Paid just above zero: reconnected, and low (already told: no notice).
    let t1 = 2 * GRACE;
    assert_eq!(
        m.step(t1, Paid { amount: yuan(11) }),
        vec![PrepaidOutput::Reconnect]
    );
    assert_eq!(m.state, PrepaidState::Low);
    // Overdrawn again right away: not cut off again before a whole new grace.
    assert_eq!(m.step(t1 + HOUR, Charge { amount: yuan(2) }), vec![]);
    assert_eq!(
        m.state,
        PrepaidState::Overdrawn {
            since_ms: t1 + HOUR
        }
    );
    assert_eq!(m.step(t1 + GRACE, Tick), vec![]);
    assert_eq!(m.step(t1 + HOUR + GRACE, Tick), vec![PrepaidOutput::CutOff]);
}

#[test]
fn paid_within_the_grace_no_order() {
    let mut m = machine(60, 50);
    assert_eq!(m.step(0, Charge { amount: yuan(70) }), vec![low(-10, 50)]);
    assert!(matches!(m.state, PrepaidState::Overdrawn { .. }));
    assert_eq!(m.step(GRACE / 2, Paid { amount: yuan(100) }), vec![]);
    assert_eq!(m.state, PrepaidState::Normal);
    // The grace started over: a later overdraft waits a whole grace again.
    assert_eq!(
        m.step(GRACE, Charge { amount: yuan(95) }),
        vec![low(-5, 50)]
    );
    assert_eq!(m.step(2 * GRACE - 1, Tick), vec![]);
    assert_eq!(m.step(2 * GRACE, Tick), vec![PrepaidOutput::CutOff]);
}

#[test]
fn time_does_not_run_backwards() {
    let mut m = machine(0, 50);
    assert_eq!(m.step(10 * HOUR, Tick), vec![low(0, 50)]);
    assert_eq!(
        m.state,
        PrepaidState::Overdrawn {
            since_ms: 10 * HOUR
        }
    );
    // An event stamped earlier is taken at the latest time: no early cut-off, no reset.
    assert_eq!(m.step(0, Tick), vec![]);
    assert_eq!(
        m.state,
        PrepaidState::Overdrawn {
            since_ms: 10 * HOUR
        }
    );
    assert_eq!(m.step(10 * HOUR + GRACE, Tick), vec![PrepaidOutput::CutOff]);

    // An overdraft stamped before the latest event starts its grace at the latest time.
    let mut m = machine(10, 5);
    assert_eq!(m.step(10 * HOUR, Tick), vec![]);
    assert_eq!(m.step(0, Charge { amount: yuan(20) }), vec![low(-10, 5)]);
    assert_eq!(
        m.state,
        PrepaidState::Overdrawn {
            since_ms: 10 * HOUR
        }
    );
    assert_eq!(m.step(GRACE, Tick), vec![], "the grace counts from 10 h");
    assert_eq!(m.step(10 * HOUR + GRACE, Tick), vec![PrepaidOutput::CutOff]);
}

#[test]
fn no_grace_cuts_at_once() {
    let mut m = PrepaidMachine::new(
        Prepaid {
            balance: yuan(5),
            threshold: yuan(0),
        },
        0,
        0,
    );
    assert_eq!(
        m.step(1, Charge { amount: yuan(5) }),
        vec![low(0, 0), PrepaidOutput::CutOff]
    );
}

fn events() -> impl Strategy<Value = Vec<(i64, PrepaidEvent)>> {
    prop::collection::vec(
        (
            0i64..(6 * HOUR),
            prop_oneof![
                (0i64..8_000).prop_map(|f| Charge { amount: Fen(f) }),
                (0i64..12_000).prop_map(|f| Paid { amount: Fen(f) }),
                Just(Tick),
            ],
        ),
        1..120,
    )
}

proptest! {
    /// Orders alternate (cut-off, reconnect, cut-off, ...); a cut-off comes
    /// only after the balance stayed at or below zero for the whole grace; a
    /// reconnect only with the balance above zero; at most one low notice
    /// between two times the balance is at or above the threshold (and above zero).
    #[test]
    fn orders_never_flap(start in -2_000i64..10_000, threshold in 0i64..6_000, steps in events()) {
        let mut m = PrepaidMachine::new(Prepaid { balance: Fen(start), threshold: Fen(threshold) }, GRACE, 0);
        let mut now = 0;
        let mut cut = false;
        let mut nonpositive_since: Option<i64> = None;
        let mut notices_since_rearm = 0;
        for (gap, ev) in steps {
            now += gap;
            let out = m.step(now, ev);
            if m.balance >= Fen(threshold) && m.balance > Fen(0) {
                notices_since_rearm = 0;
            }
            match (m.balance > Fen(0), nonpositive_since) {
                (true, _) => nonpositive_since = None,
                (false, None) => nonpositive_since = Some(now),
                (false, Some(_)) => {}
            }
            for o in out {
                match o {
                    PrepaidOutput::CutOff => {
                        prop_assert!(!cut, "two cut-offs in a row");
                        let since = nonpositive_since.expect("cut off while above zero");
                        prop_assert!(now - since >= GRACE, "cut off within the grace");
                        cut = true;
                    }
                    PrepaidOutput::Reconnect => {
                        prop_assert!(cut, "reconnect without a cut-off");
                        prop_assert!(m.balance > Fen(0));
                        cut = false;
                    }
                    PrepaidOutput::LowBalance { balance, .. } => {
                        prop_assert!(balance < Fen(threshold) || balance <= Fen(0));
                        notices_since_rearm += 1;
                        prop_assert!(notices_since_rearm <= 1, "told twice");
                    }
                }
            }
            prop_assert_eq!(cut, m.state == PrepaidState::CutOff);
            if cut {
                prop_assert!(m.balance <= Fen(0));
            }
        }
    }
}
