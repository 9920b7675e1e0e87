//! Emergency plans under virtual time: a plan is refused whole when unsound; triggers fire after their hold, once, and not again until they clear.

use domain::Role;
use emergency::plan::{Action, EventType, Level, Plan, PlanError, Step, TriggerRule};
use emergency::{Fact, Figures, Incident, IncidentError, Triggers, What};
use proptest::prelude::*;
use std::collections::BTreeSet;

const S: i64 = 1_000;

fn step(id: &str, ack_by: &[Role], after: &[&str]) -> Step {
    Step {
        id: id.into(),
        title: format!("步骤 {id}"),
        ack_by: ack_by.to_vec(),
        action: None,
        after: after.iter().map(|a| (*a).to_owned()).collect(),
        escalate_after_s: 120,
    }
}

/// 客户排队过多, level III: open two counters, a banner, divert; triggered by business A's queue.
fn surge() -> Plan {
    let mut open = step("open", &[Role::Supervisor, Role::Clerk], &[]);
    open.action = Some(Action::OpenCounters { count: 2 });
    let mut banner = step("banner", &[Role::Emergency], &[]);
    banner.action = Some(Action::Banner {
        text: "业务高峰，请使用自助终端".into(),
        voice: true,
    });
    let mut divert = step("divert", &[Role::Supervisor], &["open"]);
    divert.action = Some(Action::Divert);
    Plan {
        id: "surge".into(),
        name: "客户排队过多".into(),
        event: EventType::QueueSurge,
        level: Level::III,
        roles: vec![Role::Emergency, Role::Supervisor, Role::Clerk],
        steps: vec![open, banner, divert],
        triggers: vec![
            TriggerRule::Waiting {
                business: "A".into(),
                above: 30,
                clear_at: 15,
                hold_s: 60,
            },
            TriggerRule::LongestWait {
                business: "A".into(),
                above_s: 1_800,
                clear_at_s: 900,
                hold_s: 60,
            },
        ],
        auto_activate: false,
    }
}

fn businesses() -> BTreeSet<String> {
    ["A", "B", "C"].into_iter().map(String::from).collect()
}

fn waiting(n: u32, longest_s: u32) -> Figures {
    let mut f = Figures::default();
    f.queues.insert("A".into(), (n, longest_s));
    f
}

#[test]
fn a_sound_plan_passes_and_an_unsound_one_is_refused_whole() {
    assert_eq!(surge().check(&businesses()), Ok(()));

    let mut p = surge();
    p.steps[0].after = vec!["divert".into()]; // open ← divert ← open
    assert!(matches!(p.check(&businesses()), Err(PlanError::Cycle(_))));

    let mut p = surge();
    p.steps[2].after = vec!["nope".into()];
    assert_eq!(
        p.check(&businesses()),
        Err(PlanError::UnknownStep {
            step: "divert".into(),
            after: "nope".into()
        })
    );

    let mut p = surge();
    p.roles = vec![Role::Emergency];
    assert_eq!(
        p.check(&businesses()),
        Err(PlanError::UnknownRole {
            step: "open".into()
        })
    );

    let mut p = surge();
    p.steps[1].ack_by.clear();
    assert!(matches!(
        p.check(&businesses()),
        Err(PlanError::UnknownRole { .. })
    ));

    let mut p = surge();
    p.triggers[0] = TriggerRule::Waiting {
        business: "Z".into(),
        above: 30,
        clear_at: 15,
        hold_s: 60,
    };
    assert_eq!(
        p.check(&businesses()),
        Err(PlanError::UnknownBusiness("Z".into()))
    );

    let mut p = surge();
    p.triggers[0] = TriggerRule::Waiting {
        business: "A".into(),
        above: 30,
        clear_at: 30,
        hold_s: 60,
    };
    assert_eq!(p.check(&businesses()), Err(PlanError::BadTrigger));

    let mut p = surge();
    p.steps[1].id = "open".into();
    assert_eq!(
        p.check(&businesses()),
        Err(PlanError::DuplicateStep("open".into()))
    );

    let mut p = surge();
    p.steps.clear();
    assert_eq!(p.check(&businesses()), Err(PlanError::NoSteps));

    let mut p = surge();
    p.id = "空格 id".into();
    assert!(matches!(p.check(&businesses()), Err(PlanError::BadId(_))));
}

#[test]
fn a_queue_surge_is_proposed_after_it_held_for_its_duration() {
    let mut t = Triggers::new(vec![surge()]);
    assert!(t.observe(&waiting(35, 600), 0).is_empty());
    assert!(t.observe(&waiting(40, 700), 59 * S).is_empty());
    let p = t.observe(&waiting(41, 720), 60 * S);
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].plan.as_str(), p[0].trigger, p[0].auto),
        ("surge", 0, false)
    );
    assert!(p[0].reason.contains("等候 41 人"), "{}", p[0].reason);
    // A dip below the bound restarts the hold.
    let mut t = Triggers::new(vec![surge()]);
    t.observe(&waiting(35, 0), 0);
    t.observe(&waiting(29, 0), 30 * S);
    t.observe(&waiting(35, 0), 31 * S);
    assert!(t.observe(&waiting(35, 0), 90 * S).is_empty());
    assert_eq!(t.observe(&waiting(35, 0), 91 * S).len(), 1);
}

#[test]
fn two_triggers_of_one_plan_propose_it_once() {
    let mut t = Triggers::new(vec![surge()]);
    t.observe(&waiting(35, 2_000), 0);
    let p = t.observe(&waiting(35, 2_000), 60 * S);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(t.observe(&waiting(35, 2_000), 600 * S).is_empty());
}

#[test]
fn a_released_plan_is_proposed_again_only_after_its_trigger_cleared() {
    let mut t = Triggers::new(vec![surge()]);
    t.observe(&waiting(35, 0), 0);
    assert_eq!(t.observe(&waiting(35, 0), 60 * S).len(), 1);
    // Declined: still surging, but the trigger has fired and not cleared.
    t.release("surge");
    assert!(t.observe(&waiting(35, 0), 200 * S).is_empty());
    // Between the bounds (16–29) is neither: nothing re-arms.
    t.observe(&waiting(20, 0), 300 * S);
    t.observe(&waiting(35, 0), 400 * S);
    assert!(t.observe(&waiting(35, 0), 500 * S).is_empty());
    // Clear (≤ 15) for the hold: re-armed; a new surge is proposed after its hold.
    t.observe(&waiting(10, 0), 600 * S);
    t.observe(&waiting(10, 0), 660 * S);
    t.observe(&waiting(35, 0), 700 * S);
    assert_eq!(t.observe(&waiting(35, 0), 760 * S).len(), 1);
}

#[test]
fn an_engaged_plans_level_follows_the_queue_without_flapping() {
    let mut t = Triggers::new(vec![surge()]);
    t.observe(&waiting(35, 0), 0);
    assert_eq!(t.observe(&waiting(35, 0), 60 * S).len(), 1);
    // Wavering between the bounds (16–29) and back over 30: nothing.
    for (k, n) in [20, 31, 18, 33, 25, 40].into_iter().enumerate() {
        t.observe(&waiting(n, 0), (100 + 10 * k as i64) * S);
    }
    assert!(t.take_hints().is_empty());
    // Clear (≤ 15) for a minute: eased, one level down, once.
    t.observe(&waiting(12, 0), 200 * S);
    t.observe(&waiting(14, 0), 259 * S);
    assert!(t.take_hints().is_empty());
    t.observe(&waiting(10, 0), 260 * S);
    t.observe(&waiting(8, 0), 400 * S);
    let h = t.take_hints();
    assert_eq!(h.len(), 1);
    assert!(!h[0].up);
    // A surge again, held for a minute: graver, one level up; still no new proposal.
    t.observe(&waiting(32, 0), 500 * S);
    assert!(t.observe(&waiting(32, 0), 560 * S).is_empty());
    let h = t.take_hints();
    assert_eq!(h.len(), 1);
    assert!(h[0].up);
    // Released (the incident ended): no more hints, and the next surge is a proposal.
    t.release("surge");
    t.observe(&waiting(5, 0), 600 * S);
    t.observe(&waiting(5, 0), 660 * S);
    assert!(t.take_hints().is_empty());
    t.observe(&waiting(35, 0), 700 * S);
    assert_eq!(t.observe(&waiting(35, 0), 760 * S).len(), 1);
}

#[test]
fn a_power_cut_and_the_button_propose_at_once() {
    let mut power = surge();
    power.id = "power".into();
    power.event = EventType::PowerOutage;
    power.triggers = vec![TriggerRule::PowerOut, TriggerRule::PublicSafetyButton];
    power.auto_activate = true;
    let mut t = Triggers::new(vec![power]);
    let f = Figures {
        power_out: true,
        ..Figures::default()
    };
    let p = t.observe(&f, 5 * S);
    assert_eq!(p.len(), 1);
    assert!(p[0].auto);
    assert!(t.press_public_safety(6 * S).is_empty(), "engaged already");
    t.release("power");
    assert_eq!(t.press_public_safety(7 * S).len(), 1);
}

#[test]
fn new_plans_keep_the_state_of_the_triggers_that_stay() {
    let mut t = Triggers::new(vec![surge()]);
    t.observe(&waiting(35, 0), 0);
    assert_eq!(t.observe(&waiting(35, 0), 60 * S).len(), 1);
    t.release("surge");
    t.set_plans(vec![surge()]);
    assert!(
        t.observe(&waiting(35, 0), 120 * S).is_empty(),
        "no re-fire on a feed"
    );
}

proptest! {
    /// Whatever the queue does, a plan is proposed at most once while engaged,
    /// and never before its condition held for the hold time.
    #[test]
    fn never_twice_while_engaged_and_never_early(
        steps in prop::collection::vec((0u32..60, 1i64..30), 1..200)
    ) {
        let mut t = Triggers::new(vec![surge()]);
        let mut now = 0;
        let mut proposals = 0;
        let mut high_since: Option<i64> = None;
        for (n, dt) in steps {
            now += dt * S;
            let out = t.observe(&waiting(n, 0), now);
            if n >= 30 {
                high_since.get_or_insert(now);
            } else {
                high_since = None;
            }
            for _ in &out {
                let since = high_since.expect("fired while not high");
                prop_assert!(now - since >= 60 * S);
            }
            proposals += out.len();
        }
        prop_assert!(proposals <= 1);
    }
}

#[test]
fn an_incident_runs_its_steps_and_its_timeline_is_the_record() {
    let mut i = Incident::activate(
        7,
        surge(),
        Level::III,
        Some("3001"),
        "业务 A 等候 41 人",
        false,
        0,
    );
    // open and banner wait for nothing; divert waits for open.
    let due: Vec<_> = i.steps.iter().map(|s| s.due_at.is_some()).collect();
    assert_eq!(due, [true, true, false]);
    assert_eq!(i.waiting_for(Role::Clerk), [&"open".to_owned()]);
    // Refusals change nothing.
    let before = i.clone();
    assert_eq!(
        i.acknowledge("banner", Role::Clerk, "1001", S),
        Err(IncidentError::NotOnStep)
    );
    assert_eq!(
        i.acknowledge("divert", Role::Supervisor, "2001", S),
        Err(IncidentError::NotDue)
    );
    assert_eq!(
        i.acknowledge("nope", Role::Supervisor, "2001", S),
        Err(IncidentError::UnknownStep)
    );
    assert_eq!(i, before);
    // open needs the supervisor and a clerk; then divert is due.
    i.acknowledge("open", Role::Clerk, "1001", 30 * S).unwrap();
    assert_eq!(
        i.acknowledge("open", Role::Clerk, "1002", 31 * S),
        Err(IncidentError::AlreadyAcknowledged)
    );
    assert!(i.steps[2].due_at.is_none());
    i.acknowledge("open", Role::Supervisor, "2001", 45 * S)
        .unwrap();
    assert_eq!(i.steps[0].done_at, Some(45 * S));
    assert_eq!(i.steps[2].due_at, Some(45 * S));
    // The banner is late: it escalates once.
    assert!(i.tick(120 * S).is_empty());
    assert_eq!(i.tick(121 * S), ["banner".to_owned()]);
    assert!(i.tick(122 * S).is_empty(), "once");
    i.acknowledge("banner", Role::Emergency, "3001", 130 * S)
        .unwrap();
    // divert, due since 45 s, is late at 166 s.
    assert!(i.tick(165 * S).is_empty());
    assert_eq!(i.tick(166 * S), ["divert".to_owned()]);
    // Level down, handover, a note, the end.
    assert_eq!(i.change_level(false, Some("3001"), 200 * S), Ok(Level::IV));
    assert_eq!(
        i.change_level(false, Some("3001"), 201 * S),
        Err(IncidentError::LevelAtBound)
    );
    i.hand_over("3002", "3001", 210 * S).unwrap();
    assert_eq!(
        i.hand_over("3002", "3001", 211 * S),
        Err(IncidentError::SameDuty)
    );
    assert_eq!(i.note("  ", "3002", 212 * S), Err(IncidentError::BadText));
    i.note("排队已缓解", "3002", 220 * S).unwrap();
    i.terminate("高峰已过，共增开 2 个窗口", "3002", 240 * S)
        .unwrap();
    assert_eq!(
        i.acknowledge("divert", Role::Supervisor, "2001", 241 * S),
        Err(IncidentError::Ended)
    );
    assert!(i.waiting_for(Role::Supervisor).is_empty());
    // The timeline holds it all, in order, with who.
    let kinds: Vec<&str> = i
        .timeline
        .iter()
        .map(|e| match &e.what {
            What::Activated { .. } => "activated",
            What::StepDue { .. } => "due",
            What::Acknowledged { .. } => "ack",
            What::StepDone { .. } => "done",
            What::Escalated { .. } => "escalated",
            What::LevelChanged { .. } => "level",
            What::HandedOver { .. } => "handover",
            What::Note { .. } => "note",
            What::Ended { .. } => "ended",
            _ => "fact",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "activated",
            "due",
            "due",
            "ack",
            "ack",
            "done",
            "due",
            "escalated",
            "ack",
            "done",
            "escalated",
            "level",
            "handover",
            "note",
            "ended"
        ]
    );
    assert!(i.timeline.windows(2).all(|w| w[0].at <= w[1].at));
    // The report: how long each step took, and what was missed.
    let r = i.report();
    assert_eq!(r.steps[0].took_ms, Some(45 * S));
    assert_eq!(r.steps[1].took_ms, Some(130 * S));
    assert!(r.steps[1].escalated);
    assert_eq!(r.steps[2].took_ms, None);
    assert_eq!(r.missed, 1);
    assert_eq!(r.ended_at, Some(240 * S));
}

#[test]
fn a_drill_is_scored() {
    let mut d = Incident::activate(8, surge(), Level::III, Some("3001"), "演练", true, 0);
    d.acknowledge("open", Role::Clerk, "1001", 20 * S).unwrap();
    d.acknowledge("banner", Role::Emergency, "3001", 10 * S)
        .unwrap();
    d.acknowledge("open", Role::Supervisor, "2001", 40 * S)
        .unwrap();
    d.tick(200 * S);
    d.terminate("演练结束", "3001", 300 * S).unwrap();
    let s = d.score();
    // First acknowledgements: open 20 s, banner 10 s after due (divert never).
    assert_eq!(s.mean_first_ack_ms, Some(15 * S));
    assert_eq!(s.counters_opened_ms, Some(40 * S));
    assert_eq!((s.escalated, s.missed), (1, 1));
    assert!(d.report().drill);
}

#[test]
fn facts_land_on_the_timeline_until_it_is_full_and_the_system_eases_the_level() {
    let mut i = Incident::activate(9, surge(), Level::III, Some("3001"), "排队", false, 0);
    assert!(i.record(
        Fact::Queue {
            waiting: 41,
            longest_wait_s: 900
        },
        None,
        S
    ));
    assert!(i.record(Fact::CounterOpened { counter: 5 }, Some("1001"), 2 * S));
    assert_eq!(i.change_level(false, None, 3 * S), Ok(Level::IV));
    let last = i.timeline.last().unwrap();
    assert_eq!(last.by, None, "the system eased it");
    assert_eq!(
        last.what,
        What::LevelChanged {
            from: Level::III,
            to: Level::IV
        }
    );
    while i.timeline.len() < emergency::incident::MAX_TIMELINE {
        i.note("记录", "3001", 4 * S).unwrap();
    }
    assert_eq!(
        i.note("再一条", "3001", 5 * S),
        Err(IncidentError::TimelineFull)
    );
    assert!(!i.record(Fact::CounterOpened { counter: 6 }, None, 5 * S));
    // The end is always recorded.
    i.terminate("结束", "3001", 6 * S).unwrap();
    assert!(matches!(
        i.timeline.last().unwrap().what,
        What::Ended { .. }
    ));
    assert!(!i.record(Fact::CounterOpened { counter: 6 }, None, 7 * S));
}
